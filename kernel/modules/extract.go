package modules

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// extractor is the program that writes the tables of exported names of
// the packages named by its arguments into the directory of its first
// argument, one file a package, with yaegi's extract package. It runs in
// the evaluator's main module, where the go command finds the packages.
const extractor = `// Command extract writes the interpreter's tables of the exported names
// of packages.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/traefik/yaegi/extract"
)

func main() {
	dir := os.Args[1]
	ext := extract.Extractor{Dest: "symbols"}
	for i, path := range os.Args[2:] {
		var buf bytes.Buffer
		if _, err := ext.Extract(path, "", &buf); err != nil {
			fmt.Fprintf(os.Stderr, "extract the exported names of %s: %v\n", path, err)
			os.Exit(1)
		}
		name := filepath.Join(dir, fmt.Sprintf("extracted%d.go", i))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
`

// symbolsPackage is the package the extracted tables go into.
const symbolsPackage = `// Package symbols holds the interpreter's tables of the packages this
// evaluator adds to those of every evaluator.
package symbols

import "reflect"

// Symbols maps "import/path/name" to the exported symbols of that package.
var Symbols = map[string]map[string]reflect.Value{}
`

// mainProgram is the evaluator's main package; %s is the kernel's module
// path.
const mainProgram = `// Command evaluator evaluates cells for the golessons kernel, with
// packages a session asked for compiled in.
package main

import (
	"fmt"
	"os"

	"%s/kernel/eval"

	"` + mainModule + `/symbols"
)

func main() {
	if err := eval.Main(os.Args[1:], symbols.Symbols); err != nil {
		fmt.Fprintln(os.Stderr, "evaluator:", err)
		os.Exit(1)
	}
}
`

// writeExtractor writes the extractor and the empty symbols package into
// the main module in dir.
func writeExtractor(dir string) error {
	for _, f := range []struct{ path, text string }{
		{"extract/main.go", extractor},
		{"symbols/symbols.go", symbolsPackage},
	} {
		path := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeMain writes the evaluator's main package into dir, whose go.mod
// requires module.
func writeMain(dir, module string) error {
	return os.WriteFile(filepath.Join(dir, "main.go"), []byte(fmt.Sprintf(mainProgram, module)), 0o644)
}

// checkNames compares the names extracted for the i-th package, whose
// source pkg describes, with the names it exports: it returns how many
// cells can use, and those they cannot (generic functions and types, and
// interfaces that only constrain type parameters), sorted.
func checkNames(dir string, i int, pkg listed) (usable int, unusable []string, err error) {
	extracted, err := extractedNames(filepath.Join(dir, "symbols", fmt.Sprintf("extracted%d.go", i)))
	if err != nil {
		return 0, nil, fmt.Errorf("the exported names of %s: %w", pkg.ImportPath, err)
	}
	exported, err := exportedNames(pkg.Dir, pkg.GoFiles)
	if err != nil {
		return 0, nil, fmt.Errorf("the exported names of %s: %w", pkg.ImportPath, err)
	}
	for _, name := range exported {
		if !extracted[name] {
			unusable = append(unusable, name)
		}
	}
	for name := range extracted {
		if name[0] != '_' { // "_Name" keys are interface wrappers
			usable++
		}
	}
	return usable, unusable, nil
}

// extractedNames returns the keys of the table in a file written by the
// extractor.
func extractedNames(path string) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		assign, ok := n.(*ast.AssignStmt)
		if !ok || len(assign.Rhs) != 1 {
			return true
		}
		table, ok := assign.Rhs[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, elt := range table.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if lit, ok := kv.Key.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if name, err := strconv.Unquote(lit.Value); err == nil {
						names[name] = true
					}
				}
			}
		}
		return false
	})
	return names, nil
}

// exportedNames returns the exported package-level names declared in the
// files of a package (functions, types, variables and constants, not
// methods), sorted.
func exportedNames(dir string, files []string) ([]string, error) {
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names = append(names, s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
