/*
 * pcapshim.h: the layout shared by the C front library (the C files in shim/, what hosts
 * load as libpcap.so.0.8) and the Go backend (shim/bridge, libpcapshim-go.so,
 * dlopen'ed on first real use).
 *
 * Rules (see README "Design"):
 *  - struct pcap lives in C memory (calloc). Hosts only ever see a pointer.
 *  - Fields a host may touch from a signal handler (break_loop, the stats
 *    counters, errbuf, wakefd) are read and written with __atomic builtins or
 *    plain async-signal-safe syscalls; nothing on those paths enters Go.
 *  - Go fills `batch` (descriptors + packet bytes in C memory) with one
 *    crossing per batch; C walks it and calls the host's callback.
 */
#ifndef PCAPSHIM_H
#define PCAPSHIM_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <pcap/pcap.h>
#include "engine.h"

/* Descriptors per batch. Big enough to amortise the C->Go crossing (~80 ns)
 * to well under 1 ns/packet, small enough to keep latency low. */
#define SHIM_BATCH 512
/* The elastic buffer's overflow socket receive buffer (SO_RCVBUFFORCE):
 * core/live.OverflowBufferBytes. */
#define SHIM_OVERFLOW_BYTES (32 << 20)

/* One packet of a batch: what the callback gets. 32 bytes on LP64. */
struct shim_pkt {
	struct pcap_pkthdr hdr;
	const u_char *data;
};

/*
 * Live packets only: what the C loop needs to finish a packet as libpcap's
 * pcap_handle_packet_mmap does after the ring walk (the Go source leaves
 * the packet as the kernel delivered it, cooked header built, caplen not
 * yet trimmed): the userspace filter with the VLAN aux data, then the
 * re-insertion of a VLAN tag the kernel stripped, then the snapshot trim.
 * One per batch entry; 8 bytes (core/live.Aux mirrors it).
 */
struct shim_aux {
	uint16_t tci;		/* tp_vlan_tci */
	uint16_t tpid;		/* TPID of the tag to re-insert */
	uint8_t vlanp;		/* the kernel reports a tag (libpcap's VLAN_VALID) */
	uint8_t ins;		/* re-insert the tag at this offset; 0: don't */
	uint8_t ufilter;	/* in a ring block the kernel filter did not
				 * filter: run the userspace filter on it */
	uint8_t hdrlen;		/* cooked header length the Go side added
				 * (the filter's wire length excludes it) */
};

/*
 * Live TPACKET_V3 ring: where the walk is, shared by the Go source (which
 * sets the ring up and walks it when the elastic buffer's overflow socket
 * has packets to merge) and ring.c, which walks it in C in the steady state
 * so that no packet needs a crossing into Go. One thread at a time uses it
 * (reads on a handle are serialised). core/live.RingShare mirrors it.
 */
struct shim_ring {
	uint64_t base;		/* the mmap'ed ring's address; 0: Go walks
				 * every batch (no V3 ring, or PCAPSHIM_CWALK=0) */
	uint32_t block_size;
	uint32_t blocks;
	uint32_t cur;		/* block being read, or the next to read */
	uint32_t in_block;	/* cur is ours: next and left locate its rest */
	uint32_t next;		/* ring offset of cur's next unread packet */
	uint32_t left;		/* cur's unread packets */
	int32_t to_filter;	/* blocks whose packets passed an older kernel
				 * filter (libpcap's blocks_to_filter_in_userland) */
	int32_t lo_ifindex;	/* loopback's ifindex: its outgoing copies are skipped */
	uint8_t go_pending;	/* Go holds packets it has read (a described
				 * ring packet, overflow messages): Go fills next */
	uint8_t pad[7];
	uint64_t c_batches;	/* batches ring.c filled (the debug report) */
	/* The elastic buffer's overflow socket, switched off in a sustained
	 * overload (core/live/overload.go): when to switch it back on
	 * (CLOCK_MONOTONIC ns; 0: it is on), when it last was, and how often. */
	int64_t ov_rearm_at;
	int64_t ov_armed_at;
	uint64_t ov_rearms;
};

/*
 * Savefile: classic pcap records read in C (sfread.c). Go's reader
 * (core/savefile) opens the file and reads pcapng, and every record the C
 * walk leaves to it (byte-swapped or old-version files, records longer
 * than the snapshot, errors, end of file); both use its buffer (C memory)
 * through this state, so a steady read needs no call into Go.
 * core/savefile.Share mirrors it.
 */
struct shim_sf {
	uint64_t buf;		/* the reader's buffer */
	uint32_t cap;		/* its size */
	uint32_t pos, end;	/* unread bytes: buf[pos, end) */
	uint32_t snapshot;	/* longer records are trimmed: Go's */
	uint32_t max_snap;	/* longer ones are an error: Go's */
	uint8_t walk;		/* C may read records (Go set it) */
	uint8_t scale;		/* time stamps: 0 as stored, 1 x1000 (micro
				 * file, nano wanted), 2 /1000 (the reverse) */
	uint8_t go_next;	/* Go has something to report first */
	uint8_t no_read;	/* Go saw the end or an error: no more reads */
	uint64_t read;		/* shim_sf_read's address, for Go's reads */
	uint64_t c_batches;	/* batches C filled */
	int32_t read_rc;	/* a refill's read found the end (0) or an
				 * error (-errno): Go's next read returns it */
	uint32_t read_held;	/* read_rc is waiting for Go */
};

enum shim_kind {
	SHIM_KIND_NONE = 0,	/* pcap_create'd, not activated */
	SHIM_KIND_OFFLINE,	/* a savefile */
	SHIM_KIND_LIVE,		/* a live source */
	SHIM_KIND_DEAD		/* pcap_open_dead */
};

/* Return values of the backend's fill(). */
#define SHIM_FILL_EOF 0		/* no more packets (end of file) */
#define SHIM_FILL_ERR (-1)	/* error text in p->errbuf */
#define SHIM_FILL_TIMEOUT (-3)	/* live: timeout expired / would block */

struct pcap {
	/* --- touched by hosts' signal handlers: async-signal-safe only --- */
	int break_loop;			/* __atomic; set by pcap_breakloop */
	int wakefd;			/* eventfd pcap_breakloop writes; -1 if none */
	uint64_t st_recv;		/* __atomic counters the source maintains */
	uint64_t st_drop;
	uint64_t st_ifdrop;
	char errbuf[PCAP_ERRBUF_SIZE + 1];

	/* --- life cycle --- */
	int kind;			/* enum shim_kind */
	int activated;
	uintptr_t goh;			/* runtime/cgo.Handle of the Go source; 0 = none */

	/* --- what the open source reports --- */
	int linktype;			/* DLT_ value (pcap_datalink) */
	int linktype_ext;		/* whole link-type field, FCS bits (pcap_datalink_ext) */
	int snapshot;			/* pcap_snapshot */
	int precision;			/* PCAP_TSTAMP_PRECISION_* delivered */
	int swapped;			/* savefile byte order differs from host */
	int version_major, version_minor;
	FILE *rfile;			/* savefile stream, or NULL */
	int fd;				/* pcap_fileno */
	int selectable_fd;		/* pcap_get_selectable_fd, -1 if none */
	int ovfd;			/* live: the elastic buffer's overflow
					 * socket (Go owns it), -1 if none */
	int ov_watch;			/* the last fill left nothing on it: the
					 * wait watches it too (live.c) */
	int nonblock;
	int bufsize;			/* pcap_bufsize */

	/* --- live captures (live.c) --- */
	int cooked;			/* SOCK_DGRAM: SLL/SLL2 headers built */
	int direction;			/* pcap_direction_t; Go reads it per fill */
	int netdown;			/* saw ENETDOWN, device still there */
	long long ifdrop_base;		/* sysfs drop counters at last pcap_stats; -1 = off */
	struct shim_aux *aux;		/* SHIM_BATCH entries beside batch, or NULL */
	struct shim_ring *ring;		/* the V3 ring's walk (ring.c), or NULL */
	struct shim_sf *sf;		/* savefile: the record walk (sfread.c), or NULL */
	int ufilter_all;		/* userspace filters every packet (no
					 * kernel filter attached) */
	int fcode_vlanaux;		/* fcode loads the VLAN ancillary fields */
	/* The recvmmsg path (no ring) buffers as the ring's block timeout
	 * does: packets that arrive while the reader waits are held in the
	 * socket queue for hold_ms (-1: no limit) or until hold_bytes of
	 * receive memory are in use; 0: handed over at once. */
	int hold_ms, hold_bytes;
	int holding;			/* a hold is running, ends at hold_until */
	struct timespec hold_until;	/* CLOCK_MONOTONIC */
	int bypass;			/* ExaNIC kernel bypass: fd is an eventfd the
					 * reader signals, the source keeps st_*,
					 * filters run in userspace (exanic.c) */
	int drained;			/* live: the last fill found nothing pending
					 * (no wait since): a blocking read waits first */
	int act_errno;			/* failed activation: the system call's
					 * errno, 0 if none (set by Go) */

	/* --- options set between pcap_create and pcap_activate --- */
	char *device;
	int opt_snaplen, opt_promisc, opt_rfmon, opt_timeout, opt_buffer_size;
	int opt_immediate, opt_tstamp_type, opt_precision, opt_protocol;

	/* --- the batch Go fills and C walks --- */
	struct shim_pkt *batch;		/* SHIM_BATCH entries, calloc'ed */
	int batch_n, batch_i;
	int eof;			/* fill said EOF; next read returns 0 */
	/*
	 * Live ring: the ownership words of the ring units (TPACKET_V3 block
	 * descriptors' block_status, V2 frames' tp_status) the batch points
	 * into, which Go hands over to C with the batch: C gives them back to
	 * the kernel once the batch is used up (shim_release_held), without
	 * a crossing. held_v3: clear the block's packet count first.
	 */
	uint32_t *held[SHIM_BATCH + 1];
	int nheld, held_v3;
	int ring_drained;		/* the last fill emptied the ring: wait
					 * before filling again */
	struct pcap_pkthdr next_hdr;	/* what pcap_next_ex hands out */
	u_char *oneshot;		/* live pcap_next_ex: copy of a packet
					 * whose ring block went back */
	size_t oneshot_size;

	/* --- userspace filter (copy owned by the handle) --- */
	struct bpf_program fcode;
	struct shim_engine *engine;	/* fcode translated, or NULL */

	/* --- lists handed out to the host are malloc'ed per call --- */
	int *dlt_list;			/* live source's DLTs, or NULL */
	int dlt_count;
	int *tstamp_list;
	int tstamp_count;
};

/*
 * The Go backend's entry points, looked up with dlsym() on first use.
 * Each returns 0 (or a count) on success and a PCAP_ERROR* code with text in
 * errbuf / p->errbuf on failure. Names are exported only from
 * libpcapshim-go.so; the front library exports only the libpcap API.
 */
struct shim_backend {
	/* savefiles: f stays owned by the caller (the front). */
	int (*open_offline)(struct pcap *p, FILE *f, char *errbuf);
	/* > 0: that many packets in p->batch; SHIM_FILL_* otherwise. */
	int (*fill)(struct pcap *p);
	void (*close)(struct pcap *p);
	/* filter compiler: fills fp with malloc'ed insns. */
	int (*compile)(struct pcap *p, struct bpf_program *fp, const char *str,
	    int optimize, uint32_t netmask, char *errbuf);
	/* tables: static C strings owned by the backend, or NULL. */
	const char *(*dlt_name)(int dlt);
	const char *(*dlt_description)(int dlt);
	int (*dlt_from_name)(const char *name);
	const char *(*tstamp_name)(int t);
	const char *(*tstamp_description)(int t);
	int (*tstamp_from_name)(const char *name);
	int (*dlt_to_linktype)(int dlt);	/* -1 if none */
	/* live: activate from p->opt_* (0, warning > 0, or PCAP_ERROR*; empty
	 * errbuf = pcap_statustostr text), and the hook called after
	 * pcap_setfilter attached (p->ufilter_all 0) or removed (1) the kernel
	 * filter: the source then knows which ring blocks still need the
	 * userspace filter (0, or < 0 with text in p->errbuf). */
	int (*open_live)(struct pcap *p, char *errbuf);
	int (*live_filter)(struct pcap *p);
	/* ExaNIC (exanic.c): at pcap_create, 1 if p->device is an ExaNIC
	 * port (time stamp types set, TCPDUMP_DEBUG report), else 0; and the
	 * ports for pcap_findalldevs, a malloc'ed text of lines
	 * "name<TAB>flags<TAB>description", or NULL. */
	int (*exanic_probe)(struct pcap *p);
	char *(*exanic_devs)(void);
};

/* Front-library internals shared between the front library files. */
extern const struct shim_backend *shim_be(char *errbuf);	/* NULL + errbuf on failure */
extern int shim_forked(void);					/* fork-without-exec guard */
extern void shim_fix_sigaltstack_flags(void);			/* rate-limited SA_ONSTACK re-assert */

/*
 * Around every call into Go from a host thread: a host handler installed
 * without SA_ONSTACK must never run on a goroutine stack, and handlers can be
 * installed at any moment. Two syscalls per batch, well under 1 ns/packet;
 * a signal that arrives meanwhile is delivered on return. Go calls made
 * between these never block.
 */
#include <signal.h>
extern void shim_enter_go(sigset_t *old);
extern void shim_leave_go(const sigset_t *old);

#endif
