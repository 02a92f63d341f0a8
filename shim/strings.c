/*
 * strings.c: pcap_strerror and the exported pcap_version string.
 */
#define _GNU_SOURCE
#include <string.h>

#include <pcap/pcap.h>

/*
 * Exported data object, not in any header: the version this library stands
 * in for. Writable char[7] like the system library's symbol.
 */
char pcap_version[] = "1.10.3";

/*
 * The text for an errno value, as strerror() gives it ("Unknown error N"
 * for values it does not know), built in a per-thread buffer so that
 * concurrent callers never see each other's text.
 */
const char *pcap_strerror(int errnum)
{
	static _Thread_local char buf[PCAP_ERRBUF_SIZE];

	/* GNU strerror_r: returns either a static string or buf. */
	return strerror_r(errnum, buf, sizeof buf);
}
