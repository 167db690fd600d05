package eval

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/golessons/golessons/lessons/symbols"
)

func newTest(t testing.TB) (*Interpreter, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	e, err := New(Config{Stdout: &out, Stderr: &out, Stdin: strings.NewReader(""), Pkgs: []interp.Exports{stdlib.Symbols, symbols.Symbols}})
	if err != nil {
		t.Fatal(err)
	}
	return e, &out
}

// step is one cell of a session and what it must give.
type step struct {
	code   string
	out    string // exact standard output
	result string // text/plain of the value shown, "" for none
	err    string // substring of the error value, "" for success
}

func runSteps(t *testing.T, steps []step) {
	t.Helper()
	e, out := newTest(t)
	for i, s := range steps {
		out.Reset()
		o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i+1), s.code)
		var gotErr string
		if o.Err != nil {
			gotErr = o.Err.Value
		}
		if (s.err == "") != (gotErr == "") || !strings.Contains(gotErr, s.err) {
			t.Errorf("cell %d %q: error %q, want %q\n%s", i+1, s.code, gotErr, s.err, o.Err)
		}
		var res string
		if o.Result != nil {
			res, _ = o.Result["text/plain"].(string)
		}
		if res != s.result {
			t.Errorf("cell %d %q: result %q, want %q", i+1, s.code, res, s.result)
		}
		if out.String() != s.out {
			t.Errorf("cell %d %q: output %q, want %q", i+1, s.code, out.String(), s.out)
		}
	}
}

func TestCells(t *testing.T) {
	runSteps(t, []step{
		{code: `import "fmt"` + "\n" + `fmt.Println("hello")`, out: "hello\n"},
		{code: `x := 40`, out: ""},
		{code: `x + 2`, result: "42"},
		{code: `"go"`, result: `"go"`},
		{code: `fmt.Println("a")`, out: "a\n"},
		{code: "func twice(n int) int { return 2 * n }\ntwice(x)", result: "80"},
		{code: "twice(1)\nfunc later() {}", result: ""},
		{code: "later()", result: ""},
		{code: `import "fmt"` + "\nfmt.Sprint(7)", result: `"7"`},
		{code: "import (\n\t\"strings\"\n\t\"fmt\"\n)\nfmt.Print(strings.ToUpper(\"x\"))", out: "X"},
		{code: "var counter int\nfunc inc() { counter++ }\ninc()\ninc()\ncounter", result: "2"},
		{code: "var y = x * 2\ny", result: "80"},
		{code: "type P struct{ X, Y int }\nP{1, 2}", result: "{X:1 Y:2}"},
		{code: "fmt.Errorf(\"oops %d\", 1)", result: "oops 1"},
		{code: "var nothing error\nnothing", result: ""},
		{code: "undefinedName + 1", err: "cell[16]:1:1"},
		{code: "a := []int{1}\nfunc idx(i int) int { return a[i] }\nidx(5)", err: "index out of range"},
		{code: "panic(\"boom\")", err: "boom"},
		{code: "x := 1)", err: "cell[19]:1:7"},
		{code: `import "no/such/pkg"`, err: `"no/such/pkg" is not available`},
		{code: "x", result: "40"},
	})
}

func TestNames(t *testing.T) {
	runSteps(t, []step{
		{code: "a := 1\nb := a + missing", err: "cell[1]:2:10: undefined: missing"},
		{code: "a", err: "cell[2]:1:1: undefined: a"},
		{code: "type point struct{ X, Y int }\nfunc (p point) Sum() int { return p.X + p.Y }\np := point{2, 3}"},
		{code: "p.Sum()", result: "5"},
		{code: "q := point{X: 1}\nq.X", result: "1"},
		{code: "import m \"math\"\nm.Sqrt(4)", result: "2"},
		{code: "import . \"strings\"\nToUpper(\"a\")", result: `"A"`},
		{code: "import \"math/rand/v2\"\nrand.IntN(1)", result: "0"},
		{code: "func fact(n int) int {\n\tif n < 2 {\n\t\treturn 1\n\t}\n\treturn n * fact(n-1)\n}\nfact(5)", result: "120"},
		{code: "func f() { undefinedInside() }", err: "cell[10]:1:12: undefined: undefinedInside"},
	})
}

func TestStdin(t *testing.T) {
	var out bytes.Buffer
	e, err := New(Config{Stdout: &out, Stderr: &out, Stdin: strings.NewReader("first line\n42\n"), Pkgs: []interp.Exports{stdlib.Symbols}})
	if err != nil {
		t.Fatal(err)
	}
	o := e.Execute(context.Background(), "cell[1]", "import (\n\t\"bufio\"\n\t\"fmt\"\n\t\"os\"\n)\nr := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\nvar n int\nfmt.Fscan(r, &n)\nfmt.Printf(\"%q %d\", line, n)")
	if o.Err != nil {
		t.Fatal(o.Err)
	}
	if got, want := out.String(), `"first line\n" 42`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestPanicTraceback(t *testing.T) {
	e, _ := newTest(t)
	e.Execute(context.Background(), "cell[1]", "func divide(a, b int) int {\n\treturn a / b\n}")
	o := e.Execute(context.Background(), "cell[2]", "n := 0\ndivide(1, n)")
	if o.Err == nil {
		t.Fatal("no error")
	}
	tb := strings.Join(o.Err.Traceback, "\n")
	for _, want := range []string{"divide(...)", "cell[1]:2:", "cell[2]:2:"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
}

func TestInterrupt(t *testing.T) {
	e, _ := newTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Outcome)
	go func() { done <- e.Execute(ctx, "cell[1]", "for {}") }()
	cancel()
	o := <-done
	if o.Err == nil || o.Err.Name != Interrupted {
		t.Fatalf("got %+v, want an interrupted error", o.Err)
	}
	// The session stays usable.
	if o := e.Execute(context.Background(), "cell[2]", "1 + 1"); o.Err != nil || o.Result["text/plain"] != "2" {
		t.Fatalf("after interrupt: %+v %v", o.Err, o.Result)
	}
}
