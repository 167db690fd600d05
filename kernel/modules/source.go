package modules

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// WriteSource returns the directory of the kernel's module source, with
// go.mod and go.sum at its root, writing it into the cache first if
// needed: the module programs built from cells (%race) require.
func (b *Builder) WriteSource() (string, error) {
	cache, err := b.cacheDir()
	if err != nil {
		return "", err
	}
	dir, _, err := b.source(cache)
	return dir, err
}

// source returns the directory of the kernel's module source, writing
// Source there first if needed, and a key for its content.
func (b *Builder) source(cache string) (dir, key string, err error) {
	if b.Source == nil {
		if b.SourceDir == "" {
			return "", "", fmt.Errorf("%%go get: this kernel was built without its source")
		}
		abs, err := filepath.Abs(b.SourceDir)
		if err != nil {
			return "", "", err
		}
		return abs, "dir " + abs, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sourceDir != "" {
		if _, err := os.Stat(filepath.Join(b.sourceDir, "go.mod")); err == nil {
			return b.sourceDir, b.sourceKey, nil
		}
	}
	if b.sourceKey == "" {
		if b.sourceKey, err = hashFS(b.Source); err != nil {
			return "", "", fmt.Errorf("kernel source: %w", err)
		}
	}
	dir = filepath.Join(cache, "source", b.sourceKey)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		if err := writeFS(b.Source, filepath.Join(cache, "source"), dir); err != nil {
			return "", "", fmt.Errorf("write the kernel's source to the cache: %w", err)
		}
	}
	b.sourceDir = dir
	pruneSources(filepath.Join(cache, "source"), b.sourceKey)
	return dir, b.sourceKey, nil
}

// pruneSources removes the sources in dir of other kernels that did not
// build for keepUnused, and marks keep as used now.
func pruneSources(dir, keep string) {
	now := time.Now()
	_ = os.Chtimes(filepath.Join(dir, keep), now, now)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.Name() != keep && time.Since(info.ModTime()) > keepUnused {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// hashFS returns a hash of the names and contents of fsys's files.
func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", path)
		_, err = io.Copy(h, f)
		fmt.Fprint(h, "\x00")
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// writeFS writes fsys's files into dir, which appears whole: they are
// written into a temporary directory in parent, then renamed.
func writeFS(fsys fs.FS, parent, dir string) error {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, fsys); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return nil // written meanwhile by another kernel
		}
		return err
	}
	return nil
}

// goModInfo reads the module path and go version of a go.mod file.
func goModInfo(path string) (module, goVersion string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" {
			module = strings.Trim(fields[1], `"`)
		}
		if len(fields) == 2 && fields[0] == "go" {
			goVersion = fields[1]
		}
	}
	if module == "" {
		return "", "", fmt.Errorf("%s: no module line", path)
	}
	return module, goVersion, sc.Err()
}

// mainModule is the module path of the main modules of evaluators.
const mainModule = "golessons.local/evaluator"

// writeMainModule writes the go.mod and go.sum of an evaluator's main
// module into dir: it requires the kernel's module, from src.
func writeMainModule(dir, src string, replace map[string]string) error {
	module, goVersion, err := goModInfo(filepath.Join(src, "go.mod"))
	if err != nil {
		return fmt.Errorf("kernel source: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\n", mainModule)
	if goVersion != "" {
		fmt.Fprintf(&b, "go %s\n\n", goVersion)
	}
	fmt.Fprintf(&b, "require %s v0.0.0\n\n", module)
	fmt.Fprintf(&b, "replace %s => %s\n", module, quote(src))
	mods := make([]string, 0, len(replace))
	for m := range replace {
		mods = append(mods, m)
	}
	slices.Sort(mods)
	for _, m := range mods {
		abs, err := filepath.Abs(replace[m])
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "require %s v0.0.0\n\nreplace %s => %s\n", m, m, quote(abs))
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(src, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("kernel source: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

// quote quotes a path for go.mod when it needs it.
func quote(path string) string {
	if strings.ContainsAny(path, " \t\"'`\\") {
		return fmt.Sprintf("%q", path)
	}
	return path
}
