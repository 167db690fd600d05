// Package docs holds the documentation index of the packages cells can
// import, generated at build time from their Go sources, so that
// completion and inspection work offline and need no Go toolchain.
package docs

import (
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
)

//go:generate go run ../internal/gendocs -o data

//go:embed data
var data embed.FS

// Summary describes a package in the index.
type Summary struct {
	Path     string `json:"path"`
	Name     string `json:"name"`
	Synopsis string `json:"synopsis"`
}

// Package is the documentation of one package.
type Package struct {
	Path     string            `json:"path"`
	Name     string            `json:"name"`
	Synopsis string            `json:"synopsis"`
	Doc      string            `json:"doc"`
	Members  map[string]Member `json:"members"` // by name; methods as "Type.Method"
}

// Member is a documented exported name.
type Member struct {
	Kind    string   `json:"kind"`            // const, var, func, type or method
	Decl    string   `json:"decl"`            // its declaration, without body
	Group   string   `json:"group,omitempty"` // for a const or var, the whole group it is declared in
	Doc     string   `json:"doc,omitempty"`
	Fields  []Field  `json:"fields,omitempty"`  // for a struct type, its exported fields
	Methods []string `json:"methods,omitempty"` // for a type, its exported methods
}

// Field is an exported struct field.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// FileName returns the name of the file holding the package at path.
func FileName(path string) string {
	return strings.ReplaceAll(path, "/", "_") + ".json.gz"
}

// Index is a loaded documentation index. Packages load on first use.
// It is safe for concurrent use.
type Index struct {
	fsys fs.FS

	once     sync.Once
	packages []Summary

	mu    sync.Mutex
	cache map[string]*Package
}

// Default returns the index built into the program.
func Default() *Index { return New(data) }

// New returns an index reading the generated files under "data" in fsys.
func New(fsys fs.FS) *Index {
	return &Index{fsys: fsys, cache: map[string]*Package{}}
}

// Packages lists the documented packages.
func (x *Index) Packages() []Summary {
	x.once.Do(func() {
		_ = x.read("data/index.json.gz", &x.packages)
	})
	return x.packages
}

// Package returns the documentation of the package at path, or nil.
func (x *Index) Package(path string) *Package {
	x.mu.Lock()
	defer x.mu.Unlock()
	if p, ok := x.cache[path]; ok {
		return p
	}
	var p *Package
	if err := x.read("data/"+FileName(path), &p); err != nil {
		p = nil
	}
	x.cache[path] = p
	return p
}

func (x *Index) read(name string, v any) error {
	f, err := x.fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	return nil
}
