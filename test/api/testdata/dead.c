/*
 * dead.c: pcap_open_dead and pcap_open_dead_with_tstamp_precision handles,
 * and the same getters/operations on an offline handle.
 * Usage: dead <scratch dir> <savefile>
 */
#include "common.h"

static void lists(const char *tag, pcap_t *p)
{
	int *v = NULL;
	int r, i;

	r = pcap_list_datalinks(p, &v);
	printf("%s list_datalinks=%d", tag, r);
	for (i = 0; i < r; i++)
		printf(" %d", v[i]);
	printf(" err=\"%s\"\n", r < 0 ? pcap_geterr(p) : "");
	if (r >= 0)
		pcap_free_datalinks(v);
	v = NULL;
	r = pcap_list_tstamp_types(p, &v);
	printf("%s list_tstamp_types=%d", tag, r);
	for (i = 0; i < r; i++)
		printf(" %d", v[i]);
	printf(" err=\"%s\"\n", r < 0 ? pcap_geterr(p) : "");
	if (r > 0)
		pcap_free_tstamp_types(v);
}

static void probe(const char *tag, pcap_t *p)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_stat st;
	u_char pkt[64];
	int r;

	memset(pkt, 0xab, sizeof pkt);
	printf("%s datalink=%d datalink_ext=%d snapshot=%d precision=%d\n", tag,
	    pcap_datalink(p), pcap_datalink_ext(p), pcap_snapshot(p),
	    pcap_get_tstamp_precision(p));
	/*
	 * A savefile's selectable fd is the FILE's descriptor; its number
	 * depends on what else the process has open, so only compare it.
	 */
	if (pcap_file(p) != NULL)
		printf("%s file_is_null=0 fileno=%d selectable_fd_is_file=%d\n",
		    tag, pcap_fileno(p),
		    pcap_get_selectable_fd(p) == fileno(pcap_file(p)));
	else
		printf("%s file_is_null=1 fileno=%d selectable_fd=%d\n", tag,
		    pcap_fileno(p), pcap_get_selectable_fd(p));
	printf("%s required_select_timeout_is_null=%d\n", tag,
	    pcap_get_required_select_timeout(p) == NULL);
	printf("%s bufsize=%d is_swapped=%d major=%d minor=%d\n", tag,
	    pcap_bufsize(p), pcap_is_swapped(p), pcap_major_version(p),
	    pcap_minor_version(p));
	printf("%s geterr initially=\"%s\"\n", tag, pcap_geterr(p));

	memset(&st, 0x55, sizeof st);
	r = pcap_stats(p, &st);
	printf("%s stats=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_inject(p, pkt, sizeof pkt);
	printf("%s inject=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_sendpacket(p, pkt, sizeof pkt);
	printf("%s sendpacket=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_setdirection(p, PCAP_D_IN);
	printf("%s setdirection(in)=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_setdirection(p, PCAP_D_INOUT);
	printf("%s setdirection(inout)=%d err=\"%s\"\n", tag, r,
	    pcap_geterr(p));

	eb[0] = '\0';
	r = pcap_getnonblock(p, eb);
	printf("%s getnonblock=%d err=\"%s\"\n", tag, r, eb);
	eb[0] = '\0';
	r = pcap_setnonblock(p, 1, eb);
	printf("%s setnonblock(1)=%d err=\"%s\"\n", tag, r, eb);
	eb[0] = '\0';
	r = pcap_getnonblock(p, eb);
	printf("%s getnonblock=%d err=\"%s\"\n", tag, r, eb);
	eb[0] = '\0';
	r = pcap_setnonblock(p, 0, eb);
	printf("%s setnonblock(0)=%d err=\"%s\"\n", tag, r, eb);
	eb[0] = '\0';
	r = pcap_getnonblock(p, eb);
	printf("%s getnonblock=%d err=\"%s\"\n", tag, r, eb);

	lists(tag, p);
	pcap_geterr(p)[0] = '\0';
	r = pcap_set_datalink(p, pcap_datalink(p));
	printf("%s set_datalink(same)=%d err=\"%s\" datalink=%d\n", tag, r,
	    pcap_geterr(p), pcap_datalink(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_set_datalink(p, DLT_RAW);
	printf("%s set_datalink(RAW)=%d err=\"%s\" datalink=%d\n", tag, r,
	    pcap_geterr(p), pcap_datalink(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_set_datalink(p, 9999);
	printf("%s set_datalink(9999)=%d err=\"%s\" datalink=%d\n", tag, r,
	    pcap_geterr(p), pcap_datalink(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s can_set_rfmon=%d err=\"%s\"\n", tag, pcap_can_set_rfmon(p),
	    pcap_geterr(p));
}

static void dead_loop(pcap_t *p)
{
	struct pcap_pkthdr *h = NULL;
	const u_char *d = NULL;
	int r;

	pcap_geterr(p)[0] = '\0';
	r = pcap_next_ex(p, &h, &d);
	printf("dead next_ex=%d err=\"%s\"\n", r, pcap_geterr(p));
}

int main(int argc, char **argv)
{
	struct {
		int dlt, snap, prec;
	} cases[] = {
		{ DLT_EN10MB, 65535, -1 },
		{ DLT_EN10MB, 0, -1 },
		{ DLT_EN10MB, -1, -1 },
		{ DLT_EN10MB, 300000, -1 },
		{ DLT_RAW, 1500, -1 },
		{ DLT_NULL, 96, -1 },
		{ 12345, 100, -1 },
		{ -1, 100, -1 },
		{ DLT_LINUX_SLL, 65535, PCAP_TSTAMP_PRECISION_MICRO },
		{ DLT_LINUX_SLL, 65535, PCAP_TSTAMP_PRECISION_NANO },
		{ DLT_EN10MB, 65535, 2 },
		{ DLT_EN10MB, 65535, -7 },
	};
	char eb[PCAP_ERRBUF_SIZE];
	size_t i;
	pcap_t *p;

	watchdog();
	if (argc != 3) {
		fprintf(stderr, "usage: dead dir savefile\n");
		return 2;
	}
	enter(argv[1]);

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char tag[96];

		if (cases[i].prec < 0)
			p = pcap_open_dead(cases[i].dlt, cases[i].snap);
		else
			p = pcap_open_dead_with_tstamp_precision(cases[i].dlt,
			    cases[i].snap, (u_int)cases[i].prec);
		snprintf(tag, sizeof tag, "dead(%d,%d,%d)", cases[i].dlt,
		    cases[i].snap, cases[i].prec);
		printf("%s handle=%d\n", tag, p != NULL);
		if (p == NULL)
			continue;
		probe(tag, p);
		if (i == 0)
			dead_loop(p);
		pcap_close(p);
	}
	/* bad precision: documented as failing (NULL) */
	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, 2);
	printf("dead bad precision handle=%d\n", p != NULL);
	if (p != NULL)
		pcap_close(p);

	eb[0] = '\0';
	p = pcap_open_offline(argv[2], eb);
	printf("offline handle=%d err=\"%s\"\n", p != NULL, eb);
	if (p != NULL) {
		probe("offline", p);
		pcap_close(p);
	}
	eb[0] = '\0';
	p = pcap_open_offline_with_tstamp_precision(argv[2],
	    PCAP_TSTAMP_PRECISION_NANO, eb);
	printf("offline-nano handle=%d err=\"%s\"\n", p != NULL, eb);
	if (p != NULL) {
		probe("offline-nano", p);
		pcap_close(p);
	}
	return 0;
}
