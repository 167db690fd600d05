package eval

import (
	"context"
	"fmt"
	"testing"
)

func TestGoMessages(t *testing.T) {
	e, _ := newTest(t)
	for i, tc := range []struct{ code, want string }{
		{"a := []int{1, 2, 3}\ni := 5\na[i]", "runtime error: index out of range [5] with length 3"},
		{"a[i] = 1", "runtime error: index out of range [5] with length 3"},
		{"s := \"abc\"\ns[i]", "runtime error: index out of range [5] with length 3"},
		{"a[1:i]", "runtime error: slice bounds out of range [:5] with capacity 3"},
		{"j := 2\na[j:1]", "runtime error: slice bounds out of range [2:1]"},
		{"a[:2:i]", "runtime error: slice bounds out of range [::5] with capacity 3"},
		// In a function the operands are gone: the expression is named.
		{"func get(k int) int { return a[k] }\nget(7)", "runtime error: index out of range in a[k]"},
		{"var p *struct{ X int }\np.X", "runtime error: invalid memory address or nil pointer dereference"},
		{"var f func()\nf()", "runtime error: invalid memory address or nil pointer dereference"},
		{"var v any = \"s\"\nv.(int)", "interface conversion: interface {} is string, not int"},
		{"x := 0\n1 / x", "runtime error: integer divide by zero"},
		{"var m map[string]int\nm[\"a\"] = 1", "assignment to entry in nil map"},
		{"type T struct{ A int }\nt := T{}\nt.B", "cell[13]:3:1: t.B undefined (t has no field or method B)"},
		{"func f(t T) int { return t.Missing }", "cell[14]:1:26: t.Missing undefined (t has no field or method Missing)"},
		{"import \"strings\"\nstrings.Nope(\"x\")", "cell[15]:2:1: undefined: strings.Nope"},
		{"nothing + 1", "cell[16]:1:1: undefined: nothing"},
	} {
		o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i+1), tc.code)
		if o.Err == nil || o.Err.Value != tc.want {
			t.Errorf("%q: error %v, want %q", tc.code, o.Err, tc.want)
		}
	}
}
