# Outpost — every entry point a developer or CI needs. `make up` and `make test` install what
# is missing first, so both work on a fresh Debian machine with Node.js.
SHELL := /bin/bash
.DEFAULT_GOAL := help
BUN ?= $(shell command -v bun 2>/dev/null || echo bun)
APT_PACKAGES := nats-server
# Real peers the tests run beside Outpost: node_exporter and blackbox_exporter to compare
# against, dnsmasq as the DNS server the DNS probe tests query, prometheus for promtool (the
# HTTP API's client in tests) and as the peer of the query benchmarks, prometheus-alertmanager for
# amtool (the notifier's config and routing are compared with it).
# chromium drives the web UI's browser tests (test/e2e) through playwright-core.
# postgresql and redis-server are the services the integrations' tests start on free ports, and
# prometheus-postgres-exporter / prometheus-redis-exporter the official exporters compared with.
TEST_APT_PACKAGES := prometheus-node-exporter prometheus-blackbox-exporter dnsmasq-base prometheus prometheus-alertmanager python3-aiosmtpd chromium postgresql redis-server prometheus-postgres-exporter prometheus-redis-exporter
# mariadb-server is the MySQL the integrations' tests start on a free port, and
# prometheus-mysqld-exporter the official exporter compared with.
TEST_APT_PACKAGES += mariadb-server prometheus-mysqld-exporter
# nginx is the web server the integrations' tests start on a free port, and
# prometheus-nginx-exporter the official exporter compared with.
TEST_APT_PACKAGES += nginx prometheus-nginx-exporter
# haproxy and apache2 are the web servers the integrations' tests start on free ports, and
# prometheus-haproxy-exporter and prometheus-apache-exporter the official exporters compared with.
TEST_APT_PACKAGES += haproxy apache2 prometheus-haproxy-exporter prometheus-apache-exporter
# memcached, rabbitmq-server and nats-server are the services the memcached, RabbitMQ and NATS
# integrations' tests start on free ports (Debian ships no exporter for memcached or NATS).
TEST_APT_PACKAGES += memcached rabbitmq-server nats-server
# strace counts the files `outpost up` opens (test/harness/opens.ts): each read once.
TEST_APT_PACKAGES += strace

.PHONY: help deps test-deps ui up test check typecheck lint format proto proto-check deps-check docs docs-check unit agent-binary bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

deps: ## Install what is missing to run: Bun (npm), nats-server (apt), packages
	@command -v bun >/dev/null 2>&1 || npm install -g bun
	@$(call apt_install,$(APT_PACKAGES))
	@bun install --frozen-lockfile >/dev/null

test-deps: deps ## Install what the tests also need: exporters, dnsmasq, prometheus, alertmanager, postgresql, redis (apt)
	@$(call apt_install,$(TEST_APT_PACKAGES))
	@# On a systemd host the package starts a Prometheus server on :9090, the aggregator's port:
	@# the tests need only its promtool (and the benchmarks start their own server). Alertmanager's
	@# package likewise starts a server on :9093; the tests need only amtool. The postgres and redis
	@# exporters' packages start servers on :9187 and :9121 that the tests do not use either,
	@# mariadb-server / the mysqld exporter start MariaDB on :3306 and the exporter on :9104, and
	@# nginx starts on :80 and its exporter on :9113; the tests start their own on free ports.
	@for unit in prometheus prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter prometheus-mysqld-exporter mariadb nginx prometheus-nginx-exporter; do \
	  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet $$unit 2>/dev/null; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO systemctl disable --now $$unit >/dev/null 2>&1 || true; \
	  fi; \
	done

# Installs the Debian packages in $(1) that are not installed yet (with sudo unless root).
define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "installing$$missing"; \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
fi
endef

ui: deps ## Build the web UI into dist/ui when it is missing or older than its sources
	@bun ui/build.ts --if-stale

# Flags passed to `outpost up`, e.g. `make up UP_ARGS="--http-port 9191"` when 9090 is taken.
UP_ARGS ?=
# Not `bun run outpost`: under make, Ctrl-C through `bun run` reached `up` twice, and the second
# SIGINT forces the exit ("exiting now", 130) instead of the clean stop one signal gives.
up: deps ui ## Start the whole system on this machine (nats-server + agent; Ctrl-C stops it)
	BUN_GC_TIMER_DISABLE=1 bun --max-http-header-size=1048576 cli/outpost.ts up $(UP_ARGS)

test: test-deps ui check ## Install what is missing and run every check and test

check: typecheck lint proto-check deps-check docs-check unit ## The ready-check: types, lint, generated code, dependency direction, tests

typecheck:
	bunx tsc --noEmit -p .
	bunx tsc --noEmit -p ui

lint:
	bunx biome check .

format: ## Fix formatting and safe lint findings
	bunx biome check --write .

proto: ## Regenerate protobuf code (committed under proto/gen)
	bunx buf lint
	bunx buf generate

proto-check:
	@bunx buf lint
	@tmp=$$(mktemp -d); cp -r proto/gen $$tmp/before; bunx buf generate; \
	if ! diff -r $$tmp/before proto/gen >/dev/null; then \
	  echo "proto/gen is out of date with proto/: run 'make proto' and commit the result"; rm -rf $$tmp; exit 1; fi; \
	rm -rf $$tmp; echo "generated protobuf code ok"

deps-check:
	@bun scripts/check-deps.ts

docs: ## Regenerate docs/config.md from the config schema
	bun scripts/gen-config-docs.ts

docs-check:
	@bun scripts/gen-config-docs.ts --check

# Two `bun test` processes at once (TEST_SHARDS=1: one, as plain `bun test`), files dealt by
# test/timings.json: most of the suite waits on real services rather than a core.
# `make test SHARD_ARGS="--junit DIR"` keeps each shard's junit report, from which
# `bun scripts/test-shards.ts --timings DIR/shard-*.xml` refreshes test/timings.json.
unit:
	bun scripts/test-shards.ts $(SHARD_ARGS)

# The ICMP prober's worker thread is a second entry point: it must be inside the binary.
agent-binary: deps ## Build the single-file agent: dist/outpost-agent
	bun build --compile --minify --bytecode --format=esm agent/main.ts agent/sources/probe/icmp/worker.ts --outfile dist/outpost-agent

bench: deps ## Run the benchmarks (minutes; not part of make test)
	bun bench/run.ts

clean:
	rm -rf dist .data
