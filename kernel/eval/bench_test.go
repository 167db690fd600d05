package eval

import (
	"context"
	"fmt"
	"testing"

	"github.com/golessons/golessons/kernel/ctl"
)

// BenchmarkTrivialCell measures evaluating a cell whose value is shown,
// inside the evaluating process.
func BenchmarkTrivialCell(b *testing.B) {
	e, _ := newTest(b)
	for i := range b.N {
		if o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i), "1"); o.Err != nil {
			b.Fatal(o.Err)
		}
	}
}

// BenchmarkFuncCell measures a cell that declares a function, in a
// session that runs no worker processes.
func BenchmarkFuncCell(b *testing.B) {
	e, _ := newTest(b)
	for i := range b.N {
		if o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i), fmt.Sprintf("func f%d() int { return %d }", i%50, i)); o.Err != nil {
			b.Fatal(o.Err)
		}
	}
}

// session50 returns the declarations of a session of 50: ten cells each
// declaring a type, a method, a function, a constant and a variable.
func session50(b *testing.B) []ctl.Decl {
	e, _ := newTest(b)
	decls := e.Execute(context.Background(), "cell[0]", `import "fmt"`).Decls
	for i := range 10 {
		code := fmt.Sprintf("type T%d struct{ N int }\nfunc (t T%[1]d) String() string { return fmt.Sprint(t.N) }\nfunc f%[1]d(n int) T%[1]d { return T%[1]d{N: n + %[1]d} }\nconst c%[1]d = %[1]d\nvar v%[1]d = f%[1]d(c%[1]d)", i)
		o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i+1), code)
		if o.Err != nil {
			b.Fatal(o.Err.Value)
		}
		decls = append(decls, o.Decls...)
	}
	return decls
}

// BenchmarkRestore50 measures restoring a session of 50 declarations into
// a fresh interpreter, as after a crash.
func BenchmarkRestore50(b *testing.B) {
	decls := session50(b)
	for range b.N {
		e, _ := newTest(b)
		if err := e.Restore(context.Background(), decls); err != nil {
			b.Fatal(err.Value)
		}
	}
}

// BenchmarkRedefine50 measures redefining a type in a session of 50
// declarations, which rebuilds the session.
func BenchmarkRedefine50(b *testing.B) {
	decls := session50(b)
	e, _ := newTest(b)
	if err := e.Restore(context.Background(), decls); err != nil {
		b.Fatal(err.Value)
	}
	b.ResetTimer()
	for i := range b.N {
		if o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", 100+i), fmt.Sprintf("type T0 struct{ N, M%d int }", i)); o.Err != nil {
			b.Fatal(o.Err.Value)
		}
	}
}
