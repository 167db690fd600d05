package cell

import (
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

func kinds(t *testing.T, src string) []string {
	t.Helper()
	items, err := Split(src)
	if err != nil {
		t.Fatalf("Split(%q): %v", src, err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Kind.String()+":"+it.Text(src))
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`import "fmt"; fmt.Println(1)`, []string{`import:import "fmt"`, `statement:fmt.Println(1)`}},
		{"import (\n\t\"fmt\"\n\t\"os\"\n)\nx := 1\n", []string{"import:import (\n\t\"fmt\"\n\t\"os\"\n)", "statement:x := 1"}},
		{"func f() {\n}\nf()", []string{"declaration:func f() {\n}", "statement:f()"}},
		{"func (t T) M() int { return 1 }", []string{"declaration:func (t T) M() int { return 1 }"}},
		{"func() { x++ }()", []string{"statement:func() { x++ }()"}},
		{"func(a int) { }(1)", []string{"statement:func(a int) { }(1)"}},
		{"type T struct{ A int }\nvar v T\nconst c = 1", []string{"declaration:type T struct{ A int }", "declaration:var v T", "declaration:const c = 1"}},
		{"for i := 0; i < 3; i++ {\n\tgo f(i)\n}\n// trailing comment\n", []string{"statement:for i := 0; i < 3; i++ {\n\tgo f(i)\n}"}},
		{"x := `a\nb`\nx", []string{"statement:x := `a\nb`", "statement:x"}},
		{"", nil},
		{"// only a comment", nil},
	}
	for _, tt := range tests {
		if got := kinds(t, tt.src); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q)\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	for _, tt := range []struct {
		src   string
		atEnd bool
	}{
		{"x := 1)", false},
		{"f(", true},
		{"s := \"abc", false},
		{"s := `abc", true},
		{"/* open", true},
	} {
		_, err := Split(tt.src)
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("Split(%q): error %v, want *Error", tt.src, err)
			continue
		}
		if e.AtEnd != tt.atEnd {
			t.Errorf("Split(%q): AtEnd %v, want %v (%s)", tt.src, e.AtEnd, tt.atEnd, e.Msg)
		}
	}
}

func TestIsComplete(t *testing.T) {
	tests := []struct {
		src, status string
	}{
		{"", "complete"},
		{"x := 1", "complete"},
		{"import \"fmt\"\nfmt.Println(1)", "complete"},
		{"func f() {", "incomplete"},
		{"for {\n\tif x {", "incomplete"},
		{"fmt.Println(\"a\"", "incomplete"},
		{"x := 1 +", "incomplete"},
		{"s := `raw", "incomplete"},
		{"/* comment", "incomplete"},
		{"x := 1)", "invalid"},
		{"x := := 2", "invalid"},
		{"func f() { return }}", "invalid"},
		{"type T struct{A int}\nvar t = T{A: 1}", "complete"},
	}
	for _, tt := range tests {
		if got := IsComplete(tt.src); got.Status != tt.status {
			t.Errorf("IsComplete(%q) = %q, want %q", tt.src, got.Status, tt.status)
		}
	}
	if got := IsComplete("func f() {\n\tfor {"); got.Indent != "        " {
		t.Errorf("indent %q, want two levels", got.Indent)
	}
}

// Positions reported by the parser for a generated source must be the
// positions in the cell.
func TestSourcePositions(t *testing.T) {
	src := "x := 1\nfunc f() int {\n\treturn undefinedName\n}\ny := x +\n  nope"
	items, err := Split(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		source string
		ident  string
		want   string
	}{
		{DeclSource(Pos{"cell[1]", 1}, src, items[1]), "undefinedName", "cell[1]:3:9"},
		{StmtSource(Pos{"cell[1]", 1}, src, items[0], items[2]), "nope", "cell[1]:6:3"},
		{ExprSource(Pos{"cell[1]", 1}, "a := 2\n  a * b", "show", mustLast(t, "a := 2\n  a * b")), "b", "cell[1]:2:7"},
		{ExprSource(Pos{"cell[1]", 1}, "b", "show", mustLast(t, "b")), "b", "cell[1]:1:1"},
		{StmtSource(Pos{"x.go", 3000001}, src, items[0], items[2]), "nope", "x.go:3000006:3"},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", tt.source, 0)
		if err != nil {
			t.Fatalf("parse %q: %v", tt.source, err)
		}
		var got string
		for _, u := range f.Unresolved {
			if u.Name == tt.ident {
				got = fset.Position(u.Pos()).String()
			}
		}
		if got != tt.want {
			t.Errorf("%s in %q at %s, want %s", tt.ident, tt.source, got, tt.want)
		}
	}
}

func mustLast(t *testing.T, src string) Item {
	items, err := Split(src)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := LastExpr(src, items)
	if !ok {
		t.Fatalf("%q has no trailing expression", src)
	}
	return it
}

func TestLastExpr(t *testing.T) {
	for src, want := range map[string]bool{
		"x":                  true,
		"a := 1\na + 1":      true,
		"f()":                true,
		"x := 1":             false,
		"<-ch":               false,
		"for {}":             false,
		"x++":                false,
		"func f() {}":        false,
		"import \"strings\"": false,
	} {
		items, err := Split(src)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := LastExpr(src, items); got != want {
			t.Errorf("LastExpr(%q) = %v, want %v", src, got, want)
		}
	}
	_ = strings.TrimSpace
}

func TestPlan(t *testing.T) {
	tests := []struct {
		src  string
		want []string // chunk kinds and texts
	}{
		{"main()\nfunc main() {}", []string{"declaration:func main() {}", "statement:main()"}},
		{"a := []int{1}\nfunc idx(i int) int { return a[i] }\nidx(0)",
			[]string{"statement:a := []int{1}", "declaration:func idx(i int) int { return a[i] }", "statement:idx(0)"}},
		{"var n int\nfunc inc() { n++ }\ninc()",
			[]string{"statement:var n int", "declaration:func inc() { n++ }", "statement:inc()"}},
		{"func a() { b() }\nx := 1\nfunc b() { _ = x }",
			[]string{"statement:x := 1", "declaration:func a() { b() }|func b() { _ = x }"}},
		{"type T int\nconst c T = 1\nfmt.Println(c)\nx := c",
			[]string{"declaration:type T int|const c T = 1", "statement:fmt.Println(c)|x := c"}},
		{"import \"fmt\"\nfmt.Println()", []string{"statement:fmt.Println()"}},
	}
	for _, tt := range tests {
		items, err := Split(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range Plan(tt.src, items) {
			var texts []string
			for _, it := range c.Items {
				texts = append(texts, it.Text(tt.src))
			}
			got = append(got, c.Kind.String()+":"+strings.Join(texts, "|"))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Plan(%q)\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestDefinitions(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{"type T struct{}", "type T"},
		{"func (t *T) M() {}", "func T.M"},
		{"func (p Pair[K, V]) Key() K { return p.k }", "func Pair.Key"},
		{"func f() {}", "func f"},
		{"const (\n\tA = iota\n\tB\n)", "const A, const B"},
		{"var x, y = 1, 2", "var x, var y"},
		{"n := 3", "var n"},
	} {
		items, err := Split(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range Definitions(tc.src, items[0]) {
			got = append(got, d.Tok.String()+" "+d.Name)
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("Definitions(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
}
