# hmc — handheld terminal of the assistive-devices centre.
#
#   make run      build, make a demo store if there is none, open the screens
#   make check    every test (set SAN=1 for AddressSanitizer + UBSan)
#   make bench    benchmarks, with figures beside a bare baseline
#   make torture  SIGKILL at random moments of a day's work and of syncs
#                 (LONG=1: thousands of kills; SEED=N repeats a run's choices)
#   make fuzz     libFuzzer targets (clang), FUZZ_SECONDS (60) each, two at a time
#   make install  PREFIX=/usr/local DESTDIR=
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
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

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

.PHONY: all run check bench torture fuzz install uninstall clean deps-build deps-test \
        build-all test-run bench-run torture-run fuzz-run pot
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
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSCREENS): $(UI_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

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

# Translations waiting to be merged into po/LANG.po (po/LANG-*.add, in PO
# format) are compiled in beside it; where both hold a msgid, the .po wins.
$(BUILD)/locale/%/LC_MESSAGES/hmc.mo: po/%.po $(wildcard po/*.add)
	$(call say,MSGFMT,$<)
	@mkdir -p $(dir $@)
	$(Q)msgcat --use-first -o $@.po $< $(wildcard po/$*-*.add)
	$(Q)msgfmt --check -o $@ $@.po
	@rm -f $@.po

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
	@HMC=$(HMC) BUILD=$(BUILD) HMC_LOCALEDIR=$(BUILD)/locale sh tests/run.sh $(TESTS)

# tests/torture.c says what is killed when and what is checked after.
torture-run: $(HMC) $(MO) $(BUILD)/tests/torture
	@HMC_LOCALEDIR=$(BUILD)/locale $(BUILD)/tests/torture --hmc $(HMC) \
		$(if $(filter 1,$(LONG)),--long) $(if $(SEED),--seed $(SEED))

bench-run: build-all
	@HMC=$(HMC) BUILD=$(BUILD) HMC_LOCALEDIR=$(BUILD)/locale sh tests/bench.sh

# Each fuzz target runs FUZZ_SECONDS from its seed corpus in tests/corpus,
# two at a time; a finding fails, its input kept and printed (tests/fuzz.sh).
fuzz-run: $(FUZZERS)
	@BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz.sh $(FUZZERS)

pot:
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o po/hmc.pot \
		$(wildcard src/*.c screens/*.c)

# --- install -----------------------------------------------------------------

# The central schema goes to $(DATADIR)/central, where hmc central
# init|upgrade finds it beside the binary's prefix (central_schema_dir).
install: $(HMC) $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/firmware-config \
		$(DESTDIR)$(DATADIR)/central
	install -m 755 $(HMC) $(DESTDIR)$(BINDIR)/hmc
	install -m 644 packaging/central/*.sql $(DESTDIR)$(DATADIR)/central/
	for mo in $(MO); do \
		lang=$$(echo $$mo | sed 's|.*/locale/\([^/]*\)/.*|\1|'); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/hmc.mo; \
	done
	if [ -n "$$(ls firmware-config)" ]; then \
		cp -R firmware-config/. $(DESTDIR)$(DATADIR)/firmware-config/; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hmc $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/hmc.mo
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
