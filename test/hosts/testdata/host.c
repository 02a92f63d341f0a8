/*
 * host.c: a C host program exercising the go-in-c hazards of a libpcap whose
 * core is a Go c-shared library (../../../../shared/specs/go-in-c-hosts.md
 * §1, §2, §3). Usage: host MODE FILE [SECONDS [SETTLE_MS]]. Each mode prints key=value
 * lines that hosts_test.go checks. The Go test's timeout is the outer
 * watchdog; modes that do not use SIGALRM also set alarm().
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKEND "libpcapshim-go.so"

static volatile sig_atomic_t hits;
static volatile unsigned long sink;
static pcap_t *volatile gp;

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

static int threads(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	int n = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	unsigned long *n = (unsigned long *)user;

	(void)h;
	(void)b;
	(*n)++;
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

/* A plain handler: counts. */
static void plain_handler(int sig)
{
	(void)sig;
	hits++;
}

/* A handler that uses about 8 KiB of stack. */
static void deep_handler(int sig)
{
	volatile unsigned char buf[8192];
	unsigned long s = 0;
	size_t i;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i + sig);
	for (i = 0; i < sizeof buf; i += 64)
		s += buf[i];
	sink += s;
	hits++;
}

/* Async-signal-safe pcap calls from a handler (§2). */
static void api_handler(int sig)
{
	struct pcap_stat st;
	pcap_t *p = gp;

	(void)sig;
	if (p == NULL)
		return;
	pcap_breakloop(p);
	(void)pcap_stats(p, &st);
	sink += (unsigned long)pcap_geterr(p)[0];
	hits++;
}

static void install(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		perror("sigaction");
		exit(4);
	}
}

static void itimer(long usec)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = usec;
	it.it_value.tv_usec = usec;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Mode audit: lazy load before use, then the dispositions after a loop. */
static int audit(const char *file)
{
	unsigned long n = 0;
	pcap_t *p;
	int sig, rc;

	alarm(20);
	install(SIGINT, plain_handler, 0);
	install(SIGUSR1, plain_handler, 0);
	install(SIGALRM, plain_handler, 0);
	printf("version=%s\n", pcap_lib_version());
	printf("strerror=%s\n", pcap_strerror(ENOENT));
	printf("lazy_loaded=%d\n", maps_has(BACKEND));
	printf("lazy_threads=%d\n", threads());
	p = open_or_die(file);
	rc = pcap_loop(p, -1, count_cb, (u_char *)&n);
	printf("loop_rc=%d packets=%lu\n", rc, n);
	printf("loaded=%d\n", maps_has(BACKEND));
	for (sig = 1; sig < 65; sig++) {
		struct sigaction sa;
		Dl_info info;
		void *h;
		const char *owner = "other";

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &sa) != 0)
			continue;
		h = (sa.sa_flags & SA_SIGINFO) ? (void *)sa.sa_sigaction :
		    (void *)sa.sa_handler;
		if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL)
			continue;
		if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN) {
			printf("sig=%d owner=ign flags=%#x\n", sig, (unsigned)sa.sa_flags);
			continue;
		}
		if (h == (void *)plain_handler)
			owner = "host";
		else if (dladdr(h, &info) != 0 && info.dli_fname != NULL &&
		    strstr(info.dli_fname, BACKEND) != NULL)
			owner = "go";
		printf("sig=%d owner=%s flags=%#x onstack=%d\n", sig, owner,
		    (unsigned)sa.sa_flags, (sa.sa_flags & SA_ONSTACK) != 0);
	}
	pcap_close(p);
	return 0;
}

/* Mode stress: a late 8 KiB handler at 5 kHz while looping over FILE. */
static int stress(const char *file, double secs, long settle_ms)
{
	unsigned long n = 0, loops = 0;
	double end;
	pcap_t *p;

	p = open_or_die(file);	/* loads the backend */
	pcap_close(p);
	install(SIGALRM, deep_handler, 0);
	if (settle_ms > 0) {
		/* Let the library's rate-limited SA_ONSTACK fix-up see the
		 * handler before the first entry into Go under fire. */
		struct timespec ts = { settle_ms / 1000, (settle_ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
		p = open_or_die(file);
		pcap_close(p);
	}
	itimer(200);
	end = now() + secs;
	while (now() < end) {
		p = open_or_die(file);
		pcap_loop(p, -1, count_cb, (u_char *)&n);
		pcap_close(p);
		loops++;
	}
	itimer(0);
	printf("loops=%lu packets=%lu signals=%d\n", loops, n, (int)hits);
	return 0;
}

/* Mode safeapi: pcap_breakloop/pcap_stats/pcap_geterr from a 2 kHz SIGALRM. */
static int safeapi(const char *file, double secs)
{
	unsigned long n = 0, loops = 0, breaks = 0, done = 0, other = 0;
	sigset_t alrm;
	double end;
	pcap_t *p;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	install(SIGALRM, api_handler, SA_RESTART);
	itimer(500);
	end = now() + secs;
	while (now() < end) {
		int rc;

		sigprocmask(SIG_BLOCK, &alrm, NULL);
		p = open_or_die(file);
		gp = p;
		sigprocmask(SIG_UNBLOCK, &alrm, NULL);
		rc = pcap_loop(p, -1, count_cb, (u_char *)&n);
		if (rc == PCAP_ERROR_BREAK)
			breaks++;
		else if (rc == 0)
			done++;
		else
			other++;
		sigprocmask(SIG_BLOCK, &alrm, NULL);
		gp = NULL;
		pcap_close(p);
		sigprocmask(SIG_UNBLOCK, &alrm, NULL);
		loops++;
	}
	itimer(0);
	printf("loops=%lu breaks=%lu done=%lu other=%lu packets=%lu signals=%d\n",
	    loops, breaks, done, other, n, (int)hits);
	return 0;
}

/* Mode pipechild: after the backend loaded, is SIGPIPE still ignored in
 * this process and in an exec'd child? */
static int pipechild(const char *file)
{
	struct sigaction sa;
	unsigned long n = 0;
	pcap_t *p;

	alarm(20);
	sigaction(SIGPIPE, NULL, &sa);
	printf("before_ign=%d\n", sa.sa_handler == SIG_IGN);
	p = open_or_die(file);
	pcap_loop(p, -1, count_cb, (u_char *)&n);
	sigaction(SIGPIPE, NULL, &sa);
	printf("after_ign=%d packets=%lu\n", sa.sa_handler == SIG_IGN, n);
	fflush(stdout);
	if (system("grep SigIgn /proc/self/status") != 0)
		printf("error=system\n");
	pcap_close(p);
	return 0;
}

static int wait_child(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid) {
		printf("%s=waitpid-failed\n", what);
		return -1;
	}
	if (WIFEXITED(st))
		printf("%s_exit=%d\n", what, WEXITSTATUS(st));
	else
		printf("%s_signal=%d\n", what, WTERMSIG(st));
	fflush(stdout);
	return st;
}

/* fork+exec `ls -l /proc/self/fd` between TAG_begin and TAG_end lines. */
static void list_fds(const char *tag)
{
	pid_t pid;

	printf("%s_begin\n", tag);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(5);
		execlp("ls", "ls", "-l", "/proc/self/fd", (char *)NULL);
		_exit(127);
	}
	wait_child(pid, tag);
	printf("%s_end\n", tag);
	fflush(stdout);
}

/* Mode fork: backend loaded, then fork without exec, fork+exec, fd leak. */
static int forkmode(const char *file)
{
	unsigned long n = 0;
	pcap_t *p;
	pid_t pid;

	alarm(30);
	list_fds("fdbase");
	p = open_or_die(file);
	pcap_loop(p, 5, count_cb, (u_char *)&n);
	printf("parent_packets=%lu\n", n);
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *q;
		const char *e;

		alarm(5);
		err[0] = '\0';
		q = pcap_open_offline(file, err);
		printf("child_open_null=%d\n", q == NULL);
		printf("child_open_err=%s\n", err);
		e = pcap_geterr(p);
		printf("child_geterr_ok=%d\n", e != NULL);
		printf("child_datalink=%d\n", pcap_datalink(p));
		fflush(stdout);
		_exit(0);
	}
	wait_child(pid, "noexec");

	pid = fork();
	if (pid == 0) {
		alarm(5);
		execl("/bin/sh", "sh", "-c", "echo exec_says=hello", (char *)NULL);
		_exit(127);
	}
	wait_child(pid, "exec");

	list_fds("fdlist");
	pcap_close(p);
	return 0;
}

/* Mode forkfirst: fork before any pcap call; the child reads FILE. */
static int forkfirst(const char *file)
{
	pid_t pid;

	alarm(20);
	printf("pre_fork_loaded=%d\n", maps_has(BACKEND));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unsigned long n = 0;
		pcap_t *p;
		int rc;

		alarm(10);
		p = open_or_die(file);
		rc = pcap_loop(p, -1, count_cb, (u_char *)&n);
		printf("child_rc=%d child_packets=%lu\n", rc, n);
		fflush(stdout);
		pcap_close(p);
		_exit(n > 0 && rc == 0 ? 0 : 1);
	}
	wait_child(pid, "child");
	return 0;
}

int main(int argc, char **argv)
{
	double secs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: host MODE FILE [SECONDS]\n");
		return 2;
	}
	secs = argc > 3 ? atof(argv[3]) : 3.0;
	if (strcmp(argv[1], "audit") == 0)
		return audit(argv[2]);
	if (strcmp(argv[1], "stress") == 0)
		return stress(argv[2], secs, argc > 4 ? atol(argv[4]) : 0);
	if (strcmp(argv[1], "safeapi") == 0)
		return safeapi(argv[2], secs);
	if (strcmp(argv[1], "pipechild") == 0)
		return pipechild(argv[2]);
	if (strcmp(argv[1], "fork") == 0)
		return forkmode(argv[2]);
	if (strcmp(argv[1], "forkfirst") == 0)
		return forkfirst(argv[2]);
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
