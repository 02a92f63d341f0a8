/*
 * loop.c: packet delivery semantics on a savefile: pcap_loop and
 * pcap_dispatch counts and return values, successive calls continuing where
 * the last stopped, the return at the end of the file, pcap_next and
 * pcap_next_ex to the end, and pcap_breakloop from inside a callback and
 * before a call. Every scenario reopens the file.
 * Usage: loop <scratch dir> <savefile with at least 6 packets>
 */
#include "common.h"

static const char *file;
static pcap_t *cur;
static int seen, break_at;

static void cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	char lab[64];

	seen++;
	snprintf(lab, sizeof lab, "  %s cb#%d", (const char *)user, seen);
	pkthdr(lab, h, d);
	if (break_at > 0 && seen == break_at) {
		printf("  breakloop in callback\n");
		pcap_breakloop(cur);
	}
}

static pcap_t *reopen(const char *what)
{
	char eb[PCAP_ERRBUF_SIZE] = "";

	if (cur != NULL)
		pcap_close(cur);
	cur = pcap_open_offline(file, eb);
	if (cur == NULL) {
		printf("%s: open failed: %s\n", what, eb);
		exit(1);
	}
	seen = 0;
	break_at = 0;
	printf("== %s\n", what);
	return cur;
}

static void loop(const char *tag, int cnt)
{
	int r;

	seen = 0;
	r = pcap_loop(cur, cnt, cb, (u_char *)tag);
	printf("%s loop(%d)=%d callbacks=%d err=\"%s\"\n", tag, cnt, r, seen,
	    r == PCAP_ERROR ? pcap_geterr(cur) : "");
}

static void dispatch(const char *tag, int cnt)
{
	int r;

	seen = 0;
	r = pcap_dispatch(cur, cnt, cb, (u_char *)tag);
	printf("%s dispatch(%d)=%d callbacks=%d err=\"%s\"\n", tag, cnt, r,
	    seen, r == PCAP_ERROR ? pcap_geterr(cur) : "");
}

static void next_ex(const char *tag)
{
	struct pcap_pkthdr *h = NULL;
	const u_char *d = NULL;
	int r = pcap_next_ex(cur, &h, &d);

	printf("%s next_ex=%d\n", tag, r);
	if (r == 1)
		pkthdr("  ", h, d);
}

int main(int argc, char **argv)
{
	struct pcap_pkthdr hdr;
	const u_char *d;
	int i, r;

	watchdog();
	if (argc != 3) {
		fprintf(stderr, "usage: loop dir savefile\n");
		return 2;
	}
	enter(argv[1]);
	file = argv[2];

	reopen("loop -1");
	loop("a", -1);
	loop("a", -1);
	loop("a", 1);

	reopen("loop 0");
	loop("b", 0);
	loop("b", 0);

	reopen("loop 1,1,5,-1,1");
	loop("c", 1);
	loop("c", 1);
	loop("c", 5);
	loop("c", -1);
	loop("c", 1);

	reopen("dispatch 1,5,0,-1,1");
	dispatch("d", 1);
	dispatch("d", 5);
	dispatch("d", 0);
	dispatch("d", -1);
	dispatch("d", 1);

	reopen("dispatch -1");
	dispatch("e", -1);
	dispatch("e", 5);

	reopen("pcap_next to the end");
	for (i = 1; i < 100; i++) {
		memset(&hdr, 0, sizeof hdr);
		d = pcap_next(cur, &hdr);
		if (d == NULL) {
			printf("f next #%d NULL\n", i);
			break;
		}
		pkthdr("f next", &hdr, d);
	}
	d = pcap_next(cur, &hdr);
	printf("f next again NULL=%d\n", d == NULL);

	reopen("pcap_next_ex to the end");
	for (i = 1; i < 100; i++) {
		struct pcap_pkthdr *h = NULL;

		d = NULL;
		r = pcap_next_ex(cur, &h, &d);
		printf("g next_ex #%d=%d\n", i, r);
		if (r != 1)
			break;
		pkthdr("  ", h, d);
	}
	next_ex("g again");

	reopen("breakloop in loop(-1) callback at packet 2");
	break_at = 2;
	loop("h", -1);
	loop("h", -1);

	reopen("breakloop in loop(-1) callback at packet 1");
	break_at = 1;
	loop("i", -1);
	loop("i", 2);

	reopen("breakloop in loop(1) callback at packet 1");
	break_at = 1;
	loop("j", 1);
	loop("j", 1);
	loop("j", 1);

	reopen("breakloop in loop(3) callback at packet 3");
	break_at = 3;
	loop("k", 3);
	next_ex("k");
	next_ex("k");

	reopen("breakloop in dispatch(-1) callback at packet 3");
	break_at = 3;
	dispatch("l", -1);
	dispatch("l", -1);
	dispatch("l", 1);

	reopen("breakloop in dispatch(2) callback at packet 2");
	break_at = 2;
	dispatch("m", 2);
	dispatch("m", 2);
	dispatch("m", 2);

	reopen("breakloop before pcap_next_ex");
	pcap_breakloop(cur);
	next_ex("n");
	next_ex("n");

	reopen("breakloop before pcap_next");
	pcap_breakloop(cur);
	d = pcap_next(cur, &hdr);
	printf("o next NULL=%d\n", d == NULL);
	d = pcap_next(cur, &hdr);
	printf("o next NULL=%d\n", d == NULL);

	reopen("breakloop before pcap_loop");
	pcap_breakloop(cur);
	loop("p", -1);
	loop("p", 2);

	reopen("breakloop before pcap_dispatch");
	pcap_breakloop(cur);
	dispatch("q", -1);
	dispatch("q", 2);

	reopen("breakloop twice, then loop at EOF");
	loop("r", -1);
	pcap_breakloop(cur);
	pcap_breakloop(cur);
	loop("r", -1);
	loop("r", -1);
	dispatch("r", -1);
	next_ex("r");

	reopen("mixing next_ex, dispatch, loop, next");
	next_ex("s");
	dispatch("s", 1);
	loop("s", 1);
	d = pcap_next(cur, &hdr);
	printf("s next NULL=%d\n", d == NULL);
	if (d != NULL)
		pkthdr("  ", &hdr, d);
	next_ex("s");
	loop("s", -1);

	pcap_close(cur);
	return 0;
}
