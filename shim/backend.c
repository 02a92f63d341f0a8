/*
 * backend.c: loading the Go backend late, and keeping the host's signal
 * handlers off Go stacks. See ../../shared/specs/go-in-c-hosts.md §0, §1, §3.
 *
 * Why late: a Go c-shared library starts its runtime from an ELF constructor.
 * Loaded only when a capture is opened, it (a) costs nothing to hosts that
 * never capture (tcpdump --version), (b) survives a host's fork()/daemon()
 * done before that point, and (c) starts its threads while we block async
 * signals, so every Go thread inherits a mask that keeps host handlers
 * (installed without SA_ONSTACK) from ever running on a goroutine stack.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcapshim.h"

#define BACKEND_NAME "libpcapshim-go.so"

static pthread_once_t be_once = PTHREAD_ONCE_INIT;
static struct shim_backend be;
static int be_ok;
static pid_t be_pid;			/* process that loaded the runtime */
static char be_err[PCAP_ERRBUF_SIZE];
static int forked;			/* set in a child by pthread_atfork */

static void on_fork_child(void)
{
	forked = 1;
}

/* Directory of this library, found through one of our own symbols. */
static int own_dir(char *buf, size_t len)
{
	Dl_info info;
	char *slash;

	if (dladdr((void *)&own_dir, &info) == 0 || info.dli_fname == NULL)
		return -1;
	if (strlen(info.dli_fname) >= len)
		return -1;
	strcpy(buf, info.dli_fname);
	slash = strrchr(buf, '/');
	if (slash == NULL)
		return -1;
	slash[1] = '\0';
	return 0;
}

static void *sym(void *h, const char *name)
{
	void *f = dlsym(h, name);

	if (f == NULL && be_err[0] == '\0')
		snprintf(be_err, sizeof be_err,
		    "pcapshim: %s lacks %s: rebuild with `make`", BACKEND_NAME, name);
	return f;
}

/* Every async signal: blocked while Go code runs on a host thread. */
static void async_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGTRAP);
}

/* PCAPSHIM_NO_SIGFIX=1 turns the signal mitigations off, so the signal
 * tests can prove they detect the hazard. Read once; a benign race. */
static int mitigations_off(void)
{
	static int off = -1;

	if (off < 0) {
		const char *e = getenv("PCAPSHIM_NO_SIGFIX");
		off = e != NULL && e[0] == '1';
	}
	return off;
}

void shim_enter_go(sigset_t *old)
{
	sigset_t all;

	if (mitigations_off()) {
		sigemptyset(old);
		return;
	}
	async_signals(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

void shim_leave_go(const sigset_t *old)
{
	if (!mitigations_off())
		pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void load(void)
{
	char path[4096];
	const char *env = getenv("PCAPSHIM_BACKEND");
	sigset_t all, old;
	struct sigaction pipe_before;
	void *h;

	if (env != NULL && env[0] != '\0') {
		snprintf(path, sizeof path, "%s", env);
	} else if (own_dir(path, sizeof path - sizeof BACKEND_NAME) == 0) {
		strcat(path, BACKEND_NAME);
	} else {
		snprintf(path, sizeof path, "%s", BACKEND_NAME);
	}

	/*
	 * Block every async signal while the runtime starts its threads: they
	 * inherit this mask for life. Synchronous signals (SEGV, BUS, FPE, ILL,
	 * TRAP) and glibc's internal ones cannot be blocked and stay as they are.
	 */
	async_signals(&all);
	sigaction(SIGPIPE, NULL, &pipe_before);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* Go installs a SIGPIPE handler even over SIG_IGN; a host that ignored
	 * SIGPIPE must keep ignoring it (and pass SIG_IGN on to exec'ed children). */
	if (pipe_before.sa_handler == SIG_IGN)
		sigaction(SIGPIPE, &pipe_before, NULL);

	if (h == NULL) {
		snprintf(be_err, sizeof be_err,
		    "pcapshim: cannot load the Go backend (%s): install it beside libpcap.so.0.8 or set PCAPSHIM_BACKEND",
		    dlerror());
		return;
	}
	be.open_offline = sym(h, "pcapshim_go_open_offline");
	be.fill = sym(h, "pcapshim_go_fill");
	be.close = sym(h, "pcapshim_go_close");
	be.compile = sym(h, "pcapshim_go_compile");
	be.dlt_name = sym(h, "pcapshim_go_dlt_name");
	be.dlt_description = sym(h, "pcapshim_go_dlt_description");
	be.dlt_from_name = sym(h, "pcapshim_go_dlt_from_name");
	be.tstamp_name = sym(h, "pcapshim_go_tstamp_name");
	be.tstamp_description = sym(h, "pcapshim_go_tstamp_description");
	be.tstamp_from_name = sym(h, "pcapshim_go_tstamp_from_name");
	be.dlt_to_linktype = sym(h, "pcapshim_go_dlt_to_linktype");
	be.open_live = sym(h, "pcapshim_go_open_live");
	be.live_filter = sym(h, "pcapshim_go_live_filter");
	be.exanic_probe = sym(h, "pcapshim_go_exanic_probe");
	be.exanic_devs = sym(h, "pcapshim_go_exanic_devs");
	if (be_err[0] != '\0')
		return;
	be_pid = getpid();
	pthread_atfork(NULL, NULL, on_fork_child);
	be_ok = 1;
}

int shim_forked(void)
{
	return be_ok && (forked || getpid() != be_pid);
}

const struct shim_backend *shim_be(char *errbuf)
{
	pthread_once(&be_once, load);
	if (!be_ok) {
		if (errbuf != NULL)
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", be_err);
		return NULL;
	}
	if (shim_forked()) {
		/* The Go runtime's threads did not survive fork(); calling in
		 * would hang. C-only calls keep working. */
		if (errbuf != NULL)
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
			    "pcapshim: backend unusable after fork() without exec(): open captures before forking, or exec");
		return NULL;
	}
	shim_fix_sigaltstack_flags();
	return &be;
}

/*
 * Handlers a host installs after the backend loaded miss Go's SA_ONSTACK
 * fix-up. A handler without it that interrupts the host thread while it runs
 * Go code (inside a batch fill) lands on a small goroutine stack. Adding
 * SA_ONSTACK is harmless to the host: on a thread with no alternate stack it
 * has no effect. A full scan costs ~16 us, so run it at most every 100 ms,
 * and only from paths about to enter Go. (Host threads also block async
 * signals while in Go: shim_enter_go. This covers handlers on other threads.)
 */
void shim_fix_sigaltstack_flags(void)
{
	static int64_t last_ns;	/* benign race: worst case, an extra scan */
	struct timespec ts;
	int64_t now;
	int sig;

	if (mitigations_off())
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (last_ns != 0 && now - last_ns < 100000000)
		return;
	last_ns = now;
	for (sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) != 0)
			continue;
		if (!(sa.sa_flags & SA_SIGINFO) &&
		    (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN))
			continue;
		if (sa.sa_flags & SA_ONSTACK)
			continue;
		sa.sa_flags |= SA_ONSTACK;
		sigaction(sig, &sa, NULL);
	}
}
