/*
 * sendframes IFACE: sends the frames given on standard input, one per line
 * in hex, on IFACE through an AF_PACKET socket, 2 ms apart. Exits 1 on the
 * first error. Used by the live tests inside their own network namespace.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll;
	static char line[20000];
	unsigned char frame[10000];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: sendframes IFACE < hexframes\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (sll.sll_ifindex == 0) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t n = 0, i;

		for (i = 0; line[i] != '\0' && line[i + 1] != '\0' && n < sizeof frame; i += 2) {
			int hi = hexval(line[i]), lo = hexval(line[i + 1]);

			if (hi < 0 || lo < 0)
				break;
			frame[n++] = (unsigned char)(hi << 4 | lo);
		}
		if (n == 0)
			continue;
		if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll, sizeof sll) != (ssize_t)n) {
			perror("sendto");
			return 1;
		}
		usleep(2000);
	}
	return 0;
}
