# Build and run the district office backend.
#
#   make deps         install the Debian packages that are missing
#   make build        release build       -> build/release/
#   make build-asan   sanitizer build     -> build/asan/
#   make run          build, then start PostgreSQL, the services and the
#                     gateway on http://localhost:8080 (Ctrl-C stops all)
#   make test         sanitizer build, then unit and API tests on a
#                     throwaway cluster; last line "N passed, N failed"
#   make test-repeat N=20  the whole make test N times in a row from a clean
#                     clone of HEAD, stopping at the first failure
#   make test-valgrind  release build, then the API tests against every
#                     service under valgrind memcheck (no definite or
#                     indirect leak, no memory error)
#   make soak         release build, then 10 minutes of mixed load; each
#                     service's resident memory a minute in and at the end
#   make fuzz         libFuzzer over the parsers and rule engines
#   make bench        release build, then tests/bench/run.sh
#   make bench-smoke  the same with BENCH_SECONDS=1
#   make faults       release build, then tests/faults: the system under load
#                     while PostgreSQL stops, fails over, services are killed
#                     or stopped, rows stay locked; last line "N passed, N failed"
#   make web          build the web console (web/src) into build/web
#   make generate     write every list of the services (gateway routes and
#                     upstreams, compose, Kubernetes, roles, local ports)
#                     from deploy/services.conf; make test checks they are
#                     not stale
#   make test-containers  build every image, start docker-compose.yml with
#                     podman, run the API tests through its gateway, check
#                     deploy/k8s; last line "N passed, N failed"
#   make clean
#
# Sources are found by wildcard; adding a file never needs an edit here:
#   common/*.c                  -> build/<v>/libcommon.a
#   services/<svc>/**/*.c       -> build/<v>/bin/<svc>
#   tests/unit/test_<n>.c       -> build/<v>/bin/unit_<n>
#   tests/api/test_<n>.c        -> build/<v>/bin/api_<n>  (+ tests/api/harness.c)
# A unit test named test_<svc>.c or test_<svc>_<anything>.c, where <svc> is
# a service, is also linked with that service's objects (build/<v>/libsvc_<svc>.a,
# in which the service's main() is renamed oa_service_main), so the service's
# rule code and route table can be tested without a running server.

SHELL := /bin/bash
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:
.SUFFIXES:

CC ?= cc
AR ?= ar
OBJCOPY ?= objcopy

DEB_PACKAGES := build-essential pkg-config libulfius-dev libjansson-dev \
	libpq-dev libjwt-dev libsodium-dev check libsubunit-dev \
	libcurl4-gnutls-dev libmicrohttpd-dev liborcania-dev postgresql \
	postgresql-contrib nginx wrk openssl curl libgnutls28-dev \
	chromium chromium-driver python3-selenium fonts-noto-cjk \
	libcairo2-dev libpango1.0-dev poppler-utils clang libfuzzer-14-dev \
	python3-yaml python3-jsonschema valgrind

# chromium, chromium-driver, python3-selenium: the web console's browser
# tests (tests/browser); fonts-noto-cjk: its Chinese text in screenshots and
# the official PDF's faces; libcairo2-dev, libpango1.0-dev: the documents
# service renders that PDF; poppler-utils: its tests read the PDF back.
# clang, libfuzzer-14-dev: `make fuzz` (tests/fuzz); valgrind: `make
# test-valgrind`.
# python3-yaml, python3-jsonschema: the contract test (tests/contract); python3-yaml
# also the deployment files' check (tests/deploy).
# Node.js and npm (Debian's, unless some npm is already installed) run the
# OpenAPI linters, installed from package-lock.json into node_modules.

# gnutls: libulfius-dev depends on it; the identity service reads the RSA
# public key with it to publish the JWKS.
PKGS      := libulfius libjwt jansson libpq libsodium libmicrohttpd liborcania gnutls
TEST_PKGS := check libcurl
# Libraries only one service links: documents renders the official PDF with
# Cairo and Pango (fonts-noto-cjk gives the CJK faces; poppler-utils lets the
# tests read the PDF back).
# The documents service's PDF renderer (services/documents/render/, the
# program documents-pdf, which the service starts for a burst of renders)
# links Cairo and Pango; the services themselves do not (documents checks
# UTF-8 with GLib).
RENDER_PKGS := pangocairo cairo-pdf
SVC_PKGS_documents := glib-2.0
SVC_PKGS := $(RENDER_PKGS) $(SVC_PKGS_documents)

# pkg-config runs once, on first use inside a recipe, so `make deps` and
# `make clean` work on a machine where the libraries are not installed yet.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(TEST_PKGS) $(SVC_PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
TEST_LIBS  = $(eval TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS)))$(TEST_LIBS)
# The libraries of service $(1) of its own, or nothing.
svc_libs   = $(if $(SVC_PKGS_$(1)),$(shell pkg-config --libs $(SVC_PKGS_$(1))))

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Icommon
DEP_FLAGS   := -MMD -MP
SYS_LIBS    := -lpthread -lm

VARIANTS      := release asan
ALL_OBJS      :=
FLAGS_release := -O2 -g
FLAGS_asan    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

# ---------------------------------------------------------------- sources

COMMON_SRCS := $(sort $(wildcard common/*.c))
SERVICES    := $(sort $(patsubst services/%/,%,$(dir $(wildcard services/*/*.c))))
svc_srcs     = $(sort $(shell find services/$(1) -name '*.c' -type f -not -path '*/render/*' 2>/dev/null))
RENDER_SRCS := $(sort $(wildcard services/documents/render/*.c))
UNIT_SRCS   := $(sort $(wildcard tests/unit/test_*.c))
API_SRCS    := $(sort $(wildcard tests/api/test_*.c))
API_HARNESS := $(wildcard tests/api/harness.c)

UNIT_NAMES := $(patsubst tests/unit/test_%.c,%,$(UNIT_SRCS))
API_NAMES  := $(patsubst tests/api/test_%.c,%,$(API_SRCS))

# TESTS=<substring> narrows a build (and `make test`) to the services
# deploy/services.py --select gives for it (identity, those named in it and
# what they need, by the needs column of deploy/services.conf; the runner
# starts the same ones) and to the test binaries whose names contain it, so
# that work in progress elsewhere in the tree does not stop it.
ifeq ($(strip $(TESTS)),)
SELECTED_SERVICES := $(SERVICES)
SELECTED_UNITS    := $(UNIT_NAMES)
SELECTED_APIS     := $(API_NAMES)
else
SELECTED_SERVICES := $(filter $(SERVICES),$(shell python3 deploy/services.py --select '$(TESTS)'))
SELECTED_UNITS    := $(foreach n,$(UNIT_NAMES),$(if $(findstring $(TESTS),unit_$(n)),$(n)))
SELECTED_APIS     := $(foreach n,$(API_NAMES),$(if $(findstring $(TESTS),api_$(n)),$(n)))
endif

# The service whose objects a unit test links, or nothing.
unit_svc = $(firstword $(foreach s,$(SERVICES),$(if $(filter $(s) $(s)_%,$(1)),$(s))))

# ---------------------------------------------------------------- per variant

# $(1) = variant name
define VARIANT_RULES
B_$(1) := build/$(1)
CFLAGS_$(1) = $$(BASE_CFLAGS) $$(FLAGS_$(1)) $$(DEP_FLAGS) $$(PKG_CFLAGS) $$(CFLAGS)
LDFLAGS_$(1) = $$(FLAGS_$(1)) $$(LDFLAGS)

COMMON_OBJS_$(1) := $$(patsubst %.c,build/$(1)/obj/%.o,$$(COMMON_SRCS))
LIBCOMMON_$(1)   := build/$(1)/libcommon.a

SERVICE_BINS_$(1) := $$(addprefix build/$(1)/bin/,$$(SELECTED_SERVICES)) \
	$$(if $$(filter documents,$$(SELECTED_SERVICES)),build/$(1)/bin/documents-pdf)
RENDER_OBJS_$(1) := $$(patsubst %.c,build/$(1)/obj/%.o,$$(RENDER_SRCS))
ALL_OBJS += $$(RENDER_OBJS_$(1))

build/$(1)/bin/documents-pdf: $$(RENDER_OBJS_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(shell pkg-config --libs $$(RENDER_PKGS)) $$(SYS_LIBS)
UNIT_BINS_$(1)    := $$(addprefix build/$(1)/bin/unit_,$$(SELECTED_UNITS))
API_BINS_$(1)     := $$(addprefix build/$(1)/bin/api_,$$(SELECTED_APIS))

ALL_OBJS += $$(COMMON_OBJS_$(1))

build/$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) -c -o $$@ $$<

# Service objects for unit tests: the same code, with main() renamed.
build/$(1)/libobj/%.o: build/$(1)/obj/%.o
	@mkdir -p $$(@D)
	$$(OBJCOPY) --redefine-sym main=oa_service_main $$< $$@

$$(LIBCOMMON_$(1)): $$(COMMON_OBJS_$(1))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^

.PHONY: variant-$(1)
variant-$(1): $$(LIBCOMMON_$(1)) $$(SERVICE_BINS_$(1)) $$(UNIT_BINS_$(1)) $$(API_BINS_$(1))
	@echo "build/$(1): $$(words $$(SERVICES)) services, $$(words $$(UNIT_NAMES)) unit tests, $$(words $$(API_NAMES)) api tests"
endef

# $(1) = variant, $(2) = service
define SERVICE_RULES
SVC_OBJS_$(1)_$(2) := $$(patsubst %.c,build/$(1)/obj/%.o,$$(call svc_srcs,$(2)))
SVC_LIB_OBJS_$(1)_$(2) := $$(patsubst build/$(1)/obj/%,build/$(1)/libobj/%,$$(SVC_OBJS_$(1)_$(2)))
ALL_OBJS += $$(SVC_OBJS_$(1)_$(2))

build/$(1)/bin/$(2): $$(SVC_OBJS_$(1)_$(2)) $$(LIBCOMMON_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$(SVC_OBJS_$(1)_$(2)) $$(LIBCOMMON_$(1)) $$(PKG_LIBS) $$(call svc_libs,$(2)) $$(SYS_LIBS)

build/$(1)/libsvc_$(2).a: $$(SVC_LIB_OBJS_$(1)_$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef

# $(1) = variant, $(2) = unit test name
define UNIT_RULES
UNIT_SVC_LIB_$(1)_$(2) := $$(if $$(call unit_svc,$(2)),build/$(1)/libsvc_$$(call unit_svc,$(2)).a)
ALL_OBJS += build/$(1)/obj/tests/unit/test_$(2).o

build/$(1)/bin/unit_$(2): build/$(1)/obj/tests/unit/test_$(2).o $$(UNIT_SVC_LIB_$(1)_$(2)) $$(LIBCOMMON_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(TEST_LIBS) $$(PKG_LIBS) $$(call svc_libs,$$(call unit_svc,$(2))) $$(SYS_LIBS)
endef

# $(1) = variant, $(2) = api test name
define API_RULES
API_OBJS_$(1)_$(2) := build/$(1)/obj/tests/api/test_$(2).o $$(patsubst %.c,build/$(1)/obj/%.o,$$(API_HARNESS))
ALL_OBJS += $$(API_OBJS_$(1)_$(2))

build/$(1)/bin/api_$(2): $$(API_OBJS_$(1)_$(2)) $$(LIBCOMMON_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(TEST_LIBS) $$(PKG_LIBS) $$(SYS_LIBS)
endef

$(foreach v,$(VARIANTS),$(eval $(call VARIANT_RULES,$(v))))
$(foreach v,$(VARIANTS),$(foreach s,$(SERVICES),$(eval $(call SERVICE_RULES,$(v),$(s)))))
$(foreach v,$(VARIANTS),$(foreach t,$(UNIT_NAMES),$(eval $(call UNIT_RULES,$(v),$(t)))))
$(foreach v,$(VARIANTS),$(foreach t,$(API_NAMES),$(eval $(call API_RULES,$(v),$(t)))))

-include $(sort $(ALL_OBJS:.o=.d))

# ---------------------------------------------------------------- targets

.PHONY: test-valgrind soak test-repeat
.PHONY: deps build build-asan run test bench bench-smoke clean web fuzz faults containers-deps test-containers generate

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
		dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "installing:$$missing"; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing

build: variant-release

build-asan: variant-asan

# deps first, then a fresh make so that the build sees the installed tools.
# The build holds build/.lock, so two `make test` started together do not
# write the same objects at once; it runs on every core unless -j was given.
NPROC  := $(shell nproc 2>/dev/null || echo 2)
LOCKED  = mkdir -p build && flock build/.lock $(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC))

run: deps
	@$(LOCKED) build
	deploy/local.sh run

test: deps node_modules/.package-lock.json
	@$(LOCKED) build-asan
	deploy/local.sh test

# make test N times in a row from a clean clone of HEAD (var/repeat/clone);
# the first failure stops it and names its output and logs (tests/repeat.sh).
test-repeat:
	tests/repeat.sh $(or $(N),20)

# The OpenAPI linters (Redocly CLI, Spectral), exactly as package-lock.json
# pins them; no install scripts run.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

# The API tests against the release build of every service under valgrind
# memcheck (one copy each; tests/valgrind.supp): a definite or indirect leak
# or a memory error fails the run. Slow: about an hour on two cores.
test-valgrind: deps
	@$(LOCKED) build
	deploy/local.sh valgrind

# SOAK_SECONDS (600) of mixed load on the release build; prints each
# service's resident memory a minute in and at the end and fails on 10 % or
# more growth (SOAK_MAX_GROWTH_PCT). Not part of make test.
soak: deps
	@$(LOCKED) build
	deploy/local.sh soak

# The benchmarks run on a copy of the release binaries that built: a service
# whose build fails (work in progress) is left out, and its scenarios print
# "skipped: service not built"; a rebuild during the run changes nothing.
BENCH_BIN := build/release/bench-bin
define BENCH_PREPARE
	@$(LOCKED) -k build || echo "note: part of the release build failed"
	@rm -rf $(BENCH_BIN) && mkdir -p $(BENCH_BIN)
	@for s in $(SERVICES); do \
		if $(MAKE) --no-print-directory -q build/release/bin/$$s 2>/dev/null; then \
			cp build/release/bin/$$s $(BENCH_BIN)/$$s; \
		else \
			echo "note: $$s did not build; its scenarios are skipped"; \
		fi; \
	done
	@if $(MAKE) --no-print-directory -q build/release/bin/documents-pdf 2>/dev/null; then \
		cp build/release/bin/documents-pdf $(BENCH_BIN)/documents-pdf; \
	fi
endef

bench: deps
	$(BENCH_PREPARE)
	BIN_DIR=$(CURDIR)/$(BENCH_BIN) deploy/local.sh bench

bench-smoke: deps
	$(BENCH_PREPARE)
	BIN_DIR=$(CURDIR)/$(BENCH_BIN) BENCH_SECONDS=1 deploy/local.sh bench

# libFuzzer over the parsers and rule engines (tests/fuzz/run.sh); its seed
# corpora are replayed by `make test` (tests/unit/test_*fuzz_replay.c).
fuzz: deps
	tests/fuzz/run.sh

# The fault scenarios (tests/faults/faults.py), each on its own cluster and
# ports through deploy/local.sh faults; FAULTS=<substring> runs only those
# whose names contain it.
faults: deps
	@$(LOCKED) build
	tests/faults/faults.py

# The web console (工作台) as the gateway serves it; deploy/local.sh builds
# it the same way into the state directory of each run.
web:
	web/build.sh build/web

# Containers: Debian's podman (with runc) builds and runs the images of
# docker-compose.yml; python3-yaml reads the compose file.
CONTAINER_PACKAGES := podman runc debootstrap podman-compose python3-yaml curl

containers-deps:
	@missing=""; \
	for p in $(CONTAINER_PACKAGES); do \
		dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "installing:$$missing"; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y $$missing

# The API test binaries come from the sanitizer build (`make test` made them).
test-containers: deps containers-deps
	@$(LOCKED) build-asan
	tests/containers/run.sh

generate:
	python3 deploy/services.py

clean:
	rm -rf build
