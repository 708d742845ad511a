# capsuled: build, test, run and install with GNU make.
#
#   make run      install what is missing, build, make a certificate, serve
#   make check    install what is missing, build, run every test
#
# Everything that needs the libraries runs in a sub-make started after
# `deps`, so that pkg-config is asked only once they are installed.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= $(PREFIX)/etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
DESTDIR		?=

BUILD		?= build
SAN		?=

# Debian packages for building, testing and running.
DEPS_PKGS	:= gcc make pkg-config libssl-dev libevent-dev libcmark-gfm-dev \
		   libcmark-gfm-extensions-dev libgumbo-dev \
		   check openssl python3 curl lynx clang-format haproxy systemd \
		   man-db clang libclang-rt-14-dev valgrind
PKGS		:= libevent_core libevent_openssl libevent_pthreads openssl libcmark-gfm \
		   gumbo

# Asked once, on first use, after deps has run.
PKG_CFLAGS	= $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS	= $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
CHECK_CFLAGS	= $(eval CHECK_CFLAGS := $$(shell pkg-config --cflags check))$(CHECK_CFLAGS)
CHECK_LIBS	= $(eval CHECK_LIBS := $$(shell pkg-config --libs check))$(CHECK_LIBS)
# The extensions library has no .pc file of its own: it is linked by name.
CMARK_LIBS	= $(eval CMARK_LIBS := $$(shell pkg-config --libs libcmark-gfm \
		  gumbo) -lcmark-gfm-extensions)$(CMARK_LIBS)
SSL_LIBS	= $(eval SSL_LIBS := $$(shell pkg-config --libs openssl))$(SSL_LIBS)

WARNINGS	:= -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wpointer-arith -Wcast-qual \
		   -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wimplicit-fallthrough \
		   -Wnull-dereference -Wdouble-promotion
CFLAGS		?= -O2 -g
ifeq ($(SAN),1)
  HARDEN	:= -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
  LDHARDEN	:= -fsanitize=address,undefined
else
  HARDEN	:= -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
  LDHARDEN	:= -pie -Wl,-z,relro,-z,now
endif
ALL_CFLAGS	= -std=c17 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(HARDEN) \
		  -Isrc $(PKG_CFLAGS)
ALL_LDFLAGS	= $(LDFLAGS) $(LDHARDEN)

# Modules without libevent or OpenSSL: the unit tests link only these.
PURE_SRCS	:= buf clock file hmap utf8 url html doc docparse mdsplit links docbuild wrap mime gophermap gemstatus \
		   render render_gemtext render_gopher log config store page pages build \
		   gopher gemini proxy search nav limit heap frame
SERVER_SRCS	:= main server hub worker gen capsule capsules listener conn \
		   tlsctx tlserr priv watch
PURE_OBJS	:= $(PURE_SRCS:%=$(BUILD)/obj/%.o)
SERVER_OBJS	:= $(SERVER_SRCS:%=$(BUILD)/obj/%.o)
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
UNIT_OBJS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%.o)
# The server modules the unit tests take too: they need OpenSSL, not
# libevent.  The TLS suite drives contexts through memory BIOs; the
# capsules suite loads generations from configs.
UNIT_TLS_OBJS	:= $(BUILD)/obj/tlsctx.o $(BUILD)/obj/tlserr.o \
		   $(BUILD)/obj/capsule.o \
		   $(BUILD)/obj/capsules.o $(BUILD)/obj/gen.o

BIN		:= $(BUILD)/capsuled
LIBPURE		:= $(BUILD)/libcapsule.a
UNIT_BIN	:= $(BUILD)/tests/unit

.PHONY: all deps check check-build test unit integration run run-serve \
	sanitize install uninstall clean format golden certs bench-render bench-content bench bench-bursts fuzz fuzz-run fuzz-check soak valgrind

all: deps
	@$(MAKE) --no-print-directory build-all

build-all: $(BIN)

# Installs the Debian packages that are missing; quiet when none are.
deps:
	@missing=""; \
	for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
		    --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBPURE): $(PURE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(SERVER_OBJS) $(LIBPURE)
	$(CC) $(ALL_LDFLAGS) -o $@ $(SERVER_OBJS) $(LIBPURE) $(PKG_LIBS) \
	    -lcmark-gfm-extensions -lpthread

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_TLS_OBJS) $(LIBPURE)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_TLS_OBJS) $(LIBPURE) \
	    $(CMARK_LIBS) $(SSL_LIBS) $(CHECK_LIBS) -lpthread

# Everything: the fuzz targets briefly, the tests under ASan+UBSan, the
# integration tests with the server under valgrind, then the plain build's
# tests, whose summary ends the output.
CHECK_FUZZ_RUNS	?= 20000
check: deps
	@$(MAKE) --no-print-directory fuzz-check
	@$(MAKE) --no-print-directory BUILD=build/sanitize SAN=1 test
	@$(MAKE) --no-print-directory valgrind
	@$(MAKE) --no-print-directory test

# A self-signed ECDSA P-256 certificate for the host, made once: Gemini
# clients pin it on first use, so an existing one is never replaced.
CERT_HOST	?= localhost
CERT_DAYS	?= 36500
certs: certs/cert.pem

certs/cert.pem:
	@mkdir -p certs
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout certs/key.pem -out certs/cert.pem -days $(CERT_DAYS) \
	    -subj "/CN=$(CERT_HOST)" -addext "subjectAltName=DNS:$(CERT_HOST)" \
	    2>/dev/null
	@chmod 600 certs/key.pem

RUN_GOPHER_PORT	?= 7070
RUN_GEMINI_PORT	?= 1965

# Serves content/ on loopback with unprivileged ports.
run: deps
	@$(MAKE) --no-print-directory run-serve

run-serve: $(BIN) certs/cert.pem
	@{ echo "# made by make run"; \
	   echo "hostname localhost"; \
	   echo "listen 127.0.0.1"; \
	   if grep -qs ' lo$$' /proc/net/if_inet6; then echo "listen ::1"; fi; \
	   echo "gopher_port $(RUN_GOPHER_PORT)"; \
	   echo "gemini_port $(RUN_GEMINI_PORT)"; \
	   echo "content content"; \
	   echo "cert certs/cert.pem"; \
	   echo "key certs/key.pem"; } > $(BUILD)/run.conf
	@echo "Gopher: gopher://localhost:$(RUN_GOPHER_PORT)/"
	@echo "Gemini: gemini://localhost$(if $(filter 1965,$(RUN_GEMINI_PORT)),,:$(RUN_GEMINI_PORT))/"
	@echo "(Ctrl-C stops the server)"
	exec $(BIN) -f $(BUILD)/run.conf

check-build: $(BIN) $(UNIT_BIN)

test: check-build
	@$(MAKE) --no-print-directory unit integration

unit: $(UNIT_BIN)
	CAPSULED_GOLDEN=tests/golden $(UNIT_BIN)

integration: $(BIN)
	$(if $(SAN),CAPSULED_SANITIZED=1) python3 tests/integration/run.py $(BIN)

# Mixed load with the hostile cases for SOAK_SECONDS.
SOAK_SECONDS	?= 300
soak: deps
	@$(MAKE) --no-print-directory $(BIN)
	python3 tests/integration/soak.py $(BIN) $(SOAK_SECONDS)

# The integration tests once more with the server under valgrind: any
# error, or a definitely or indirectly lost byte, fails the server's exit.
VALGRIND	:= valgrind -q --error-exitcode=99 --leak-check=full \
		   --errors-for-leak-kinds=definite,indirect \
		   --show-leak-kinds=definite,indirect
valgrind: $(BIN)
	CAPSULED_WRAPPER="$(VALGRIND)" python3 tests/integration/run.py $(BIN)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/sanitize SAN=1 test

# Rewrites the expected renderings from the current renderer: review the
# diff before committing it.
golden: $(BIN)
	@for md in tests/golden/*.md; do \
		base=$${md%.md}; \
		$(BIN) render gemtext $$md > $$base.gmi; \
		$(BIN) render gophermap $$md > $$base.gophermap; \
		$(BIN) render text $$md > $$base.txt; \
	done

$(BUILD)/bench/bench_render: tests/bench/bench_render.c $(LIBPURE)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBPURE) $(CMARK_LIBS)

$(BUILD)/bench/loadgen: tests/bench/loadgen.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PKG_LIBS)

$(BUILD)/bench/floor: tests/bench/floor.c src/tlsctx.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PKG_LIBS)

# The servers' benchmark: needs root (a network namespace) and the peers
# from Debian (bench-deps).  BENCH_SECONDS per run, BENCH_ROUNDS runs per
# server and concurrency, alternating.
BENCH_SECONDS	?= 2
BENCH_ROUNDS	?= 3
BENCH_PKGS	:= molly-brown gophernicus socat iproute2 util-linux
bench: deps
	@$(MAKE) --no-print-directory DEPS_PKGS="$(BENCH_PKGS)" deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/bench/loadgen \
	    $(BUILD)/bench/floor $(BUILD)/bench/bench_render
	$(BUILD)/bench/bench_render
	BENCH_ROUNDS=$(BENCH_ROUNDS) python3 tests/bench/bench.py $(BUILD) \
	    $(BENCH_SECONDS)

# The worker renewal weighed against glibc's tcache knob: RSS after
# bursts of idle connections and CPU per request, side by side.
BURST_ROUNDS	?= 6
$(BUILD)/norenew/capsuled: $(SERVER_SRCS:%=src/%.c) $(LIBPURE)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DCAPSULED_NO_RENEW $(ALL_LDFLAGS) -o $@ \
	    $(SERVER_SRCS:%=src/%.c) $(LIBPURE) $(PKG_LIBS) \
	    -lcmark-gfm-extensions -lpthread

bench-bursts: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/bench/loadgen \
	    $(BUILD)/norenew/capsuled
	python3 tests/bench/bursts.py $(BUILD) $(BUILD)/norenew/capsuled \
	    $(BURST_ROUNDS)

bench-render: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench/bench_render
	$(BUILD)/bench/bench_render

# What a capsule costs as it grows: generated capsules of 100, 1 000 and
# 10 000 pages (BENCH_CONTENT_PAGES) and one page of 20 000 entries.
bench-content: deps
	@$(MAKE) --no-print-directory DEPS_PKGS=cmark-gfm deps
	@$(MAKE) --no-print-directory $(BIN) certs/cert.pem
	python3 tests/bench/content.py $(BUILD)

# libFuzzer targets (clang, ASan, UBSan) over the pure modules.  Each
# runs FUZZ_SECONDS; what they find goes to build/fuzz/, seeds live in
# tests/fuzz/corpus/.
FUZZ_TARGETS	:= gemini url gopher render mdsplit config proxy search frame
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	= -std=c17 -D_GNU_SOURCE -g -O1 -Wall -Wextra \
		  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		  -Isrc -Itests/fuzz $(PKG_CFLAGS)
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h \
    tests/fuzz/describe.h $(PURE_SRCS:%=src/%.c)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(PURE_SRCS:%=src/%.c) $(CMARK_LIBS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-run

# make check: the seeds (earlier findings among them), then a fixed
# number of runs from a fixed seed, so that CI is repeatable.
FUZZ_LIMIT	= -max_total_time=$(FUZZ_SECONDS)
fuzz-check:
	@$(MAKE) --no-print-directory fuzz-run \
	    FUZZ_LIMIT="-runs=$(CHECK_FUZZ_RUNS) -seed=1"

fuzz-run: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$t; \
		echo "fuzz: $$t ($(FUZZ_LIMIT))"; \
		$(BUILD)/fuzz/fuzz_$$t $(FUZZ_LIMIT) \
		    -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		    -artifact_prefix=$(BUILD)/fuzz/crash-$$t- \
		    $(BUILD)/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
		    2>$(BUILD)/fuzz/$$t.log || { tail -30 $(BUILD)/fuzz/$$t.log; \
		    exit 1; }; \
		grep -h "^#.*DONE" $(BUILD)/fuzz/$$t.log | tail -1; \
	done

clean:
	rm -rf build

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c

# Installs the binary, the man pages, an example config and the systemd
# unit (its paths made to match PREFIX); uninstall removes exactly those.
INSTALLED	= $(DESTDIR)$(BINDIR)/capsuled \
		  $(DESTDIR)$(MANDIR)/man8/capsuled.8 \
		  $(DESTDIR)$(MANDIR)/man5/capsuled.conf.5 \
		  $(DESTDIR)$(SYSCONFDIR)/capsuled.conf.example \
		  $(DESTDIR)$(UNITDIR)/capsuled.service

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/capsuled
	install -D -m 0644 etc/capsuled.8 $(DESTDIR)$(MANDIR)/man8/capsuled.8
	install -D -m 0644 etc/capsuled.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/capsuled.conf.5
	install -D -m 0644 etc/capsuled.conf \
	    $(DESTDIR)$(SYSCONFDIR)/capsuled.conf.example
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/bin|$(BINDIR)|g' \
	    -e 's|/usr/local/etc|$(SYSCONFDIR)|g' etc/capsuled.service \
	    > $(DESTDIR)$(UNITDIR)/capsuled.service
	@chmod 0644 $(DESTDIR)$(UNITDIR)/capsuled.service

uninstall:
	rm -f $(INSTALLED)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
