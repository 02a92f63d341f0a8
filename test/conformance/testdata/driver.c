/*
 * driver.c: runs conformance cases through libpcap's public API, for
 * test/conformance. The same binary runs against the system libpcap and
 * against ours (LD_LIBRARY_PATH picks the library).
 *
 * Input, one request per line, fields separated by single spaces, text
 * arguments hex-encoded ("-" for the empty string):
 *   C id dlt snaplen netmask optimize expr   pcap_open_dead + pcap_compile
 *   F id path netmask optimize expr          pcap_open_offline + pcap_compile
 *   A id path netmask optimize expr          the same, then pcap_offline_filter
 *                                            on every packet
 *   O id path                                pcap_open_offline only
 *   E id arg                                 pcap_ether_aton
 *   P id arg                                 pcap_nametoeproto
 *   L id arg                                 pcap_nametollc
 * Output, one line per request, flushed at once (so a crash is pinned on
 * the first request without an answer):
 *   R id OK n              then n lines "I code jt jf k<TAB>bpf_image text"
 *   R id VERDICTS v1 v2 …  (A)
 *   R id ERR hex           pcap_geterr text after a failed pcap_compile
 *   R id OPENERR hex       errbuf of a failed pcap_open_offline
 *   R id OPENED            (O)
 *   R id VAL n             (P, L: the int returned)
 *   R id MAC aa:bb:…       (E) or R id NULL
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include <pcap/namedb.h>

static char *unhex(const char *s)
{
	size_t n = strlen(s), i;
	char *out;

	if (strcmp(s, "-") == 0)
		n = 0;
	out = malloc(n / 2 + 1);
	for (i = 0; i + 1 < n + 1 && i < n; i += 2) {
		unsigned v;
		sscanf(s + i, "%2x", &v);
		out[i / 2] = (char)v;
	}
	out[n / 2] = '\0';
	return out;
}

static void puthex(const char *s)
{
	if (*s == '\0')
		fputs("-", stdout);
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
}

static void compile_and_report(pcap_t *p, const char *id, const char *expr,
    int optimize, bpf_u_int32 netmask, int apply)
{
	struct bpf_program fp;
	u_int i;

	if (pcap_compile(p, &fp, expr, optimize, netmask) < 0) {
		printf("R %s ERR ", id);
		puthex(pcap_geterr(p));
		printf("\n");
		return;
	}
	if (!apply) {
		printf("R %s OK %u\n", id, fp.bf_len);
		for (i = 0; i < fp.bf_len; i++) {
			struct bpf_insn *in = &fp.bf_insns[i];
			printf("I %u %u %u %u\t%s\n", in->code, in->jt, in->jf,
			    in->k, bpf_image(in, (int)i));
		}
	} else {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc;

		printf("R %s VERDICTS", id);
		while ((rc = pcap_next_ex(p, &h, &data)) == 1)
			printf(" %d", pcap_offline_filter(&fp, h, data));
		printf("\n");
	}
	pcap_freecode(&fp);
}

int main(void)
{
	char line[1 << 16];
	char errbuf[PCAP_ERRBUF_SIZE];

	while (fgets(line, sizeof line, stdin) != NULL) {
		char *f[8];
		int nf = 0;
		char *save, *tok;

		line[strcspn(line, "\n")] = '\0';
		for (tok = strtok_r(line, " ", &save); tok != NULL && nf < 8;
		    tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		if (nf < 3)
			continue;
		const char *id = f[1];
		switch (f[0][0]) {
		case 'C': {
			if (nf < 7)
				break;
			pcap_t *p = pcap_open_dead(atoi(f[2]), atoi(f[3]));
			char *expr = unhex(f[6]);
			if (p == NULL) {
				printf("R %s OPENERR ", id);
				puthex("pcap_open_dead failed");
				printf("\n");
			} else {
				compile_and_report(p, id, expr, atoi(f[5]),
				    (bpf_u_int32)strtoul(f[4], NULL, 10), 0);
				pcap_close(p);
			}
			free(expr);
			break;
		}
		case 'F':
		case 'A':
		case 'O': {
			char *path = unhex(f[2]);
			pcap_t *p = pcap_open_offline(path, errbuf);
			free(path);
			if (p == NULL) {
				printf("R %s OPENERR ", id);
				puthex(errbuf);
				printf("\n");
				break;
			}
			if (f[0][0] == 'O') {
				printf("R %s OPENED\n", id);
			} else if (nf >= 6) {
				char *expr = unhex(f[5]);
				compile_and_report(p, id, expr, atoi(f[4]),
				    (bpf_u_int32)strtoul(f[3], NULL, 10), f[0][0] == 'A');
				free(expr);
			}
			pcap_close(p);
			break;
		}
		case 'E': {
			char *arg = unhex(f[2]);
			u_char *mac = pcap_ether_aton(arg);
			if (mac == NULL)
				printf("R %s NULL\n", id);
			else {
				printf("R %s MAC %02x:%02x:%02x:%02x:%02x:%02x\n", id,
				    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
				free(mac);
			}
			free(arg);
			break;
		}
		case 'P':
		case 'L': {
			char *arg = unhex(f[2]);
			int v = f[0][0] == 'P' ? pcap_nametoeproto(arg) : pcap_nametollc(arg);
			printf("R %s VAL %d\n", id, v);
			free(arg);
			break;
		}
		}
		fflush(stdout);
	}
	return 0;
}
