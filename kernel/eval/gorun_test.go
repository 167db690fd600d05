package eval

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestSameAsGoRun runs each program in testdata/programs with `go run`
// and as a notebook cell (its package clause dropped, a call of main
// added), and compares the output. A program NAME.go may come with
// NAME.before: cells, separated by "// cell" lines, run before it, whose
// definitions the program's replace.
func TestSameAsGoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every program")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "programs", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs: %v", err)
	}
	pkgClause := regexp.MustCompile(`(?m)^package main\s*$`)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".go"), func(t *testing.T) {
			t.Parallel()
			want, err := exec.Command("go", "run", file).CombinedOutput()
			if err != nil {
				t.Fatalf("go run: %v\n%s", err, want)
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			code := pkgClause.ReplaceAllString(string(src), "") + "\nmain()\n"
			var out bytes.Buffer
			e, err := New(Config{Stdout: &out, Stderr: &out, Stdin: strings.NewReader(""), Pkgs: []interp.Exports{stdlib.Symbols}})
			if err != nil {
				t.Fatal(err)
			}
			if before, err := os.ReadFile(strings.TrimSuffix(file, ".go") + ".before"); err == nil {
				for i, c := range strings.Split(string(before), "\n// cell\n") {
					if o := e.Execute(context.Background(), fmt.Sprintf("before[%d]", i+1), c); o.Err != nil {
						t.Fatalf("cell before: %s\n%s", o.Err.Value, strings.Join(o.Err.Traceback, "\n"))
					}
				}
				out.Reset()
			}
			if o := e.Execute(context.Background(), "cell[1]", code); o.Err != nil {
				t.Fatalf("in a cell: %s\n%s", o.Err.Value, strings.Join(o.Err.Traceback, "\n"))
			}
			if out.String() != string(want) {
				t.Errorf("in a cell:\n%s\nwith go run:\n%s", out.String(), want)
			}
		})
	}
}
