/*
 * pcap/pcap.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * The packet-capture API. Names, values, prototypes and structure layouts
 * are those of libpcap 1.10, so programs built against libpcap build and
 * run against pcapshim unchanged. See pcap(3PCAP) and the per-function
 * manual pages for what each routine does.
 */
#ifndef lib_pcap_pcap_h
#define lib_pcap_pcap_h

#include <pcap/funcattrs.h>
#include <pcap/pcap-inttypes.h>
#include <sys/types.h>
#include <sys/time.h>
#include <pcap/socket.h>
#ifndef PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/bpf.h>
#endif
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Savefile format version written to pcap_file_header. */
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

/* Size of the error buffers callers pass in. */
#define PCAP_ERRBUF_SIZE 256

/*
 * A program that skipped <pcap/bpf.h> (and has no OS BPF header giving a
 * recent BPF_RELEASE) still needs the BPF integer types.
 */
#if BPF_RELEASE - 0 < 199406
typedef int bpf_int32;
typedef u_int bpf_u_int32;
#endif

/* Opaque handles. */
typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;
typedef struct pcap_if pcap_if_t;
typedef struct pcap_addr pcap_addr_t;

/* The 24-byte header at the start of a pcap savefile. */
struct pcap_file_header {
	bpf_u_int32 magic;
	u_short version_major;
	u_short version_minor;
	bpf_int32 thiszone;	/* always 0 */
	bpf_u_int32 sigfigs;	/* always 0 */
	bpf_u_int32 snaplen;	/* longest packet prefix saved */
	bpf_u_int32 linktype;	/* LINKTYPE_ value, maybe with FCS bits */
};

/*
 * The linktype field may also say how long the frame check sequence at
 * the end of each packet is (in 16-bit units): bit 26 flags it, bits
 * 28-31 give it.
 */
#define LT_FCS_LENGTH_PRESENT(x) ((x) & 0x04000000)
#define LT_FCS_LENGTH(x) (((x) & 0xF0000000) >> 28)
#define LT_FCS_DATALINK_EXT(x) ((((x) & 0xF) << 28) | 0x04000000)

/* Which packets pcap_setdirection() keeps. */
typedef enum {
	PCAP_D_INOUT = 0,
	PCAP_D_IN,
	PCAP_D_OUT
} pcap_direction_t;

/* What the library tells the callback about each packet. */
struct pcap_pkthdr {
	struct timeval ts;	/* capture time */
	bpf_u_int32 caplen;	/* bytes present */
	bpf_u_int32 len;	/* bytes on the wire */
};

/* Counters pcap_stats() fills in. */
struct pcap_stat {
	u_int ps_recv;		/* packets received */
	u_int ps_drop;		/* dropped for lack of buffer space */
	u_int ps_ifdrop;	/* dropped by the interface or its driver */
};

/* One capture device in the list pcap_findalldevs() builds. */
struct pcap_if {
	struct pcap_if *next;
	char *name;		/* what to pass to pcap_create() */
	char *description;	/* human-readable, or NULL */
	struct pcap_addr *addresses;
	bpf_u_int32 flags;	/* PCAP_IF_ bits */
};

#define PCAP_IF_LOOPBACK 0x00000001
#define PCAP_IF_UP 0x00000002
#define PCAP_IF_RUNNING 0x00000004
#define PCAP_IF_WIRELESS 0x00000008	/* any radio, not only Wi-Fi */
#define PCAP_IF_CONNECTION_STATUS 0x00000030	/* mask of the two below */
#define PCAP_IF_CONNECTION_STATUS_UNKNOWN 0x00000000
#define PCAP_IF_CONNECTION_STATUS_CONNECTED 0x00000010
#define PCAP_IF_CONNECTION_STATUS_DISCONNECTED 0x00000020
#define PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE 0x00000030

/* One address of a device; any pointer but addr may be NULL. */
struct pcap_addr {
	struct pcap_addr *next;
	struct sockaddr *addr;
	struct sockaddr *netmask;
	struct sockaddr *broadaddr;
	struct sockaddr *dstaddr;	/* the far end of a point-to-point link */
};

/* Callback of pcap_loop() and pcap_dispatch(): user data, header, bytes. */
typedef void (*pcap_handler)(u_char *, const struct pcap_pkthdr *,
    const u_char *);

/* Error codes (negative) and warnings (positive) that calls return. */
#define PCAP_ERROR -1
#define PCAP_ERROR_BREAK -2
#define PCAP_ERROR_NOT_ACTIVATED -3
#define PCAP_ERROR_ACTIVATED -4
#define PCAP_ERROR_NO_SUCH_DEVICE -5
#define PCAP_ERROR_RFMON_NOTSUP -6
#define PCAP_ERROR_NOT_RFMON -7
#define PCAP_ERROR_PERM_DENIED -8
#define PCAP_ERROR_IFACE_NOT_UP -9
#define PCAP_ERROR_CANTSET_TSTAMP_TYPE -10
#define PCAP_ERROR_PROMISC_PERM_DENIED -11
#define PCAP_ERROR_TSTAMP_PRECISION_NOTSUP -12

#define PCAP_WARNING 1
#define PCAP_WARNING_PROMISC_NOTSUP 2
#define PCAP_WARNING_TSTAMP_TYPE_NOTSUP 3

/* Netmask argument of pcap_compile() when the netmask is not known. */
#define PCAP_NETMASK_UNKNOWN 0xffffffff

/* Options of pcap_init(): the encoding of strings the library returns. */
#define PCAP_CHAR_ENC_LOCAL 0x00000000U
#define PCAP_CHAR_ENC_UTF_8 0x00000001U

PCAP_AVAILABLE_1_10
PCAP_API int pcap_init(unsigned int, char *);

PCAP_AVAILABLE_0_4
PCAP_DEPRECATED("use 'pcap_findalldevs' and use the first device")
PCAP_API char *pcap_lookupdev(char *);

PCAP_AVAILABLE_0_4
PCAP_API int pcap_lookupnet(const char *, bpf_u_int32 *, bpf_u_int32 *,
    char *);

/* Creating a handle and setting its options before pcap_activate(). */
PCAP_AVAILABLE_1_0
PCAP_API pcap_t *pcap_create(const char *, char *);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_set_snaplen(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_set_promisc(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_can_set_rfmon(pcap_t *);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_set_rfmon(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_set_timeout(pcap_t *, int);
PCAP_AVAILABLE_1_2
PCAP_API int pcap_set_tstamp_type(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int pcap_set_immediate_mode(pcap_t *, int);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_set_buffer_size(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int pcap_set_tstamp_precision(pcap_t *, int);
PCAP_AVAILABLE_1_5
PCAP_API int pcap_get_tstamp_precision(pcap_t *);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_activate(pcap_t *);

/* Time stamp types. */
PCAP_AVAILABLE_1_2
PCAP_API int pcap_list_tstamp_types(pcap_t *, int **);
PCAP_AVAILABLE_1_2
PCAP_API void pcap_free_tstamp_types(int *);
PCAP_AVAILABLE_1_2
PCAP_API int pcap_tstamp_type_name_to_val(const char *);
PCAP_AVAILABLE_1_2
PCAP_API const char *pcap_tstamp_type_val_to_name(int);
PCAP_AVAILABLE_1_2
PCAP_API const char *pcap_tstamp_type_val_to_description(int);

#ifdef __linux__
PCAP_AVAILABLE_1_9
PCAP_API int pcap_set_protocol_linux(pcap_t *, int);
#endif

/* Where time stamps come from (pcap-tstamp(7)). */
#define PCAP_TSTAMP_HOST 0
#define PCAP_TSTAMP_HOST_LOWPREC 1
#define PCAP_TSTAMP_HOST_HIPREC 2
#define PCAP_TSTAMP_ADAPTER 3
#define PCAP_TSTAMP_ADAPTER_UNSYNCED 4
#define PCAP_TSTAMP_HOST_HIPREC_UNSYNCED 5

/* Resolution of the time stamps handed to the application. */
#define PCAP_TSTAMP_PRECISION_MICRO 0
#define PCAP_TSTAMP_PRECISION_NANO 1

/* Opening live captures, dead handles and savefiles. */
PCAP_AVAILABLE_0_4
PCAP_API pcap_t *pcap_open_live(const char *, int, int, int, char *);
PCAP_AVAILABLE_0_6
PCAP_API pcap_t *pcap_open_dead(int, int);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t *pcap_open_dead_with_tstamp_precision(int, int, u_int);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t *pcap_open_offline_with_tstamp_precision(const char *, u_int,
    char *);
PCAP_AVAILABLE_0_4
PCAP_API pcap_t *pcap_open_offline(const char *, char *);
PCAP_AVAILABLE_1_5
PCAP_API pcap_t *pcap_fopen_offline_with_tstamp_precision(FILE *, u_int,
    char *);
PCAP_AVAILABLE_0_9
PCAP_API pcap_t *pcap_fopen_offline(FILE *, char *);

PCAP_AVAILABLE_0_4
PCAP_API void pcap_close(pcap_t *);

/* Reading packets. */
PCAP_AVAILABLE_0_4
PCAP_API int pcap_loop(pcap_t *, int, pcap_handler, u_char *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_dispatch(pcap_t *, int, pcap_handler, u_char *);
PCAP_AVAILABLE_0_4
PCAP_API const u_char *pcap_next(pcap_t *, struct pcap_pkthdr *);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_next_ex(pcap_t *, struct pcap_pkthdr **, const u_char **);
PCAP_AVAILABLE_0_8
PCAP_API void pcap_breakloop(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_stats(pcap_t *, struct pcap_stat *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_setfilter(pcap_t *, struct bpf_program *);
PCAP_AVAILABLE_0_9
PCAP_API int pcap_setdirection(pcap_t *, pcap_direction_t);
PCAP_AVAILABLE_0_7
PCAP_API int pcap_getnonblock(pcap_t *, char *);
PCAP_AVAILABLE_0_7
PCAP_API int pcap_setnonblock(pcap_t *, int, char *);

/* Sending packets. */
PCAP_AVAILABLE_0_9
PCAP_API int pcap_inject(pcap_t *, const void *, size_t);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_sendpacket(pcap_t *, const u_char *, int);

/* Error reporting. */
PCAP_AVAILABLE_1_0
PCAP_API const char *pcap_statustostr(int);
PCAP_AVAILABLE_0_4
PCAP_API const char *pcap_strerror(int);
PCAP_AVAILABLE_0_4
PCAP_API char *pcap_geterr(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API void pcap_perror(pcap_t *, const char *);

/* Filters. */
PCAP_AVAILABLE_0_4
PCAP_API int pcap_compile(pcap_t *, struct bpf_program *, const char *, int,
    bpf_u_int32);
PCAP_AVAILABLE_0_5
PCAP_DEPRECATED("use pcap_open_dead(), pcap_compile() and pcap_close()")
PCAP_API int pcap_compile_nopcap(int, int, struct bpf_program *,
    const char *, int, bpf_u_int32);
PCAP_AVAILABLE_0_6
PCAP_API void pcap_freecode(struct bpf_program *);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_offline_filter(const struct bpf_program *,
    const struct pcap_pkthdr *, const u_char *);

/* Link-layer types. */
PCAP_AVAILABLE_0_4
PCAP_API int pcap_datalink(pcap_t *);
PCAP_AVAILABLE_1_0
PCAP_API int pcap_datalink_ext(pcap_t *);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_list_datalinks(pcap_t *, int **);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_set_datalink(pcap_t *, int);
PCAP_AVAILABLE_0_8
PCAP_API void pcap_free_datalinks(int *);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_datalink_name_to_val(const char *);
PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_datalink_val_to_name(int);
PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_datalink_val_to_description(int);
PCAP_AVAILABLE_1_10
PCAP_API const char *pcap_datalink_val_to_description_or_dlt(int);

/* Properties of an open handle. */
PCAP_AVAILABLE_0_4
PCAP_API int pcap_snapshot(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_is_swapped(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_major_version(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_minor_version(pcap_t *);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_bufsize(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API FILE *pcap_file(pcap_t *);
PCAP_AVAILABLE_0_4
PCAP_API int pcap_fileno(pcap_t *);

/* Writing savefiles. */
PCAP_AVAILABLE_0_4
PCAP_API pcap_dumper_t *pcap_dump_open(pcap_t *, const char *);
PCAP_AVAILABLE_0_9
PCAP_API pcap_dumper_t *pcap_dump_fopen(pcap_t *, FILE *fp);
PCAP_AVAILABLE_1_7
PCAP_API pcap_dumper_t *pcap_dump_open_append(pcap_t *, const char *);
PCAP_AVAILABLE_0_8
PCAP_API FILE *pcap_dump_file(pcap_dumper_t *);
PCAP_AVAILABLE_0_9
PCAP_API long pcap_dump_ftell(pcap_dumper_t *);
PCAP_AVAILABLE_1_9
PCAP_API int64_t pcap_dump_ftell64(pcap_dumper_t *);
PCAP_AVAILABLE_0_8
PCAP_API int pcap_dump_flush(pcap_dumper_t *);
PCAP_AVAILABLE_0_4
PCAP_API void pcap_dump_close(pcap_dumper_t *);
PCAP_AVAILABLE_0_4
PCAP_API void pcap_dump(u_char *, const struct pcap_pkthdr *, const u_char *);

/* Devices. */
PCAP_AVAILABLE_0_7
PCAP_API int pcap_findalldevs(pcap_if_t **, char *);
PCAP_AVAILABLE_0_7
PCAP_API void pcap_freealldevs(pcap_if_t *);

PCAP_AVAILABLE_0_8
PCAP_API const char *pcap_lib_version(void);

/* Waiting for packets with select()/poll(). */
PCAP_AVAILABLE_0_8
PCAP_API int pcap_get_selectable_fd(pcap_t *);
PCAP_AVAILABLE_1_9
PCAP_API const struct timeval *pcap_get_required_select_timeout(pcap_t *);

/*
 * Remote capture (rpcap) and source strings.
 */

/* Size of the host, port and name buffers of pcap_parsesrcstr(). */
#define PCAP_BUF_SIZE 1024

/* Kinds of source pcap_createsrcstr() builds and pcap_parsesrcstr() finds. */
#define PCAP_SRC_FILE 2
#define PCAP_SRC_IFLOCAL 3
#define PCAP_SRC_IFREMOTE 4

/* Prefixes of source strings. */
#define PCAP_SRC_FILE_STRING "file://"
#define PCAP_SRC_IF_STRING "rpcap://"

/* Flags of pcap_open(). */
#define PCAP_OPENFLAG_PROMISCUOUS 0x00000001
#define PCAP_OPENFLAG_DATATX_UDP 0x00000002
#define PCAP_OPENFLAG_NOCAPTURE_RPCAP 0x00000004
#define PCAP_OPENFLAG_NOCAPTURE_LOCAL 0x00000008
#define PCAP_OPENFLAG_MAX_RESPONSIVENESS 0x00000010

/* Authentication to a remote capture server. */
#define RPCAP_RMTAUTH_NULL 0
#define RPCAP_RMTAUTH_PWD 1

struct pcap_rmtauth {
	int type;		/* RPCAP_RMTAUTH_ value */
	char *username;
	char *password;
};

PCAP_AVAILABLE_1_9
PCAP_API pcap_t *pcap_open(const char *source, int snaplen, int flags,
    int read_timeout, struct pcap_rmtauth *auth, char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_createsrcstr(char *source, int type, const char *host,
    const char *port, const char *name, char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_parsesrcstr(const char *source, int *type, char *host,
    char *port, char *name, char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_findalldevs_ex(const char *source,
    struct pcap_rmtauth *auth, pcap_if_t **alldevs, char *errbuf);

/* Sampling of a remote capture: method and its parameter. */
#define PCAP_SAMP_NOSAMP 0
#define PCAP_SAMP_1_EVERY_N 1
#define PCAP_SAMP_FIRST_AFTER_N_MS 2

struct pcap_samp {
	int method;		/* PCAP_SAMP_ value */
	int value;		/* N of the method */
};

PCAP_AVAILABLE_1_9
PCAP_API struct pcap_samp *pcap_setsampling(pcap_t *p);

/* Active mode: the capture server connects to us. */
#define RPCAP_HOSTLIST_SIZE 1024

PCAP_AVAILABLE_1_9
PCAP_API SOCKET pcap_remoteact_accept(const char *address, const char *port,
    const char *hostlist, char *connectinghost, struct pcap_rmtauth *auth,
    char *errbuf);
PCAP_AVAILABLE_1_10
PCAP_API SOCKET pcap_remoteact_accept_ex(const char *address,
    const char *port, const char *hostlist, char *connectinghost,
    struct pcap_rmtauth *auth, int uses_ssl, char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_remoteact_list(char *hostlist, char sep, int size,
    char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API int pcap_remoteact_close(const char *host, char *errbuf);
PCAP_AVAILABLE_1_9
PCAP_API void pcap_remoteact_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_pcap_h */
