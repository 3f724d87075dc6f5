# The README's two commands: `make run` and `make test`.
GO          ?= go
ADDR        ?= 127.0.0.1:4010
SEED        ?= 1
BASE_URL    ?= http://127.0.0.1:4010
PROFILE     ?=
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 1000x
FUZZTIMEOUT ?= 2h

.PHONY: run test lint bench load load-json-server contract fuzz mutation docs

## run: the mock on $(ADDR) with the seeded world (seed $(SEED)); built once (the build cache makes the next start quick), then exec'd so the mock itself gets Ctrl-C and kill and frees the port
run:
	$(GO) build -o bin/humm-mock ./cmd/humm-mock
	exec bin/humm-mock --addr $(ADDR) --seed $(SEED)

## test: vet, then every test with the race detector (includes the contract suite against the mock)
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

## lint: gofmt, vet, staticcheck, and no require/t.Fatal off a test's goroutine (internal/failnowcheck)
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) run ./internal/failnowcheck .

## docs: write the parts of docs/ read from the code (internal/docgen: the defects table of docs/contract.md, from fixtures/rules.yaml); a test fails until they are written
docs:
	$(GO) run ./internal/docgen/cmd/docgen

## bench: the mock's pipeline benchmarks (ns/op, B/op, allocs/op)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## load: the mock under load next to a bare handler and a naive kin-openapi one (PRISM=URL adds a running Prism)
load:
	$(GO) run ./cmd/humm-load --duration 10s $(if $(PRISM),--prism $(PRISM))
	$(GO) build -o /tmp/humm-mock-load ./cmd/humm-mock
	$(GO) run ./cmd/humm-load --startup /tmp/humm-mock-load --members 24 --duration 2s
	$(GO) run ./cmd/humm-load --startup /tmp/humm-mock-load --members 100000 --duration 5s

## load-json-server: durable PUTs (--state) with 50 writers, side by side with json-server (npm, pinned) in one humm-load run; the disk's own sync cost first
JSON_SERVER_VERSION = 0.17.4
JSON_SERVER_DIR = .cache/json-server
JSON_SERVER_PORT = 3931
load-json-server:
	mkdir -p $(JSON_SERVER_DIR)
	cd $(JSON_SERVER_DIR) && npm install --no-save --no-audit --no-fund --silent json-server@$(JSON_SERVER_VERSION)
	$(GO) run ./cmd/humm-load --json-server-db $(JSON_SERVER_DIR)/db.json
	$(GO) build -o $(JSON_SERVER_DIR)/humm-load ./cmd/humm-load
	node $(JSON_SERVER_DIR)/node_modules/json-server/lib/cli/bin.js --host 127.0.0.1 --port $(JSON_SERVER_PORT) --quiet $(JSON_SERVER_DIR)/db.json & pid=$$!; \
	  for i in $$(seq 100); do curl -fs -o /dev/null http://127.0.0.1:$(JSON_SERVER_PORT)/members && break; sleep 0.1; done; \
	  $(JSON_SERVER_DIR)/humm-load --durable --duration 10s --json-server http://127.0.0.1:$(JSON_SERVER_PORT); status=$$?; kill $$pid; exit $$status

## contract: the fixture suite against BASE_URL; PROFILE names a profile file, else the mock's /__mock/profile is used
contract:
ifeq ($(strip $(PROFILE)),)
	$(GO) run ./cmd/humm-contract --base-url $(BASE_URL) --profile-from-mock
else
	$(GO) run ./cmd/humm-contract --base-url $(BASE_URL) --profile $(PROFILE)
endif

## mutation: the whole suite (hand-written and generated) against the mock under each defect; prints the score, fails on a defect no case catches
mutation:
	HUMM_MUTATION=1 $(GO) test -count=1 -run '^TestMutationScore$$' -v ./contract

## fuzz: each fuzz target for FUZZTIME: a count of inputs by default (1000x, what CI runs: no clock to race), or a time for people (FUZZTIME=10m). Failing inputs land in testdata/fuzz/
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzPipeline$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mock
	$(GO) test -run '^$$' -fuzz '^FuzzGeneratedValues$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mock
	$(GO) test -run '^$$' -fuzz '^FuzzFront$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mock
	$(GO) test -run '^$$' -fuzz '^FuzzFlatObjectReadsAsUnmarshal$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./mock
	$(GO) test -run '^$$' -fuzz '^FuzzLoadJSON$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./internal/stack
	$(GO) test -run '^$$' -fuzz '^FuzzValue$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./internal/stack
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./fixtures
	$(GO) test -run '^$$' -fuzz '^FuzzRecordedBodyReadsBack$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./fixtures
	$(GO) test -run '^$$' -fuzz '^FuzzParseProfile$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./contract
	$(GO) test -run '^$$' -fuzz '^FuzzDateTime$$' -fuzztime $(FUZZTIME) -timeout $(FUZZTIMEOUT) ./internal/spec

## e2e: the QA page and a frontend on another origin in headless Chromium, and the typed TypeScript client, against the mock; installs Debian's chromium and the npm packages when missing; screenshots in e2e/artifacts/
CHROMIUM ?= /usr/bin/chromium
E2E_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: e2e
e2e:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "e2e: $(CHROMIUM) is missing, installing Debian's chromium"; \
		$(E2E_SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(E2E_SUDO) apt-get install -y chromium; \
	fi
	@command -v npm >/dev/null || { echo "e2e: npm is missing: install Node.js 20 or later"; exit 1; }
	@if [ ! e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ]; then cd e2e && npm ci --no-audit --no-fund; fi
	$(GO) build -o e2e/.bin/humm-mock ./cmd/humm-mock
	cd e2e && CHROMIUM=$(CHROMIUM) HUMM_MOCK_BIN=$(CURDIR)/e2e/.bin/humm-mock timeout 900 npm test
