package live

// Geometry is the ring's layout (TCPDUMP_DEBUG): block size, block count
// and frame size in bytes.
func (s *Source) Geometry() (blockSize, blocks, frameSize int) {
	return s.blockSize, s.ringBlocks, s.bufsize
}
