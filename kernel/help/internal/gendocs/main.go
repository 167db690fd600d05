// Command gendocs writes the documentation index that completion and
// inspection use: one gzipped JSON file per package cells can import, from
// the Go sources of the standard library and of the lesson runtime.
//
// Usage:
//
//	go run ./internal/gendocs -o docs
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/golessons/golessons/kernel/help/docs"
	"github.com/golessons/golessons/lessons/symbols"
)

func main() {
	out := flag.String("o", "docs", "output directory")
	flag.Parse()
	log.SetFlags(0)
	var paths []string
	paths = append(paths, "builtin")
	for _, table := range []map[string]map[string]any{keys(stdlib.Symbols), keys(unrestricted.Symbols), keys(symbols.Symbols)} {
		for k := range table {
			if i := strings.LastIndexByte(k, '/'); i > 0 && !strings.HasPrefix(k, "github.com/traefik/") {
				paths = append(paths, k[:i])
			}
		}
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(*out, "*.json.gz"))
	for _, f := range old {
		os.Remove(f)
	}
	var index []docs.Summary
	for _, p := range paths {
		pkg, err := document(p)
		if err != nil {
			log.Printf("skip %s: %v", p, err)
			continue
		}
		if err := write(filepath.Join(*out, docs.FileName(p)), pkg); err != nil {
			log.Fatal(err)
		}
		index = append(index, docs.Summary{Path: pkg.Path, Name: pkg.Name, Synopsis: pkg.Synopsis})
	}
	if err := write(filepath.Join(*out, "index.json.gz"), index); err != nil {
		log.Fatal(err)
	}
}

func keys[V any](m map[string]V) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k := range m {
		out[k] = nil
	}
	return out
}

func write(path string, v any) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// document reads the documentation of the package at import path p.
func document(p string) (*docs.Package, error) {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "amd64", true
	bp, err := ctx.Import(p, ".", 0)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range append(bp.GoFiles, bp.CgoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	// The builtin package documents Go's predeclared names, all lower case.
	var mode doc.Mode
	exported := ast.IsExported
	if p == "builtin" {
		mode, exported = doc.AllDecls, func(string) bool { return true }
	}
	dp, err := doc.NewFromFiles(fset, files, p, mode)
	if err != nil {
		return nil, err
	}
	pkg := &docs.Package{Path: p, Name: dp.Name, Synopsis: dp.Synopsis(dp.Doc), Doc: dp.Doc, Members: map[string]docs.Member{}}
	print := func(n any) string {
		var b bytes.Buffer
		(&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, fset, n)
		return b.String()
	}
	values := func(vs []*doc.Value, kind string) {
		for _, v := range vs {
			// A small group shows how its members relate (an enumeration);
			// a large one would only repeat itself in every member.
			group := ""
			if len(v.Decl.Specs) > 1 && len(v.Decl.Specs) <= 12 {
				group = print(v.Decl)
			}
			for _, s := range v.Decl.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if !exported(n.Name) {
						continue
					}
					d := v.Doc
					if vs := s.(*ast.ValueSpec); vs.Doc != nil {
						d = vs.Doc.Text()
					}
					pkg.Members[n.Name] = docs.Member{Kind: kind, Decl: specDecl(print, v.Decl, s), Group: group, Doc: d}
				}
			}
		}
	}
	funcs := func(fs []*doc.Func, recv string) {
		for _, f := range fs {
			if !exported(f.Name) {
				continue
			}
			f.Decl.Body = nil
			name, kind := f.Name, "func"
			if recv != "" {
				name, kind = recv+"."+f.Name, "method"
			}
			pkg.Members[name] = docs.Member{Kind: kind, Decl: print(f.Decl), Doc: f.Doc}
		}
	}
	values(dp.Consts, "const")
	values(dp.Vars, "var")
	funcs(dp.Funcs, "")
	for _, t := range dp.Types {
		if !exported(t.Name) {
			continue
		}
		m := docs.Member{Kind: "type", Decl: print(t.Decl), Doc: t.Doc}
		for _, s := range t.Decl.Specs {
			ts := s.(*ast.TypeSpec)
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					for _, n := range f.Names {
						if n.IsExported() {
							m.Fields = append(m.Fields, docs.Field{Name: n.Name, Type: print(f.Type)})
						}
					}
				}
			}
		}
		for _, f := range t.Methods {
			if ast.IsExported(f.Name) {
				m.Methods = append(m.Methods, f.Name)
			}
		}
		pkg.Members[t.Name] = m
		values(t.Consts, "const")
		values(t.Vars, "var")
		funcs(t.Funcs, "")
		funcs(t.Methods, t.Name)
	}
	return pkg, nil
}

// specDecl prints one spec of a declaration group on its own.
func specDecl(print func(any) string, g *ast.GenDecl, s ast.Spec) string {
	if len(g.Specs) == 1 {
		return print(g)
	}
	one := *g
	one.Specs = []ast.Spec{s}
	one.Lparen, one.Rparen = 0, 0
	one.Doc = nil
	return fmt.Sprintf("%s", print(&one))
}
