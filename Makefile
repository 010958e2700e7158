# Tidings: `make run` launches the app, `make test` runs every check and test.
# Both first install what a fresh Debian 12 machine lacks (scripts/install-deps).
# `make package` builds the Debian package (target/package/tidings_*.deb); `make package-test`
# builds it, checks it (dpkg-deb, lintian), installs it, starts it under Xvfb and removes it.
# Neither is part of `make test`.

SHELL := /bin/bash
# One shared target dir, kept between clones (CI clones afresh each run).
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tidings/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: run test deps-run deps-test fmt-check clippy unit e2e build package package-test deps-package

run: deps-run
	$(CARGO) build -p tidings-app -p tidings
	$(CARGO_TARGET_DIR)/debug/tidings-app

# make test ends with a brief fuzz run (FUZZ_TEST_SECONDS per target); fuzz-smoke goes longer.
FUZZ_TEST_SECONDS ?= 10
test: deps-test fmt-check clippy unit
	scripts/fuzz $(FUZZ_TEST_SECONDS)

deps-run:
	@scripts/install-deps run

deps-test:
	@scripts/install-deps test

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Every test: the library's unit and integration tests and the app's end-to-end tests (real
# app under Xvfb via tauri-driver; screenshots in target/e2e-screenshots/).
unit:
	$(CARGO) nextest run --workspace --locked --no-fail-fast

e2e:
	$(CARGO) nextest run -p tidings-app --locked --test e2e

build:
	$(CARGO) build --workspace --locked

deps-package:
	@scripts/install-deps package

package: deps-package
	packaging/build-deb

package-test: deps-package
	scripts/package-test

# The fuzz targets in fuzz/ (feed parsing, OPML import, extraction, sanitizing), FUZZ_SECONDS
# each (cargo-fuzz on stable Rust; see scripts/fuzz). `make fuzz-smoke FUZZ_SECONDS=300` goes
# longer. Fails on a panic, a hang (5 s on one input) or 512 MB of memory.
FUZZ_SECONDS ?= 20
.PHONY: fuzz-smoke
fuzz-smoke:
	@scripts/install-deps fuzz
	scripts/fuzz $(FUZZ_SECONDS)
