package magic

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		code       string
		ok         bool
		name, args string
		run        string
	}{
		{code: "%time fib(20)", ok: true, name: "time", args: "fib(20)", run: "fib(20)"},
		{code: "\n  %timeit -n 10 f()\n", ok: true, name: "timeit", args: "-n 10 f()", run: "-n 10 f()"},
		{code: "%time\nx := 1\nx", ok: true, name: "time", run: "x := 1\nx"},
		{code: "%who", ok: true, name: "who"},
		{code: "%go get github.com/google/uuid@v1.6.0", ok: true, name: "go", args: "get github.com/google/uuid@v1.6.0", run: "get github.com/google/uuid@v1.6.0"},
		{code: "%%time\nwork()", ok: true, name: "time", run: "work()"},
		{code: "x := 1 % 2", ok: false},
		{code: "fmt.Printf(\"%d\", 1)", ok: false},
	} {
		m, ok := Parse(tc.code)
		if ok != tc.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tc.code, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if m.Name != tc.name || m.Args != tc.args || m.Code() != tc.run {
			t.Errorf("Parse(%q) = %+v (code %q), want name %q args %q code %q", tc.code, m, m.Code(), tc.name, tc.args, tc.run)
		}
	}
}

func TestList(t *testing.T) {
	l := List()
	for name := range Help {
		if !strings.Contains(l, "%"+name) {
			t.Errorf("List lacks %%%s", name)
		}
	}
	if !strings.Contains(l, "%go get MODULE[@VERSION]") {
		t.Errorf("List lacks %%go get:\n%s", l)
	}
	if err := Unknown("nope"); err.Error() != "unknown magic %nope: %help lists the magics" {
		t.Errorf("Unknown: %v", err)
	}
}
