/*
 * pcap/socket.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Socket declarations the API needs: struct sockaddr (pcap_addr),
 * struct addrinfo (pcap_nametoaddrinfo) and the SOCKET type the
 * active-mode remote-capture calls return.
 */
#ifndef lib_pcap_socket_h
#define lib_pcap_socket_h

#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* On UN*X a socket is a file descriptor. */
#ifndef SOCKET
#define SOCKET int
#endif
#ifndef INVALID_SOCKET
#define INVALID_SOCKET -1
#endif

#endif /* lib_pcap_socket_h */
