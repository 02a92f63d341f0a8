# pcapshim: a drop-in libpcap.so with a Go core.
#
#   make            build libpcap.so.0.8 / libpcap.so.1 (+ the Go backend) here
#   make demo       build, then show stock tcpdump working through the library
#   make test       install test needs (when root), build, run every test
#                   (packages and their checks, and the arm64 VM, included)
#   make bench      benchmarks side by side with the system libpcap
#                   (offline, live AF_PACKET, ExaNIC simulator) into BENCHMARKS.md
#   make bench-arm64 the offline read benchmark in the arm64 VM (emulated),
#                   added to BENCHMARKS.md by the next make bench
#   make arm64      the arm64 library in build/arm64/ (cross gcc on amd64)
#   make amd64      the amd64 library in build/amd64/ (what the packages hold)
#   make packages   .deb and .rpm for amd64 and arm64 into dist/ (nfpm)
#   make test-arm64 boot Debian's arm64 kernel under qemu, install the arm64
#                   .deb there and run tcpdump through it (test/arm64/run.sh)
#
# Both architectures are built with the glibc floor (packaging/glibc/): the
# library needs nothing newer than GLIBC_2.17.
#
# Two shared objects: the C front library hosts load (exports exactly the
# libpcap API, see versions.map) and the Go backend it dlopen()s on first use
# (libpcapshim-go.so). See README.md "Design".

GO      ?= go
CC      ?= gcc
ARCH    ?= $(shell $(GO) env GOARCH)
OUT     ?= .
SONAME  ?= libpcap.so.0.8

# Error texts are bounded by PCAP_ERRBUF_SIZE on purpose, as in libpcap:
# truncation there is intended, so that one warning is off.
# glibc floor (README "glibc floor"): every C unit, the front's and cgo's, is
# compiled with packaging/glibc/floor-$(ARCH).h force-included, which binds
# the few symbols glibc 2.32-2.34 re-versioned to their oldest versions
# (GLIBC_2.2.5 on amd64, GLIBC_2.17 on arm64). On a glibc older than 2.34
# those live in libpthread.so.0 and libdl.so.2, hence the explicit DT_NEEDED.
FLOOR_H   = $(wildcard $(CURDIR)/packaging/glibc/floor-$(ARCH).h)
FLOOR_CFLAGS = $(if $(FLOOR_H),-include $(FLOOR_H))
FLOOR_LIBS = -Wl,--no-as-needed -l:libpthread.so.0 -l:libdl.so.2 -Wl,--as-needed

FRONT_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-format-truncation \
	-fPIC -Iinclude -Ishim -D_FORTIFY_SOURCE=2 $(FLOOR_CFLAGS)
FRONT_LDFLAGS = -shared -Wl,-soname,$(SONAME) -Wl,--version-script=versions.map \
	-Wl,-z,now -Wl,-z,relro $(FLOOR_LIBS)
GOFLAGS_BUILD = -trimpath -tags netgo,osusergo -buildmode=c-shared \
	-ldflags "-s -w -extldflags '-Wl,--version-script=$(CURDIR)/shim/bridge/bridge.map -Wl,-soname,libpcapshim-go.so $(FLOOR_LIBS)'"

FRONT_SRC = $(wildcard shim/*.c)
FRONT_HDR = $(wildcard shim/*.h include/*.h include/pcap/*.h)
GO_SRC    = $(shell find core shim exanic -name '*.go' -not -name '*_test.go' 2>/dev/null) \
	$(wildcard shim/bridge/*.c shim/bridge/*.h) shim/pcapshim.h go.mod

.PHONY: all demo test test-go test-fuzz bench bench-arm64 amd64 arm64 test-arm64 packages deps clean vet

all: $(OUT)/libpcap.so.0.8 $(OUT)/libpcap.so.1 $(OUT)/libpcapshim-go.so

$(OUT)/libpcapshim.so: $(FRONT_SRC) $(FRONT_HDR) versions.map $(FLOOR_H)
	$(CC) $(FRONT_CFLAGS) -o $@ $(FRONT_SRC) $(FRONT_LDFLAGS)

$(OUT)/libpcap.so.0.8 $(OUT)/libpcap.so.1: $(OUT)/libpcapshim.so
	ln -sf libpcapshim.so $@

$(OUT)/libpcapshim-go.so: $(GO_SRC) shim/bridge/bridge.map $(FLOOR_H)
	# go build does not see changes to headers outside the package
	# directory (shim/pcapshim.h): their checksum in CGO_CFLAGS does.
	CGO_ENABLED=1 CGO_CFLAGS="-O2 -g $(FLOOR_CFLAGS) -DSHIM_HDRSUM=$$(cat shim/*.h | cksum | cut -d' ' -f1)" \
		$(GO) build $(GOFLAGS_BUILD) -o $@ ./shim/bridge
	rm -f $(OUT)/libpcapshim-go.h

# One library per architecture in build/<arch>/, from any amd64 or arm64 host:
# native gcc for the host's own, Debian's cross gcc (installed when missing,
# as root) for the other. Architecture-specific choices live only in files
# named for (or gated by build tags on) the architecture.
HOSTARCH := $(shell $(GO) env GOHOSTARCH)
CROSS_amd64 = x86_64-linux-gnu
CROSS_arm64 = aarch64-linux-gnu
amd64 arm64:
	@if [ "$@" = "$(HOSTARCH)" ]; then cc=$(CC); else cc=$(CROSS_$@)-gcc; fi; \
	command -v $$cc >/dev/null || { \
	  [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-$$(echo $(CROSS_$@) | tr _ -) >/dev/null; } \
	  || { echo "need $$cc: apt-get install gcc-$$(echo $(CROSS_$@) | tr _ -)" >&2; exit 1; }; \
	mkdir -p build/$@ && \
	$(MAKE) --no-print-directory all OUT=build/$@ CC=$$cc GOARCH=$@ GO="env GOARCH=$@ CC=$$cc $(GO)"

# .deb and .rpm for amd64 and arm64 in dist/ (packaging/build.sh), with nfpm
# installed from the Go module proxy into build/tools (not a module dependency).
VERSION     = $(shell sed -n 's/^\#define PCAPSHIM_VERSION "\(.*\)"/\1/p' shim/tables.c)
NFPM_VERSION = v2.48.0
NFPM        = $(CURDIR)/build/tools/nfpm
$(NFPM):
	GOBIN=$(CURDIR)/build/tools GOFLAGS= $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

packages: amd64 arm64 $(NFPM)
	rm -rf dist
	sh packaging/build.sh $(NFPM) dist $(VERSION)

# The demo needs only tcpdump (and ip for its live part): installed when
# root and missing, as make test installs its needs.
demo: all
	@$(MAKE) --no-print-directory deps TEST_PKGS="tcpdump iproute2"
	@sh test/demo.sh

# What the tests need on a fresh Debian/Ubuntu machine (installed when root).
TEST_PKGS = tcpdump libpcap0.8-dev tshark ngrep nmap tcpreplay gcc g++ iproute2 binutils \
	gcc-aarch64-linux-gnu qemu-system-arm rpm cpio debootstrap pkgconf strace
deps:
	@missing=""; for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing packages:$$missing (run make test as root, or apt-get install them)" >&2; exit 1; fi; \
	fi

vet:
	@test -z "$$(gofmt -l core shim test exanic 2>/dev/null)" || { gofmt -l core shim test exanic; echo "gofmt needed" >&2; exit 1; }
	$(GO) vet ./...

# Fuzz each parser for a bounded time (FUZZTIME per target).
FUZZTIME ?= 20s
test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzPcap$$' -fuzztime $(FUZZTIME) ./core/savefile
	$(GO) test -run '^$$' -fuzz '^FuzzPcapng$$' -fuzztime $(FUZZTIME) ./core/savefile
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) ./core/filter

test-go:
	$(GO) test -count=1 -timeout 20m ./...

# packages first, so that test/packages (in test-go) checks dist/; the arm64
# VM last (about a minute once its downloads are cached in build/arm64-vm/).
test: deps all vet packages test-go test-fuzz test-arm64

# Every comparable benchmark (ours vs the system libpcap, interleaved) into
# the table in BENCHMARKS.md; the raw output stays in build/bench.txt.
bench: deps all
	@mkdir -p build
	$(GO) test -p 1 -run '^$$' -bench . -benchtime 1x -count 1 -timeout 60m ./... > build/bench.txt 2>&1; \
	  rc=$$?; cat build/bench.txt; \
	  { cat build/bench.txt; cat build/bench-arm64.txt 2>/dev/null; } | \
	  $(GO) run ./test/bench/table > BENCHMARKS.md && cat BENCHMARKS.md; exit $$rc

# The offline read benchmark in the arm64 VM (test/arm64/bench_test.go; the
# guest is emulated by qemu TCG on an amd64 host) into build/bench-arm64.txt,
# which make bench adds to BENCHMARKS.md when present.
bench-arm64: deps arm64 packages
	@mkdir -p build
	PCAPSHIM_ARM64_BENCH=1 GO="$(GO)" $(GO) test -run '^$$' -bench Arm64 -benchtime 1x -count 1 \
	  -timeout 30m ./test/arm64 > build/bench-arm64.txt 2>&1; rc=$$?; cat build/bench-arm64.txt; exit $$rc

# Boot Debian's arm64 kernel under qemu-system-aarch64 and run Debian's arm64
# tcpdump through the arm64 library there (test/arm64/run.sh says what runs).
test-arm64: arm64 packages
	GO="$(GO)" sh test/arm64/run.sh

clean:
	rm -rf libpcapshim.so libpcap.so.0.8 libpcap.so.1 libpcapshim-go.so libpcapshim-go.h build dist
