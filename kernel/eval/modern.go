package eval

import (
	"context"
	"fmt"
	"go/ast"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/rewrite"
)

// Names of the generic helpers standing in for min and max.
const (
	minHelper = rewrite.Prefix + "min"
	maxHelper = rewrite.Prefix + "max"
)

// modernize rewrites a chunk's syntax tree for today's Go semantics (see
// package rewrite). With ambiguousAsInt, range loops over names and
// calls whose type cannot be told from the syntax are taken as ranges
// over integers.
func (e *Interpreter) modernize(node ast.Node, ambiguousAsInt bool) {
	rewrite.RenameMain(node)
	rewrite.RangeInts(node, func(x ast.Expr) bool {
		if rewrite.LiteralInt(x) || e.isIntName(x) {
			return true
		}
		if !ambiguousAsInt {
			return false
		}
		switch x.(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr:
			return true
		}
		return false
	})
	rewrite.LoopVars(node)
	rewrite.GoRecover(node, e.in.FileSet(), &ast.SelectorExpr{X: ast.NewIdent(resultName), Sel: ast.NewIdent("GoPanic")})
	rewrite.ReplaceBuiltins(node, rewrite.Builtins{
		Min:      minHelper,
		Max:      maxHelper,
		Clear:    &ast.SelectorExpr{X: ast.NewIdent(resultName), Sel: ast.NewIdent("Clear")},
		Shadowed: func(name string) bool { return e.globals[name] },
	})
}

// intKinds are the names of Go's integer types.
var intKinds = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"byte": true, "rune": true,
}

// isIntName reports whether x is a name known to hold an integer: a
// local declared with an integer type or value, or a package-level
// variable or constant of the session whose value is an integer.
func (e *Interpreter) isIntName(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Obj == nil {
		if !e.globals[id.Name] {
			return false
		}
		v, ok := e.in.Globals()[id.Name]
		if !ok || !v.IsValid() {
			return false
		}
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return true
		}
		return false
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		t, ok := d.Type.(*ast.Ident)
		return ok && intKinds[t.Name]
	case *ast.ValueSpec:
		if t, ok := d.Type.(*ast.Ident); ok {
			return intKinds[t.Name]
		}
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return rewrite.LiteralInt(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name && len(d.Rhs) == len(d.Lhs) {
				return intValue(d.Rhs[i])
			}
		}
	}
	return false
}

// intValue reports whether e is an integer by its syntax, including a
// conversion to an integer type.
func intValue(e ast.Expr) bool {
	if rewrite.LiteralInt(e) {
		return true
	}
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		if t, ok := c.Fun.(*ast.Ident); ok && intKinds[t.Name] {
			return true
		}
	}
	return false
}

// helpers returns the source of the declarations the rewritten cells
// call, compiled once per interpreter.
func helpers() string {
	return "package main\n" + rewrite.HelperSource(minHelper, maxHelper)
}

// clearValue implements the clear builtin for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%v) (value of type %T): argument must be a map or slice", x, x))
	}
}

// goroutines tracks the cell being evaluated, so that a panic in a
// goroutine it started can end it as a Go program would end.
type goroutines struct {
	running atomic.Int64 // slot of the running cell, or 0
	cancel  atomic.Pointer[context.CancelCauseFunc]
	report  func(*ctl.Error) // shows a panic of a goroutine whose cell has ended
}

// goPanicError is the cause a cell is cancelled with when a goroutine it
// started panicked.
type goPanicError struct{ err *ctl.Error }

func (g goPanicError) Error() string { return g.err.Value }

// goPanic is called by the recovery the rewrite puts in every goroutine:
// value is what it panicked with, where the encoded position of its go
// statement.
func (e *Interpreter) goPanic(value any, where string) {
	line, col := 0, 0
	if l, c, ok := strings.Cut(where, ":"); ok {
		line, _ = strconv.Atoi(l)
		col, _ = strconv.Atoi(c)
	}
	slot, l, c := decode(line, col)
	at := fmt.Sprintf("%s:%d:%d", e.pos.name(slot), l, c)
	v := panicValue(value)
	tb := []string{red + "panic: " + v + reset, "", "goroutine started at " + at + ":"}
	for _, fr := range e.trace.take() {
		fn := strings.TrimSuffix(fr.fn, "(...)") + "(...)"
		tb = append(tb, fn, fmt.Sprintf("\t%s:%d:%d", e.pos.name(fr.seq), fr.line, fr.col))
	}
	err := &ctl.Error{Name: PanicError, Value: v + " (in a goroutine started at " + at + ")", Traceback: tb}
	if int64(slot) == e.gr.running.Load() {
		if cancel := e.gr.cancel.Load(); cancel != nil {
			(*cancel)(goPanicError{err})
			return
		}
	}
	if e.gr.report != nil {
		e.gr.report(err)
	}
}

// reportToStderr writes a goroutine's panic to w, for a cell that has
// already ended.
func reportToStderr(w interface{ Write([]byte) (int, error) }) func(*ctl.Error) {
	return func(err *ctl.Error) {
		fmt.Fprintf(w, "%s\n", strings.Join(err.Traceback, "\n"))
	}
}
