# The two commands of the README:
#   make lessons   install what is missing, build and install the kernel, open the lessons
#   make test      install what the tests need and run them all

GO ?= go

.PHONY: test check deps lessons install

test: deps check
	GOLESSONS_REQUIRE_JUPYTER=1 $(GO) test -count=1 ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 ./lessons/...

# Static checks: formatting and vet.
check:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Jupyter and its test clients, from the system's packages.
deps:
	./install/deps.sh

# Build the kernel and install it for this user.
install:
	$(GO) install .
	"$$($(GO) env GOPATH)/bin/golessons" install --user

lessons: deps install
	./install/open.sh
