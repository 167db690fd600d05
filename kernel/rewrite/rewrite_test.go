package rewrite

import (
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// rewritten parses body as the body of a function, applies f and returns
// the result formatted.
func rewritten(t *testing.T, body string, f func(fset *token.FileSet, node ast.Node)) string {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "x.go", "package p\nfunc _() {\n"+body+"\n}", 0)
	if err != nil {
		t.Fatal(err)
	}
	f(fset, file)
	var b strings.Builder
	if err := format.Node(&b, fset, file); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestLoopVars(t *testing.T) {
	for _, tc := range []struct {
		body     string
		contains []string
		absent   []string
	}{
		// Nothing captures i: the loop stays as written.
		{body: "for i := 0; i < 3; i++ { sum += i }", contains: []string{"for i := 0; i < 3; i++"}, absent: []string{Prefix}},
		{body: "for i := 0; i < 3; i++ { go f(i) }", contains: []string{"i := *ǃp", "if !ǃfirst", "i++", "if !(i < 3)"}},
		{body: "L:\n\tfor i := 0; i < 3; i++ { defer g(&i); continue L }", contains: []string{"L:\n\t\tfor ǃfirst"}},
		{body: "for k, v := range m { fs = append(fs, func() { use(k, v) }) }", contains: []string{"for ǃrangek_k, ǃrangel_v := range m", "k, v := ǃrangek_k, ǃrangel_v"}},
		{body: "for _, v := range m { use(v) }", absent: []string{Prefix}},
	} {
		got := rewritten(t, tc.body, func(_ *token.FileSet, n ast.Node) { LoopVars(n) })
		for _, want := range tc.contains {
			if !strings.Contains(got, want) {
				t.Errorf("%q: result lacks %q:\n%s", tc.body, want, got)
			}
		}
		for _, not := range tc.absent {
			if strings.Contains(got, not) {
				t.Errorf("%q: result has %q:\n%s", tc.body, not, got)
			}
		}
	}
}

func TestRangeInts(t *testing.T) {
	got := rewritten(t, "for i := range 10 { use(i) }\nfor range n { tick() }\nfor k := range m { use(k) }", func(_ *token.FileSet, n ast.Node) {
		RangeInts(n, func(x ast.Expr) bool { return LiteralInt(x) || x.(*ast.Ident).Name == "n" })
	})
	for _, want := range []string{"ǃn1 := 10", "for ǃc2 := ǃn1 - ǃn1; ǃc2 < ǃn1; ǃc2++", "i := ǃc2", "ǃn3 := n", "for k := range m"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}

func TestGoRecover(t *testing.T) {
	handler := &ast.SelectorExpr{X: ast.NewIdent("r"), Sel: ast.NewIdent("Panic")}
	got := rewritten(t, "go func() { work() }()\ngo f(x, g(), <-ch)", func(fset *token.FileSet, n ast.Node) {
		track := &ast.SelectorExpr{X: ast.NewIdent("r"), Sel: ast.NewIdent("Track")}
		GoRecover(n, fset, handler, track)
		GoRecover(n, fset, handler, track) // a second pass changes nothing
	})
	if n := strings.Count(got, "recover()"); n != 2 {
		t.Errorf("%d recoveries, want 2:\n%s", n, got)
	}
	if n := strings.Count(got, `}(r.Track("3:1"))`); n != 1 {
		t.Errorf("%d trackers of the go statement on line 3, want 1:\n%s", n, got)
	}
	for _, want := range []string{`r.Panic(ǃrecovered, "3:1")`, "go func(ǃend func()) {", "defer ǃend()", `}(r.Track("4:1"))`, "ǃa1 := g()", "ǃa2 := <-ch", "f(x, ǃa1, ǃa2)"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}

func TestReplaceBuiltins(t *testing.T) {
	got := rewritten(t, "a := min(1, x, 2)\nb := max(2, 3.5)\nclear(m)\nc := min(\"b\", \"a\")\nmin := 3\n_ = min", func(_ *token.FileSet, n ast.Node) {
		ReplaceBuiltins(n, Builtins{Min: "ǃmin", Max: "ǃmax", Clear: ast.NewIdent("ǃclear")})
	})
	for _, want := range []string{"ǃmin3(x, 1, 2)", "ǃminid(3.5)", "ǃclear(m)", `ǃminid("a")`, "min := 3"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}

func TestRenameMain(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"package main\n\nfunc main() { helper() }\n\nfunc helper() { main() }\n", "package main\n\nfunc ǃmain() { helper() }\n\nfunc helper() { ǃmain() }\n"},
		{"package main\n\ntype T struct{ main int }\n\nfunc (T) main() {}\n\nfunc f(t T) { t.main(); _ = T{main: 1} }\n", ""},
		{"package main\n\nfunc f() { main := 1; _ = main }\n", ""},
	} {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "x.go", tc.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		changed := RenameMain(file)
		var b strings.Builder
		if err := format.Node(&b, fset, file); err != nil {
			t.Fatal(err)
		}
		want := tc.want
		if want == "" {
			want = tc.src
		}
		if changed != (tc.want != "") || b.String() != want {
			t.Errorf("RenameMain(%q) = %v,\n%s\nwant\n%s", tc.src, changed, b.String(), want)
		}
	}
}

func TestEmptySelects(t *testing.T) {
	got := rewritten(t, "select {}\nselect {\ncase <-ch:\n}", func(_ *token.FileSet, n ast.Node) { EmptySelects(n) })
	if !strings.Contains(got, "<-make(chan struct{})") || !strings.Contains(got, "case <-ch:") || strings.Contains(got, "select {}") {
		t.Errorf("EmptySelects:\n%s", got)
	}
}

func TestStdCalls(t *testing.T) {
	pkg := func(name string) string {
		if name == "slices" || name == "maps" {
			return name
		}
		return ""
	}
	var used map[string]bool
	got := rewritten(t, "slices.Sort(s)\nfor k := range maps.Keys(m) { use(k) }\nfor v := range maps.Values(m) { use(v) }\nx := other.Sort(s)\nfor i := range slices.Backward(s) { use(i) }", func(_ *token.FileSet, n ast.Node) {
		used = StdCalls(n, pkg)
	})
	for _, want := range []string{"ǃslices_Sort(s)", "for k := range m", "for _, v := range m", "other.Sort(s)", "ǃs1 := s", "for ǃi2 := len(ǃs1) - 1; ǃi2 >= 0; ǃi2--", "i := ǃi2"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	if !used["slices"] || used["maps"] {
		t.Errorf("used %v, want slices only", used)
	}
}

func TestIsolateBlocks(t *testing.T) {
	got := rewritten(t, "x := 0\nfor i := 0; i < 3; i++ { x += i }\nfor range 3 { x++ }\nif y := x; y > 0 { x = y }\nfor j := range 2 { defer f(j) }", func(_ *token.FileSet, n ast.Node) {
		IsolateBlocks(n.(*ast.File).Decls[0].(*ast.FuncDecl).Body)
	})
	for _, want := range []string{"x := 0\n", "func() {\n\t\tfor i := 0; i < 3; i++ {", "\tfor range 3 {", "func() {\n\t\tif y := x; y > 0 {", "\tfor j := range 2 {"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "func() {"); n != 2 {
		t.Errorf("%d statements wrapped, want 2:\n%s", n, got)
	}
}

func TestBindClosureArgs(t *testing.T) {
	got := rewritten(t, "for _, w := range words { run(func() { use(w) }); run(func() { other() }) }", func(_ *token.FileSet, n ast.Node) {
		BindClosureArgs(n)
	})
	if !strings.Contains(got, "run(func() func() { return func() { use(w) } }())") || !strings.Contains(got, "run(func() { other() })") {
		t.Errorf("BindClosureArgs:\n%s", got)
	}
}

func TestBindClosureArgsBodyVariables(t *testing.T) {
	got := rewritten(t, "for k := 0; k < 3; k++ { i := k; g.Go(func() error { use(i); return nil }); g.Go(func() error { x := 1; use(x); return nil }) }", func(_ *token.FileSet, n ast.Node) {
		BindClosureArgs(n)
	})
	if strings.Count(got, "func() func() error") != 1 {
		t.Errorf("want only the literal using i bound:\n%s", got)
	}
}

func TestNameParams(t *testing.T) {
	fset := token.NewFileSet()
	src := "package p\nfunc run(f func(int)) { f(1) }\nfunc (T) m(int, string) {}\nvar g = func(int) { x := 1 }\nvar h = func(a, b int) {}\ntype F func(int)\nfunc external(int)\n"
	file, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !NameParams(file) {
		t.Error("NameParams reported no change")
	}
	var b strings.Builder
	if err := format.Node(&b, fset, file); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"func run(f func(int))", "func (_ T) m(_ int, _ string)", "func(_ int) {", "func(a, b int)", "type F func(int)", "func external(int)"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}

func TestConvertResults(t *testing.T) {
	types := map[string]string{"mergesort.Lists": "[][]int", "strs.Split": "[]string"}
	got := rewritten(t, "for _, l := range mergesort.Lists(2, 3) { use(l) }\nx := f(strs.Split(s, \",\"))\nmergesort.Lists(1, 1)\ngo strs.Split(a, b)\ny := other.Call()",
		func(_ *token.FileSet, n ast.Node) {
			ConvertResults(n, func(pkg, name string) string { return types[pkg+"."+name] })
		})
	for _, want := range []string{"range ([][]int)(mergesort.Lists(2, 3))", "f(([]string)(strs.Split(s, \",\")))", "\tmergesort.Lists(1, 1)\n", "go strs.Split(a, b)", "y := other.Call()"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}

func TestHoistMinMax(t *testing.T) {
	got := rewritten(t, "w = max(w, late)\nx := min(3, a, b)\nf := func() int { return max(p, q) }\nreturn max(1, 2)", func(_ *token.FileSet, n ast.Node) {
		HoistMinMax(n, nil)
	})
	for _, want := range []string{"ǃm1 := w", "if ǃa2 := late; ǃa2 > ǃm1 {\n\t\tǃm1 = ǃa2", "w = ǃm1",
		"ǃm3 := a", "if 3 < ǃm3 {", "if ǃa4 := b; ǃa4 < ǃm3 {", "x := ǃm3", "func() int {\n\t\tǃm5 := p", "return ǃm5", "return max(1, 2)"} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
}
