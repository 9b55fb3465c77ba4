# councildash: two commands for a newcomer, `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
CH := bash .ci/clickhouse.sh
BIN := bin/councildash
ADDR ?= :8080
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run demo test test-short bench soak fuzz build clickhouse clickhouse-stop cluster cluster-stop admin-token fmt vet check-go clean

# The moderators' admin token of `make run` and `make demo` (32 random bytes
# in hex; serve refuses tokens under 32 characters). COUNCILDASH_ADMIN_TOKEN
# in the environment wins.
ADMIN_TOKEN_FILE := .admin-token

## run: start ClickHouse (installing it if missing), migrate, fill the dashboard (live crawl when online, local demo web when offline) and serve it on http://localhost:8080
run: build clickhouse admin-token
	COUNCILDASH_ADMIN_TOKEN=$${COUNCILDASH_ADMIN_TOKEN:-$$(cat $(ADMIN_TOKEN_FILE))} \
		COUNCILDASH_CLICKHOUSE_ADDR=$$($(CH) ensure) ./$(BIN) serve --addr $(ADDR) --crawl auto

## demo: like run, but always the offline demo web
demo: build clickhouse admin-token
	COUNCILDASH_ADMIN_TOKEN=$${COUNCILDASH_ADMIN_TOKEN:-$$(cat $(ADMIN_TOKEN_FILE))} \
		COUNCILDASH_CLICKHOUSE_ADDR=$$($(CH) ensure) ./$(BIN) serve --addr $(ADDR) --crawl demo

# The local cluster (docs/SCALING.md): two more servers, .clickhouse-shard1/
# and .clickhouse-shard2/, on loopback ports 19100 and 19200.
CLUSTER ?= councildash
CHC := COUNCILDASH_CH_CLUSTER=$(CLUSTER) bash .ci/clickhouse.sh
# Tests that run once, in the first pass: the cluster's own tests, those that
# start servers of their own, and those that never touch the store.
ONCE := TestCluster|TestParishScaleRegister|TestCrawlSurvivesClickHouseRestart|TestReviewPostsSurviveClickHouseRestart|TestScoreSharedPages|TestBrowserAccessibility

## test: go vet, gofmt and the whole suite with -race against a real ClickHouse; then the data and pipeline tests again on a local two-shard cluster
test: check-go clickhouse cluster
	@test -z "$$(gofmt -l cmd crawler dashboard data reviews scoring)" || { echo "gofmt would change:"; gofmt -l cmd crawler dashboard data reviews scoring; exit 1; }
	$(GO) vet ./...
	COUNCILDASH_CLICKHOUSE_ADDR=$$($(CH) ensure) COUNCILDASH_TEST_CLUSTER=$(CLUSTER)@$$($(CHC) cluster-ensure) COUNCILDASH_REQUIRE_CLICKHOUSE=1 \
		$(GO) test -race -count=1 -timeout 25m ./...
	@echo "== the data, pipeline and dashboard tests again, on the two-shard cluster"
	COUNCILDASH_CLICKHOUSE_ADDR=$$($(CHC) cluster-ensure) COUNCILDASH_CLICKHOUSE_CLUSTER=$(CLUSTER) COUNCILDASH_REQUIRE_CLICKHOUSE=1 \
		$(GO) test -race -count=1 -timeout 25m -skip '$(ONCE)' ./data/... ./cmd/councildash/ ./dashboard/

## bench: one scoreboard: crawl, scoring, dashboard, review posts and ClickHouse inserts, each beside its baseline; the scale phases (10,000 sites, one server against the local two-shard cluster)
bench: build clickhouse cluster
	@command -v wrk >/dev/null || { echo "bench: installing wrk (the dashboard load phases use it)"; \
		s=""; [ "$$(id -u)" -eq 0 ] || s=sudo; $$s apt-get install -y -qq wrk >/dev/null; }
	COUNCILDASH_CLICKHOUSE_ADDR=$$($(CH) ensure) ./$(BIN) bench --out bench/results.json --cluster-bench $(CLUSTER)@$$($(CHC) cluster-ensure)

## soak: the long reliability run (10 minutes)
soak: build clickhouse
	COUNCILDASH_CLICKHOUSE_ADDR=$$($(CH) ensure) COUNCILDASH_REQUIRE_CLICKHOUSE=1 COUNCILDASH_SOAK=10m \
		$(GO) test -count=1 -timeout 30m -run Soak -v ./cmd/councildash/

## fuzz: run every fuzz target for FUZZTIME (default 20s each)
FUZZTIME ?= 20s
fuzz: check-go
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1x $$pkg; \
	  done; \
	done

build: check-go
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/councildash

## admin-token: make the moderators' admin token in .admin-token (once; `openssl rand -hex 32`)
admin-token:
	@test -s $(ADMIN_TOKEN_FILE) || { umask 077; { openssl rand -hex 32 2>/dev/null || od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; } > $(ADMIN_TOKEN_FILE); }
	@echo "moderators sign in at /moderation with the admin token in $(ADMIN_TOKEN_FILE)"

## clickhouse: make sure a ClickHouse server answers (reuses a running one)
clickhouse:
	@$(CH) ensure >/dev/null

## clickhouse-stop: stop the project-local ClickHouse that make started
clickhouse-stop:
	@$(CH) stop

## cluster: make sure the local two-shard cluster runs (reuses it); prints nothing
cluster:
	@$(CHC) cluster-ensure >/dev/null

## cluster-stop: stop the local cluster
cluster-stop:
	@$(CHC) cluster-stop

check-go:
	@command -v $(GO) >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install (Go 1.26 or later)"; exit 1; }

fmt:
	gofmt -w cmd crawler dashboard data reviews scoring

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
