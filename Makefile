# The two commands of the README:
#   make lessons   install what is missing, build and install the kernel, open the lessons
#   make test      install what the tests need and run them all
#
# make lessons YES=1 installs system packages without asking;
# make lessons OPEN=--check starts the notebook server, checks that it
# serves the lesson index and lists the kernel, and stops it, instead of
# opening the lessons (install/open.sh).

GO ?= go
YES ?=
OPEN ?=

.PHONY: test check deps lessons install uninstall html

test: deps check
	GOLESSONS_REQUIRE_JUPYTER=1 $(GO) test -count=1 -timeout 40m $$($(GO) list ./... | grep -v '/notebooks$$')
	CGO_ENABLED=1 $(GO) test -race -count=1 ./lessons/...
	@# The lessons last and alone: their checks compare timings, which
	@# other tests running at the same time would disturb.
	GOLESSONS_REQUIRE_JUPYTER=1 $(GO) test -count=1 -timeout 40m ./notebooks/

# Static checks: formatting and vet.
check:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Jupyter and its test clients, from the system's packages.
deps:
	./install/deps.sh $(if $(YES),--yes) test

# Build the kernel and install it for this user.
install:
	GO=$(GO) ./install/kernel.sh --user

# Remove what install added: the kernelspec and the program.
uninstall:
	GO=$(GO) ./install/kernel.sh --uninstall

# Go first, so that an old Go stops it before anything is installed.
lessons:
	GO=$(GO) ./install/goversion.sh
	./install/deps.sh $(if $(YES),--yes) lessons
	GO=$(GO) ./install/kernel.sh --user
	./install/open.sh $(OPEN)

# Every lesson as a static HTML page, with an index per language, in
# public/ (HTML=DIR for another folder), ready to publish.
HTML ?= public
html:
	./notebooks/html.sh $(HTML)
