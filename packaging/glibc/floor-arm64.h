/*
 * floor-arm64.h: pin the glibc symbol versions pcapshim links against to
 * the oldest ones that exist on arm64 (2.17), so the library built on
 * Debian 12 (glibc 2.36) loads on glibc 2.17 and later (RHEL/CentOS 7,
 * Amazon Linux 2 and newer). Force-included into every C translation unit,
 * the front's and cgo's (the Makefile passes -include to gcc and through
 * CGO_CFLAGS).
 *
 * Each line below names a function whose default version in glibc 2.36 is
 * newer than 2.17 (2.32: pthread_sigmask and pthread_getattr_np got new
 * versions when libpthread moved into libc; 2.34: the rest of libpthread
 * and libdl moved into libc). The old version is still exported by 2.36 as
 * a compatibility symbol with the same behaviour, so binding to it is safe
 * here, and on an old glibc the dynamic linker finds it in libpthread.so.0
 * or libdl.so.2, which the Makefile adds as DT_NEEDED for that reason.
 *
 * stat() has no old version at all (before 2.33 it was an inline wrapper),
 * so the sources do not call the stat family; test/packages checks that the
 * highest GLIBC_ version any built object needs stays at 2.17.
 */
#ifndef PCAPSHIM_GLIBC_FLOOR_H
#define PCAPSHIM_GLIBC_FLOOR_H
#ifndef __ASSEMBLER__
__asm__(".symver pthread_getattr_np,pthread_getattr_np@GLIBC_2.17");
__asm__(".symver pthread_key_create,pthread_key_create@GLIBC_2.17");
__asm__(".symver pthread_attr_getstack,pthread_attr_getstack@GLIBC_2.17");
__asm__(".symver pthread_sigmask,pthread_sigmask@GLIBC_2.17");
__asm__(".symver pthread_create,pthread_create@GLIBC_2.17");
__asm__(".symver pthread_attr_getstacksize,pthread_attr_getstacksize@GLIBC_2.17");
__asm__(".symver pthread_setspecific,pthread_setspecific@GLIBC_2.17");
__asm__(".symver pthread_once,pthread_once@GLIBC_2.17");
__asm__(".symver pthread_detach,pthread_detach@GLIBC_2.17");
__asm__(".symver pthread_join,pthread_join@GLIBC_2.17");
__asm__(".symver pthread_key_delete,pthread_key_delete@GLIBC_2.17");
__asm__(".symver pthread_getspecific,pthread_getspecific@GLIBC_2.17");
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@GLIBC_2.17");
__asm__(".symver pthread_mutexattr_settype,pthread_mutexattr_settype@GLIBC_2.17");
__asm__(".symver pthread_kill,pthread_kill@GLIBC_2.17");
__asm__(".symver dlerror,dlerror@GLIBC_2.17");
__asm__(".symver dladdr,dladdr@GLIBC_2.17");
__asm__(".symver dlopen,dlopen@GLIBC_2.17");
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
__asm__(".symver dlclose,dlclose@GLIBC_2.17");
__asm__(".symver dlvsym,dlvsym@GLIBC_2.17");
#endif /* __ASSEMBLER__ */
#endif
