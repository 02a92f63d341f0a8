/*
 * lifecycle.c: pcap_create'd handles before activation (setters, getters and
 * operations that need an activated handle), pcap_activate on a missing
 * device, and setters on already-activated handles (open_dead, offline).
 * Usage: lifecycle <scratch dir> <valid savefile>
 */
#include "common.h"

static void nop_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	(void)user;
	(void)h;
	(void)b;
	printf("  callback called\n");
}

/* setters: every pcap_set_* on p, with ordinary and odd arguments. */
static void setters(const char *tag, pcap_t *p)
{
	printf("%s set_snaplen(65535)=%d\n", tag, pcap_set_snaplen(p, 65535));
	printf("%s set_snaplen(-1)=%d\n", tag, pcap_set_snaplen(p, -1));
	printf("%s set_snaplen(0)=%d\n", tag, pcap_set_snaplen(p, 0));
	printf("%s set_promisc(1)=%d\n", tag, pcap_set_promisc(p, 1));
	printf("%s set_promisc(0)=%d\n", tag, pcap_set_promisc(p, 0));
	printf("%s set_timeout(100)=%d\n", tag, pcap_set_timeout(p, 100));
	printf("%s set_timeout(-5)=%d\n", tag, pcap_set_timeout(p, -5));
	printf("%s set_buffer_size(1<<20)=%d\n", tag,
	    pcap_set_buffer_size(p, 1 << 20));
	printf("%s set_buffer_size(0)=%d\n", tag, pcap_set_buffer_size(p, 0));
	printf("%s set_buffer_size(-1)=%d\n", tag, pcap_set_buffer_size(p, -1));
	printf("%s set_immediate_mode(1)=%d\n", tag,
	    pcap_set_immediate_mode(p, 1));
	printf("%s set_immediate_mode(0)=%d\n", tag,
	    pcap_set_immediate_mode(p, 0));
	printf("%s set_rfmon(0)=%d\n", tag, pcap_set_rfmon(p, 0));
	printf("%s set_protocol_linux(0)=%d\n", tag,
	    pcap_set_protocol_linux(p, 0));
	printf("%s set_tstamp_precision(micro)=%d\n", tag,
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO));
	printf("%s set_tstamp_precision(nano)=%d\n", tag,
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO));
	printf("%s get_tstamp_precision=%d\n", tag,
	    pcap_get_tstamp_precision(p));
	printf("%s set_tstamp_precision(2)=%d\n", tag,
	    pcap_set_tstamp_precision(p, 2));
	printf("%s set_tstamp_precision(-1)=%d\n", tag,
	    pcap_set_tstamp_precision(p, -1));
	printf("%s get_tstamp_precision=%d\n", tag,
	    pcap_get_tstamp_precision(p));
	printf("%s set_tstamp_precision(micro)=%d\n", tag,
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO));
	printf("%s set_tstamp_type(host)=%d\n", tag,
	    pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST));
	printf("%s set_tstamp_type(adapter)=%d\n", tag,
	    pcap_set_tstamp_type(p, PCAP_TSTAMP_ADAPTER));
	printf("%s set_tstamp_type(99)=%d\n", tag, pcap_set_tstamp_type(p, 99));
	printf("%s set_tstamp_type(-1)=%d\n", tag, pcap_set_tstamp_type(p, -1));
	printf("%s set_tstamp_type(host)=%d\n", tag,
	    pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST));
	printf("%s geterr after setters=\"%s\"\n", tag, pcap_geterr(p));
}

/* inactive: what needs an activated handle, on one that is not. */
static void inactive(const char *tag, pcap_t *p)
{
	struct pcap_pkthdr *hp = NULL, hdr;
	const u_char *data = NULL;
	struct pcap_stat st;
	struct bpf_program prog;
	int *dlts = NULL;
	int r, nb;
	u_char pkt[60];

	memset(pkt, 0, sizeof pkt);
	memset(&st, 0, sizeof st);
	printf("%s datalink=%d\n", tag, pcap_datalink(p));
	printf("%s datalink_ext=%d\n", tag, pcap_datalink_ext(p));
	printf("%s snapshot=%d\n", tag, pcap_snapshot(p));
	printf("%s is_swapped=%d\n", tag, pcap_is_swapped(p));
	printf("%s major_version=%d\n", tag, pcap_major_version(p));
	printf("%s minor_version=%d\n", tag, pcap_minor_version(p));
	printf("%s bufsize=%d\n", tag, pcap_bufsize(p));
	printf("%s file_is_null=%d\n", tag, pcap_file(p) == NULL);
	printf("%s fileno=%d\n", tag, pcap_fileno(p));
	printf("%s selectable_fd=%d\n", tag, pcap_get_selectable_fd(p));
	printf("%s required_select_timeout_is_null=%d\n", tag,
	    pcap_get_required_select_timeout(p) == NULL);
	r = pcap_list_datalinks(p, &dlts);
	printf("%s list_datalinks=%d\n", tag, r);
	if (r >= 0)
		pcap_free_datalinks(dlts);
	printf("%s set_datalink(1)=%d err=\"%s\"\n", tag,
	    pcap_set_datalink(p, 1), pcap_geterr(p));

	pcap_geterr(p)[0] = '\0';
	r = pcap_next_ex(p, &hp, &data);
	printf("%s next_ex=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s next_is_null=%d err=\"%s\"\n", tag,
	    pcap_next(p, &hdr) == NULL, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_loop(p, 1, nop_cb, NULL);
	printf("%s loop=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_dispatch(p, -1, nop_cb, NULL);
	printf("%s dispatch=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
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
	printf("%s setdirection=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	r = pcap_compile(p, &prog, "", 1, PCAP_NETMASK_UNKNOWN);
	printf("%s compile(\"\")=%d err=\"%s\"\n", tag, r, pcap_geterr(p));
	if (r == 0)
		pcap_freecode(&prog);

	{
		char eb[PCAP_ERRBUF_SIZE] = "";

		nb = pcap_getnonblock(p, eb);
		printf("%s getnonblock=%d err=\"%s\"\n", tag, nb, eb);
		r = pcap_setnonblock(p, 1, eb);
		printf("%s setnonblock(1)=%d err=\"%s\"\n", tag, r, eb);
		nb = pcap_getnonblock(p, eb);
		printf("%s getnonblock=%d err=\"%s\"\n", tag, nb, eb);
		r = pcap_setnonblock(p, 0, eb);
		printf("%s setnonblock(0)=%d err=\"%s\"\n", tag, r, eb);
		nb = pcap_getnonblock(p, eb);
		printf("%s getnonblock=%d err=\"%s\"\n", tag, nb, eb);
	}
	/* breakloop on an idle handle is harmless; a later call still fails */
	pcap_breakloop(p);
	pcap_geterr(p)[0] = '\0';
	r = pcap_dispatch(p, 1, nop_cb, NULL);
	printf("%s dispatch after breakloop=%d err=\"%s\"\n", tag, r,
	    pcap_geterr(p));
}

/* activated: setters and pcap_activate on a handle that is already open. */
static void activated(const char *tag, pcap_t *p)
{
	printf("%s activate=%d err=\"%s\"\n", tag, pcap_activate(p),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_snaplen=%d err=\"%s\"\n", tag, pcap_set_snaplen(p, 100),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_promisc=%d err=\"%s\"\n", tag, pcap_set_promisc(p, 1),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_timeout=%d err=\"%s\"\n", tag, pcap_set_timeout(p, 10),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_buffer_size=%d err=\"%s\"\n", tag,
	    pcap_set_buffer_size(p, 1 << 20), pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_immediate_mode=%d err=\"%s\"\n", tag,
	    pcap_set_immediate_mode(p, 1), pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_rfmon=%d err=\"%s\"\n", tag, pcap_set_rfmon(p, 1),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_protocol_linux=%d err=\"%s\"\n", tag,
	    pcap_set_protocol_linux(p, 3), pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_tstamp_type=%d err=\"%s\"\n", tag,
	    pcap_set_tstamp_type(p, PCAP_TSTAMP_HOST), pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s set_tstamp_precision=%d err=\"%s\"\n", tag,
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO),
	    pcap_geterr(p));
	pcap_geterr(p)[0] = '\0';
	printf("%s can_set_rfmon=%d err=\"%s\"\n", tag, pcap_can_set_rfmon(p),
	    pcap_geterr(p));
	printf("%s get_tstamp_precision=%d\n", tag,
	    pcap_get_tstamp_precision(p));
	printf("%s snapshot=%d\n", tag, pcap_snapshot(p));
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int *types = NULL;
	int r, i;
	const char *devs[] = { "nonexistent0", "lo" };

	watchdog();
	if (argc != 3) {
		fprintf(stderr, "usage: lifecycle dir savefile\n");
		return 2;
	}
	enter(argv[1]);

	for (i = 0; i < 2; i++) {
		char tag[64];

		snprintf(tag, sizeof tag, "create(%s)", devs[i]);
		eb[0] = '\0';
		p = pcap_create(devs[i], eb);
		printf("%s handle=%d err=\"%s\"\n", tag, p != NULL, eb);
		if (p == NULL)
			continue;
		printf("%s geterr initially=\"%s\"\n", tag, pcap_geterr(p));
		r = pcap_list_tstamp_types(p, &types);
		printf("%s list_tstamp_types=%d", tag, r);
		if (r > 0) {
			int j;

			for (j = 0; j < r; j++)
				printf(" %d", types[j]);
		}
		printf("\n");
		if (r >= 0)
			pcap_free_tstamp_types(types);
		setters(tag, p);
		inactive(tag, p);
		pcap_close(p);
	}

	/* activation of a device that does not exist */
	eb[0] = '\0';
	p = pcap_create("nonexistent0", eb);
	if (p != NULL) {
		r = pcap_activate(p);
		printf("activate(nonexistent0)=%d (%s) err=\"%s\"\n", r,
		    pcap_statustostr(r), pcap_geterr(p));
		pcap_close(p);
	}
	eb[0] = '\0';
	p = pcap_create("nonexistent0", eb);
	if (p != NULL) {
		printf("can_set_rfmon(nonexistent0)=%d err=\"%s\"\n",
		    pcap_can_set_rfmon(p), pcap_geterr(p));
		pcap_close(p);
	}
	eb[0] = '\0';
	p = pcap_open_live("nonexistent0", 65535, 0, 100, eb);
	printf("open_live(nonexistent0) handle=%d err=\"%s\"\n", p != NULL, eb);
	if (p != NULL)
		pcap_close(p);

	/* already-activated handles */
	p = pcap_open_dead(DLT_EN10MB, 1500);
	if (p != NULL) {
		activated("dead", p);
		pcap_close(p);
	}
	eb[0] = '\0';
	p = pcap_open_offline(argv[2], eb);
	printf("open_offline handle=%d err=\"%s\"\n", p != NULL, eb);
	if (p != NULL) {
		activated("offline", p);
		pcap_close(p);
	}
	return 0;
}
