/*
 * live.c: live capture in the front library. The Go backend (core/live)
 * opens the AF_PACKET socket and its TPACKET_V3 ring and harvests retired
 * blocks without ever blocking; everything that waits or that a host may
 * call from a signal handler is here: the poll on the socket and the
 * breakloop eventfd, statistics, injection, non-blocking mode, direction,
 * and the kernel filter (pcap_setfilter).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

/* rx_missed_errors + rx_fifo_errors of dev from sysfs (missing files count
 * 0): libpcap's interface drops. Async-signal-safe (open/read/close only). */
static long long if_drops(const char *dev)
{
	static const char *const names[] = { "rx_missed_errors", "rx_fifo_errors" };
	long long sum = 0;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128], buf[32];
		size_t dl = strlen(dev), nl = strlen(names[i]);
		long long v = 0;
		ssize_t n, j;
		int fd;

		if (15 + dl + 12 + nl + 1 > sizeof path)
			return 0;
		memcpy(path, "/sys/class/net/", 15);
		memcpy(path + 15, dev, dl);
		memcpy(path + 15 + dl, "/statistics/", 12);
		memcpy(path + 27 + dl, names[i], nl + 1);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		for (j = 0; j < n && buf[j] >= '0' && buf[j] <= '9'; j++)
			v = v * 10 + (buf[j] - '0');
		sum += v;
	}
	return sum;
}

static int activate_errno(pcap_t *p, int rc);

int shim_activate_live(pcap_t *p)
{
	const struct shim_backend *be;
	sigset_t old;
	int rc;

	if ((be = shim_be(p->errbuf)) == NULL)
		return PCAP_ERROR;
	if ((p->aux == NULL && (p->aux = calloc(SHIM_BATCH, sizeof *p->aux)) == NULL) ||
	    (p->ring == NULL && (p->ring = calloc(1, sizeof *p->ring)) == NULL)) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
		return PCAP_ERROR;
	}
	/* The eventfd pcap_breakloop writes to wake a reader blocked in poll.
	 * Created before the socket, as libpcap does, so fd numbers match. */
	p->wakefd = eventfd(0, EFD_NONBLOCK);
	if (p->wakefd < 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "can't create eventfd: %s",
		    strerror(errno));
		return PCAP_ERROR;
	}
	p->errbuf[0] = '\0';
	shim_enter_go(&old);
	rc = be->open_live(p, p->errbuf);
	shim_leave_go(&old);
	if (rc < 0) {
		close(p->wakefd);
		p->wakefd = -1;
	} else {
		p->kind = SHIM_KIND_LIVE;
		p->ifdrop_base = -1;
		if (p->opt_promisc && !p->cooked && !p->bypass)
			p->ifdrop_base = if_drops(p->device);
	}
	/* As pcap_activate: a status without text gets the status's text. */
	if (rc != 0 && p->errbuf[0] == '\0')
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_statustostr(rc));
	if (rc < 0)
		errno = activate_errno(p, rc);
	return rc;
}

/*
 * The errno a failed activation leaves, as libpcap 1.10.3's does: hosts
 * print it (ngrep calls perror after pcap_open_live). The failing system
 * call's when there was one; a missing device is ENODEV (its ioctl's) and
 * a device that is down EINVAL (what libpcap's clean-up leaves).
 */
static int activate_errno(pcap_t *p, int rc)
{
	if (p->act_errno != 0)
		return p->act_errno;
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return ENODEV;
	case PCAP_ERROR_IFACE_NOT_UP:
		return EINVAL;
	default:
		return errno;
	}
}

/* Empties the breakloop eventfd (non-blocking). */
static void drain_wake(pcap_t *p)
{
	uint64_t v;
	ssize_t r = -1;

	if (p->wakefd >= 0)
		r = read(p->wakefd, &v, sizeof v);	/* EAGAIN if empty: fine */
	(void)r;
}

/* 1 if the device we capture on no longer exists. */
static int device_gone(pcap_t *p)
{
	struct ifreq ifr;

	if (strcmp(p->device, "any") == 0)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->device);
	return ioctl(p->fd, SIOCGIFINDEX, &ifr) < 0 &&
	    (errno == ENODEV || errno == ENXIO);
}

/* 1 if the device is administratively up again. */
static int device_up(pcap_t *p)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->device);
	return ioctl(p->fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
}

static int live_error(pcap_t *p, const char *text)
{
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s", text);
	return PCAP_ERROR;
}

/* Receive memory in use on p's socket (SO_MEMINFO), or -1. */
static long long rmem_used(pcap_t *p)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof mem;

	memset(mem, 0, sizeof mem);
	if (getsockopt(p->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -1;
	return mem[SK_MEMINFO_RMEM_ALLOC];
}

/* Milliseconds from now until t (CLOCK_MONOTONIC), at least 0. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (t->tv_sec - now.tv_sec) * 1000LL + (t->tv_nsec - now.tv_nsec + 999999) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * The recvmmsg path's buffering, called when packets are queued: 1 when
 * they are due (the hold expired or a block's worth is queued), else 0 and
 * *timeout is how long poll may wait (in slices, to look at the queue).
 */
static int hold_due(pcap_t *p, int *timeout)
{
	long long used;
	int left;

	if (!p->holding) {
		p->holding = 1;
		clock_gettime(CLOCK_MONOTONIC, &p->hold_until);
		if (p->hold_ms > 0) {
			p->hold_until.tv_sec += p->hold_ms / 1000;
			p->hold_until.tv_nsec += (long)(p->hold_ms % 1000) * 1000000L;
			if (p->hold_until.tv_nsec >= 1000000000L) {
				p->hold_until.tv_sec++;
				p->hold_until.tv_nsec -= 1000000000L;
			}
		}
	}
	used = rmem_used(p);
	left = p->hold_ms > 0 ? ms_until(&p->hold_until) : INT_MAX;
	if (left == 0 || used < 0 || used >= p->hold_bytes) {
		p->holding = 0;
		return 1;
	}
	*timeout = left < 10 ? left : 10;
	return 0;
}

/*
 * Waits, in C and with the host's signal mask, until the ring may have a
 * retired block: 1. Returns 0 when it would block in non-blocking mode, and
 * PCAP_ERROR_BREAK (consuming the flag) after pcap_breakloop. As libpcap on
 * kernels >= 3.19, poll waits without a timeout: the ring's block-retire
 * timer (the pcap timeout) is what wakes it when packets are pending, or,
 * with the TPACKET_V2 ring of immediate mode, each packet.
 */
int shim_live_wait(pcap_t *p)
{
	struct pollfd pfd[3];
	int nfd = 1, wake = -1, ov = -1;

	pfd[0].fd = p->fd;
	pfd[0].events = POLLIN;
	if (p->wakefd >= 0 && !p->nonblock) {
		pfd[nfd].fd = p->wakefd;
		pfd[nfd].events = POLLIN;
		wake = nfd++;
	}
	/*
	 * The elastic buffer's overflow socket, when the last fill left it
	 * empty: a packet the ring had no room for while the last batch held
	 * its units is queued there, and may be the last one for a while.
	 * Not when Go left packets on it to wait for the ring's open block:
	 * it would wake at once, again and again, until that block retires.
	 */
	if (p->ovfd >= 0 && p->ov_watch) {
		pfd[nfd].fd = p->ovfd;
		pfd[nfd].events = POLLIN;
		ov = nfd++;
	}
	for (;;) {
		/* While the device is down, look every 1 ms whether it went
		 * away (no event comes for that) or came back up. */
		int timeout = p->nonblock ? 0 : p->netdown ? 1 : -1;
		int r;

		/* Holding queued packets (recvmmsg path): the socket is
		 * readable, so poll only for errors, for a slice. */
		pfd[0].events = POLLIN;
		if (p->holding && !p->nonblock) {
			if (hold_due(p, &timeout))
				return 1;
			pfd[0].events = 0;
		}

		/*
		 * pcap_breakloop stores the flag, then writes the eventfd: a
		 * break that lands after this check makes poll return.
		 */
		if (__atomic_load_n(&p->break_loop, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&p->break_loop, 0, __ATOMIC_RELAXED);
			drain_wake(p);
			return PCAP_ERROR_BREAK;
		}
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		r = poll(pfd, (nfds_t)nfd, timeout);
		if (r < 0) {
			if (errno == EINTR)	/* a host signal: re-check the flag */
				continue;
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "can't poll on packet socket: %s", strerror(errno));
			return PCAP_ERROR;
		}
		if (wake >= 0 && pfd[wake].revents != 0) {
			drain_wake(p);
			continue;	/* the check above reports the break */
		}
		if (ov >= 0 && (pfd[ov].revents & POLLERR)) {
			/* The ring's socket reports the same condition (the
			 * device went down); clear it here, or poll would
			 * return at once for it from now on. */
			int err;
			socklen_t len = sizeof err;

			(void)getsockopt(p->ovfd, SOL_SOCKET, SO_ERROR, &err, &len);
		}
		if (ov >= 0 && (pfd[ov].revents & POLLIN) && pfd[0].revents == 0)
			return 1;	/* Go's fill takes it */
		if (r == 0) {
			if (p->holding && !p->nonblock)
				continue;	/* hold_due decides */
			if (p->netdown) {
				if (device_gone(p))
					return live_error(p, "The interface disappeared");
				if (device_up(p))
					p->netdown = 0;
			}
			if (p->nonblock)
				return 0;
			continue;
		}
		if (pfd[0].revents & POLLNVAL)
			return live_error(p, "Invalid polling request on packet socket");
		if (pfd[0].revents & POLLHUP)
			return live_error(p, "Hangup on packet socket");
		if (pfd[0].revents & POLLERR) {
			int err = 0;
			socklen_t len = sizeof err;

			if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
				snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
				    "getsockopt (SO_ERROR): %s", strerror(errno));
				return PCAP_ERROR;
			}
			if (err == ENETDOWN || err == ENXIO) {
				/* Down or deleted: deleted ends the capture,
				 * down is waited out (libpcap does the same). */
				if (device_gone(p))
					return live_error(p, "The interface disappeared");
				p->netdown = 1;
				continue;
			}
			if (err != 0) {
				snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
				    "Error condition on packet socket: %s", strerror(err));
				return PCAP_ERROR;
			}
		}
		if (pfd[0].revents & POLLIN) {
			p->netdown = 0;
			if (p->hold_ms == 0 || p->nonblock || hold_due(p, &timeout))
				return 1;
		}
	}
}

/*
 * pcap_stats on a live handle. Async-signal-safe (tcpdump calls it from
 * SIGUSR1): syscalls and atomics only. PACKET_STATISTICS resets on read, so
 * totals accumulate here in 64 bits; the host sees them truncated to u_int
 * as with libpcap. ps_recv is tp_packets (the kernel counts drops in it),
 * ps_drop tp_drops, ps_ifdrop growth of the sysfs drop counters in
 * promiscuous mode.
 */
int shim_live_stats(pcap_t *p, struct pcap_stat *ps)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof st;

	if (p->bypass)
		return shim_exanic_stats(p, ps);
	if (__atomic_load_n(&p->ifdrop_base, __ATOMIC_RELAXED) >= 0) {
		long long now = if_drops(p->device);
		long long before = __atomic_exchange_n(&p->ifdrop_base, now,
		    __ATOMIC_RELAXED);

		__atomic_add_fetch(&p->st_ifdrop, (uint64_t)(now - before),
		    __ATOMIC_RELAXED);
	}
	memset(&st, 0, sizeof st);
	if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "failed to get statistics from socket: %s", strerror(errno));
		return PCAP_ERROR;
	}
	/* The elastic buffer's overflow socket counts what rolled over to it
	 * (the kernel counts each packet on one socket of the group only). */
	if (p->ovfd >= 0) {
		struct tpacket_stats ov;

		len = sizeof ov;
		memset(&ov, 0, sizeof ov);
		if (getsockopt(p->ovfd, SOL_PACKET, PACKET_STATISTICS, &ov, &len) == 0) {
			st.tp_packets += ov.tp_packets;
			st.tp_drops += ov.tp_drops;
		}
	}
	ps->ps_recv = (u_int)__atomic_add_fetch(&p->st_recv, st.tp_packets,
	    __ATOMIC_RELAXED);
	ps->ps_drop = (u_int)__atomic_add_fetch(&p->st_drop, st.tp_drops,
	    __ATOMIC_RELAXED);
	ps->ps_ifdrop = (u_int)__atomic_load_n(&p->st_ifdrop, __ATOMIC_RELAXED);
	return 0;
}

/*
 * The kernel filter, as libpcap 1.10's pcap_setfilter_linux: p->fcode (the
 * program pcap_compile made, Linux-extension loads included) is attached to
 * the socket with SO_ATTACH_FILTER, its loads rewritten for cooked sockets,
 * where the kernel's packet starts at the link-layer payload.
 */

/* SLL/SLL2 header offsets -> kernel offsets (fix_offset); -1: a field the
 * kernel cannot give, so the program stays in userspace. */
static int fix_offset(pcap_t *p, struct sock_filter *f)
{
	int sll2 = p->linktype == DLT_LINUX_SLL2;
	uint32_t hl = sll2 ? 20 : 16;

	if (f->k >= (uint32_t)SKF_AD_OFF)	/* already ancillary */
		return 0;
	if (f->k >= hl)
		f->k -= hl;			/* in the payload */
	else if (f->k == (sll2 ? 0u : 14u))
		f->k = SKF_AD_OFF + SKF_AD_PROTOCOL;
	else if (f->k == (sll2 ? 10u : 0u))
		f->k = SKF_AD_OFF + SKF_AD_PKTTYPE;
	else if (sll2 && f->k == 4)
		f->k = SKF_AD_OFF + SKF_AD_IFINDEX;
	else if ((int32_t)f->k > 0)
		return -1;			/* elsewhere in the header */
	return 0;
}

/* 1: prog is the kernel's version of p->fcode; 0: it cannot be. */
static int fix_program(pcap_t *p, struct sock_filter *prog)
{
	u_int i;

	memcpy(prog, p->fcode.bf_insns, p->fcode.bf_len * sizeof *prog);
	if (!p->cooked)
		return 1;
	for (i = 0; i < p->fcode.bf_len; i++) {
		uint16_t c = prog[i].code;

		if ((BPF_CLASS(c) == BPF_LD || BPF_CLASS(c) == BPF_LDX) &&
		    (BPF_MODE(c) == BPF_ABS || BPF_MODE(c) == BPF_IND ||
		    BPF_MODE(c) == BPF_MSH) && fix_offset(p, &prog[i]) < 0)
			return 0;
	}
	return 1;
}

/* SO_DETACH_FILTER; "no filter" is not an error. */
static int detach_filter(int fd)
{
	int dummy = 0;

	if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy,
	    sizeof dummy) < 0 && errno != ENOENT && errno != ENONET)
		return -1;
	return 0;
}

/* Both sockets of the handle (the ring's and the overflow one) filterless. */
static int reset_kernel_filter(pcap_t *p)
{
	if (detach_filter(p->fd) < 0)
		return -1;
	return p->ovfd >= 0 ? detach_filter(p->ovfd) : 0;
}

/*
 * The overflow socket takes the same filter, without the drain: what it
 * queued passed the old filter and is still delivered (the source filters
 * it in userspace, as the ring's held blocks). 0, or -1 with errno.
 */
static int set_overflow_filter(pcap_t *p, struct sock_fprog *fcode)
{
	if (p->ovfd < 0)
		return 0;
	return setsockopt(p->ovfd, SOL_SOCKET, SO_ATTACH_FILTER, fcode, sizeof *fcode);
}

/*
 * Attaches fcode: first a reject-everything filter, then the socket queue is
 * drained, then fcode, so nothing the old filter let through is queued
 * behind it (packets already in the ring are the caller's business). 0 on
 * success; -1 with errno when the kernel refused fcode (the socket is then
 * left without a filter); -2 with text in errbuf on a fatal error.
 */
static int set_kernel_filter(pcap_t *p, struct sock_fprog *fcode)
{
	static struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
	static const struct sock_fprog total = { 1, &reject };
	int total_on = 0, mode, save;
	char drain[1];

	/* Errors here are ignored, as libpcap does: at worst a few stale
	 * packets rather than userspace filtering. */
	if (setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &total, sizeof total) == 0) {
		total_on = 1;
		if ((mode = fcntl(p->fd, F_GETFL, 0)) < 0) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "can't get FD flags when changing filter: %s", strerror(errno));
			return -2;
		}
		if (fcntl(p->fd, F_SETFL, mode | O_NONBLOCK) < 0) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "can't set nonblocking mode when changing filter: %s",
			    strerror(errno));
			return -2;
		}
		while (recv(p->fd, drain, sizeof drain, MSG_TRUNC) >= 0)
			;
		save = errno;
		if (save != EAGAIN) {
			(void)fcntl(p->fd, F_SETFL, mode);
			(void)reset_kernel_filter(p);
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "recv failed when changing filter: %s", strerror(save));
			return -2;
		}
		if (fcntl(p->fd, F_SETFL, mode) < 0) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "can't restore FD flags when changing filter: %s",
			    strerror(errno));
			return -2;
		}
	}
	if (setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, fcode, sizeof *fcode) == 0 &&
	    set_overflow_filter(p, fcode) == 0)
		return 0;
	save = errno;
	if (total_on && reset_kernel_filter(p) < 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "can't remove kernel total filter: %s", strerror(errno));
		return -2;
	}
	errno = save;
	return -1;
}

/*
 * pcap_setfilter on a live handle, after p->fcode was installed. As in
 * libpcap, the kernel filter replaces the userspace one when it attaches,
 * and then the userspace filter runs only on packets the kernel filter did
 * not see: the rest of the current batch, and the ring blocks the source
 * counts when told (an upper bound, computed as libpcap does). Otherwise
 * (program the kernel cannot take or refused: warnings on stderr with
 * libpcap's texts) the kernel filter is removed and userspace filters all.
 */
int shim_live_setfilter(pcap_t *p)
{
	const struct shim_backend *be;
	struct sock_fprog fcode = { 0, NULL };
	int can = 0, err = 0, rc, i;
	sigset_t old;

	p->ufilter_all = 1;
	if (p->bypass) {	/* no socket: the C loop filters everything */
		if (shim_debug())
			fprintf(stderr, "pcapshim: filter (%u instructions) runs in userspace%s\n",
			    p->fcode.bf_len, p->engine != NULL ? " (fast engine)" : "");
		return 0;
	}
	if (p->fcode.bf_len > USHRT_MAX) {
		fprintf(stderr, "Warning: Filter too complex for kernel\n");
	} else {
		fcode.filter = malloc(p->fcode.bf_len * sizeof *fcode.filter);
		if (fcode.filter == NULL) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s",
			    strerror(errno));
			return PCAP_ERROR;
		}
		fcode.len = (unsigned short)p->fcode.bf_len;
		can = fix_program(p, fcode.filter);
	}
	if (can) {
		err = set_kernel_filter(p, &fcode);
		if (err == 0) {
			p->ufilter_all = 0;
		} else if (err == -1) {
			if (errno == ENOMEM)
				fprintf(stderr, "Warning: Couldn't allocate kernel memory for filter: try increasing net.core.optmem_max with sysctl\n");
			else if (errno != ENOPROTOOPT && errno != EOPNOTSUPP)
				fprintf(stderr, "Warning: Kernel filter failed: %s\n",
				    strerror(errno));
		}
	}
	if (p->ufilter_all && reset_kernel_filter(p) < 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "can't remove kernel filter: %s",
		    strerror(errno));
		err = -2;
	}
	free(fcode.filter);
	if (err == -2)
		return PCAP_ERROR;
	if (shim_debug())
		fprintf(stderr, "pcapshim: filter (%u instructions) %s\n", p->fcode.bf_len,
		    !p->ufilter_all ? "attached to the kernel (SO_ATTACH_FILTER)" : "runs in userspace");
	/* Packets already described in the batch passed the old filter (or
	 * none): the new one decides in userspace, as for the ring blocks. */
	if (!p->ufilter_all)
		for (i = p->batch_i; i < p->batch_n; i++)
			p->aux[i].ufilter = 1;
	if ((be = shim_be(p->errbuf)) == NULL)
		return PCAP_ERROR;
	shim_enter_go(&old);
	rc = be->live_filter(p);
	shim_leave_go(&old);
	return rc < 0 ? PCAP_ERROR : 0;
}

/* Text for an operation a savefile or dead handle cannot do. */
static int cannot(pcap_t *p, const char *savefile_text, const char *dead_text)
{
	if (!p->activated)
		return shim_not_activated(p);
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s",
	    p->kind == SHIM_KIND_OFFLINE ? savefile_text : dead_text);
	return PCAP_ERROR;
}

int pcap_inject(pcap_t *p, const void *buf, size_t size)
{
	if (p->kind == SHIM_KIND_LIVE) {
		ssize_t n;

		if (strcmp(p->device, "any") == 0)
			return live_error(p,
			    "Sending packets isn't supported on the \"any\" device");
		if (p->cooked)
			return live_error(p,
			    "Sending packets isn't supported in cooked mode");
		if (p->bypass)
			return live_error(p,
			    "Sending packets isn't supported on an ExaNIC bypass capture");
		n = send(p->fd, buf, size, 0);
		if (n < 0) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "send: %s",
			    strerror(errno));
			return PCAP_ERROR;
		}
		return (int)n;
	}
	return cannot(p, "Sending packets isn't supported on savefiles",
	    "Packets can't be sent on a pcap_open_dead pcap_t");
}

int pcap_sendpacket(pcap_t *p, const u_char *buf, int size)
{
	if (size <= 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "The number of bytes to be sent must be positive");
		return PCAP_ERROR;
	}
	return pcap_inject(p, buf, (size_t)size) == -1 ? -1 : 0;
}

int pcap_setdirection(pcap_t *p, pcap_direction_t d)
{
	if (p->kind == SHIM_KIND_LIVE) {
		/* Applied in user space, per packet, as libpcap 1.10 does. */
		if (d != PCAP_D_INOUT && d != PCAP_D_IN && d != PCAP_D_OUT)
			return live_error(p, "Invalid direction");
		p->direction = (int)d;
		return 0;
	}
	return cannot(p, "Setting direction is not supported on savefiles",
	    "The packet direction cannot be set on a pcap_open_dead pcap_t");
}

int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
	if (!p->activated) {
		p->nonblock = nonblock != 0;	/* applied at activation */
		return 0;
	}
	if (p->kind == SHIM_KIND_LIVE) {
		/* shim_live_wait then polls with timeout 0. */
		p->nonblock = nonblock != 0;
		return 0;
	}
	if (p->kind == SHIM_KIND_OFFLINE) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "Savefiles cannot be put into non-blocking mode");
		return PCAP_ERROR;
	}
	snprintf(errbuf, PCAP_ERRBUF_SIZE,
	    "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return PCAP_ERROR;
}

int pcap_getnonblock(pcap_t *p, char *errbuf)
{
	if (!p->activated)
		return PCAP_ERROR_NOT_ACTIVATED;	/* libpcap: no text */
	if (p->kind == SHIM_KIND_LIVE)
		return p->nonblock;
	if (p->kind == SHIM_KIND_OFFLINE)
		return 0;
	snprintf(errbuf, PCAP_ERRBUF_SIZE,
	    "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return PCAP_ERROR;
}

int pcap_list_datalinks(pcap_t *p, int **list)
{
	int n = p->dlt_count > 0 ? p->dlt_count : 1;

	if (!p->activated)
		return PCAP_ERROR_NOT_ACTIVATED;
	*list = calloc((size_t)n, sizeof **list);
	if (*list == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return PCAP_ERROR;
	}
	if (p->dlt_count > 0)
		memcpy(*list, p->dlt_list, (size_t)n * sizeof **list);
	else
		**list = p->linktype;
	return n;
}

void pcap_free_datalinks(int *list)
{
	free(list);
}

int pcap_set_datalink(pcap_t *p, int dlt)
{
	const char *name;
	int i;

	if (dlt >= 0) {
		if (p->dlt_count == 0 && p->linktype == dlt)
			return 0;
		for (i = 0; i < p->dlt_count; i++)
			if (p->dlt_list[i] == dlt) {
				p->linktype = dlt;
				return 0;
			}
	}
	name = pcap_datalink_val_to_name(dlt);
	if (name != NULL)
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s is not one of the DLTs supported by this device", name);
	else
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "DLT %d is not one of the DLTs supported by this device", dlt);
	return PCAP_ERROR;
}

int pcap_list_tstamp_types(pcap_t *p, int **list)
{
	int n = p->tstamp_count > 0 ? p->tstamp_count : 1;

	*list = calloc((size_t)n, sizeof **list);
	if (*list == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return PCAP_ERROR;
	}
	if (p->tstamp_count > 0)
		memcpy(*list, p->tstamp_list, (size_t)n * sizeof **list);
	else
		**list = PCAP_TSTAMP_HOST;
	return n;
}

void pcap_free_tstamp_types(int *list)
{
	free(list);
}

int pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp,
    char *errbuf)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd;

	/* "any", and any name containing "bluetooth" or "usbmon" (1.10.3's
	 * Bluetooth and USB pseudo-devices), have no network */
	if (device == NULL || strcmp(device, "any") == 0 ||
	    strstr(device, "bluetooth") != NULL || strstr(device, "usbmon") != NULL) {
		*netp = *maskp = 0;
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "socket: %s", strerror(errno));
		return PCAP_ERROR;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_addr.sa_family = AF_INET;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
		if (errno == EADDRNOTAVAIL)
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
			    "%s: no IPv4 address assigned", device);
		else
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "SIOCGIFADDR: %s: %s",
			    device, strerror(errno));
		close(fd);
		return PCAP_ERROR;
	}
	*netp = sin->sin_addr.s_addr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_addr.sa_family = AF_INET;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	if (ioctl(fd, SIOCGIFNETMASK, &ifr) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "SIOCGIFNETMASK: %s: %s",
		    device, strerror(errno));
		close(fd);
		return PCAP_ERROR;
	}
	close(fd);
	*maskp = sin->sin_addr.s_addr;
	if (*maskp == 0) {
		/* No mask: fall back to the address class as libpcap 1.10.3
		 * does, testing and masking the network-order value as if it
		 * were in host order (so 10.1.2.3/0 gives 0.0.0.3/0.0.0.255). */
		uint32_t a = *netp;

		*maskp = IN_CLASSA(a) ? IN_CLASSA_NET :
		    IN_CLASSB(a) ? IN_CLASSB_NET : IN_CLASSC(a) ? IN_CLASSC_NET : 0;
		if (*maskp == 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
			    "inet class for 0x%x unknown", a);
			return PCAP_ERROR;
		}
	}
	*netp &= *maskp;
	return 0;
}
