/*
 * remote.c: the remote-capture entry points (pcap_open, pcap_findalldevs_ex,
 * pcap_createsrcstr, pcap_parsesrcstr, pcap_setsampling, pcap_remoteact_*).
 * Debian's libpcap 1.10.3 is built without remote capture and does not
 * export them, so this program is linked against our library only. It
 * prints "key: field=value ..." lines that the Go test checks: rpcap://
 * sources fail at once with a return code and an error text, file://
 * sources work, nothing crashes or blocks.
 * Usage: remote <scratch dir> <valid savefile> <invalid savefile>
 */
#include "common.h"

static void try_open(const char *key, const char *src)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int n = 0, r;

	memset(eb, 0, sizeof eb);
	p = pcap_open(src, 65535, PCAP_OPENFLAG_PROMISCUOUS, 100, NULL, eb);
	printf("%s: handle=%d errlen=%zu err=\"%s\"\n", key, p != NULL,
	    strlen(eb), eb);
	if (p == NULL)
		return;
	while ((r = pcap_next_ex(p, &h, &d)) == 1)
		n++;
	printf("%s: packets=%d last=%d datalink=%d\n", key, n, r,
	    pcap_datalink(p));
	{
		struct pcap_samp *s = pcap_setsampling(p);

		printf("%s: setsampling_null=%d\n", key, s == NULL);
	}
	pcap_close(p);
}

static void try_findall(const char *key, const char *src)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL, *d;
	int r, n = 0;

	memset(eb, 0, sizeof eb);
	r = pcap_findalldevs_ex(src, NULL, &all, eb);
	printf("%s: ret=%d errlen=%zu err=\"%s\"\n", key, r, strlen(eb), eb);
	if (r != 0)
		return;
	for (d = all; d != NULL; d = d->next, n++)
		printf("%s: dev name=\"%s\"\n", key, d->name);
	printf("%s: count=%d\n", key, n);
	pcap_freealldevs(all);
}

static void try_parse(const char *key, const char *src)
{
	char eb[PCAP_ERRBUF_SIZE], host[PCAP_BUF_SIZE], port[PCAP_BUF_SIZE],
	    name[PCAP_BUF_SIZE];
	int type = -1, r;

	memset(eb, 0, sizeof eb);
	memset(host, 0, sizeof host);
	memset(port, 0, sizeof port);
	memset(name, 0, sizeof name);
	r = pcap_parsesrcstr(src, &type, host, port, name, eb);
	printf("%s: ret=%d type=%d host=\"%s\" port=\"%s\" name=\"%s\" "
	    "errlen=%zu err=\"%s\"\n", key, r, type, host, port, name,
	    strlen(eb), eb);
}

static void try_create(const char *key, int type, const char *host,
    const char *port, const char *name)
{
	char eb[PCAP_ERRBUF_SIZE], src[PCAP_BUF_SIZE];
	int r;

	memset(eb, 0, sizeof eb);
	memset(src, 0, sizeof src);
	r = pcap_createsrcstr(src, type, host, port, name, eb);
	printf("%s: ret=%d source=\"%s\" errlen=%zu err=\"%s\"\n", key, r, src,
	    strlen(eb), eb);
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE], src[PCAP_BUF_SIZE + 16];
	char hostlist[RPCAP_HOSTLIST_SIZE], connecting[PCAP_BUF_SIZE];
	SOCKET s;
	int r;

	watchdog();
	if (argc != 4) {
		fprintf(stderr, "usage: remote dir valid.pcap invalid.pcap\n");
		return 2;
	}
	enter(argv[1]);
	/* a directory holding one valid and one invalid capture */
	if (copyfile(argv[2], "good.pcap") != 0 ||
	    copyfile(argv[3], "bad.pcap") != 0) {
		printf("cannot copy the inputs\n");
		return 1;
	}

	try_open("open-rpcap-ipv4", "rpcap://127.0.0.1/eth0");
	try_open("open-rpcap-port", "rpcap://127.0.0.1:2002/lo");
	try_open("open-rpcap-ipv6", "rpcap://[::1]:2002/lo");
	snprintf(src, sizeof src, "file://%s", argv[2]);
	try_open("open-file", src);
	snprintf(src, sizeof src, "file://%s", argv[3]);
	try_open("open-file-invalid", src);
	try_open("open-file-missing", "file:///nonexistent/dir/x.pcap");
	try_open("open-plain-device", "nonexistent0");

	try_findall("findall-rpcap", "rpcap://127.0.0.1/");
	{
		char cwd[512];

		if (getcwd(cwd, sizeof cwd) == NULL)
			return 1;
		/* names below the scratch directory: print them relative */
		snprintf(src, sizeof src, "file://%s/", cwd);
		{
			char eb2[PCAP_ERRBUF_SIZE];
			pcap_if_t *all = NULL, *d;
			size_t cl = strlen(src);

			memset(eb2, 0, sizeof eb2);
			r = pcap_findalldevs_ex(src, NULL, &all, eb2);
			printf("findall-file: ret=%d errlen=%zu\n", r,
			    strlen(eb2));
			if (r == 0) {
				for (d = all; d != NULL; d = d->next) {
					char eb3[PCAP_ERRBUF_SIZE] = "";
					pcap_t *p = pcap_open(d->name, 65535,
					    0, 100, NULL, eb3);

					printf("findall-file: dev name=\"%s\" "
					    "opens=%d\n",
					    strncmp(d->name, src, cl) == 0 ?
					    d->name + cl : d->name, p != NULL);
					if (p != NULL)
						pcap_close(p);
				}
				pcap_freealldevs(all);
			}
		}
	}
	try_findall("findall-file-missing", "file:///nonexistent/dir/");

	try_create("create-file", PCAP_SRC_FILE, NULL, NULL, "/tmp/a.pcap");
	try_create("create-file-noname", PCAP_SRC_FILE, NULL, NULL, NULL);
	try_create("create-local", PCAP_SRC_IFLOCAL, NULL, NULL, "eth0");
	try_create("create-remote", PCAP_SRC_IFREMOTE, "host", "2002",
	    "eth0");
	try_create("create-badtype", 99, NULL, NULL, "eth0");
	try_parse("parse-file", "file:///tmp/a.pcap");
	try_parse("parse-local", "eth0");
	try_parse("parse-remote", "rpcap://host:2002/eth0");

	memset(eb, 0, sizeof eb);
	memset(connecting, 0, sizeof connecting);
	s = pcap_remoteact_accept("127.0.0.1", "0", "", connecting, NULL, eb);
	printf("remoteact_accept: ret=%d errlen=%zu err=\"%s\"\n", (int)s,
	    strlen(eb), eb);
	memset(eb, 0, sizeof eb);
	s = pcap_remoteact_accept_ex("127.0.0.1", "0", "", connecting, NULL, 0,
	    eb);
	printf("remoteact_accept_ex: ret=%d errlen=%zu err=\"%s\"\n", (int)s,
	    strlen(eb), eb);
	memset(eb, 0, sizeof eb);
	memset(hostlist, 0, sizeof hostlist);
	r = pcap_remoteact_list(hostlist, ',', (int)sizeof hostlist, eb);
	printf("remoteact_list: ret=%d list=\"%s\" errlen=%zu err=\"%s\"\n", r,
	    hostlist, strlen(eb), eb);
	memset(eb, 0, sizeof eb);
	r = pcap_remoteact_close("127.0.0.1", eb);
	printf("remoteact_close: ret=%d errlen=%zu err=\"%s\"\n", r,
	    strlen(eb), eb);
	pcap_remoteact_cleanup();
	printf("remoteact_cleanup: returned\n");
	printf("done\n");
	return 0;
}
