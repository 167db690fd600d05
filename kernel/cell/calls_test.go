package cell

import (
	"fmt"
	"testing"
)

func TestCallCycles(t *testing.T) {
	for _, tc := range []struct {
		cells []string
		entry string
		want  string
	}{
		{[]string{"func foo() { boo() }\nfunc boo() { foo() }"}, "foo()", "[[foo boo foo]]"},
		{[]string{"func foo() { boo() }\nfunc boo() { foo() }"}, "boo()", "[[boo foo boo]]"},
		{[]string{"func f(n int) int { return f(n-1) }", "func g() { h() }\nfunc h() {}"}, "g()\nf(1)", "[[f f]]"},
		{[]string{"func a() { b() }\nfunc b() {}"}, "a()", "[]"},
		// A later cell replaces the earlier definition.
		{[]string{"func a() { a() }", "func a() {}"}, "a()", "[]"},
	} {
		if got := fmt.Sprint(CallCycles(tc.cells, tc.entry)); got != tc.want {
			t.Errorf("CallCycles(%q, %q) = %s, want %s", tc.cells, tc.entry, got, tc.want)
		}
	}
}
