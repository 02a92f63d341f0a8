/*
 * tables.c: names and descriptions. The DLT and time-stamp tables live in
 * the Go core (core/tables); these wrappers hand out the backend's static C
 * strings. Status texts are C so error paths need no backend.
 */
#include <stdio.h>
#include <string.h>

#include "front.h"

#define PCAPSHIM_VERSION "0.1.0"

const char *pcap_lib_version(void)
{
	return "libpcap version 1.10.3 (pcapshim " PCAPSHIM_VERSION ", Go core)";
}

/* pcap_init's choice is process-wide, as in libpcap: 0 = not yet made,
 * else the encoding + 1. Only the first call may choose. */
static unsigned int init_choice;

int pcap_init(unsigned int opts, char *errbuf)
{
	unsigned int want, none = 0;

	if (opts != PCAP_CHAR_ENC_LOCAL && opts != PCAP_CHAR_ENC_UTF_8) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "Unknown options specified");
		return PCAP_ERROR;
	}
	want = opts + 1;
	if (!__atomic_compare_exchange_n(&init_choice, &none, want, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) && none != want) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "Multiple pcap_init calls with different character encodings");
		return PCAP_ERROR;
	}
	return 0;
}

/* shim_init_called: has a pcap_init call succeeded (libpcap's "new API"
 * mode, in which pcap_lookupdev refuses)? */
int shim_init_called(void)
{
	return __atomic_load_n(&init_choice, __ATOMIC_SEQ_CST) != 0;
}

const char *pcap_statustostr(int code)
{
	static __thread char unknown[32];

	switch (code) {
	case PCAP_WARNING: return "Generic warning";
	case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
		return "That type of time stamp is not supported by that device";
	case PCAP_WARNING_PROMISC_NOTSUP:
		return "That device doesn't support promiscuous mode";
	case PCAP_ERROR: return "Generic error";
	case PCAP_ERROR_BREAK: return "Loop terminated by pcap_breakloop";
	case PCAP_ERROR_NOT_ACTIVATED: return "The pcap_t has not been activated";
	case PCAP_ERROR_ACTIVATED:
		return "The setting can't be changed after the pcap_t is activated";
	case PCAP_ERROR_NO_SUCH_DEVICE: return "No such device exists";
	case PCAP_ERROR_RFMON_NOTSUP: return "That device doesn't support monitor mode";
	case PCAP_ERROR_NOT_RFMON:
		return "That operation is supported only in monitor mode";
	case PCAP_ERROR_PERM_DENIED:
		return "You don't have permission to perform this capture on that device";
	case PCAP_ERROR_IFACE_NOT_UP: return "That device is not up";
	case PCAP_ERROR_CANTSET_TSTAMP_TYPE:
		return "That device doesn't support setting the time stamp type";
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return "You don't have permission to capture in promiscuous mode on that device";
	case PCAP_ERROR_TSTAMP_PRECISION_NOTSUP:
		return "That device doesn't support that time stamp precision";
	}
	snprintf(unknown, sizeof unknown, "Unknown error: %d", code);
	return unknown;
}

const char *pcap_datalink_val_to_name(int dlt)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->dlt_name(dlt) : NULL;
}

const char *pcap_datalink_val_to_description(int dlt)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->dlt_description(dlt) : NULL;
}

const char *pcap_datalink_val_to_description_or_dlt(int dlt)
{
	static __thread char unknown[40];
	const char *d = pcap_datalink_val_to_description(dlt);

	if (d != NULL)
		return d;
	snprintf(unknown, sizeof unknown, "DLT %d", dlt);
	return unknown;
}

int pcap_datalink_name_to_val(const char *name)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->dlt_from_name(name) : -1;
}

const char *pcap_tstamp_type_val_to_name(int t)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->tstamp_name(t) : NULL;
}

const char *pcap_tstamp_type_val_to_description(int t)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->tstamp_description(t) : NULL;
}

int pcap_tstamp_type_name_to_val(const char *name)
{
	const struct shim_backend *be = shim_be(NULL);

	return be != NULL ? be->tstamp_from_name(name) : PCAP_ERROR;
}
