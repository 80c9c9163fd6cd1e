# wirebeat — the two set-up commands are `make demo` and `make test`; both install what is missing first.
SWIFT ?= swift
BIN := .build/debug/wirebeat
SHELL := /bin/bash

.PHONY: deps build demo test test-long bench bench-processors bench-kafka clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build --product wirebeat

# Replays the bundled sample capture into a local Kafka-protocol broker (wirebeat devbroker) through the disk
# spool, then prints what arrived in the topic (kcat). The agent's summary line goes to stderr.
demo: build
	@BIN=$(BIN) scripts/demo

# Every test: unit tests, the chunking and property tests, fixtures, the CLI against tshark's oracle, and
# live capture in network namespaces (needs root).
# The log is kept in .build/test.log; every recorded issue is repeated at the end, where a CI tail shows it.
test: deps
	$(SWIFT) build --product wirebeat
	@set -o pipefail; $(SWIFT) test 2>&1 | tee .build/test.log; status=$$?; \
	  if [ $$status -ne 0 ]; then \
	    echo "=== failures (from .build/test.log) ==="; \
	    grep -E -A6 'recorded an issue|error:|Fatal error|Test .* failed' .build/test.log | cut -c1-400 | tail -120; \
	  fi; exit $$status

# Long-running soak and fault runs (none yet beyond `test`; kept as the entry point for them).
test-long: test

# Packets/s of wirebeat against a raw libpcap read of the same generated capture, in one run.
bench: deps
	scripts/bench-decode

# Events/s through ten typical processors against no processors, in one run.
bench-processors: deps
	scripts/bench-processors

# Events/s from a capture through processors, the disk spool and Kafka, next to kcat -P, in one run.
bench-kafka: deps
	scripts/bench-kafka

clean:
	rm -rf .build .demo
