package eval

import (
	"context"
	"strings"
	"testing"

	"github.com/golessons/golessons/kernel/ctl"
)

func TestRedefinition(t *testing.T) {
	lost := "these values could not be carried over and are gone: "
	runSteps(t, []step{
		{code: "import \"fmt\"\ntype T struct{ A int }\nfunc (t T) M() string { return fmt.Sprint(\"old \", t.A) }\nfunc show(t T) string { return t.M() }"},
		{code: "n := 5\nnames := []string{\"a\"}\nvar count int\ncount = 7\nt := T{A: 1}\nf := func() {}\nerr := fmt.Errorf(\"kept\")"},
		// A new method replaces the old one, also for callers declared
		// before it; values of cell types are lost and named.
		{code: "func (t T) M() string { return fmt.Sprint(\"new \", t.A) }", out: "The session was rebuilt around the new definitions; " + lost + "f, t\n"},
		{code: "show(T{A: 2})", result: `"new 2"`},
		{code: "n + len(names) + count", result: "13"},
		{code: "err", result: "kept"},
		{code: "t", err: "undefined: t"},
		// A new type: functions and methods declared earlier use it.
		{code: "type T struct{ A, B int }", out: ""},
		{code: "show(T{A: 3, B: 4})", result: `"new 3"`},
		// A definition that breaks earlier code is refused, naming where.
		{code: "type T struct{ B int }", err: "cell[3]:1:"},
		{code: "show(T{A: 5})", result: `"new 5"`},
		// Changing the type and its method together works.
		{code: "type T struct{ B int }\nfunc (t T) M() string { return fmt.Sprint(\"b \", t.B) }\nfunc show(t T) string { return t.M() + \"!\" }", out: ""},
		{code: "show(T{B: 9})", result: `"b 9!"`},
		// A named type of a basic type: its values cannot be told from
		// plain numbers, so they are not carried.
		{code: "type Celsius float64\nfunc (c Celsius) String() string { return fmt.Sprintf(\"%.1f°C\", float64(c)) }\nc := Celsius(3)\nx := 2.5\nc", result: "3.0°C"},
		{code: "type Celsius float32", out: "The session was rebuilt around the new definitions; " + lost + "c, x\n"},
		// Funcs, consts and vars are redefined in place, as before.
		{code: "const K = 1\nfunc F() int { return 1 }\nvar V = 1"},
		{code: "const K = 2\nfunc F() string { return \"two\" }\nvar V = \"s\"\nfmt.Sprint(K, F(), V)", result: `"2twos"`},
		// Unused imports and variables are not errors in cells.
		{code: "import \"strings\"\nunused := 1", out: ""},
	})
}

func TestRestoreLeavesOutReplacedDeclarations(t *testing.T) {
	e, _ := newTest(t)
	var decls []ctl.Decl
	for i, c := range []string{
		"import \"fmt\"\ntype T struct{ A int }\nfunc (t T) M() string { return fmt.Sprint(\"old \", t.A) }",
		"var total = 3\nn := 4",
		"func (t T) M() string { return fmt.Sprint(\"new \", t.A) }",
		"type T struct{ A, B int }",
	} {
		o := e.Execute(context.Background(), "cell["+string(rune('1'+i))+"]", c)
		if o.Err != nil {
			t.Fatalf("cell %d: %s", i+1, o.Err.Value)
		}
		decls = append(decls, o.Decls...)
	}
	fresh, _ := newTest(t)
	if err := fresh.Restore(context.Background(), decls); err != nil {
		t.Fatalf("restore: %s", err.Value)
	}
	o := fresh.Execute(context.Background(), "cell[5]", "T{A: 1, B: 2}.M() + fmt.Sprint(total)")
	if o.Err != nil || o.Result["text/plain"] != `"new 13"` {
		t.Fatalf("after restore: %v %v", o.Err, o.Result)
	}
	if o := fresh.Execute(context.Background(), "cell[6]", "n"); o.Err == nil || !strings.Contains(o.Err.Value, "undefined: n") {
		t.Errorf("a value computed by a statement came back: %v", o.Result)
	}
}
