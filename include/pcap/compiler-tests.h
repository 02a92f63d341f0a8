/*
 * pcap/compiler-tests.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Compiler-version predicates the other headers use to pick attributes.
 * Each PCAP_IS_AT_LEAST_<compiler>_VERSION(major, minor) is 1 when the code
 * is built by at least that version of that compiler and 0 otherwise.
 */
#ifndef lib_pcap_compiler_tests_h
#define lib_pcap_compiler_tests_h

/* Compilers without __has_attribute answer "no" to every query. */
#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

/* GCC, and compilers that claim to be GCC. */
#if defined(__GNUC__)
#define PCAP_IS_AT_LEAST_GNUC_VERSION(major, minor) \
	(__GNUC__ > (major) || \
	 (__GNUC__ == (major) && __GNUC_MINOR__ >= (minor)))
#else
#define PCAP_IS_AT_LEAST_GNUC_VERSION(major, minor) 0
#endif

/* Clang (its own version numbers, not the GCC ones it imitates). */
#if defined(__clang__)
#define PCAP_IS_AT_LEAST_CLANG_VERSION(major, minor) \
	(__clang_major__ > (major) || \
	 (__clang_major__ == (major) && __clang_minor__ >= (minor)))
#else
#define PCAP_IS_AT_LEAST_CLANG_VERSION(major, minor) 0
#endif

/*
 * Sun/Oracle C. __SUNPRO_C is BCD: 0x5d0 for 5.13, 0x590 for 5.9, so the
 * minor number takes one or two BCD digits.
 */
#if defined(__SUNPRO_C)
#define PCAP_SUNPRO_VERSION_TO_BCD(major, minor) \
	((minor) >= 10 ? \
	    (((major) << 12) | (((minor) / 10) << 8) | (((minor) % 10) << 4)) : \
	    (((major) << 8) | ((minor) << 4)))
#define PCAP_IS_AT_LEAST_SUNC_VERSION(major, minor) \
	(__SUNPRO_C >= PCAP_SUNPRO_VERSION_TO_BCD((major), (minor)))
#else
#define PCAP_IS_AT_LEAST_SUNC_VERSION(major, minor) 0
#endif

/* IBM XL C: newer releases define __ibmxl__, older ones only __xlC__. */
#if defined(__ibmxl__)
#define PCAP_IS_AT_LEAST_XL_C_VERSION(major, minor) \
	(__ibmxl_version__ > (major) || \
	 (__ibmxl_version__ == (major) && __ibmxl_release__ >= (minor)))
#elif defined(__xlC__)
#define PCAP_IS_AT_LEAST_XL_C_VERSION(major, minor) \
	(__xlC__ >= (((major) << 8) | (minor)))
#else
#define PCAP_IS_AT_LEAST_XL_C_VERSION(major, minor) 0
#endif

/* HP aC++/HP C: __HP_aCC is major*10000 + minor*100 + patch. */
#if defined(__HP_aCC)
#define PCAP_IS_AT_LEAST_HP_C_VERSION(major, minor) \
	(__HP_aCC >= ((major) * 10000 + (minor) * 100))
#else
#define PCAP_IS_AT_LEAST_HP_C_VERSION(major, minor) 0
#endif

#endif /* lib_pcap_compiler_tests_h */
