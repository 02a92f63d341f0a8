/*
 * ring.c: the TPACKET_V3 ring walked in C. In the steady state every batch
 * comes from here, without a crossing into Go: a crossing made after the
 * reader slept in poll wakes Go runtime threads (tens of microseconds of
 * CPU), which at 50,000 packets a second in 1,000-packet blocks was most of
 * what a packet cost. The Go source (core/live) still sets the ring up and
 * walks it when the elastic buffer's overflow socket has packets to merge
 * by time stamp; both walk the same cursor (struct shim_ring).
 *
 * What a packet gets here is what core/live's describe gives it, in the same
 * order: the direction check, the cooked (SLL/SLL2) header written in front
 * of it, the VLAN aux data, the time stamp in the handle's precision. The
 * rest (userspace filter, VLAN re-insertion, snapshot trim) is loop.c's
 * live_finish, as for a batch Go filled.
 */
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

#include "pcapshim.h"
#include "front.h"

#ifndef TP_STATUS_VLAN_TPID_VALID
#define TP_STATUS_VLAN_TPID_VALID (1 << 6)
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define V3_HDR_LEN TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

static struct tpacket_block_desc *block(const struct shim_ring *r, uint32_t i)
{
	return (struct tpacket_block_desc *)(uintptr_t)(r->base +
	    (uint64_t)i * r->block_size);
}

static void put16(u_char *d, uint16_t v)
{
	d[0] = (u_char)(v >> 8);
	d[1] = (u_char)v;
}

static void put32(u_char *d, uint32_t v)
{
	put16(d, (uint16_t)(v >> 16));
	put16(d + 2, (uint16_t)v);
}

/* Whether the overflow socket's queue is empty (no elastic buffer: yes). */
static int overflow_empty(const pcap_t *p)
{
	struct pollfd pfd = { .fd = p->ovfd, .events = POLLIN };

	if (p->ovfd < 0)
		return 1;
	return poll(&pfd, 1, 0) == 0;
}

/*
 * The reader has caught up (ring and overflow queue empty) after the
 * overflow socket was switched off in a sustained overload: switch it back
 * on once due (core/live/overload.go decides when).
 */
static void rearm_overflow(const pcap_t *p, struct shim_ring *r)
{
	struct timespec ts;
	int64_t now;
	int size = SHIM_OVERFLOW_BYTES;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return;
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (now < r->ov_rearm_at)
		return;
	/* Without CAP_NET_ADMIN (a host that dropped its privileges since
	 * the capture opened, as tcpdump does), what net.core.rmem_max allows. */
	if (setsockopt(p->ovfd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
		(void)setsockopt(p->ovfd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	r->ov_rearm_at = 0;
	r->ov_armed_at = now;
	r->ov_rearms++;
}

/*
 * describe: the tpacket3_hdr h as batch entry k with aux a; 0: skip it
 * (wrong direction, or no room for the cooked header).
 */
static int describe(const pcap_t *p, const struct shim_ring *r,
    struct tpacket3_hdr *h, struct shim_pkt *k, struct shim_aux *a)
{
	const struct sockaddr_ll *sll =
	    (const struct sockaddr_ll *)((u_char *)h + V3_HDR_LEN);
	u_char *floor = (u_char *)sll + sizeof *sll;
	u_char *start = (u_char *)h + h->tp_mac;
	uint32_t caplen = h->tp_snaplen, len = h->tp_len;
	int off;

	/* Direction, and loopback's outgoing copies (libpcap's
	 * linux_check_direction). */
	if (sll->sll_pkttype == PACKET_OUTGOING) {
		if (sll->sll_ifindex == r->lo_ifindex || p->direction == PCAP_D_IN)
			return 0;
	} else if (p->direction == PCAP_D_OUT) {
		return 0;
	}
	memset(a, 0, sizeof *a);
	if (p->cooked) {
		int hl = p->linktype == DLT_LINUX_SLL2 ? SLL2_HDR_LEN : SLL_HDR_LEN;

		if (start - hl < floor)
			return 0;
		start -= hl;
		if (hl == SLL2_HDR_LEN) {
			memcpy(start, &sll->sll_protocol, 2);	/* network order */
			start[2] = start[3] = 0;
			put32(start + 4, (uint32_t)sll->sll_ifindex);
			put16(start + 8, sll->sll_hatype);
			start[10] = sll->sll_pkttype;
			start[11] = sll->sll_halen;
			memcpy(start + 12, sll->sll_addr, 8);
		} else {
			put16(start, sll->sll_pkttype);
			put16(start + 2, sll->sll_hatype);
			put16(start + 4, sll->sll_halen);
			memcpy(start + 6, sll->sll_addr, 8);
			memcpy(start + 14, &sll->sll_protocol, 2);
		}
		caplen += (uint32_t)hl;
		len += (uint32_t)hl;
		a->hdrlen = (uint8_t)hl;
	}

	/* A tag the kernel took off: aux data for the filter, re-inserted by
	 * live_finish where the link type has a place for it and the head
	 * room and the kernel's caplen allow. */
	if (h->hv1.tp_vlan_tci != 0 || (h->tp_status & TP_STATUS_VLAN_VALID)) {
		uint16_t tpid = (uint16_t)h->hv1.tp_vlan_tpid;

		if (tpid == 0 && !(h->tp_status & TP_STATUS_VLAN_TPID_VALID))
			tpid = ETH_P_8021Q;
		a->vlanp = 1;
		a->tci = (uint16_t)h->hv1.tp_vlan_tci;
		a->tpid = tpid;
		off = p->linktype == DLT_EN10MB ? 12 :
		    p->linktype == DLT_LINUX_SLL ? 14 : -1;
		if (off >= 0 && h->tp_snaplen >= (uint32_t)off && start - 4 >= floor)
			a->ins = (uint8_t)off;
	}
	k->hdr.ts.tv_sec = h->tp_sec;
	k->hdr.ts.tv_usec = p->precision == PCAP_TSTAMP_PRECISION_NANO ?
	    h->tp_nsec : h->tp_nsec / 1000;
	k->hdr.caplen = caplen;
	k->hdr.len = len;
	k->data = start;
	return 1;
}

/*
 * finish: the walk leaves the current block (its last packet described):
 * held for the batch if the batch points into it, else handed back now,
 * its count cleared first while it is still ours (the Go side reads a free
 * block's count to tell whether the kernel is filling it).
 */
static void finish(pcap_t *p, struct shim_ring *r, int handed)
{
	struct tpacket_block_desc *b = block(r, r->cur);

	if (handed) {
		p->held[p->nheld++] = &b->hdr.bh1.block_status;
	} else {
		__atomic_store_n(&b->hdr.bh1.num_pkts, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
	}
	if (r->to_filter > 0)
		r->to_filter--;
	r->in_block = 0;
	r->cur = (r->cur + 1) % r->blocks;
}

/*
 * shim_ring_fill: the next batch from the ring, in C. Returns > 0 packets
 * (p->batch, p->aux; p->held lists the blocks they point into),
 * SHIM_FILL_TIMEOUT when no block is ready, or 0 when Go must fill: it
 * holds packets already read, or the overflow socket has some to merge.
 * Called with the last batch's blocks handed back (p->nheld 0).
 */
int shim_ring_fill(pcap_t *p)
{
	struct shim_ring *r = p->ring;
	int n = 0, handed = 0;

	if (r == NULL || r->base == 0 || r->go_pending)
		return 0;
	while (n < SHIM_BATCH) {
		struct tpacket_block_desc *b = block(r, r->cur);
		struct tpacket3_hdr *h;

		if (!r->in_block) {
			/* Back at the first block this batch keeps: the
			 * whole ring is in this batch. */
			if (p->nheld > 0 && p->held[0] == &b->hdr.bh1.block_status)
				break;
			/* Acquire: the block's packets are visible once its
			 * status says user space owns it. */
			uint32_t st = __atomic_load_n(&b->hdr.bh1.block_status,
			    __ATOMIC_ACQUIRE);

			/* Looked at after the status: an overflow packet
			 * queued later is newer than all of a retired block
			 * (received on the same CPU; packets received on
			 * several CPUs are in no strict order in the ring
			 * either). One queued now is for Go's merge, in the
			 * next fill. Only here, on entering a block: a block
			 * Go entered while merging, Go finishes (go_pending). */
			if (!overflow_empty(p))
				break;
			if (st == TP_STATUS_KERNEL) {
				p->ring_drained = 1;
				p->ov_watch = 1;	/* found empty just above */
				if (r->ov_rearm_at != 0)
					rearm_overflow(p, r);
				break;
			}
			r->in_block = 1;
			r->left = b->hdr.bh1.num_pkts;
			r->next = (uint32_t)(r->cur * r->block_size +
			    b->hdr.bh1.offset_to_first_pkt);
			handed = 0;
		}
		if (r->left == 0) {
			finish(p, r, handed);
			continue;
		}
		h = (struct tpacket3_hdr *)(uintptr_t)(r->base + r->next);
		r->left--;
		r->next += h->tp_next_offset;
		if (describe(p, r, h, &p->batch[n], &p->aux[n])) {
			p->aux[n].ufilter = r->to_filter > 0;
			handed = 1;
			n++;
		}
		if (r->left == 0)
			finish(p, r, handed);
	}
	if (n > 0) {
		p->held_v3 = 1;
		r->c_batches++;
		return n;
	}
	return p->ring_drained ? SHIM_FILL_TIMEOUT : 0;
}
