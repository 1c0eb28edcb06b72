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
	cd compat && $(GO) vet ./... && $(GO) test -race ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# fuzz runs every Fuzz target for FUZZTIME each. A package whose tests do
# not build fails the run instead of being skipped.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  list=$$($(GO) test -list '^Fuzz' $$pkg) || { echo "$$list"; echo "fuzz: $$pkg does not build"; exit 1; }; \
	  for f in $$(echo "$$list" | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
