# socpipe: plain GNU make, no configure.  See README.md.
#
#   make [all]          build the programs into build/bin
#   make check          build and run every test (prove, TAP)
#   make check T='tests/t07*.t'   only those tests
#   make SANITIZE=1 check   the same under AddressSanitizer + UBSan
#   make bench          benchmarks (figures, never pass/fail)
#   make demo           the whole SOC, seven programs, on the bundled samples
#   make eval           the labelled evaluations in one table (the simulated
#                       company, the AIT data set): triage, incidents, response
#   make fuzz [FUZZ_TIME=300]   libFuzzer runs of every fuzz target (clang),
#                       FUZZ_TIME seconds in all; what crashes or hangs one
#                       is kept in fuzz/corpus, replayed by make check
#   make install [PREFIX=/usr/local] [DESTDIR=] [MANDIR=]

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
CC       ?= cc
CFLAGS   ?= -O2 -g
PROVE    ?= prove

ifeq ($(SANITIZE),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B        := build/out
SANFLAGS :=
endif

# Each library with the Debian package that provides it.
PKG_jansson   = libjansson-dev
PKG_libcurl   = libcurl4-openssl-dev
PKG_sqlite3   = libsqlite3-dev
PKG_libsodium = libsodium-dev
PKG_libcrypto = libssl-dev
PKG_libssl    = libssl-dev
PKGS = jansson libcurl sqlite3 libsodium libcrypto libssl

# Quiet by default; make V=1 shows the commands.
ifeq ($(V),1)
Q  :=
else
Q  := @
endif

pc_cflags = $(shell pkg-config --cflags $(1))
pc_libs   = $(shell pkg-config --libs $(1))

# Warnings and hardening the user's CFLAGS cannot drop: they come last.
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-unused-parameter -Wno-format-nonliteral \
       -Werror=implicit-function-declaration -Werror=format-security \
       -Werror=incompatible-pointer-types
HARDEN = -fstack-protector-strong -fPIE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
SOC_CFLAGS = -std=c11 -D_GNU_SOURCE -DSOC_VERSION='"$(VERSION)"' -Icommon -I$(B)/gen \
       $(call pc_cflags,$(PKGS)) $(CFLAGS) $(WARN) $(HARDEN) $(SANFLAGS)
SOC_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pie -Wl,-z,relro,-z,now

LIB_SRC  = $(wildcard common/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
LIB      = $(B)/libsoc.a

# A program is cmd/soc-NAME.c, or a folder cmd/soc-NAME/ of .c files.
PROG_FILES = $(patsubst cmd/%.c,%,$(wildcard cmd/soc-*.c))
PROG_DIRS  = $(patsubst cmd/%/,%,$(wildcard cmd/soc-*/))
PROGS      = $(sort $(PROG_FILES) $(PROG_DIRS))
BINS       = $(PROGS:%=$(B)/bin/%)

# The libraries each program links; a program not named links all, one
# named "none" only libsoc and libm.
LIBS_soc-ingest = jansson libsodium libcrypto
LIBS_soc-audit  = jansson sqlite3 libsodium libcrypto
LIBS_soc-score  = jansson sqlite3 libsodium libcrypto
LIBS_soc-decide = jansson libcurl sqlite3 libsodium libcrypto
LIBS_soc-simulate = none
LIBS_soc-listen = jansson libsodium libcrypto libssl
# soc-score writes its checkpoints from a second thread.
LINK_soc-score  = -pthread
prog_libs = $(if $(filter none,$(LIBS_$(1))),,$(call pc_libs,$(if $(LIBS_$(1)),$(LIBS_$(1)),$(PKGS)))) -lm $(LINK_$(1))

# A program's modules (its objects but main.o) also form an archive, so a
# unit test, test tool or fuzz target can link the one-program modules it
# tests (cmd/soc-ingest/cef.c, cmd/soc-score/baseline.c, ...) without the
# program's main.
prog_mods  = $(patsubst %.c,$(B)/%.o,$(filter-out cmd/$(1)/main.c,$(wildcard cmd/$(1)/*.c)))
PROG_ARS   = $(PROG_DIRS:%=$(B)/cmd/%.a)

UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOLS    = $(TOOL_SRC:tests/tools/%.c=$(B)/tests/tools/%)
FUZZ_SRC = $(wildcard fuzz/fuzz-*.c)
FUZZ_REPLAY = $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%)
FUZZ_LIBFUZZER = $(FUZZ_SRC:fuzz/%.c=build/libfuzzer/%)

MANS = $(wildcard man/*.1 man/*.7)

.PHONY: all check bench demo eval eval-loo fuzz install uninstall clean lint-man deps
.SUFFIXES:
.SECONDARY:

all: $(BINS)

# The Debian packages (scripts/install-deps: quick and silent when all are
# present), then each library by pkg-config, naming its package if absent.
DEPS_OK = $(B)/.deps-ok
$(DEPS_OK): scripts/install-deps
	@sh scripts/install-deps
	@command -v pkg-config >/dev/null || \
	  { echo "pkg-config not found: install Debian package pkg-config" >&2; exit 1; }
	@for p in $(foreach p,$(PKGS),$(p):$(PKG_$(p))); do \
	  pkg-config --exists "$${p%%:*}" || \
	  { echo "library $${p%%:*} not found: install Debian package $${p#*:}" >&2; exit 1; }; \
	done
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_OK)

$(B)/%.o: %.c Makefile | $(DEPS_OK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(SOC_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

define prog_rule
$(B)/bin/$(1): $(if $(wildcard cmd/$(1).c),$(B)/cmd/$(1).o,$(patsubst %.c,$(B)/%.o,$(wildcard cmd/$(1)/*.c))) $(LIB)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK    $$@")
	$(Q)$$(CC) -o $$@ $$(filter %.o,$$^) $(LIB) $$(SOC_LDFLAGS) $$(call prog_libs,$(1))
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

define prog_ar_rule
$(B)/cmd/$(1).a: $(call prog_mods,$(1))
	@rm -f $$@
	@$(if $(Q),echo "  AR      $$@")
	$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach p,$(PROG_DIRS),$(eval $(call prog_ar_rule,$(p))))

$(B)/tests/%: $(B)/tests/unit/%.o $(PROG_ARS) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $< $(PROG_ARS) $(LIB) $(SOC_LDFLAGS) $(call pc_libs,$(PKGS)) -lm -pthread

# A libFuzzer build compiles its sources at once: the program modules each
# target needs, beside libsoc's.
FUZZ_EXTRA_fuzz-ingest-doc = cmd/soc-ingest/doc.c
FUZZ_EXTRA_fuzz-cef     = cmd/soc-ingest/cef.c
FUZZ_EXTRA_fuzz-syslog  = cmd/soc-ingest/syslog.c
FUZZ_EXTRA_fuzz-winxml  = cmd/soc-ingest/winxml.c
FUZZ_EXTRA_fuzz-zeek    = cmd/soc-ingest/zeek.c
FUZZ_EXTRA_fuzz-ioc     = cmd/soc-enrich/ioc.c cmd/soc-enrich/ioc_list.c \
                          cmd/soc-enrich/ioc_stix.c \
                          cmd/soc-enrich/ioc_feed.c cmd/soc-enrich/cidr.c

# JSON files built into a program (common/embed.h): embed_rule NAME,
# SYMBOL, FILES, FLAGS makes $(B)/gen/NAME.o, the array SYMBOL of the
# FILES (scripts/embed-json checks each with jq; -m minifies).  NAME.list
# holds the names of the FILES and changes only when they do, so a file
# added (older than the generated source) or removed rebuilds it too.
FORCE:
.PHONY: FORCE
define embed_rule
$(B)/gen/$(1).list: FORCE
	@mkdir -p $$(@D)
	@echo '$(3)' | cmp -s - $$@ || echo '$(3)' >$$@
$(B)/gen/$(1).c: $(3) $(B)/gen/$(1).list scripts/embed-json | $(DEPS_OK)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  GEN     $$@")
	$(Q)sh scripts/embed-json $(4) $(2) $(3) >$$@.tmp && mv $$@.tmp $$@
$(B)/gen/$(1).o: $(B)/gen/$(1).c
	@$$(if $$(Q),echo "  CC      $$<")
	$(Q)$$(CC) $$(SOC_CFLAGS) -c -o $$@ $$<
endef
# soc-act carries the connector templates (connectors/*.json), soc-decide
# the read-only ones (connectors/read/) and its built-in policy, the
# sample shipped in examples/, which soc-act carries too (its tier floors).
$(eval $(call embed_rule,act-builtins,act_builtins,$(sort $(wildcard connectors/*.json)),-m))
$(eval $(call embed_rule,act-policy,act_default_policy,examples/policy.json,))
$(B)/bin/soc-act: $(B)/gen/act-builtins.o $(B)/gen/act-policy.o
$(eval $(call embed_rule,decide-policy,dec_default_policy,examples/policy.json,))
$(eval $(call embed_rule,decide-read,dec_read_templates,$(sort $(wildcard connectors/read/*.json)),-m))
$(B)/bin/soc-decide: $(B)/gen/decide-policy.o $(B)/gen/decide-read.o

# soc-ingest carries the shipped mapping files (mappings/*.json, byte for
# byte: a mapping's errors name its line).
$(eval $(call embed_rule,ingest-mappings,ing_shipped_mappings,$(sort $(wildcard mappings/*.json)),))
$(B)/bin/soc-ingest: $(B)/gen/ingest-mappings.o

# soc-pull carries its sources' templates (connectors/pull/*.json).
$(eval $(call embed_rule,pull-builtins,pull_builtins,$(sort $(wildcard connectors/pull/*.json)),-m))
$(B)/bin/soc-pull: $(B)/gen/pull-builtins.o

# Each object's headers, as the compiler found them (-MMD).
-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Test tools: small programs over libsoc that shell tests drive.
$(B)/tests/tools/%: $(B)/tests/tools/%.o $(PROG_ARS) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $< $(PROG_ARS) $(LIB) $(SOC_LDFLAGS) $(call pc_libs,$(PKGS)) -lm -pthread

# Fuzz targets: a replay driver (fuzz/replay.c) for make check, libFuzzer for make fuzz.
$(B)/fuzz/%: $(B)/fuzz/%.o $(B)/fuzz/replay.o $(PROG_ARS) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(PROG_ARS) $(LIB) $(SOC_LDFLAGS) $(call pc_libs,$(PKGS)) -lm -pthread

.SECONDEXPANSION:
build/libfuzzer/%: fuzz/%.c $(LIB_SRC) $(wildcard common/*.h) $$(FUZZ_EXTRA_$$*) | $(DEPS_OK)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -DSOC_VERSION='"$(VERSION)"' -Icommon -g -O1 \
	  -fsanitize=fuzzer,address,undefined $(call pc_cflags,$(PKGS)) \
	  -o $@ $< $(LIB_SRC) $(FUZZ_EXTRA_$*) $(call pc_libs,$(PKGS)) -lm

FUZZ_TIME ?= 300
fuzz: $(FUZZ_LIBFUZZER)
	FUZZ_TIME=$(FUZZ_TIME) SOC_TOP=$(CURDIR) sh scripts/fuzz $(FUZZ_LIBFUZZER)

check: all $(UNITS) $(TOOLS) $(FUZZ_REPLAY)
	SOC_BIN=$(CURDIR)/$(B)/bin SOC_BUILD=$(CURDIR)/$(B) SOC_TOP=$(CURDIR) \
	  $(PROVE) -j2 $(if $(T),$(T),$(UNITS) tests/*.t) </dev/null

bench: all
	SOC_BIN=$(CURDIR)/$(B)/bin SOC_TOP=$(CURDIR) sh scripts/bench

demo: all
	SOC_BIN=$(CURDIR)/$(B)/bin SOC_TOP=$(CURDIR) sh scripts/demo

# The labelled evaluations in one table (scripts/eval-table): the simulated
# company's ground truth and every AIT-ADS recording present
# (../shared/corpus), at alert and incident level and through the
# response; eval-loo adds the leave-one-out figures.
eval: all
	SOC_BIN=$(CURDIR)/$(B)/bin SOC_TOP=$(CURDIR) sh scripts/eval-table

eval-loo: all
	SOC_BIN=$(CURDIR)/$(B)/bin SOC_TOP=$(CURDIR) sh scripts/eval-table -l

lint-man:
	mandoc -Tlint -Wwarning $(MANS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	install -d $(DESTDIR)$(PREFIX)/share/socpipe/mappings
	install -m 644 $(wildcard mappings/*.json) $(DESTDIR)$(PREFIX)/share/socpipe/mappings

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(wildcard man/*.1))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(wildcard man/*.7))
	rm -f $(patsubst mappings/%,$(DESTDIR)$(PREFIX)/share/socpipe/mappings/%,$(wildcard mappings/*.json))

clean:
	rm -rf build
