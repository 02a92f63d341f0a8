/*
 * pcap/funcattrs.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Decorations for the API's declarations: PCAP_API (export/import),
 * PCAP_AVAILABLE_x_y (the release that introduced a routine), and
 * attributes for deprecated, non-returning and printf-like functions.
 * pcapshim targets Linux and other ELF systems only.
 */
#ifndef lib_pcap_funcattrs_h
#define lib_pcap_funcattrs_h

#include <pcap/compiler-tests.h>

/*
 * While the library itself is being built (pcap_EXPORTS defined), the API
 * must stay visible even under -fvisibility=hidden; users see plain
 * declarations.
 */
#if defined(pcap_EXPORTS) && \
    (PCAP_IS_AT_LEAST_GNUC_VERSION(3, 4) || PCAP_IS_AT_LEAST_XL_C_VERSION(12, 0))
#define PCAP_API_DEF __attribute__((visibility("default")))
#else
#define PCAP_API_DEF
#endif

#define PCAP_API PCAP_API_DEF extern

/*
 * Release markers. They only carry meaning on Apple platforms, which
 * pcapshim does not support, so they expand to nothing.
 */
#define PCAP_AVAILABLE_0_4
#define PCAP_AVAILABLE_0_5
#define PCAP_AVAILABLE_0_6
#define PCAP_AVAILABLE_0_7
#define PCAP_AVAILABLE_0_8
#define PCAP_AVAILABLE_0_9
#define PCAP_AVAILABLE_1_0
#define PCAP_AVAILABLE_1_2
#define PCAP_AVAILABLE_1_5
#define PCAP_AVAILABLE_1_7
#define PCAP_AVAILABLE_1_8
#define PCAP_AVAILABLE_1_9
#define PCAP_AVAILABLE_1_10
#define PCAP_AVAILABLE_1_11

/* A function that never returns. */
#if __has_attribute(noreturn) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 5) || \
    PCAP_IS_AT_LEAST_SUNC_VERSION(5, 9) || \
    PCAP_IS_AT_LEAST_XL_C_VERSION(10, 1) || \
    PCAP_IS_AT_LEAST_HP_C_VERSION(6, 10)
#define PCAP_NORETURN __attribute((noreturn))
#define PCAP_NORETURN_DEF __attribute((noreturn))
#else
#define PCAP_NORETURN
#define PCAP_NORETURN_DEF
#endif

/* Argument x is a printf format, the variable arguments start at y. */
#if __has_attribute(__format__) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 3) || \
    PCAP_IS_AT_LEAST_XL_C_VERSION(10, 1) || \
    PCAP_IS_AT_LEAST_HP_C_VERSION(6, 10)
#define PCAP_PRINTFLIKE(x, y) __attribute__((__format__(__printf__, x, y)))
#else
#define PCAP_PRINTFLIKE(x, y)
#endif

/* Using the function draws a warning that says what to use instead. */
#if __has_attribute(deprecated) || PCAP_IS_AT_LEAST_GNUC_VERSION(4, 5) || \
    PCAP_IS_AT_LEAST_SUNC_VERSION(5, 13)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif PCAP_IS_AT_LEAST_GNUC_VERSION(3, 1)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated))
#else
#define PCAP_DEPRECATED(msg)
#endif

/* Marks a format-string parameter (an annotation only MSVC uses). */
#define PCAP_FORMAT_STRING(p) p

#endif /* lib_pcap_funcattrs_h */
