/*
 * remote.c: the remote-capture entry points of the libpcap 1.10 header.
 * Local sources (plain names, rpcap:// without a host, file://) work; remote
 * hosts are refused with a clear message, as a libpcap built without remote
 * support would refuse them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "pcapshim.h"

#define NO_REMOTE "Remote capture (rpcap) is not supported by pcapshim; run the capture on that host"

int pcap_parsesrcstr(const char *source, int *type, char *host, char *port,
    char *name, char *errbuf)
{
	const char *rest, *slash;

	if (host) host[0] = '\0';
	if (port) port[0] = '\0';
	if (name) name[0] = '\0';
	if (strncmp(source, PCAP_SRC_FILE_STRING, strlen(PCAP_SRC_FILE_STRING)) == 0) {
		rest = source + strlen(PCAP_SRC_FILE_STRING);
		if (rest[0] == '\0') {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "No file name was specified");
			return -1;
		}
		if (type) *type = PCAP_SRC_FILE;
		if (name) snprintf(name, PCAP_BUF_SIZE, "%s", rest);
		return 0;
	}
	if (strncmp(source, PCAP_SRC_IF_STRING, strlen(PCAP_SRC_IF_STRING)) != 0) {
		if (type) *type = PCAP_SRC_IFLOCAL;
		if (name) snprintf(name, PCAP_BUF_SIZE, "%s", source);
		return 0;
	}
	rest = source + strlen(PCAP_SRC_IF_STRING);
	slash = strchr(rest, '/');
	if (slash == NULL) {		/* rpcap://dev: a local device */
		if (type) *type = PCAP_SRC_IFLOCAL;
		if (name) snprintf(name, PCAP_BUF_SIZE, "%s", rest);
		return 0;
	}
	if (type) *type = PCAP_SRC_IFREMOTE;
	if (host) {
		const char *colon = NULL, *end = slash;

		if (rest[0] == '[') {	/* [v6addr]:port */
			const char *close = memchr(rest, ']', (size_t)(slash - rest));
			if (close != NULL) {
				snprintf(host, PCAP_BUF_SIZE, "%.*s", (int)(close - rest - 1), rest + 1);
				if (close[1] == ':' && port)
					snprintf(port, PCAP_BUF_SIZE, "%.*s", (int)(slash - close - 2), close + 2);
				goto named;
			}
		}
		colon = memchr(rest, ':', (size_t)(slash - rest));
		if (colon != NULL) {
			end = colon;
			if (port)
				snprintf(port, PCAP_BUF_SIZE, "%.*s", (int)(slash - colon - 1), colon + 1);
		}
		snprintf(host, PCAP_BUF_SIZE, "%.*s", (int)(end - rest), rest);
	}
named:
	if (name) snprintf(name, PCAP_BUF_SIZE, "%s", slash + 1);
	return 0;
}

int pcap_createsrcstr(char *source, int type, const char *host,
    const char *port, const char *name, char *errbuf)
{
	switch (type) {
	case PCAP_SRC_FILE:
		if (name == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "The file name cannot be NULL.");
			return -1;
		}
		snprintf(source, PCAP_BUF_SIZE, "%s%s", PCAP_SRC_FILE_STRING, name);
		return 0;
	case PCAP_SRC_IFREMOTE:
		if (host == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "The host name cannot be NULL.");
			return -1;
		}
		snprintf(source, PCAP_BUF_SIZE, "%s%s%s%s%s%s/%s", PCAP_SRC_IF_STRING,
		    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
		    port && port[0] ? ":" : "", port ? port : "", name ? name : "");
		return 0;
	case PCAP_SRC_IFLOCAL:
		snprintf(source, PCAP_BUF_SIZE, "%s%s", PCAP_SRC_IF_STRING, name ? name : "");
		return 0;
	}
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "The interface type is not valid.");
	return -1;
}

pcap_t *pcap_open(const char *source, int snaplen, int flags, int read_timeout,
    struct pcap_rmtauth *auth, char *errbuf)
{
	char name[PCAP_BUF_SIZE];
	int type;
	pcap_t *p;

	(void)auth;
	if (pcap_parsesrcstr(source, &type, NULL, NULL, name, errbuf) < 0)
		return NULL;
	if (type == PCAP_SRC_FILE)
		return pcap_open_offline(name, errbuf);
	if (type == PCAP_SRC_IFREMOTE) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, NO_REMOTE);
		return NULL;
	}
	p = pcap_create(name, errbuf);
	if (p == NULL)
		return NULL;
	pcap_set_snaplen(p, snaplen);
	pcap_set_promisc(p, (flags & PCAP_OPENFLAG_PROMISCUOUS) != 0);
	pcap_set_timeout(p, read_timeout);
	if (flags & PCAP_OPENFLAG_MAX_RESPONSIVENESS)
		pcap_set_immediate_mode(p, 1);
	if (pcap_activate(p) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* file://dir lists the files of dir as sources; local lists devices. */
int pcap_findalldevs_ex(const char *source, struct pcap_rmtauth *auth,
    pcap_if_t **alldevs, char *errbuf)
{
	char name[PCAP_BUF_SIZE];
	int type;
	pcap_if_t *d;

	(void)auth;
	*alldevs = NULL;
	if (pcap_parsesrcstr(source, &type, NULL, NULL, name, errbuf) < 0)
		return -1;
	if (type == PCAP_SRC_IFREMOTE) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, NO_REMOTE);
		return -1;
	}
	if (type == PCAP_SRC_FILE) {
		DIR *dir = opendir(name);
		struct dirent *e;
		pcap_if_t **tail = alldevs;

		if (dir == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "Error when listing files: does folder '%s' exist?", name);
			return -1;
		}
		while ((e = readdir(dir)) != NULL) {
			char path[PCAP_BUF_SIZE * 2];
			pcap_t *p;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s%s%s", name,
			    name[strlen(name) - 1] == '/' ? "" : "/", e->d_name);
			if ((p = pcap_open_offline(path, errbuf)) == NULL)
				continue;
			pcap_close(p);
			d = calloc(1, sizeof *d);
			if (d == NULL || asprintf(&d->name, "%s%s", PCAP_SRC_FILE_STRING, path) < 0) {
				free(d);
				break;
			}
			d->description = strdup("sourcefile");
			*tail = d;
			tail = &d->next;
		}
		closedir(dir);
		errbuf[0] = '\0';
		return 0;
	}
	if (pcap_findalldevs(alldevs, errbuf) < 0)
		return -1;
	for (d = *alldevs; d != NULL; d = d->next) {
		char *n;

		if (asprintf(&n, "%s%s", PCAP_SRC_IF_STRING, d->name) < 0)
			continue;
		free(d->name);
		d->name = n;
	}
	return 0;
}

struct pcap_samp *pcap_setsampling(pcap_t *p)
{
	static __thread struct pcap_samp none;

	(void)p;		/* sampling applies to rpcap only */
	return &none;
}

SOCKET pcap_remoteact_accept(const char *address, const char *port,
    const char *hostlist, char *connectinghost, struct pcap_rmtauth *auth,
    char *errbuf)
{
	(void)address, (void)port, (void)hostlist, (void)connectinghost, (void)auth;
	snprintf(errbuf, PCAP_ERRBUF_SIZE, NO_REMOTE);
	return (SOCKET)-2;
}

SOCKET pcap_remoteact_accept_ex(const char *address, const char *port,
    const char *hostlist, char *connectinghost, struct pcap_rmtauth *auth,
    int uses_ssl, char *errbuf)
{
	(void)uses_ssl;
	return pcap_remoteact_accept(address, port, hostlist, connectinghost, auth, errbuf);
}

int pcap_remoteact_list(char *hostlist, char sep, int size, char *errbuf)
{
	(void)sep;
	if (size > 0)
		hostlist[0] = '\0';
	snprintf(errbuf, PCAP_ERRBUF_SIZE, NO_REMOTE);
	return -1;
}

int pcap_remoteact_close(const char *host, char *errbuf)
{
	(void)host;
	snprintf(errbuf, PCAP_ERRBUF_SIZE, NO_REMOTE);
	return -1;
}

void pcap_remoteact_cleanup(void)
{
}
