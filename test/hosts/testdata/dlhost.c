/*
 * dlhost.c: load the front library the way ctypes does (dlopen RTLD_LOCAL,
 * no DT_NEEDED), read a savefile, dlclose, and repeat. Usage: dlhost LIB
 * FILE ROUNDS. Prints per-run key=value lines for hosts_test.go.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef pcap_t *(*open_fn)(const char *, char *);
typedef int (*loop_fn)(pcap_t *, int, pcap_handler, u_char *);
typedef void (*close_fn)(pcap_t *);

static int threads(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	int n = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	(void)h;
	(void)b;
	(*(unsigned long *)user)++;
}

int main(int argc, char **argv)
{
	int rounds, i, first_threads = -1, max_threads = 0, distinct = 0;
	void *prev = NULL;

	if (argc != 4) {
		fprintf(stderr, "usage: dlhost LIB FILE ROUNDS\n");
		return 2;
	}
	alarm(40);
	rounds = atoi(argv[3]);
	for (i = 0; i < rounds; i++) {
		char err[PCAP_ERRBUF_SIZE];
		unsigned long n = 0;
		void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		open_fn op;
		loop_fn lp;
		close_fn cl;
		pcap_t *p;
		int rc, t;

		if (h == NULL) {
			printf("error=dlopen round %d: %s\n", i, dlerror());
			return 1;
		}
		if (h != prev)
			distinct++;
		prev = h;
		op = (open_fn)dlsym(h, "pcap_open_offline");
		lp = (loop_fn)dlsym(h, "pcap_loop");
		cl = (close_fn)dlsym(h, "pcap_close");
		if (op == NULL || lp == NULL || cl == NULL) {
			printf("error=dlsym round %d\n", i);
			return 1;
		}
		p = op(argv[2], err);
		if (p == NULL) {
			printf("error=open round %d: %s\n", i, err);
			return 1;
		}
		rc = lp(p, -1, count_cb, (u_char *)&n);
		cl(p);
		if (rc != 0 || n == 0) {
			printf("error=loop round %d rc=%d packets=%lu\n", i, rc, n);
			return 1;
		}
		if (dlclose(h) != 0) {
			printf("error=dlclose round %d: %s\n", i, dlerror());
			return 1;
		}
		t = threads();
		if (first_threads < 0)
			first_threads = t;
		if (t > max_threads)
			max_threads = t;
	}
	printf("rounds=%d first_threads=%d max_threads=%d final_threads=%d distinct_handles=%d\n",
	    rounds, first_threads, max_threads, threads(), distinct);
	return 0;
}
