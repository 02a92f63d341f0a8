// Command exanic-sim makes a simulated ExaNIC card and plays traffic on it,
// for trying ExaNIC capture without a card:
//
//	go run ./exanic/cmd/exanic-sim -dir /tmp/exasim -count 1000 -rate 100
//	PCAPSHIM_EXANIC_SIM=/tmp/exasim LD_LIBRARY_PATH=. tcpdump -i enp4s0 -nn
//
// The card has two ports, enp4s0 (10.0.0.1/24) and enp4s0d1. Frames are
// UDP packets from 10.0.0.2 to 10.0.0.1 with a sequence number, sent on
// port 0 at -rate frames per second (0: as fast as possible); -bad N makes
// every Nth frame a CRC error. The clock registers follow the host clock.
// The directory is kept, so start the capture while frames are sent (a new
// capture starts at "now").
package main
