/*
 * handle.c: the pcap_t life cycle: create, options, activate, getters, close.
 * Behaviour and texts follow libpcap 1.10 (the man pages and the installed
 * library, which test/api compares us with).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

pcap_t *shim_alloc(char *errbuf)
{
	pcap_t *p = calloc(1, sizeof *p);

	if (p == NULL || (p->batch = calloc(SHIM_BATCH, sizeof *p->batch)) == NULL) {
		free(p);
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
		return NULL;
	}
	/* calloc gave libpcap's zero defaults (kind NONE, linktype 0); the rest: */
	p->wakefd = -1;
	p->selectable_fd = -1;
	p->fd = -1;
	p->ovfd = -1;
	p->opt_tstamp_type = -1;
	p->opt_precision = PCAP_TSTAMP_PRECISION_MICRO;
	p->ifdrop_base = -1;
	return p;
}

pcap_t *pcap_create(const char *device, char *errbuf)
{
	pcap_t *p = shim_alloc(errbuf);

	if (p == NULL)
		return NULL;
	p->device = strdup(device != NULL ? device : "any");
	if (p->device == NULL) {
		pcap_close(p);
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
		return NULL;
	}
	if (shim_tstamp_types(p, errbuf) < 0) {
		pcap_close(p);
		return NULL;
	}
	/* After the driver's list: an ExaNIC port replaces it with its own. */
	shim_exanic_create(p);
	return p;
}

int shim_check_activated(pcap_t *p)
{
	if (p->activated) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "can't perform  operation on activated capture");
		return 1;
	}
	return 0;
}

int shim_not_activated(pcap_t *p)
{
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "This handle hasn't been activated yet");
	return PCAP_ERROR_NOT_ACTIVATED;
}

#define SETTER(name, field)						\
int name(pcap_t *p, int v)						\
{									\
	if (shim_check_activated(p))					\
		return PCAP_ERROR_ACTIVATED;				\
	p->field = v;							\
	return 0;							\
}

SETTER(pcap_set_snaplen, opt_snaplen)
SETTER(pcap_set_promisc, opt_promisc)
SETTER(pcap_set_rfmon, opt_rfmon)
SETTER(pcap_set_timeout, opt_timeout)
SETTER(pcap_set_immediate_mode, opt_immediate)
SETTER(pcap_set_protocol_linux, opt_protocol)

int pcap_set_buffer_size(pcap_t *p, int size)
{
	if (shim_check_activated(p))
		return PCAP_ERROR_ACTIVATED;
	if (size <= 0)		/* libpcap ignores nonsense sizes */
		return 0;
	p->opt_buffer_size = size;
	return 0;
}

int pcap_set_tstamp_type(pcap_t *p, int type)
{
	int i;

	if (shim_check_activated(p))
		return PCAP_ERROR_ACTIVATED;
	if (type < 0)
		return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
	if (p->tstamp_count == 0) {
		if (type == PCAP_TSTAMP_HOST) {
			p->opt_tstamp_type = type;
			return 0;
		}
	} else {
		for (i = 0; i < p->tstamp_count; i++) {
			if (p->tstamp_list[i] == type) {
				p->opt_tstamp_type = type;
				return 0;
			}
		}
	}
	return PCAP_WARNING_TSTAMP_TYPE_NOTSUP;
}

int pcap_set_tstamp_precision(pcap_t *p, int precision)
{
	if (shim_check_activated(p))
		return PCAP_ERROR_ACTIVATED;
	if (precision != PCAP_TSTAMP_PRECISION_MICRO &&
	    precision != PCAP_TSTAMP_PRECISION_NANO)
		return PCAP_ERROR_TSTAMP_PRECISION_NOTSUP;
	p->opt_precision = precision;	/* live sources offer both */
	return 0;
}

int pcap_get_tstamp_precision(pcap_t *p)
{
	return p->activated ? p->precision : p->opt_precision;
}

int pcap_can_set_rfmon(pcap_t *p)
{
	if (p->kind == SHIM_KIND_DEAD) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "Rfmon mode doesn't apply on a pcap_open_dead pcap_t");
		return PCAP_ERROR;
	}
	return 0;	/* no monitor mode on the devices we open */
}

int pcap_activate(pcap_t *p)
{
	int rc;

	if (shim_check_activated(p))
		return PCAP_ERROR_ACTIVATED;
	rc = shim_activate_live(p);
	if (rc < 0) {
		/* As libpcap: a failed activation leaves the handle re-usable
		 * for pcap_close only; clear anything half set up. */
		return rc;
	}
	p->activated = 1;
	return rc;
}

pcap_t *pcap_open_live(const char *device, int snaplen, int promisc,
    int to_ms, char *errbuf)
{
	pcap_t *p;
	int rc, e;

	p = pcap_create(device, errbuf);
	if (p == NULL)
		return NULL;
	pcap_set_snaplen(p, snaplen);
	pcap_set_promisc(p, promisc);
	pcap_set_timeout(p, to_ms);
	rc = pcap_activate(p);
	if (rc < 0) {
		/* libpcap's wording: "device: status text (detail)" or
		 * "device: detail" for a generic error. */
		if (rc == PCAP_ERROR)
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", device, p->errbuf);
		else if (rc == PCAP_ERROR_NO_SUCH_DEVICE ||
		    rc == PCAP_ERROR_PERM_DENIED ||
		    rc == PCAP_ERROR_PROMISC_PERM_DENIED)
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s (%s)", device,
			    pcap_statustostr(rc), p->errbuf);
		else
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", device,
			    pcap_statustostr(rc));
		e = errno;	/* the activation's, for the caller */
		pcap_close(p);
		errno = e;
		return NULL;
	}
	if (rc > 0)	/* a warning: the text is the caller's to see */
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", p->errbuf);
	else
		errbuf[0] = '\0';
	return p;
}

pcap_t *pcap_open_dead_with_tstamp_precision(int linktype, int snaplen,
    u_int precision)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	/* libpcap takes any value here: nano is nano, anything else micro. */
	if (precision != PCAP_TSTAMP_PRECISION_NANO)
		precision = PCAP_TSTAMP_PRECISION_MICRO;
	p = shim_alloc(errbuf);
	if (p == NULL)
		return NULL;
	p->kind = SHIM_KIND_DEAD;
	p->fd = p->selectable_fd = 0;	/* what libpcap's zeroed pcap_t reports */
	p->linktype = linktype;
	p->snapshot = snaplen;
	p->precision = (int)precision;
	p->opt_precision = (int)precision;
	p->activated = 1;
	return p;
}

pcap_t *pcap_open_dead(int linktype, int snaplen)
{
	return pcap_open_dead_with_tstamp_precision(linktype, snaplen,
	    PCAP_TSTAMP_PRECISION_MICRO);
}

void pcap_close(pcap_t *p)
{
	const struct shim_backend *be;

	if (p == NULL)
		return;
	if (p->goh != 0 && (be = shim_be(NULL)) != NULL) {
		sigset_t old;

		shim_enter_go(&old);
		be->close(p);
		shim_leave_go(&old);
	}
	if (p->rfile != NULL && p->rfile != stdin)
		fclose(p->rfile);
	if (p->wakefd >= 0)
		close(p->wakefd);
	free(p->fcode.bf_insns);
	shim_engine_free(p->engine);
	free(p->dlt_list);
	free(p->tstamp_list);
	free(p->device);
	free(p->batch);
	free(p->aux);
	free(p->ring);
	free(p->sf);
	free(p->oneshot);
	free(p);
}

/* --- getters --- */

#define NEED_ACTIVE(p) do { if (!(p)->activated) return PCAP_ERROR_NOT_ACTIVATED; } while (0)

int pcap_datalink(pcap_t *p) { NEED_ACTIVE(p); return p->linktype; }
int pcap_datalink_ext(pcap_t *p) { NEED_ACTIVE(p); return p->linktype_ext; }
int pcap_snapshot(pcap_t *p) { NEED_ACTIVE(p); return p->snapshot; }
int pcap_is_swapped(pcap_t *p) { NEED_ACTIVE(p); return p->swapped; }
int pcap_major_version(pcap_t *p) { NEED_ACTIVE(p); return p->version_major; }
int pcap_minor_version(pcap_t *p) { NEED_ACTIVE(p); return p->version_minor; }
int pcap_bufsize(pcap_t *p) { NEED_ACTIVE(p); return p->bufsize; }
FILE *pcap_file(pcap_t *p) { return p->rfile; }
int pcap_fileno(pcap_t *p) { return p->fd; }
int pcap_get_selectable_fd(pcap_t *p) { return p->selectable_fd; }
char *pcap_geterr(pcap_t *p) { return p->errbuf; }

const struct timeval *pcap_get_required_select_timeout(pcap_t *p)
{
	/* Live, device down: no event says it went away, so poll every 1 ms. */
	static const struct timeval netdown_timeout = { 0, 1000 };

	if (p->kind == SHIM_KIND_LIVE && p->netdown)
		return &netdown_timeout;
	return NULL;
}

void pcap_perror(pcap_t *p, const char *prefix)
{
	fprintf(stderr, "%s: %s\n", prefix, p->errbuf);
}
