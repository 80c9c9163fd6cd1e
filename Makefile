# wirebeat — the two set-up commands are `make demo` and `make test`; both install what is missing first.
SWIFT ?= swift
BIN := .build/debug/wirebeat

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
test: deps
	$(SWIFT) build --product wirebeat
	$(SWIFT) test

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
