/*
 * gohost.c: C hosts for the Go-runtime hazards of ../../../../shared/specs/
 * go-in-c-hosts.md that need a stack detector, signal storms or a second Go
 * runtime (gohazards_test.go). Usage:
 *
 *   gohost detect FILE SECONDS MAXHITS
 *	§1.4/§1.9 test 2, deterministic: a SIGALRM handler installed with
 *	sa_flags=0 after the backend loaded, fired every 100 us while the host
 *	loops over FILE. The handler does not abuse the stack; it classifies
 *	where it runs: on the main thread's C stack, on a sigaltstack, or
 *	elsewhere, i.e. on a goroutine stack (the hazard). Stops early after
 *	MAXHITS goroutine-stack hits.
 *   gohost gc FILE SECONDS SETTLE_MS
 *	§5/§1.7: pcap_loop and pcap_next_ex over FILE, repeated, on the main
 *	thread and (pcap_loop) on a second capture thread, while the backend's
 *	runtime runs as the environment says (GODEBUG, GOGC, PCAPSHIM_GOGC,
 *	PCAPSHIM_GOMEMLIMIT), under SIGALRM (ITIMER_REAL, 200 us), SIGPROF
 *	(ITIMER_PROF, 1 ms) and SIGCHLD (a helper thread forks a child that
 *	exits at once every GOHOST_FORK_MS, default 10 ms), all handled
 *	without SA_ONSTACK and without SA_RESTART, installed after the backend
 *	loaded and SETTLE_MS before the storm starts.
 *   gohost two ORDER FILE SECONDS LIBOTHER
 *	§5: the same storm with a second Go runtime (LIBOTHER, a Go c-shared
 *	library) loaded before ("theirs-first") or after ("ours-first") our
 *	backend; the pcap callbacks (both threads) and the main loop call into
 *	it, and the main loop runs its GC every fourth round.
 *
 * Output: key=value lines. Every mode has a watchdog thread.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKEND "libpcapshim-go.so"

/* Where the handlers ran. Atomic: Go threads run them too. */
static unsigned long n_alrm, n_prof, n_chld, n_reaped;
static unsigned long on_cstack, on_alt, on_gostack;	/* host threads */
static unsigned long gothr_alt, gothr_noalt;		/* Go's threads */
static volatile int stop_children, stop_capture;

/* Host threads that take signals, with their C stacks. */
#define MAXHOST 4
static struct {
	uintptr_t lo, hi;
	pid_t tid;		/* written last (release) */
} hostthr[MAXHOST];
static int nhost;

#define INC(x) __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)
#define GET(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int maps_has(const char *needle)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strstr(line, needle) != NULL)
			found = 1;
	fclose(f);
	return found;
}

/*
 * The detector. Async-signal-safe: gettid and sigaltstack are syscalls.
 * On a host thread (main, or a capture thread) a handler runs on its C
 * stack (the thread was in C, or on g0, which for a host thread is the C
 * stack), on the sigaltstack (the handler has SA_ONSTACK: Go's gsignal
 * stack, installed when the thread first entered Go), or else on the
 * goroutine stack the thread was running Go code on. Other threads are Go's
 * (gohost's helper threads block every signal): every one has a
 * sigaltstack, so a handler that runs there off it lacked SA_ONSTACK (it is
 * on g0 or on a goroutine stack).
 */
static void classify(void)
{
	volatile char here = 0;
	uintptr_t sp = (uintptr_t)&here;
	stack_t ss;
	int alt = sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK);
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int i;

	for (i = 0; i < MAXHOST; i++) {
		if (__atomic_load_n(&hostthr[i].tid, __ATOMIC_ACQUIRE) != tid)
			continue;
		if (sp >= hostthr[i].lo && sp < hostthr[i].hi)
			INC(on_cstack);
		else if (alt)
			INC(on_alt);
		else
			INC(on_gostack);
		return;
	}
	if (alt)
		INC(gothr_alt);
	else
		INC(gothr_noalt);
}

static void on_alrm(int sig)
{
	int e = errno;

	(void)sig;
	INC(n_alrm);
	classify();
	errno = e;
}

static void on_prof(int sig)
{
	int e = errno;

	(void)sig;
	INC(n_prof);
	classify();
	errno = e;
}

/* tcpdump's child_cleanup: reap every child. */
static void on_chld(int sig)
{
	int e = errno;

	(void)sig;
	INC(n_chld);
	classify();
	while (waitpid(-1, NULL, WNOHANG) > 0)
		INC(n_reaped);
	errno = e;
}

static void install(int sig, void (*h)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = 0;	/* as tcpdump's setsignal(): no SA_ONSTACK */
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		perror("sigaction");
		exit(4);
	}
}

static void timer(int which, long usec)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = usec;
	it.it_value.tv_usec = usec;
	setitimer(which, &it, NULL);
}

static void *watchdog(void *arg)
{
	unsigned secs = (unsigned)(uintptr_t)arg;
	static const char msg[] = "watchdog: host hung\n";

	sleep(secs);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(98);
	_exit(99);
}

/* A host thread that never handles a signal: it starts with all blocked. */
static void start_thread(void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_t t;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		printf("error=pthread_create\n");
		exit(5);
	}
	pthread_detach(t);
}

static unsigned long forks;

/* SIGCHLD source: a host thread forking children that exit at once. */
static void *forker(void *arg)
{
	long ms = getenv("GOHOST_FORK_MS") ? atol(getenv("GOHOST_FORK_MS")) : 10;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	(void)arg;
	while (!stop_children) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			forks++;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* Register the calling thread's C stack; call before it takes signals. */
static void register_host_thread(void)
{
	pthread_attr_t a;
	void *addr;
	size_t size;
	int i = __atomic_fetch_add(&nhost, 1, __ATOMIC_RELAXED);

	if (i >= MAXHOST ||
	    pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &addr, &size) != 0) {
		printf("error=register_host_thread\n");
		exit(6);
	}
	pthread_attr_destroy(&a);
	hostthr[i].lo = (uintptr_t)addr;
	hostthr[i].hi = (uintptr_t)addr + size;
	__atomic_store_n(&hostthr[i].tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	(void)h;
	(void)b;
	(*(unsigned long *)user)++;
}

static pcap_t *open_or_die(const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);

	if (p == NULL) {
		printf("error=open: %s\n", err);
		exit(3);
	}
	return p;
}

/* One pass over FILE with pcap_loop; returns the packet count or -1. */
static long pass_loop(const char *file, pcap_handler cb, u_char *user, unsigned long *n)
{
	pcap_t *p = open_or_die(file);
	unsigned long before = *n;
	int rc = pcap_loop(p, -1, cb, user);

	if (rc != 0)
		printf("loop_rc=%d err=%s\n", rc, pcap_geterr(p));
	pcap_close(p);
	return rc == 0 ? (long)(*n - before) : -1;
}

/* One pass over FILE with pcap_next_ex; returns the packet count or -1. */
static long pass_next(const char *file)
{
	pcap_t *p = open_or_die(file);
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0;
	int rc;

	while ((rc = pcap_next_ex(p, &h, &d)) == 1)
		n++;
	if (rc != PCAP_ERROR_BREAK) {
		printf("next_rc=%d err=%s\n", rc, pcap_geterr(p));
		n = -1;
	}
	pcap_close(p);
	return n;
}

static void print_where(void)
{
	printf("alrm=%lu prof=%lu chld=%lu reaped=%lu forks=%lu\n",
	    GET(n_alrm), GET(n_prof), GET(n_chld), GET(n_reaped), forks);
	printf("on_cstack=%lu on_alt=%lu on_gostack=%lu gothr_alt=%lu gothr_noalt=%lu\n",
	    GET(on_cstack), GET(on_alt), GET(on_gostack), GET(gothr_alt), GET(gothr_noalt));
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Mode detect. */
static int detect(const char *file, double secs, unsigned long maxhits)
{
	unsigned long n = 0, loops = 0;
	long expect;
	double t0, end;
	int seen = 0;

	start_thread(watchdog, (void *)(uintptr_t)(secs + 20));
	expect = pass_loop(file, count_cb, (u_char *)&n, &n);	/* loads the backend */
	install(SIGALRM, on_alrm);
	timer(ITIMER_REAL, 100);
	t0 = now();
	end = t0 + secs;
	while (now() < end && GET(on_gostack) < maxhits) {
		if (pass_loop(file, count_cb, (u_char *)&n, &n) != expect)
			printf("bad_loop=%lu\n", loops);
		loops++;
		/* Printed at once: evidence even if a later hit crashes us. */
		if (!seen && GET(on_gostack) > 0) {
			seen = 1;
			printf("gostack_seen=1 after_loops=%lu\n", loops);
		}
	}
	timer(ITIMER_REAL, 0);
	printf("expect=%ld loops=%lu packets=%lu secs=%.2f backend_loaded=%d\n",
	    expect, loops, n, now() - t0, maps_has(BACKEND));
	print_where();
	return 0;
}

/*
 * A second host thread capturing from its own handle at the same time, as
 * dumpcap does per interface: while one thread allocates and so starts a
 * GC, the other is inside a batch fill the GC has to stop.
 */
static const char *cap_file;
static long cap_expect;
static pcap_handler cap_cb;
static unsigned long cap_loops, cap_bad;
static pthread_t cap_thread;

static void *capture(void *arg)
{
	sigset_t all;
	unsigned long n = 0;

	(void)arg;
	register_host_thread();
	sigfillset(&all);
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
	while (!stop_capture) {
		if (pass_loop(cap_file, cap_cb, (u_char *)&n, &n) != cap_expect)
			cap_bad++;
		cap_loops++;
	}
	return NULL;
}

static void storm_start(long settle_ms, const char *file, long expect, pcap_handler cb)
{
	sigset_t all, old;

	install(SIGALRM, on_alrm);
	install(SIGPROF, on_prof);
	install(SIGCHLD, on_chld);
	if (settle_ms > 0) {
		/* Past the library's rate limit, then one entry into Go:
		 * its SA_ONSTACK fix-up sees the handlers. */
		sleep_ms(settle_ms);
		pcap_close(open_or_die(file));
	}
	start_thread(forker, NULL);
	cap_file = file;
	cap_expect = expect;
	cap_cb = cb;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&cap_thread, NULL, capture, NULL) != 0) {
		printf("error=pthread_create\n");
		exit(5);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* On stderr, in order with the runtime's gctrace lines. */
	if (write(2, "storm_start\n", 12) != 12)
		exit(8);
	timer(ITIMER_REAL, 200);
	timer(ITIMER_PROF, 1000);
}

static void storm_stop(void)
{
	timer(ITIMER_REAL, 0);
	timer(ITIMER_PROF, 0);
	stop_children = 1;
	stop_capture = 1;
	pthread_join(cap_thread, NULL);
	sleep_ms(20);
	printf("cap_loops=%lu cap_bad=%lu\n", cap_loops, cap_bad);
}

/* Mode gc. */
static int gc(const char *file, double secs, long settle_ms)
{
	unsigned long n = 0, loops = 0, bad = 0, next_loops = 0;
	long expect, got;
	double end;

	start_thread(watchdog, (void *)(uintptr_t)(secs + 20));
	expect = pass_loop(file, count_cb, (u_char *)&n, &n);
	storm_start(settle_ms, file, expect, count_cb);
	end = now() + secs;
	while (now() < end) {
		if (loops % 2 == 0) {
			got = pass_loop(file, count_cb, (u_char *)&n, &n);
		} else {
			got = pass_next(file);
			if (got > 0)
				n += got;
			next_loops++;
		}
		if (got != expect)
			bad++;
		loops++;
	}
	storm_stop();
	printf("expect=%ld loops=%lu next_loops=%lu bad_loops=%lu packets=%lu\n",
	    expect, loops, next_loops, bad, n);
	print_where();
	return 0;
}

/* The second runtime's entry points. */
static int (*other_work)(int);
static long (*other_gc)(void);
static void (*other_start)(int);
static void (*other_stop)(void);
static unsigned long other_calls, other_bad;

static void load_other(const char *lib)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		printf("error=dlopen %s\n", dlerror());
		exit(7);
	}
	other_work = (int (*)(int))dlsym(h, "OtherWork");
	other_gc = (long (*)(void))dlsym(h, "OtherGC");
	other_start = (void (*)(int))dlsym(h, "OtherStart");
	other_stop = (void (*)(void))dlsym(h, "OtherStop");
	if (!other_work || !other_gc || !other_start || !other_stop) {
		printf("error=dlsym\n");
		exit(7);
	}
	other_start(1);
}

/* The pcap callback calls into the other Go runtime every 64th packet. */
static void other_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	unsigned long *n = (unsigned long *)user;

	(void)b;
	if ((*n)++ % 64 == 0) {
		int x = (int)(h->caplen + *n % 1000);

		INC(other_calls);
		if (other_work(x) != 2 * x + 1)
			INC(other_bad);
	}
}

/* Mode two. */
static int two(const char *order, const char *file, double secs, const char *lib)
{
	unsigned long n = 0, loops = 0, bad = 0;
	long expect, gcs;
	double end;
	int theirs_first = strcmp(order, "theirs-first") == 0;

	if (!theirs_first && strcmp(order, "ours-first") != 0) {
		fprintf(stderr, "bad order %s\n", order);
		return 2;
	}
	start_thread(watchdog, (void *)(uintptr_t)(secs + 25));
	printf("theirs_at_start=%d\n", maps_has(strrchr(lib, '/') ? strrchr(lib, '/') + 1 : lib));
	if (theirs_first) {
		load_other(lib);
		other_gc();
		printf("ours_loaded_before=%d\n", maps_has(BACKEND));
	}
	expect = pass_loop(file, count_cb, (u_char *)&n, &n);	/* loads the backend */
	if (!theirs_first) {
		load_other(lib);
		other_gc();
	}
	storm_start(150, file, expect, other_cb);
	end = now() + secs;
	while (now() < end) {
		if (pass_loop(file, other_cb, (u_char *)&n, &n) != expect)
			bad++;
		if (loops % 4 == 3)
			other_gc();
		else if (pass_next(file) != expect)
			bad++;
		loops++;
	}
	storm_stop();
	/* Which runtime took SIGURG, Go's preemption signal (the other
	 * one lost asynchronous preemption): the one loaded last. */
	{
		struct sigaction sa;
		Dl_info info;
		const char *owner = "none";

		if (sigaction(SIGURG, NULL, &sa) == 0 &&
		    dladdr((void *)sa.sa_sigaction, &info) != 0 && info.dli_fname != NULL)
			owner = strrchr(info.dli_fname, '/') ? strrchr(info.dli_fname, '/') + 1 : info.dli_fname;
		printf("sigurg_owner=%s\n", owner);
	}
	other_stop();
	gcs = other_gc();
	printf("order=%s expect=%ld loops=%lu bad_loops=%lu packets=%lu other_calls=%lu other_bad=%lu other_gcs=%ld\n",
	    order, expect, loops, bad, n, GET(other_calls), GET(other_bad), gcs);
	print_where();
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	register_host_thread();
	if (argc == 5 && strcmp(argv[1], "detect") == 0)
		return detect(argv[2], atof(argv[3]), strtoul(argv[4], NULL, 10));
	if (argc == 5 && strcmp(argv[1], "gc") == 0)
		return gc(argv[2], atof(argv[3]), atol(argv[4]));
	if (argc == 6 && strcmp(argv[1], "two") == 0)
		return two(argv[2], argv[3], atof(argv[4]), argv[5]);
	fprintf(stderr, "usage: gohost detect FILE SECS MAXHITS | gc FILE SECS SETTLE_MS | two ORDER FILE SECS LIBOTHER\n");
	return 2;
}
