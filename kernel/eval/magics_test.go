package eval

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestMagics(t *testing.T) {
	e, out := newTest(t)
	for i, tc := range []struct {
		code   string
		out    string // a regular expression the output must match
		result string
		err    string
	}{
		{code: "%help", out: `(?s)%env.*%help.*%race.*%reset.*%time CODE.*%timeit .*%who`},
		{code: "import \"fmt\"\nfunc fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn fib(n-1) + fib(n-2)\n}\ntype T struct{}\nconst K = 1\nx := 3"},
		{code: "%time fib(15)", out: `^CPU time: \S+\nWall time: \S+\n$`, result: "610"},
		{code: "%time\ny := fib(10)\nfmt.Println(y)", out: `^55\nCPU time: \S+\nWall time: \S+\n$`},
		{code: "%time undefinedThing", err: "cell[5]:1:7: undefined: undefinedThing"},
		{code: "%timeit fib(5)", out: `^best \S+, median \S+ per loop \(5 runs, \d+ loops each\)\n$`},
		{code: "%timeit -n 3 -r 2 fib(5)", out: `^best \S+, median \S+ per loop \(2 runs, 3 loops each\)\n$`},
		{code: "%timeit func f() {}", err: "%timeit times statements"},
		{code: "%who", out: "^Types: T\nFunctions: fib\nConstants: K\nVariables: x, y\nPackages: fmt\n$"},
		{code: "%env GOLESSONS_TEST_MAGIC=on", out: "^env: GOLESSONS_TEST_MAGIC=on\n$"},
		{code: "%env GOLESSONS_TEST_MAGIC", out: "^on\n$"},
		{code: "%nope", err: "unknown magic %nope: %help lists the magics"},
	} {
		out.Reset()
		o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i+1), tc.code)
		var gotErr, res string
		if o.Err != nil {
			gotErr = o.Err.Value
		}
		if o.Result != nil {
			res, _ = o.Result["text/plain"].(string)
		}
		if (tc.err == "") != (gotErr == "") || !strings.Contains(gotErr, tc.err) {
			t.Errorf("%q: error %q, want %q", tc.code, gotErr, tc.err)
		}
		if res != tc.result {
			t.Errorf("%q: result %q, want %q", tc.code, res, tc.result)
		}
		if !regexp.MustCompile(tc.out).MatchString(out.String()) {
			t.Errorf("%q: output %q does not match %q", tc.code, out.String(), tc.out)
		}
	}
}

func TestRaceMagic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the race detector")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	e, out := newTest(t)
	e.Execute(context.Background(), "cell[1]", "import (\n\t\"fmt\"\n\t\"sync\"\n)\nfunc double(n int) int { return 2 * n }")
	o := e.Execute(context.Background(), "cell[2]", "%race\nvar wg sync.WaitGroup\ncount := 0\nfor range 2 {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tcount++\n\t}()\n}\nwg.Wait()\nfmt.Println(count, double(2))")
	if o.Err != nil {
		if strings.Contains(o.Err.Value, "C compiler") || strings.Contains(o.Err.Value, "cgo") {
			t.Skip(o.Err.Value)
		}
		t.Fatal(o.Err.Value)
	}
	for _, want := range []string{"WARNING: DATA RACE", "cell[2]:8", "2 4\n", "Go's race detector found 1 data race(s)."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRaceMagicWithLessonPackages checks that %race builds a session that
// imports lesson packages, from the module's source.
func TestRaceMagicWithLessonPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the race detector")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	e, err := New(Config{Stdout: &out, Stderr: &out, Stdin: strings.NewReader(""), Pkgs: Packages(),
		Source: func() (string, error) { return root, nil }})
	if err != nil {
		t.Fatal(err)
	}
	e.Execute(context.Background(), "cell[1]", "import (\n\t\"fmt\"\n\t\"github.com/golessons/golessons/lessons/pool\"\n)\nvar p = pool.New(2)")
	o := e.Execute(context.Background(), "cell[2]", "%race\nf := p.Submit(func() any { return 6 * 7 })\nfmt.Println(f.Result())")
	if o.Err != nil {
		if strings.Contains(o.Err.Value, "C compiler") || strings.Contains(o.Err.Value, "cgo") {
			t.Skip(o.Err.Value)
		}
		t.Fatal(o.Err.Value)
	}
	for _, want := range []string{"42\n", "Go's race detector found no data race."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Without the source, the error says what is missing.
	e2, _ := newTest(t)
	e2.Execute(context.Background(), "cell[1]", "import \"github.com/golessons/golessons/lessons/pool\"\nvar q = pool.New(1)")
	if o := e2.Execute(context.Background(), "cell[2]", "%race\nq.Shutdown()"); o.Err == nil || !strings.Contains(o.Err.Value, "the kernel's source") {
		t.Errorf("%%race without the source: %v", o.Err)
	}
}
