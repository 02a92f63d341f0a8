// Command bridge is the Go backend of pcapshim, built with
// -buildmode=c-shared into libpcapshim-go.so. The C front library (the files
// in shim/) dlopen()s it on first real use and calls the pcapshim_go_*
// functions exported here; each recovers every panic into an error code and
// text, so no panic ever reaches the host.
//
// Nothing here writes to fd 1 or 2, installs signal handlers, or starts
// subprocesses: the process belongs to the host.
package main

func main() {}
