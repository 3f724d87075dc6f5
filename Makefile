# The README's two commands: `make run` and `make test`.
GO          ?= go
ADDR        ?= 127.0.0.1:4010
SEED        ?= 1
BASE_URL    ?= http://127.0.0.1:4010
PROFILE     ?=
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test lint bench contract

## run: the mock on $(ADDR) with the seeded world (seed $(SEED))
run:
	$(GO) run ./cmd/humm-mock --addr $(ADDR) --seed $(SEED)

## test: vet, then every test with the race detector (includes the contract suite against the mock)
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## lint: gofmt, vet and staticcheck
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: the mock's pipeline benchmarks (ns/op, B/op, allocs/op)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## contract: the fixture suite against BASE_URL; PROFILE names a profile file, else the mock's /__mock/profile is used
contract:
ifeq ($(strip $(PROFILE)),)
	$(GO) run ./cmd/humm-contract --base-url $(BASE_URL) --profile-from-mock
else
	$(GO) run ./cmd/humm-contract --base-url $(BASE_URL) --profile $(PROFILE)
endif
