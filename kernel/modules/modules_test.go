package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The tests build evaluators from this checkout, with modules that are in
// the module cache (github.com/google/uuid and golang.org/x/sync, which the
// kernel's module requires) or local ones.

func builder(t *testing.T) *Builder {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	return &Builder{SourceDir: "../..", CacheDir: t.TempDir(), Version: "test"}
}

func TestParseGet(t *testing.T) {
	reqs, err := ParseGet("github.com/google/uuid@v1.6.0  golang.org/x/exp/slices")
	if err != nil {
		t.Fatal(err)
	}
	want := []Request{{"github.com/google/uuid", "v1.6.0"}, {"golang.org/x/exp/slices", ""}}
	if !slices.Equal(reqs, want) {
		t.Errorf("got %v, want %v", reqs, want)
	}
	if reqs[0].String() != "github.com/google/uuid@v1.6.0" || reqs[1].String() != "golang.org/x/exp/slices" {
		t.Errorf("String: %s %s", reqs[0], reqs[1])
	}
	for _, bad := range []string{"", "-u x.org/y", "./local", "/abs/path", "x.org/y@"} {
		if _, err := ParseGet(bad); err == nil {
			t.Errorf("ParseGet(%q) succeeded", bad)
		}
	}
}

func TestMerge(t *testing.T) {
	got := Merge([]Request{{"a.org/x", "v1.0.0"}, {"b.org/y", "v1.0.0"}}, Request{"b.org/y", "v2.0.0"}, Request{"c.org/z", ""})
	want := []Request{{"a.org/x", "v1.0.0"}, {"b.org/y", "v2.0.0"}, {"c.org/z", ""}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestBuildAndCache(t *testing.T) {
	b := builder(t)
	var progress strings.Builder
	ev, err := b.Build(context.Background(), []Request{{Path: "github.com/google/uuid"}}, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	if ev.Cached {
		t.Error("first build reported as cached")
	}
	want := []Package{{Path: "github.com/google/uuid", Module: "github.com/google/uuid", Version: "v1.6.0"}}
	if len(ev.Packages) != 1 || ev.Packages[0].Path != want[0].Path || ev.Packages[0].Version != want[0].Version || len(ev.Packages[0].Unusable) != 0 {
		t.Errorf("packages %+v, want %+v", ev.Packages, want)
	}
	if !strings.Contains(progress.String(), "Building an evaluator with github.com/google/uuid v1.6.0") {
		t.Errorf("progress:\n%s", progress.String())
	}
	// The evaluator is an evaluator program: it knows the session child
	// command and refuses others.
	out, err := exec.Command(ev.Path, "no-such-command").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "unknown command") {
		t.Errorf("evaluator no-such-command: %v\n%s", err, out)
	}
	// Its table has the package's names.
	entries, _ := filepath.Glob(filepath.Join(b.CacheDir, "evaluators", "*", "evaluator"))
	if len(entries) != 1 {
		t.Errorf("cached evaluators: %v", entries)
	}

	// The same request, pinned or not, is found in the cache.
	for _, r := range []Request{{Path: "github.com/google/uuid"}, {Path: "github.com/google/uuid", Version: "v1.6.0"}} {
		progress.Reset()
		start := time.Now()
		again, err := b.Build(context.Background(), []Request{r}, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Cached || again.Path != ev.Path {
			t.Errorf("%s: second build %+v, want the cached %s", r, again, ev.Path)
		}
		if !strings.Contains(progress.String(), "in the cache") {
			t.Errorf("progress:\n%s", progress.String())
		}
		t.Logf("%s from the cache in %v", r, time.Since(start))
	}
	// No work directory is left behind.
	if left, _ := filepath.Glob(filepath.Join(b.CacheDir, "work", "*")); len(left) > 0 {
		t.Errorf("left in work: %v", left)
	}
}

func TestBuildErrors(t *testing.T) {
	b := builder(t)
	b.Builtin = func(path string) bool { return path == "golang.org/x/sync/errgroup" }
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{Path: "golang.org/x/sync"}, "module golang.org/x/sync has no Go package at its root: name one of its packages, e.g. %go get golang.org/x/sync/errgroup"},
		{Request{Path: "golang.org/x/sync/errgroup"}, "compiled into every evaluator already"},
		{Request{Path: "fmt"}, "standard library"},
		{Request{Path: "github.com/google/uuid", Version: "v0.0.0-no-such-version"}, "github.com/google/uuid"},
		{Request{Path: "github.com/golessons/no-such-module-anywhere"}, "github.com/golessons/no-such-module-anywhere"},
	} {
		_, err := b.Build(context.Background(), []Request{c.req}, &strings.Builder{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with %q", c.req, err, c.want)
		}
	}
}

func TestNoToolchain(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	b := &Builder{SourceDir: "../..", CacheDir: t.TempDir()}
	_, err := b.Build(context.Background(), []Request{{Path: "github.com/google/uuid"}}, &strings.Builder{})
	if !errors.Is(err, ErrNoToolchain) || !strings.Contains(err.Error(), "install Go") {
		t.Errorf("error %v", err)
	}
}

// A module of generic code: package generic exports only generic
// functions and types, package generic/mixed some of each; package
// generic/broken does not compile.
func genericModule(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":      "module example.com/generic\n\ngo 1.22\n",
		"gen.go":      "package generic\n\ntype Number interface{ ~int | ~float64 }\n\nfunc Map[T, U any](xs []T, f func(T) U) []U { return nil }\n\ntype Set[T comparable] map[T]bool\n\nfunc Sum[T Number](xs ...T) T { var s T; return s }\n\nfunc helper() {}\n",
		"broken/b.go": "package broken\n\nfunc Answer() int { return \"forty-two\" }\n",
		"mixed/m.go":  "package mixed\n\nimport \"strings\"\n\nfunc Shout(s string) string { return strings.ToUpper(s) + \"!\" }\n\nconst Greeting = \"hi\"\n\nfunc Keys[K comparable, V any](m map[K]V) []K { return nil }\n\ntype Pair[A, B any] struct{ First A; Second B }\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGenericNames(t *testing.T) {
	b := builder(t)
	b.Replace = map[string]string{"example.com/generic": genericModule(t)}
	_, err := b.Build(context.Background(), []Request{{Path: "example.com/generic"}}, &strings.Builder{})
	want := "package example.com/generic exports only generic functions and types, which cells cannot use (the interpreter cannot take generic code from compiled packages): Map, Number, Set, Sum"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	_, err = b.Build(context.Background(), []Request{{Path: "example.com/generic/broken"}}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "# example.com/generic/broken") || !strings.Contains(err.Error(), `cannot use "forty-two"`) {
		t.Errorf("a build error: %v", err)
	}
	ev, err := b.Build(context.Background(), []Request{{Path: "example.com/generic/mixed"}}, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.Packages[0].Unusable; !slices.Equal(got, []string{"Keys", "Pair"}) {
		t.Errorf("unusable names %v, want [Keys Pair]", got)
	}
}

// The source can be a file system, written once into the cache.
func TestSourceFS(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":       {Data: []byte("module example.com/k\n\ngo 1.22\n")},
		"go.sum":       {Data: []byte("")},
		"pkg/a/a.go":   {Data: []byte("package a\n")},
		"pkg/b/b.txt":  {Data: []byte("data")},
		"pkg/b/sub.go": {Data: []byte("package b\n")},
	}
	cache := t.TempDir()
	b := &Builder{Source: fsys}
	dir, key, err := b.source(cache)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(dir) != filepath.Join(cache, "source") || filepath.Base(dir) != key {
		t.Errorf("source written to %s (key %s)", dir, key)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "pkg/b/b.txt")); err != nil || string(data) != "data" {
		t.Errorf("pkg/b/b.txt: %q %v", data, err)
	}
	other := &Builder{Source: fsys}
	if dir2, key2, err := other.source(cache); err != nil || dir2 != dir || key2 != key {
		t.Errorf("second kernel: %s %s %v", dir2, key2, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(cache, "source")); len(entries) != 1 {
		t.Errorf("source dirs: %v", entries)
	}
	fsys["pkg/a/a.go"] = &fstest.MapFile{Data: []byte("package a // changed\n")}
	if _, key3, _ := (&Builder{Source: fsys}).source(cache); key3 == key {
		t.Error("changed source, same key")
	}
}

// The cache keeps the evaluators used last, and none unused for long.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for i := range 25 {
		name := filepath.Join(dir, fmt.Sprintf("e%02d", i))
		os.MkdirAll(name, 0o755)
		exe := filepath.Join(name, "evaluator")
		os.WriteFile(exe, nil, 0o755)
		used := now.Add(-time.Duration(i) * time.Hour)
		if i == 3 {
			used = now.Add(-keepUnused - time.Hour)
		}
		os.Chtimes(exe, used, used)
	}
	prune(dir, "e24")
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"e00", "e01", "e02", "e04", "e05", "e06", "e07", "e08", "e09", "e10", "e11", "e12", "e13", "e14", "e15", "e16", "e17", "e18", "e19", "e24"}
	if !slices.Equal(left, want) {
		t.Errorf("left %v\nwant %v", left, want)
	}
}
