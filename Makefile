# pushsim: the two commands that do everything on a fresh machine are
# `make run` and `make test`.
GO       ?= go
BIN      := bin/pushsim
FUZZTIME ?= 10s

.PHONY: run build test bench fuzz tidy

run: build
	./$(BIN) serve --demo

build:
	$(GO) build -o $(BIN) ./cmd/pushsim

test:
	$(GO) vet ./...
	$(GO) test -race ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# fuzz runs every Fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
