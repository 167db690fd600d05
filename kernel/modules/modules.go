// Package modules builds evaluator programs with packages from Go modules
// compiled in, for the %go get magic.
//
// Cells are interpreted, but the packages they import are compiled: an
// evaluator program has a table of the exported names of each package it
// offers. To offer a module's package, a Builder fetches the module with
// the Go toolchain's ordinary module download (through whatever GOPROXY is
// set), extracts the package's exported names with yaegi's extract
// package, and builds a new evaluator: a main module that requires this
// kernel's module (from its source, which the kernel carries) and the
// requested modules, whose main function is eval.Main with the extracted
// tables.
//
// Built evaluators are kept in a cache directory, one per set of packages
// and versions (and kernel source and Go version): asking again for the
// same set, from any kernel, finds the program there and builds nothing.
// The cache is GOLESSONS_CACHE if set, else golessons in the user's cache
// directory (os.UserCacheDir).
package modules

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNoToolchain is returned when no go command is found.
var ErrNoToolchain = errors.New("%go get needs the Go toolchain: install Go 1.26 or later (https://go.dev/dl/ or `sudo apt-get install golang`) and make sure `go` is on PATH")

// A Request asks for a module or a package in one, as %go get does.
type Request struct {
	Path    string // a module path or a package path
	Version string // a version or a query such as "latest"; "" for the go command's default
}

// String returns the request as the go command writes it: path@version.
func (r Request) String() string {
	if r.Version == "" {
		return r.Path
	}
	return r.Path + "@" + r.Version
}

// ParseGet parses the arguments of %go get: one or more PATH[@VERSION].
func ParseGet(args string) ([]Request, error) {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		return nil, errors.New("usage: %go get MODULE[@VERSION]...: name a module or a package, e.g. %go get github.com/google/uuid")
	}
	var reqs []Request
	for _, f := range fields {
		path, version, _ := strings.Cut(f, "@")
		switch {
		case strings.HasPrefix(f, "-"):
			return nil, fmt.Errorf("%%go get takes no flags (%s): name a module or a package, with @VERSION if you want one", f)
		case path == "" || strings.ContainsAny(path, `\:*?"<>|`) || strings.HasPrefix(path, ".") || strings.HasPrefix(path, "/"):
			return nil, fmt.Errorf("%%go get: %q is not a module or package path such as github.com/google/uuid", f)
		case strings.Contains(f, "@") && version == "":
			return nil, fmt.Errorf("%%go get: %q has no version after @", f)
		}
		reqs = append(reqs, Request{Path: path, Version: version})
	}
	return reqs, nil
}

// Merge returns reqs with more added: a request for a path already there
// replaces it. The order is that of first appearance.
func Merge(reqs []Request, more ...Request) []Request {
	out := slices.Clone(reqs)
	for _, r := range more {
		if i := slices.IndexFunc(out, func(o Request) bool { return o.Path == r.Path }); i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	return out
}

// A Package is a package compiled into an evaluator.
type Package struct {
	Path    string `json:"path"`    // import path
	Module  string `json:"module"`  // path of its module
	Version string `json:"version"` // the module's version
	// Unusable lists the exported names that cells cannot use: generic
	// functions and types, which the interpreter cannot take from
	// compiled code.
	Unusable []string `json:"unusable,omitempty"`
}

// Request returns the request that asks for exactly this package and
// version.
func (p Package) Request() Request { return Request{Path: p.Path, Version: p.Version} }

// Describe returns "path version", or "path (module version)" for a
// package below its module's root.
func (p Package) Describe() string {
	if p.Path == p.Module || p.Module == "" {
		return strings.TrimSpace(p.Path + " " + p.Version)
	}
	return p.Path + " (" + p.Module + " " + p.Version + ")"
}

// An Evaluator is a built evaluator program.
type Evaluator struct {
	Path     string    // the executable
	Packages []Package // what it adds to every evaluator's packages, in the order requested
	Cached   bool      // it was found in the cache, not built
}

// A Builder builds evaluators. Its methods may be called concurrently.
type Builder struct {
	// Source is the source of this kernel's module, with go.mod at its
	// root and at least the packages evaluators import. It is written
	// once into the cache directory.
	Source fs.FS
	// SourceDir, used when Source is nil, is a directory holding that
	// source, such as the module's own checkout. Evaluators built from it
	// are cached by its path: its content is taken not to change.
	SourceDir string
	// Version is the kernel's version; with the source's content, the Go
	// version and the packages, it keys the cache.
	Version string
	// CacheDir is where evaluators are kept; "" means GOLESSONS_CACHE or
	// golessons in the user's cache directory.
	CacheDir string
	// Builtin reports whether every evaluator has package path already;
	// such packages are not built again. Nil means none.
	Builtin func(path string) bool
	// Replace maps module paths to directories that stand for them, as
	// go.mod's replace directives do, for modules that are not published.
	Replace map[string]string
	// Env is the environment of the go commands; nil means this process's.
	Env []string

	mu        sync.Mutex
	sourceDir string // where Source was written
	sourceKey string // hash of the source
}

// cacheDir returns the cache directory.
func (b *Builder) cacheDir() (string, error) {
	if b.CacheDir != "" {
		return b.CacheDir, nil
	}
	if d := os.Getenv("GOLESSONS_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for evaluators (set GOLESSONS_CACHE): %w", err)
	}
	return filepath.Join(d, "golessons"), nil
}

// Build returns an evaluator with the packages reqs ask for, building it
// unless the cache has it. It writes what it does, and what the go
// command says while it fetches modules, to progress. Cancelling ctx stops
// the go commands.
func (b *Builder) Build(ctx context.Context, reqs []Request, progress io.Writer) (*Evaluator, error) {
	if len(reqs) == 0 {
		return nil, errors.New("%go get: no package requested")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, ErrNoToolchain
	}
	cache, err := b.cacheDir()
	if err != nil {
		return nil, err
	}
	src, srcKey, err := b.source(cache)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cache, "work"), 0o755); err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Join(cache, "work"), "build-")
	if err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	defer os.RemoveAll(work)
	g := &goRunner{path: goCmd, dir: work, env: b.env(), progress: progress}

	// Resolve: a main module that requires the kernel's module and gets
	// the requested ones.
	if err := writeMainModule(work, src, b.Replace); err != nil {
		return nil, err
	}
	args := []string{"get"}
	for _, r := range reqs {
		if !b.replaced(r.Path) {
			args = append(args, r.String())
		}
	}
	if len(args) > 1 {
		if _, err := g.run(ctx, true, args...); err != nil {
			return nil, err
		}
	}
	pkgs, dirs, err := b.resolve(ctx, g, reqs)
	if err != nil {
		return nil, err
	}
	goVersion, err := g.run(ctx, false, "env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED")
	if err != nil {
		return nil, err
	}

	key := cacheKey(b.Version, srcKey, goVersion, pkgs, b.Replace)
	dir := filepath.Join(cache, "evaluators", key)
	exe := filepath.Join(dir, "evaluator")
	if ev, ok := lookup(dir, exe); ok {
		fmt.Fprintf(progress, "Found an evaluator with %s in the cache.\n", describe(ev.Packages))
		return ev, nil
	}

	fmt.Fprintf(progress, "Building an evaluator with %s ...\n", describe(pkgs))
	paths := make([]string, len(pkgs))
	for i, p := range pkgs {
		paths[i] = p.Path
	}
	// Compile the packages first: a build error in a module is then the
	// compiler's own message about that module.
	fmt.Fprintf(progress, "  compiling %s\n", strings.Join(paths, ", "))
	if _, err := g.run(ctx, false, append([]string{"build"}, paths...)...); err != nil {
		return nil, err
	}
	if err := writeExtractor(work); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "  extracting the exported names\n")
	if _, err := g.run(ctx, false, append([]string{"run", "./extract", "symbols"}, paths...)...); err != nil {
		return nil, err
	}
	for i := range pkgs {
		usable, unusable, err := checkNames(work, i, dirs[i])
		if err != nil {
			return nil, err
		}
		pkgs[i].Unusable = unusable
		if usable == 0 && len(unusable) > 0 {
			return nil, fmt.Errorf("package %s exports only generic functions and types, which cells cannot use (the interpreter cannot take generic code from compiled packages): %s", pkgs[i].Path, strings.Join(unusable, ", "))
		}
		if usable == 0 {
			return nil, fmt.Errorf("package %s exports nothing cells could use", pkgs[i].Path)
		}
	}
	module, _, err := goModInfo(filepath.Join(src, "go.mod"))
	if err != nil {
		return nil, err
	}
	if err := writeMain(work, module); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	f, err := os.CreateTemp(dir, "evaluator-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	f.Close()
	tmp := f.Name()
	defer os.Remove(tmp)
	fmt.Fprintf(progress, "  linking the evaluator\n")
	if _, err := g.run(ctx, false, "build", "-o", tmp, "."); err != nil {
		return nil, err
	}
	ev := &Evaluator{Path: exe, Packages: pkgs}
	data, _ := json.MarshalIndent(ev.Packages, "", "\t")
	if err := writeFileAtomic(filepath.Join(dir, "packages.json"), data); err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	if err := os.Rename(tmp, exe); err != nil {
		return nil, fmt.Errorf("cache for evaluators: %w", err)
	}
	prune(filepath.Join(cache, "evaluators"), key)
	return ev, nil
}

// replaced reports whether path is in a module of Replace, which the
// main module requires already.
func (b *Builder) replaced(path string) bool {
	for m := range b.Replace {
		if path == m || strings.HasPrefix(path, m+"/") {
			return true
		}
	}
	return false
}

// env returns the environment of the go commands: modules resolved and
// go.sum completed as needed, outside any workspace.
func (b *Builder) env() []string {
	env := b.Env
	if env == nil {
		env = os.Environ()
	}
	flags := "-mod=mod"
	var out []string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			for _, f := range strings.Fields(v) {
				if !strings.HasPrefix(f, "-mod=") {
					flags += " " + f
				}
			}
			continue
		}
		if strings.HasPrefix(kv, "GOWORK=") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GOFLAGS="+flags, "GOWORK=off")
}

// listed is what `go list -json` says of a package.
type listed struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	GoFiles    []string
	Module     *struct{ Path, Version string }
	Error      *struct{ Err string }
}

// resolve finds the packages reqs name, with their modules' versions,
// and the directories of their source; it fails with a clear message for
// paths that are not packages cells could import.
func (b *Builder) resolve(ctx context.Context, g *goRunner, reqs []Request) ([]Package, []listed, error) {
	args := []string{"list", "-e", "-json"}
	for _, r := range reqs {
		args = append(args, r.Path)
	}
	out, err := g.run(ctx, false, args...)
	if err != nil {
		return nil, nil, err
	}
	byPath := map[string]listed{}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("go list: %w", err)
		}
		byPath[l.ImportPath] = l
	}
	var pkgs []Package
	var dirs []listed
	for _, r := range reqs {
		l, ok := byPath[r.Path]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("go list says nothing of %s", r.Path)
		case l.Error != nil || l.Name == "":
			return nil, nil, b.notAPackage(ctx, g, r.Path, l)
		case l.Standard || l.Module == nil:
			return nil, nil, fmt.Errorf("%s is in the standard library: cells import it as it is, without %%go get", r.Path)
		case l.Name == "main":
			return nil, nil, fmt.Errorf("%s is a command (package main), not a package cells can import", r.Path)
		case b.Builtin != nil && b.Builtin(r.Path):
			return nil, nil, fmt.Errorf("%s is compiled into every evaluator already: import it in a cell", r.Path)
		}
		pkgs = append(pkgs, Package{Path: r.Path, Module: l.Module.Path, Version: l.Module.Version})
		dirs = append(dirs, l)
	}
	return pkgs, dirs, nil
}

// notAPackage describes why path, which the go command could fetch, is
// no package to import: most often a module without a package at its
// root, whose packages it then lists.
func (b *Builder) notAPackage(ctx context.Context, g *goRunner, path string, l listed) error {
	if _, err := g.run(ctx, false, "list", "-m", path); err == nil {
		out, _ := g.run(ctx, false, "list", "-e", "-f", "{{if and (not .Error) (ne .Name \"main\")}}{{.ImportPath}}{{end}}", path+"/...")
		var sub []string
		for _, p := range strings.Fields(out) {
			if !strings.Contains(p, "/internal") {
				sub = append(sub, p)
			}
		}
		msg := fmt.Sprintf("module %s has no Go package at its root: name one of its packages", path)
		if len(sub) > 0 {
			if len(sub) > 12 {
				sub = append(sub[:12], "…")
			}
			msg += ", e.g. %go get " + sub[0] + "\nIts packages: " + strings.Join(sub, ", ")
		}
		return errors.New(msg)
	}
	if l.Error != nil {
		return fmt.Errorf("%s: %s", path, trim(l.Error.Err))
	}
	return fmt.Errorf("%s is not a Go package", path)
}

// describe lists packages with their versions.
func describe(pkgs []Package) string {
	var s []string
	for _, p := range pkgs {
		s = append(s, p.Describe())
	}
	return strings.Join(s, ", ")
}

// cacheKey names the evaluator of a set of packages.
func cacheKey(version, srcKey, goVersion string, pkgs []Package, replace map[string]string) string {
	var lines []string
	for _, p := range pkgs {
		lines = append(lines, "package "+p.Path+" "+p.Module+" "+p.Version)
	}
	for mod, dir := range replace {
		lines = append(lines, "replace "+mod+" "+dir)
	}
	slices.Sort(lines)
	h := sha256.New()
	fmt.Fprintf(h, "golessons %s\nsource %s\n%s\n%s\n", version, srcKey, strings.TrimSpace(goVersion), strings.Join(lines, "\n"))
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// lookup returns the evaluator cached in dir, if there is one. Its use is
// recorded in its time stamp, which pruning reads.
func lookup(dir, exe string) (*Evaluator, bool) {
	data, err := os.ReadFile(filepath.Join(dir, "packages.json"))
	if err != nil {
		return nil, false
	}
	if info, err := os.Stat(exe); err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	ev := &Evaluator{Path: exe, Cached: true}
	if err := json.Unmarshal(data, &ev.Packages); err != nil {
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(exe, now, now)
	return ev, true
}

// Pruning bounds the cache: evaluators that no session started for
// keepUnused go, and beyond the maxEvaluators used last, all go.
const (
	keepUnused    = 30 * 24 * time.Hour
	maxEvaluators = 20
)

// prune removes cached evaluators in dir as the pruning rules say, but
// not keep.
func prune(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type cached struct {
		name string
		used time.Time
	}
	var all []cached
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep {
			continue
		}
		used := time.Time{} // an unfinished build: the oldest
		if info, err := os.Stat(filepath.Join(dir, e.Name(), "evaluator")); err == nil {
			used = info.ModTime()
		} else if info, err := e.Info(); err == nil && time.Since(info.ModTime()) < time.Hour {
			continue // maybe being built
		}
		all = append(all, cached{e.Name(), used})
	}
	slices.SortFunc(all, func(a, b cached) int { return b.used.Compare(a.used) })
	for i, c := range all {
		if i >= maxEvaluators-1 || time.Since(c.used) > keepUnused {
			os.RemoveAll(filepath.Join(dir, c.name))
		}
	}
}

// writeFileAtomic writes a file that readers see whole or not at all.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
