// Package exanic tests ExaNIC capture end to end without a card: stock
// tcpdump through the library with the simulator (PCAPSHIM_EXANIC_SIM)
// selected, a simulated card written by the test, and the results read
// back from tcpdump's output and capture files.
package exanic
