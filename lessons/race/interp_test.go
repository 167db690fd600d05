package race_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/golessons/golessons/lessons/race"
	"github.com/golessons/golessons/lessons/symbols"
)

// exports are the lesson packages as the interpreter sees them: the
// tables cells use.
var exports interp.Exports = symbols.Symbols

// interpret runs src, a cell's worth of statements, as the kernel does,
// and returns its detector d.
func interpret(t *testing.T, src string) *race.Detector {
	t.Helper()
	var d *race.Detector
	keep := interp.Exports{"golessons.test/hook/hook": {"Keep": reflect.ValueOf(func(x *race.Detector) { d = x })}}
	in := interp.New(interp.Options{})
	for _, e := range []interp.Exports{stdlib.Symbols, exports, keep} {
		if err := in.Use(e); err != nil {
			t.Fatal(err)
		}
	}
	prog, err := in.Compile(`package main

import (
	"fmt"
	"time"

	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/race"
	"golessons.test/hook"
)

var _, _, _ = fmt.Sprint, time.Sleep, logging.Name

func main() {
	d := race.New()
	d.Quiet()
	hook.Keep(d)
` + src + `
}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.ExecuteWithContext(context.Background(), prog); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestInterpreted runs the lesson's programs in the interpreter, which
// Go's race detector cannot see into.
func TestInterpreted(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		races  bool
		report string // in the report, when not empty
	}{
		{"DbUpdate", `
	value := d.Int("db.value", 0)
	wg := d.WaitGroup()
	for i := 0; i < 5; i++ {
		wg.Go(func() {
			v := value.Load()
			time.Sleep(5 * time.Millisecond)
			value.Store(v*v + 1)
		})
	}
	wg.Wait()
	value.Load()`, true, ""},
		{"the cell reads before Join", `
	x := d.Int("x", 0)
	done := make(chan bool) // orders the accesses for the test; the detector does not see it
	g := d.Go("writer", func() { x.Store(1); done <- true })
	<-done
	fmt.Sprint(x.Load())
	g.Join()`, true, "Read at value \"x\" by goroutine MainThread:\n  (read of 1)\n\nPrevious write at value \"x\" by goroutine writer:\n  (write of 1)\n"},
		{"DbUpdate with a lock", `
	value := d.Int("db.value", 0)
	mu := d.Mutex()
	var gs []*race.Goroutine
	for i := 0; i < 5; i++ {
		gs = append(gs, d.Go(fmt.Sprint("ThreadPoolExecutor-0_", i), func() {
			mu.Lock()
			defer mu.Unlock()
			v := value.Load()
			time.Sleep(time.Millisecond)
			value.Store(v*v + 1)
		}))
	}
	for _, g := range gs {
		g.Join()
	}
	if value.Load() != 677 {
		panic(value.String())
	}`, false, ""},
		{"counter", `
	counter := d.Int("counter", 0)
	wg := d.WaitGroup()
	for i := 0; i < 50; i++ {
		wg.Add(1)
		d.Go("", func() {
			defer wg.Done()
			counter.Add(1)
		})
	}
	wg.Wait()
	counter.Load()`, true, ""},
		{"counter under a lock", `
	counter := d.Int("counter", 0)
	mu := d.Mutex()
	wg := d.WaitGroup()
	for i := 0; i < 50; i++ {
		wg.Go(func() {
			mu.Lock()
			counter.Add(1)
			mu.Unlock()
		})
	}
	wg.Wait()
	if counter.Load() != 50 {
		panic(counter.String())
	}`, false, ""},
		{"struct field announced, under a lock", `
	type DbUpdate struct{ value int }
	db := &DbUpdate{}
	mu := d.Mutex()
	wg := d.WaitGroup()
	for i := 0; i < 5; i++ {
		wg.Go(func() {
			mu.Lock()
			d.Read("db.value", db.value)
			tmp := db.value*db.value + 1
			d.Write("db.value", tmp)
			db.value = tmp
			mu.Unlock()
		})
	}
	wg.Wait()
	d.Read("db.value", db.value)`, false, ""},
		{"channel hand-off", `
	ch := d.Chan(0)
	box := d.Value("box", nil)
	d.Go("producer", func() {
		box.Store([]string{"soup"})
		ch.Send(1)
	})
	ch.Recv()
	box.Store(append(box.Load().([]string), "bread"))`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := interpret(t, tt.src)
			races := d.Races()
			if (len(races) > 0) != tt.races {
				t.Fatalf("races: %v, want %v\n%s", len(races) > 0, tt.races, d.Report())
			}
			for _, r := range races {
				for _, a := range []race.Access{r.Current, r.Previous} {
					if a.Goroutine == "" || strings.HasPrefix(a.Position, "values.go") {
						t.Errorf("access without its goroutine, or placed in the package:\n%v", r)
					}
				}
			}
			if !strings.Contains(d.Report(), tt.report) {
				t.Errorf("report\n%s\nwant it to include\n%s", d.Report(), tt.report)
			}
		})
	}
}

// TestExportsAreComplete checks the interpreter's table against the
// package's exported names, none of which may be generic.
func TestExportsAreComplete(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	table := exports["github.com/golessons/golessons/lessons/race/race"]
	seen := map[string]bool{}
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			var names []*ast.Ident
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv == nil {
					names = append(names, decl.Name)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						names = append(names, spec.Name)
						if spec.TypeParams != nil {
							t.Errorf("%s is generic: the interpreter cannot use it", spec.Name)
						}
					case *ast.ValueSpec:
						names = append(names, spec.Names...)
					}
				}
			}
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Type.TypeParams != nil && fd.Name.IsExported() {
				t.Errorf("%s is generic: the interpreter cannot use it", fd.Name)
			}
			for _, n := range names {
				if n.IsExported() {
					seen[n.Name] = true
					if _, ok := table[n.Name]; !ok {
						t.Errorf("%s is missing from the interpreter's table", n.Name)
					}
				}
			}
		}
	}
	for name := range table {
		if !seen[name] {
			t.Errorf("%s is in the table but not exported", name)
		}
	}
}
