# hmc — handheld terminal of the assistive-devices centre.
#
#   make run      build, make a demo store if there is none, open the screens
#   make check    every test (set SAN=1 for AddressSanitizer + UBSan)
#   make bench    benchmarks, with figures beside a bare baseline
#   make torture  SIGKILL at random moments of a day's work and of syncs
#                 (LONG=1: thousands of kills; SEED=N repeats a run's choices;
#                 KILLS=N and SYNC_KILLS=N set how many)
#   make fuzz     libFuzzer targets (clang), FUZZ_SECONDS (60) each, two at a time
#   make man      writes the settings part of man/hmc.conf.5 from the table
#   make install  PREFIX=/usr/local DESTDIR=  (paths are found at run time
#                 relative to the binary, include/hmc/paths.h)
#   make deb      the Debian package, in build/deb/ (packaging/debian)
#   make check-package  builds the package, installs it with dpkg, tries it,
#                 purges it (root; tests/t_package.sh)
#   make cross ARCH=arm64  hmc, its tests and its package for another
#                 architecture, in build-arm64/ (its libraries in a sysroot
#                 there, never installed); make check-cross ARCH=arm64 runs a
#                 subset of the tests under qemu-user
#   make clean
#
# Quiet by default; V=1 shows the commands.  WERROR=1 turns warnings into
# errors (CI does).  `run`, `check` and `bench` first install missing Debian
# packages through packaging/deps.sh, then build in a sub-make so that
# pkg-config sees what was just installed.

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
DATADIR   ?= $(PREFIX)/share/hmc
MANDIR    ?= $(PREFIX)/share/man
# udev reads /usr/lib/udev/rules.d and /etc/udev/rules.d, never
# /usr/local: with another PREFIX, copy the rules to /etc/udev/rules.d.
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
# Tools by variable, so that a cross build can name its own (Debian's
# dh passes PKG_CONFIG=aarch64-linux-gnu-pkg-config and the like).
PKG_CONFIG ?= pkg-config
AR        ?= ar
SAN       ?= 0
FUZZ      ?= 0
FUZZ_SECONDS ?= 60
WERROR    ?= 0
V         ?= 0
VERSION   := 0.1.0

ifeq ($(FUZZ),1)
BUILD     := build-fuzz
CC        := clang
SANFLAGS  := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
OPT       := -O1
else ifeq ($(SAN),1)
BUILD     := build-san
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -fno-omit-frame-pointer
OPT       := -O1
else
BUILD     := build
SANFLAGS  :=
OPT       := -O2
endif

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

CC        ?= cc
CORE_PKGS := sqlite3 libsodium libusb-1.0 xkbcommon libpng freetype2
# libpq is opened when a PostgreSQL central log is used (central_pg.c), so
# that every other command starts without it and the libraries it needs.
LAZY_PKGS := libpq
UI_PKGS   := ncursesw
TEST_PKGS := cmocka umockdev-1.0

# A cross build (make cross ARCH=arm64): Debian's cross compiler, and the
# other architecture's libraries in a sysroot of their own
# (packaging/sysroot.sh), never installed on the host.  It builds in
# build-ARCH/, with the same sources, flags and tests.
ARCH      ?=
HOST_ARCH := $(shell dpkg-architecture -qDEB_BUILD_ARCH 2>/dev/null)
ifneq ($(filter-out $(HOST_ARCH),$(ARCH)),)
CROSS     := 1
TRIPLET   := $(shell dpkg-architecture -a$(ARCH) -qDEB_HOST_MULTIARCH 2>/dev/null)
BUILD     := build-$(ARCH)
SYSROOT   := $(CURDIR)/$(BUILD)/sysroot
CC        := $(TRIPLET)-gcc --sysroot=$(SYSROOT)
AR        := $(TRIPLET)-ar
PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(TRIPLET)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig pkg-config
# No umockdev in the sysroot: test_usb emulates a kernel on the host only.
TEST_PKGS := cmocka
# Run under qemu-user, the sysroot as its root for libraries.
QEMU      := qemu-$(shell dpkg-architecture -a$(ARCH) -qDEB_HOST_GNU_CPU 2>/dev/null)
else
CROSS     := 0
endif
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wvla -Wpointer-arith
ifneq ($(FUZZ),1)
WARN      += -Wno-format-truncation
endif
ifeq ($(WERROR),1)
WARN      += -Werror
endif
CPPFLAGS  += -Iinclude -D_GNU_SOURCE -DHMC_VERSION='"$(VERSION)"' \
             -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK \
             -DHMC_LOCALEDIR='"$(LOCALEDIR)"' -DHMC_DATADIR='"$(DATADIR)"' \
             -MMD -MP
CFLAGS    ?= $(OPT) -g
CFLAGS    += -std=c17 $(WARN) $(SANFLAGS)
LDFLAGS   += $(SANFLAGS)
CORE_LIBS  = $(call pc_libs,$(CORE_PKGS)) -lzint -lm -ldl

CORE_SRC  := $(filter-out src/main.c src/cli%.c,$(wildcard src/*.c))
CLI_SRC   := src/main.c $(wildcard src/cli*.c)
UI_SRC    := $(wildcard screens/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
ifeq ($(CROSS),1)
TEST_SRC  := $(filter-out tests/test_usb.c,$(TEST_SRC))
endif
BENCH_SRC := $(wildcard tests/bench_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz_*.c)
PO        := $(wildcard po/*.po)

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
UI_OBJ    := $(UI_SRC:%.c=$(BUILD)/%.o)
TESTS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCHES   := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZERS   := $(FUZZ_SRC:tests/%.c=$(BUILD)/tests/%)
MO        := $(PO:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/hmc.mo)
LIBHMC    := $(BUILD)/libhmc.a
LIBSCREENS := $(BUILD)/libscreens.a
HMC       := $(BUILD)/hmc

DEMO_DB   ?= demo/hmc.db
DEMO_UNITS ?= 20000

.PHONY: all run check bench torture fuzz loadtest loadtest-run install uninstall clean deps-build deps-test \
        build-all test-run bench-run torture-run fuzz-run pot man check-quick deb check-package deps-package \
        cross check-cross deps-cross cross-build cross-deb cross-test-run
.DEFAULT_GOAL := all

all: $(HMC) $(MO)

# --- public targets that install what they need first -----------------------

run: deps-build
	@$(MAKE) --no-print-directory $(HMC) $(MO)
	@if [ ! -f $(DEMO_DB) ]; then \
		echo "hmc: making a demo store with $(DEMO_UNITS) units in $(DEMO_DB)"; \
		mkdir -p $(dir $(DEMO_DB)); \
		HMC_LOCALEDIR=$(BUILD)/locale ./$(HMC) --db $(DEMO_DB) demo --units $(DEMO_UNITS) || exit 1; \
	fi
	HMC_LOCALEDIR=$(BUILD)/locale ./$(HMC) --db $(DEMO_DB)

check: deps-test
	@$(MAKE) --no-print-directory test-run

bench: deps-test
	@$(MAKE) --no-print-directory bench-run

torture: deps-test
	@$(MAKE) --no-print-directory torture-run

fuzz: deps-test
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

deps-build:
	@sh packaging/deps.sh build

deps-test:
	@sh packaging/deps.sh test

# --- build -------------------------------------------------------------------

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(call pc_cflags,$(CORE_PKGS) $(LAZY_PKGS) $(UI_PKGS)) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(call pc_cflags,$(CORE_PKGS) $(LAZY_PKGS) $(TEST_PKGS)) -c -o $@ $<

$(LIBHMC): $(CORE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBSCREENS): $(UI_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(HMC): $(CLI_OBJ) $(LIBSCREENS) $(LIBHMC)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBSCREENS) $(LIBHMC) \
		$(call pc_libs,$(UI_PKGS)) $(CORE_LIBS)

TEST_LIB  := $(BUILD)/tests/testutil.o $(BUILD)/tests/usbfixture.o

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_LIB) $(LIBHMC)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(TEST_PKGS)) $(CORE_LIBS)

$(BUILD)/tests/bench_%: $(BUILD)/tests/bench_%.o $(TEST_LIB) $(LIBSCREENS) $(LIBHMC)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(TEST_PKGS) $(UI_PKGS)) $(CORE_LIBS)

# A branch's new messages wait in po/LANG-NAME.add (PO pairs) until they
# are merged into po/LANG.po; the catalogue takes them already (LANG.po's
# own translation wins where both have one).
$(BUILD)/locale/%/LC_MESSAGES/hmc.mo: po/%.po $(wildcard po/*.add)
	$(call say,MSGFMT,$<)
	@mkdir -p $(dir $@)
	$(Q)msgcat --use-first -o $@.po $< $(wildcard po/$*-*.add) && \
		msgfmt --check -o $@ $@.po && rm -f $@.po

# Only the USB test emulates a kernel with umockdev.
$(BUILD)/tests/test_usb: $(BUILD)/tests/usbemu.o

$(BUILD)/tests/gen_replay: $(BUILD)/tests/gen_replay.o $(BUILD)/tests/usbfixture.o $(LIBHMC)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

# The torture driver runs the real binary; it reads the stores itself.
$(BUILD)/tests/torture: $(BUILD)/tests/torture.o
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,sqlite3)

$(BUILD)/tests/fuzz_%: $(BUILD)/tests/fuzz_%.o $(LIBHMC)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(CORE_LIBS)

build-all: $(HMC) $(MO) $(TESTS) $(BENCHES) $(BUILD)/tests/gen_replay $(BUILD)/tests/torture

# --- tests and benchmarks ----------------------------------------------------

test-run: build-all
	@HMC=$(HMC) BUILD=$(BUILD) HMC_LOCALEDIR=$(BUILD)/locale bash tests/run.sh $(TESTS)

# A subset that takes seconds, for the Debian package's build (its
# dh_auto_test): pure unit tests of text, barcodes, calendar, scanner
# profiles, HID decoding and rules, the man pages against --help and the
# code, and the install layout.  No sudo, no apt, no PostgreSQL, no tmux.
QUICK_TESTS := $(addprefix $(BUILD)/tests/,test_text test_barcode test_calendar \
               test_profile test_hid test_rules)
check-quick: $(HMC) $(MO) $(QUICK_TESTS)
	@HMC=$(HMC) BUILD=$(BUILD) HMC_LOCALEDIR=$(BUILD)/locale \
		SHELL_TESTS="tests/t_man.sh tests/t_paths.sh" bash tests/run.sh $(QUICK_TESTS)

# A fleet of handhelds against one PostgreSQL (tests/bench_fleet.c says
# what is measured and proved; a benchmark, it times itself); not in check.  LOADTEST_DEVICES (default 200),
# LOADTEST_EVENTS (moves per handheld per day, 40), LOADTEST_ROUNDS (8),
# LOADTEST_ROUND_SECONDS (15), LOADTEST_LIMIT (seconds, 1800).
loadtest: deps-test
	@$(MAKE) --no-print-directory loadtest-run

loadtest-run: $(HMC) $(BUILD)/tests/bench_fleet
	@BUILD=$(BUILD) sh tests/bench_fleet.sh

# tests/torture.c says what is killed when and what is checked after.
torture-run: $(HMC) $(MO) $(BUILD)/tests/torture
	@HMC_LOCALEDIR=$(BUILD)/locale $(BUILD)/tests/torture --hmc $(HMC) \
		$(if $(filter 1,$(LONG)),--long) $(if $(SEED),--seed $(SEED)) \
		$(if $(KILLS),--kills $(KILLS)) $(if $(SYNC_KILLS),--sync-kills $(SYNC_KILLS))

bench-run: build-all
	@HMC=$(HMC) BUILD=$(BUILD) HMC_LOCALEDIR=$(BUILD)/locale sh tests/bench.sh

# Each fuzz target runs FUZZ_SECONDS from its seed corpus in tests/corpus,
# two at a time; a finding fails, its input kept and printed (tests/fuzz.sh).
fuzz-run: $(FUZZERS)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz.sh $(FUZZERS)

# --- the Debian package ------------------------------------------------------

# dpkg-buildpackage wants debian/ at the top of the tree, and its clean
# step runs make clean: so the package is built from a copy of the files
# git knows (committed or not, ignored ones left out) in
# $(BUILD)/deb/hmc-$(VERSION), with packaging/debian as its debian/.  The
# .deb and .changes land in $(BUILD)/deb; the worktree stays as it was.
DEB_DIR   := $(BUILD)/deb
DEB_SRC   := $(DEB_DIR)/hmc-$(VERSION)
DEB_ARCH   = $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
DEB        = $(DEB_DIR)/hmc_$(VERSION)_$(DEB_ARCH).deb

deb:
	$(call say,DEB,$(DEB))
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_SRC)
	$(Q)cp -R packaging/debian $(DEB_SRC)/debian
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b $(if $(filter 1,$(V)),,>../build.log 2>&1) || \
		{ tail -40 ../build.log; exit 1; }
	$(Q)test -f $(DEB)

# Builds the package, installs it with dpkg, tries it and purges it (root;
# tests/t_package.sh says what it checks).
check-package: deps-package
	@$(MAKE) --no-print-directory deb
	@DEB=$(DEB) sh tests/t_package.sh

deps-package:
	@sh packaging/deps.sh package

# --- the cross build (make cross ARCH=arm64) ----------------------------------

# cross: the sysroot (packaging/sysroot.sh: the ARCH libraries unpacked in
# build-ARCH/sysroot, downloaded once, never installed), then hmc, its
# catalogues, the cmocka tests and the ARCH package in build-ARCH/.
# check-cross: that, then a subset of the suite under qemu-user (below).
# The package is made again only when hmc or the packaging changed.
cross: deps-cross
	@$(if $(filter 1,$(CROSS)),,echo "make cross ARCH=arm64: say which architecture (not the host's)" >&2; exit 2)
	@sh packaging/sysroot.sh $(ARCH) $(BUILD)
	@$(MAKE) --no-print-directory ARCH=$(ARCH) cross-build
	@$(MAKE) --no-print-directory ARCH=$(ARCH) cross-deb

check-cross: cross
	@$(MAKE) --no-print-directory ARCH=$(ARCH) cross-test-run

deps-cross:
	@sh packaging/deps.sh cross

# Under qemu-user: every cmocka test but test_usb (umockdev emulates the
# host's kernel) and test_journal (its 60,000 events take minutes
# emulated; the native suite runs it), and the shell test of labels,
# driving the ARCH hmc through $(BUILD)/hmc-qemu from a demo store to a
# printed label; t_cross.sh checks the binaries' and the package's
# architecture, its Depends, and that the host has no foreign
# architecture or package.  t_cli.sh, t_config.sh and t_auth.sh no longer
# run here (80, 34 and 43 s of the phase that ends CI, measured: it ended
# 90 s after torture with t_cli alone).  The command line still runs
# here through t_label.sh, the config file's and authentication's C paths
# in test_settings and test_auth; the native suite runs all three.
CROSS_TESTS := $(filter-out $(BUILD)/tests/test_journal,$(TESTS))
CROSS_SHELL_TESTS := tests/t_label.sh tests/t_cross.sh

cross-build: $(HMC) $(MO) $(TESTS) $(BUILD)/hmc-qemu

# The ARCH package, by dpkg-buildpackage -aARCH like any Debian cross
# build, from a copy of the tree as for `make deb`: -d because the ARCH
# build dependencies are in the sysroot, not installed (dpkg would want
# libzint-dev:ARCH, which cannot sit beside the host's); nocheck because
# the tests cannot run natively (check-cross runs them under qemu).  The
# compiler and pkg-config look in the sysroot; dpkg-shlibdeps finds the
# ARCH libraries' packages and symbols in the sysroot's own dpkg database
# (packaging/sysroot.sh), so Depends come out as on a native build.
# Made again when hmc or the packaging changed.
CROSS_DEB_SRC := $(BUILD)/deb/hmc-$(VERSION)
CROSS_DEB     := $(BUILD)/deb/hmc_$(VERSION)_$(ARCH).deb
cross-deb: $(CROSS_DEB)
$(CROSS_DEB): $(HMC) $(MO) $(wildcard packaging/debian/* packaging/systemd/* packaging/hmc.conf man/*)
	$(call say,DEB,$@)
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(CROSS_DEB_SRC)
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(CROSS_DEB_SRC)
	$(Q)cp -R packaging/debian $(CROSS_DEB_SRC)/debian
	$(Q)cd $(CROSS_DEB_SRC) && env -u ARCH DEB_BUILD_OPTIONS=nocheck \
		CC="$(TRIPLET)-gcc --sysroot=$(SYSROOT)" AR=$(TRIPLET)-ar PKG_CONFIG=pkg-config \
		PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
		PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(TRIPLET)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig \
		HMC_SHLIBDEPS="--admindir=$(CURDIR)/$(BUILD)/dpkg -l$(SYSROOT)/lib/$(TRIPLET) -l$(SYSROOT)/usr/lib/$(TRIPLET) -l$(SYSROOT)/usr/lib" \
		dpkg-buildpackage -a$(ARCH) -d -us -uc -b $(if $(filter 1,$(V)),,>../build.log 2>&1) || \
		{ tail -40 ../build.log; exit 1; }
	$(Q)test -f $@

$(BUILD)/hmc-qemu: Makefile
	$(Q)printf '#!/bin/sh\n# The $(ARCH) hmc under qemu-user, with the sysroot for its libraries (make check-cross).\nQEMU_LD_PREFIX="$(SYSROOT)" exec $(QEMU) "$$(dirname "$$0")/hmc" "$$@"\n' >$@ && chmod +x $@

cross-test-run: cross-build
	@command -v $(QEMU) >/dev/null || { echo "$(QEMU) is missing: make deps-cross" >&2; exit 1; }
	@QEMU_LD_PREFIX=$(SYSROOT) TEST_EXEC=$(QEMU) HMC=$(BUILD)/hmc-qemu BUILD=$(BUILD) \
		HMC_LOCALEDIR=$(BUILD)/locale SHELL_TESTS="$(CROSS_SHELL_TESTS)" \
		bash tests/run.sh $(CROSS_TESTS)

# The settings part of man/hmc.conf.5, from the table in src/settings.c
# (tests/t_man.sh checks that the page holds what this writes).
man: $(HMC)
	$(call say,MAN,man/hmc.conf.5)
	$(Q)./$(HMC) config list --man >$(BUILD)/settings.man && \
		awk -v made=$(BUILD)/settings.man \
		'/^\.\\" BEGIN SETTINGS/ { while ((getline l < made) > 0) print l; skip = 1; next } \
		 /^\.\\" END SETTINGS/ { skip = 0; next } !skip' man/hmc.conf.5 >$(BUILD)/hmc.conf.5 && \
		mv $(BUILD)/hmc.conf.5 man/hmc.conf.5

pot:
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o po/hmc.pot \
		$(wildcard src/*.c screens/*.c)

# --- install -----------------------------------------------------------------

# Under $(PREFIX): bin/hmc, share/locale/*/LC_MESSAGES/hmc.mo,
# share/hmc/firmware-config (scanner profiles), share/hmc/central (the
# central schema, for hmc central init|upgrade), share/man, and the udev
# rules.  The binary finds them relative to itself (include/hmc/paths.h),
# so DESTDIR and a moved prefix need nothing rebuilt.
MAN_PAGES := man/hmc.1 man/hmc.conf.5

install: $(HMC) $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/firmware-config \
		$(DESTDIR)$(DATADIR)/central $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UDEVRULESDIR)
	install -m 755 $(HMC) $(DESTDIR)$(BINDIR)/hmc
	install -m 644 packaging/central/*.sql $(DESTDIR)$(DATADIR)/central/
	install -m 644 firmware-config/*.profile $(DESTDIR)$(DATADIR)/firmware-config/
	install -m 644 firmware-config/*.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 644 man/hmc.1 $(DESTDIR)$(MANDIR)/man1/hmc.1
	install -m 644 man/hmc.conf.5 $(DESTDIR)$(MANDIR)/man5/hmc.conf.5
	for mo in $(MO); do \
		lang=$$(echo $$mo | sed 's|.*/locale/\([^/]*\)/.*|\1|'); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/hmc.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hmc $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/hmc.mo \
		$(DESTDIR)$(MANDIR)/man1/hmc.1 $(DESTDIR)$(MANDIR)/man5/hmc.conf.5 \
		$(DESTDIR)$(UDEVRULESDIR)/60-hmc-scanners.rules
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz build-arm64

-include $(shell find $(BUILD) \( -path '$(BUILD)/deb' -o -path '$(BUILD)/sysroot' \
	-o -path '$(BUILD)/apt' -o -path '$(BUILD)/control' \) -prune -o -name '*.d' -type f -print 2>/dev/null)
.SECONDARY:
