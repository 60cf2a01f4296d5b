# SPDX-License-Identifier: MIT
# The README's two commands are `make demo` and `make test`; everything else is for developers.
.PHONY: all deps build demo test check-all bench fuzz fuzz-build asan tsan epoll clean format

JOBS ?= $(shell nproc)
# ccache (when present) shares objects between clones of the repo in different folders.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
FUZZ_SECONDS ?= 60

all: build

deps:
	@scripts/install-deps.sh

## build: the optimized binary at build/release/pcp
build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

## demo: a real run on an embedded default, inside a network namespace it creates
demo: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target pcp
	@scripts/demo.sh build/release/pcp

## test: release + clang ASan/UBSan builds, the whole ctest suite, with stage times
test: deps
	@scripts/make-test.sh

## check-all: test, plus TSan, the epoll build's full suite, and a short fuzz run of every target
check-all: test
	@scripts/check-all.sh

bench: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bench/run.sh

fuzz-build: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

## fuzz: every libFuzzer target for FUZZ_SECONDS each (default 60)
fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
