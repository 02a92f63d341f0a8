/*
 * loop.c: the per-packet path. The Go backend fills p->batch (one C->Go
 * crossing per up to SHIM_BATCH packets); these loops walk it in C and call
 * the host's callback on the host's own stack, checking break_loop between
 * packets. pcap_next_ex is served from the batch without entering Go.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

/*
 * Gives the ring units the used-up batch pointed into back to the kernel.
 * The stores have release semantics: every read of their packets happens
 * before the kernel may overwrite them. A V3 block's packet count is
 * cleared first, while the block is still ours (the source reads a free
 * block's count to tell whether the kernel is filling it).
 */
void shim_release_held(pcap_t *p)
{
	int i;

	for (i = 0; i < p->nheld; i++) {
		if (p->held_v3)
			__atomic_store_n(p->held[i] + 1, 0, __ATOMIC_RELAXED);
		__atomic_store_n(p->held[i], 0, __ATOMIC_RELEASE); /* TP_STATUS_KERNEL */
	}
	p->nheld = 0;
}

int shim_refill(pcap_t *p)
{
	const struct shim_backend *be;
	sigset_t old;
	int n;

	shim_release_held(p);
	p->ring_drained = 0;
	p->batch_i = p->batch_n = 0;
	if (p->eof)
		return SHIM_FILL_EOF;
	/* A live V3 ring is walked in C while Go has nothing to merge, and
	 * a plain savefile's records are read in C. */
	if (p->sf != NULL && (n = shim_sf_fill(p)) > 0) {
		p->batch_n = n;
		return n;
	}
	if (p->ring != NULL && (n = shim_ring_fill(p)) != 0) {
		if (n > 0)
			p->batch_n = n;
		return n;
	}
	if ((be = shim_be(p->errbuf)) == NULL)
		return SHIM_FILL_ERR;
	shim_enter_go(&old);
	n = be->fill(p);
	shim_leave_go(&old);
	if (n > 0)
		p->batch_n = n;
	else if (n == SHIM_FILL_EOF)
		p->eof = 1;
	return n;
}

static void give_back(pcap_t *p);
static int live_fill(pcap_t *p);
static int keep_copy(pcap_t *p, const struct shim_pkt *k);

/* Consumes break_loop: returns 1 (and clears it) if it was set. */
static int take_break(pcap_t *p)
{
	if (__atomic_load_n(&p->break_loop, __ATOMIC_ACQUIRE) == 0)
		return 0;
	__atomic_store_n(&p->break_loop, 0, __ATOMIC_RELAXED);
	return 1;
}

/* The userspace filter's verdict on a packet of wire length len. */
static int passes_len(pcap_t *p, const u_char *d, u_int len, u_int caplen)
{
	if (p->engine != NULL)
		return shim_engine_run(p->engine, d, len, caplen) != 0;
	return p->fcode.bf_insns == NULL ||
	    bpf_filter(p->fcode.bf_insns, d, len, caplen) != 0;
}

static int passes(pcap_t *p, const struct shim_pkt *k)
{
	return passes_len(p, k->data, k->hdr.len, k->hdr.caplen);
}

/*
 * Live: the end of libpcap's pcap_handle_packet_mmap for batch entry i. The
 * userspace filter runs when no kernel filter is attached, or on a packet
 * from before the current kernel filter, on the packet as the kernel gave
 * it (stripped VLAN tag in the aux data, wire length without the cooked
 * header); then the tag is re-inserted and caplen trimmed to the snapshot.
 * 0: the filter rejected it.
 */
static int live_finish(pcap_t *p, int i)
{
	struct shim_pkt *k = &p->batch[i];
	const struct shim_aux *a = &p->aux[i];

	if (p->fcode.bf_insns != NULL && (p->ufilter_all || a->ufilter)) {
		u_int wire = k->hdr.len - a->hdrlen;

		if (p->fcode_vlanaux) {
			if (shim_filter_vlan(p->fcode.bf_insns, k->data, wire,
			    k->hdr.caplen, a->vlanp, a->tci & 0x0fff) == 0)
				return 0;
		} else if (!passes_len(p, k->data, wire, k->hdr.caplen)) {
			return 0;
		}
	}
	if (a->ins != 0) {
		/* The source checked there is head room and caplen >= ins:
		 * move the bytes before the tag's place back 4 bytes. */
		u_char *d = (u_char *)k->data - 4;

		memmove(d, d + 4, a->ins);
		d[a->ins] = (u_char)(a->tpid >> 8);
		d[a->ins + 1] = (u_char)a->tpid;
		d[a->ins + 2] = (u_char)(a->tci >> 8);
		d[a->ins + 3] = (u_char)a->tci;
		k->data = d;
		k->hdr.caplen += 4;
		k->hdr.len += 4;
	}
	if (k->hdr.caplen > (bpf_u_int32)p->snapshot)
		k->hdr.caplen = (bpf_u_int32)p->snapshot;
	return 1;
}

/* Read op for handles that have no packets to give. */
static int no_read(pcap_t *p)
{
	if (!p->activated)
		return shim_not_activated(p);
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
	    "Packets aren't available from a pcap_open_dead pcap_t");
	return PCAP_ERROR;
}

/* Deliver up to cnt packets (all if cnt <= 0) from the savefile. */
static int offline_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	int n = 0, r;

	for (;;) {
		const struct shim_pkt *k;

		if (__atomic_load_n(&p->break_loop, __ATOMIC_ACQUIRE)) {
			if (n == 0) {
				take_break(p);
				return PCAP_ERROR_BREAK;
			}
			return n;
		}
		if (p->batch_i >= p->batch_n) {
			r = shim_refill(p);
			if (r == SHIM_FILL_EOF)
				return n;
			if (r < 0)
				return PCAP_ERROR;
		}
		k = &p->batch[p->batch_i++];
		if (!passes(p, k))
			continue;
		cb(user, &k->hdr, k->data);
		if (++n >= cnt && cnt > 0)
			return n;
	}
}

/*
 * Live: deliver up to cnt packets (all that are ready if cnt <= 0). The batch
 * is walked in C; when it is empty Go harvests retired ring blocks without
 * blocking (one crossing per batch), and only when none is ready do we wait,
 * in C, in shim_live_wait. Like libpcap on Linux, returns once the ready
 * blocks are consumed, and PCAP_ERROR_BREAK as soon as the flag is seen.
 */
int shim_live_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	int n = 0, r;

	for (;;) {
		const struct shim_pkt *k;

		if (take_break(p))
			return PCAP_ERROR_BREAK;
		if (p->batch_i >= p->batch_n) {
			r = live_fill(p);
			if (r == SHIM_FILL_ERR)
				return PCAP_ERROR;
			if (r <= 0) {
				if (n > 0)
					return n;
				r = shim_live_wait(p);
				if (r <= 0)
					return r;
				p->drained = 0;
				continue;
			}
		}
		k = &p->batch[p->batch_i++];
		if (!live_finish(p, p->batch_i - 1))
			continue;
		cb(user, &k->hdr, k->data);
		if (++n >= cnt && cnt > 0) {
			if (p->batch_i >= p->batch_n)
				give_back(p);
			return n;
		}
	}
}

/*
 * give_back: the batch is used up; hand its ring blocks back to the kernel
 * now rather than at the next read, as libpcap releases a block once its
 * last packet is handled. Otherwise the socket stays readable (poll and
 * select see a block user space still owns) with nothing to read, and a
 * host that selects, then reads in blocking mode (nmap) waits in poll for
 * the next block. The fill also takes what retired since, which leaves the
 * socket readable exactly when packets are pending. An error is left for
 * the next read to report.
 */
static void give_back(pcap_t *p)
{
	int r;

	if (p->drained && !p->nonblock) {
		shim_release_held(p);	/* the fill emptied the ring */
		return;
	}
	r = shim_refill(p);
	p->drained = r == SHIM_FILL_TIMEOUT || (r > 0 && p->ring_drained);
}

/*
 * live_fill: the next batch for a live read. After a fill (or give_back)
 * found nothing pending, a blocking read goes straight to the wait, and
 * fills again only once the wait says the ring, the socket or the bypass
 * eventfd is ready (poll returns at once if it became ready since: an
 * empty fill has handed every block back, so nothing pending is hidden
 * from poll; the units a batch held go back before the wait). That saves
 * a crossing into Go that would come back empty:
 * tcpdump's pcap_loop reads again as soon as a read returns, and each read
 * used to start with a fill. Crossings cost far more than the poll: each
 * one after a wait wakes Go runtime threads (sysmon, and the M it starts
 * when it takes the P back from the C thread). Non-blocking reads always
 * fill: the recvmmsg path may hold packets poll cannot see.
 */
static int live_fill(pcap_t *p)
{
	int r;

	if (p->drained && !p->nonblock) {
		shim_release_held(p);
		return SHIM_FILL_TIMEOUT;
	}
	r = shim_refill(p);
	/* A fill that emptied the ring (the source says so) is as good as
	 * an empty one: once its batch is used up, wait first. */
	p->drained = r == SHIM_FILL_TIMEOUT || (r > 0 && p->ring_drained);
	return r;
}

/*
 * Live pcap_next_ex: the packet stays in the ring until the next call; the
 * last one of a batch is copied (libpcap copies every packet into a
 * snaplen-sized buffer) so that its block can go back at once (give_back).
 */
int shim_live_next(pcap_t *p, struct pcap_pkthdr **h, const u_char **data)
{
	int r;

	for (;;) {
		const struct shim_pkt *k;

		if (take_break(p))
			return PCAP_ERROR_BREAK;
		if (p->batch_i >= p->batch_n) {
			r = live_fill(p);
			if (r == SHIM_FILL_ERR)
				return PCAP_ERROR;
			if (r <= 0) {
				r = shim_live_wait(p);
				if (r <= 0)
					return r;
				p->drained = 0;
				continue;
			}
		}
		k = &p->batch[p->batch_i++];
		if (!live_finish(p, p->batch_i - 1))
			continue;
		p->next_hdr = k->hdr;
		*h = &p->next_hdr;
		*data = k->data;
		if (p->batch_i >= p->batch_n && keep_copy(p, k)) {
			*data = p->oneshot;
			give_back(p);
		}
		return 1;
	}
}

/* Copies k's captured bytes into p->oneshot; 0 if out of memory (the
 * packet then stays where it is, its block held until the next read). */
static int keep_copy(pcap_t *p, const struct shim_pkt *k)
{
	size_t need = k->hdr.caplen > 0 ? k->hdr.caplen : 1;

	if (need > p->oneshot_size) {
		u_char *b = realloc(p->oneshot, need);

		if (b == NULL)
			return 0;
		p->oneshot = b;
		p->oneshot_size = need;
	}
	memcpy(p->oneshot, k->data, k->hdr.caplen);
	return 1;
}

static int read_op(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	switch (p->kind) {
	case SHIM_KIND_OFFLINE:
		return offline_read(p, cnt, cb, user);
	case SHIM_KIND_LIVE:
		return shim_live_read(p, cnt, cb, user);
	default:
		return no_read(p);
	}
}

int pcap_dispatch(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	return read_op(p, cnt, cb, user);
}

int pcap_loop(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	int n;

	for (;;) {
		if (p->kind == SHIM_KIND_OFFLINE) {
			n = offline_read(p, cnt, cb, user);
		} else {
			do {
				n = read_op(p, cnt, cb, user);
			} while (n == 0);
		}
		if (n <= 0)
			return n;
		if (cnt > 0) {
			cnt -= n;
			if (cnt <= 0)
				return 0;
		}
	}
}

int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const u_char **data)
{
	int r;

	if (p->kind == SHIM_KIND_LIVE)
		return shim_live_next(p, h, data);
	if (p->kind != SHIM_KIND_OFFLINE)
		return no_read(p);
	for (;;) {
		const struct shim_pkt *k;

		if (take_break(p))
			return PCAP_ERROR_BREAK;
		if (p->batch_i >= p->batch_n) {
			r = shim_refill(p);
			if (r == SHIM_FILL_EOF)
				return PCAP_ERROR_BREAK;	/* libpcap's EOF code here */
			if (r < 0)
				return PCAP_ERROR;
		}
		k = &p->batch[p->batch_i++];
		if (!passes(p, k))
			continue;
		p->next_hdr = k->hdr;
		*h = &p->next_hdr;
		*data = k->data;
		return 1;
	}
}

const u_char *pcap_next(pcap_t *p, struct pcap_pkthdr *h)
{
	struct pcap_pkthdr *hp;
	const u_char *d;

	if (pcap_next_ex(p, &hp, &d) != 1)
		return NULL;
	*h = *hp;
	return d;
}

/* Async-signal-safe: an atomic store and a write(2). */
void pcap_breakloop(pcap_t *p)
{
	__atomic_store_n(&p->break_loop, 1, __ATOMIC_SEQ_CST);
	if (p->wakefd >= 0) {
		uint64_t one = 1;
		int saved = errno;
		ssize_t w = write(p->wakefd, &one, sizeof one);

		(void)w;	/* a full eventfd already wakes the reader */
		errno = saved;
	}
}

/* Async-signal-safe: reads counters the source maintains atomically. */
int pcap_stats(pcap_t *p, struct pcap_stat *ps)
{
	if (!p->activated)
		return shim_not_activated(p);
	switch (p->kind) {
	case SHIM_KIND_OFFLINE:
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "Statistics aren't available from savefiles");
		return PCAP_ERROR;
	case SHIM_KIND_LIVE:
		return shim_live_stats(p, ps);
	default:
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "Statistics aren't available from a pcap_open_dead pcap_t");
		return PCAP_ERROR;
	}
}
