package session

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/kernel/modules"
)

// startWithModules starts a session whose %go get builds evaluators from
// this checkout, with a local module example.com/greet besides those of
// the module cache.
func startWithModules(t *testing.T) (*Session, *recorder) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	greet := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":   "module example.com/greet\n\ngo 1.22\n",
		"greet.go": "package greet\n\nfunc Hello(name string) string { return \"hello, \" + name }\n",
	} {
		if err := os.WriteFile(filepath.Join(greet, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{text: map[any]string{}}
	b := &modules.Builder{SourceDir: "../..", CacheDir: t.TempDir(), Version: "test", Replace: map[string]string{"example.com/greet": greet}}
	s, err := Start(Config{Argv: []string{binary, "session-child"}, Output: rec, FlushInterval: 5 * time.Millisecond, Modules: b})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rec
}

func TestGoGet(t *testing.T) {
	s, rec := startWithModules(t)
	if r := run(t, s, 1, "func twice(s string) string { return s + s }\nkept := 7"); r.Status != "ok" {
		t.Fatal(r.Error)
	}
	r := run(t, s, 2, "%go get github.com/google/uuid")
	if r.Status != "ok" {
		t.Fatalf("%%go get: %+v", r.Error)
	}
	out := rec.output(2)
	for _, want := range []string{
		"Building an evaluator with github.com/google/uuid v1.6.0 ...\n",
		"The session's evaluator now has github.com/google/uuid v1.6.0.\n",
		"Import \"github.com/google/uuid\" in a cell to use it.\n",
		"The same versions on another machine: %go get github.com/google/uuid@v1.6.0\n",
		"The declarations of earlier cells were restored.\nLost (computed by statements): kept.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%%go get output lacks %q:\n%s", want, out)
		}
	}
	if r := run(t, s, 3, "import \"github.com/google/uuid\"\nlen(twice(uuid.NewString()))"); r.Status != "ok" || r.Result["text/plain"] != "72" {
		t.Fatalf("uuid in a cell: %+v %v", r.Error, r.Result)
	}

	// A failed %go get leaves the session as it was.
	r = run(t, s, 4, "%go get github.com/google/uuid/nosuchpackage")
	if r.Status != "error" || !strings.Contains(r.Error.Value, "nosuchpackage") || !strings.Contains(strings.Join(r.Error.Traceback, "\n"), "The session is unchanged.") {
		t.Errorf("bad package: %+v", r.Error)
	}
	if r := run(t, s, 5, "uuid.Parse(twice(\"x\"))"); r.Status != "ok" {
		t.Errorf("after a failed %%go get: %+v", r.Error)
	}

	// A second %go get adds to the first.
	if r := run(t, s, 6, "%go get example.com/greet"); r.Status != "ok" {
		t.Fatalf("second %%go get: %+v", r.Error)
	}
	if out := rec.output(6); !strings.Contains(out, "now has github.com/google/uuid v1.6.0, example.com/greet") {
		t.Errorf("second %%go get said:\n%s", out)
	}
	if r := run(t, s, 7, "import \"example.com/greet\"\ngreet.Hello(twice(\"go\")) + \" \" + uuid.Nil.String()"); r.Status != "ok" || r.Result["text/plain"] != `"hello, gogo 00000000-0000-0000-0000-000000000000"` {
		t.Fatalf("both packages: %+v %v", r.Error, r.Result)
	}

	// A crash restarts the new evaluator.
	run(t, s, 8, "import \"os\"\nos.Exit(3)")
	if r := run(t, s, 9, "greet.Hello(uuid.Nil.String()[:2])"); r.Status != "ok" || r.Result["text/plain"] != `"hello, 00"` {
		t.Errorf("after a crash: %+v %v", r.Error, r.Result)
	}
	// So does %reset, which forgets the declarations, not the packages.
	run(t, s, 10, "%reset")
	if r := run(t, s, 11, "import \"example.com/greet\"\nstill := \"here\""); r.Status != "ok" {
		t.Errorf("after %%reset: %+v", r.Error)
	}

	// The same request again finds the evaluator in the cache, which the
	// session runs already: it keeps its values.
	if r := run(t, s, 12, "%go get github.com/google/uuid@v1.6.0 example.com/greet"); r.Status != "ok" {
		t.Fatalf("%%go get again: %+v", r.Error)
	}
	if out := rec.output(12); !strings.Contains(out, "Found an evaluator with github.com/google/uuid v1.6.0, example.com/greet v0.0.0 in the cache.\nThe session's evaluator has github.com/google/uuid v1.6.0, example.com/greet v0.0.0 already.\n") {
		t.Errorf("%%go get again said:\n%s", out)
	}
	if r := run(t, s, 13, "greet.Hello(still)"); r.Status != "ok" || r.Result["text/plain"] != `"hello, here"` {
		t.Errorf("after %%go get again: %+v %v", r.Error, r.Result)
	}
}

// An interrupted %go get stops building and leaves the session as it was.
func TestGoGetInterrupted(t *testing.T) {
	s, _ := startWithModules(t)
	run(t, s, 1, "kept := 7")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r := s.Execute(ctx, Request{Code: "%go get github.com/google/uuid example.com/greet", Name: "cell[2]"}, 2)
	if r.Status != "error" || !strings.Contains(r.Error.Value, "interrupted") {
		t.Errorf("interrupted %%go get: %+v", r.Error)
	}
	if r := run(t, s, 3, "kept"); r.Result["text/plain"] != "7" {
		t.Errorf("after an interrupted %%go get: %+v %v", r.Error, r.Result)
	}
}

func TestGoGetUsage(t *testing.T) {
	s, _ := start(t)
	for code, want := range map[string]string{
		"%go get github.com/google/uuid": "%go get is not available in this kernel",
		"%go build":                      "usage: %go get",
		"%go get":                        "usage: %go get",
	} {
		if r := run(t, s, 1, code); r.Status != "error" || !strings.Contains(r.Error.Value, want) {
			t.Errorf("%q: %+v, want an error with %q", code, r.Error, want)
		}
	}
}
