package eval

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/golessons/golessons/kernel/cell"
)

// The interpreter cannot work out, before running it, the type of a
// package-level variable defined with := from the call of a generic
// function (total := Sum(xs), keys := slices.Sorted(maps.Keys(m))): it
// fails to compile such a statement. Such statements run in stages: the
// values are computed first, then the variables are declared with the
// types the values have.

// runStaged runs the statements chunk of code one by one, staging those
// the interpreter cannot compile as they are.
func (e *Interpreter) runStaged(ctx context.Context, at cell.Pos, code string, chunk []cell.Item) error {
	var group []cell.Item
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		_, err := e.run(ctx, cell.StmtSource(at, code, group...), true)
		group = nil
		return err
	}
	for _, it := range chunk {
		names, rhs, ok := defineParts(code, it)
		if !ok {
			group = append(group, it)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		_, err := e.run(ctx, cell.StmtSource(at, code, it), true)
		if err == nil {
			continue
		}
		if !untypedGlobal(err) {
			return err
		}
		if err := e.defineStaged(ctx, at, code, names, rhs); err != nil {
			return err
		}
	}
	return flush()
}

// untypedGlobal reports whether err is the interpreter's failure on a
// package-level variable whose type it could not work out.
func untypedGlobal(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "nil reflect type") || strings.Contains(msg, "definition loop") ||
		strings.Contains(msg, "the interpreter failed on this code") || strings.Contains(msg, errUntyped.Error())
}

// defineStaged computes the values rhs of code, then declares names with
// them.
func (e *Interpreter) defineStaged(ctx context.Context, at cell.Pos, code string, names []string, rhs cell.Item) error {
	e.stash = nil
	if len(names) == 2 && commaOK(rhs.Text(code)) {
		// v, ok := <-ch, m[k], x.(T): the two values, computed in a
		// function, come back through pointers, which keep their types
		// even when a value is nil.
		src := "package main; func main() { func() { ǃa, ǃb := " + rhs.Text(code) + "\n" + resultName + ".Stash(&ǃa, &ǃb)\n}() }"
		if _, err := e.run(ctx, src, true); err != nil {
			return err
		}
		for i, p := range e.stash {
			e.stash[i] = reflect.ValueOf(p).Elem().Interface()
		}
	} else if _, err := e.run(ctx, cell.ExprSource(at, code, resultName+".Stash", rhs), true); err != nil {
		return err
	}
	values := e.stash
	e.stash = nil
	line, col := lineCol(code, rhs.Start)
	where := fmt.Sprintf("%s:%d:%d", e.cur, line, col)
	if len(values) != len(names) {
		return fmt.Errorf("%s: assignment mismatch: %d variables but %d values", where, len(names), len(values))
	}
	cellTypes := e.cellTypes(ctx)
	var keep []string
	var vals []reflect.Value
	for i, name := range names {
		if name == "_" {
			continue
		}
		v := reflect.ValueOf(values[i])
		if !v.IsValid() || !carryable(v, cellTypes) {
			return fmt.Errorf("%s: the interpreter cannot tell the type of %s here: declare it with its type (var %s T = ...)", where, name, name)
		}
		keep, vals = append(keep, name), append(vals, v)
	}
	return e.defineValues(ctx, keep, vals)
}

// commaOK reports whether src is an expression that gives a value and a
// boolean to two variables: a receive, a map index or a type assertion.
func commaOK(src string) bool {
	x, err := parser.ParseExpr(src)
	if err != nil {
		return false
	}
	switch x := x.(type) {
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return true
	}
	return false
}

// defineValues declares each of names as a package-level variable holding a
// copy of the value of the same index, with that value's type.
func (e *Interpreter) defineValues(ctx context.Context, names []string, values []reflect.Value) error {
	syms := map[string]reflect.Value{}
	var src strings.Builder
	src.WriteString("package main; func main() {\n")
	for i, name := range names {
		p := reflect.New(values[i].Type()).Elem()
		p.Set(values[i])
		e.carrySeq++
		key := "V" + strconv.Itoa(e.carrySeq)
		syms[key] = p
		fmt.Fprintf(&src, "%s := %s.%s\n", name, carryName, key)
	}
	src.WriteString("}")
	if err := e.useCarry(ctx, syms); err != nil {
		return err
	}
	_, err := e.run(ctx, src.String(), true)
	return err
}

// useCarry makes syms visible to cells as members of the carry package.
func (e *Interpreter) useCarry(ctx context.Context, syms map[string]reflect.Value) error {
	if err := e.in.Use(map[string]map[string]reflect.Value{carryPkg + "/carry": syms}); err != nil {
		return fmt.Errorf("carry values: %w", err)
	}
	if e.carryImported {
		return nil
	}
	if _, err := e.run(ctx, "package main; import "+carryName+" "+strconv.Quote(carryPkg), false); err != nil {
		return fmt.Errorf("carry values: %w", err)
	}
	e.carryImported = true
	return nil
}

// stashValues keeps the values a staged definition computed.
func (e *Interpreter) stashValues(values ...any) { e.stash = values }

// defineParts returns, for a statement item `a, b := values`, the names it
// defines and the item spanning its right-hand side.
func defineParts(code string, it cell.Item) (names []string, rhs cell.Item, ok bool) {
	if it.Kind != cell.Stmt {
		return nil, rhs, false
	}
	const prefix = "package p; func _() {"
	f, err := parser.ParseFile(token.NewFileSet(), "", prefix+it.Text(code)+"\n}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil, rhs, false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	if len(body.List) != 1 {
		return nil, rhs, false
	}
	as, isAssign := body.List[0].(*ast.AssignStmt)
	if !isAssign || as.Tok != token.DEFINE {
		return nil, rhs, false
	}
	for _, l := range as.Lhs {
		id, isIdent := l.(*ast.Ident)
		if !isIdent {
			return nil, rhs, false
		}
		names = append(names, id.Name)
	}
	// Offsets in the parsed text: token.Pos of a file starts at 1.
	start := int(as.Rhs[0].Pos()) - 1 - len(prefix) + it.Start
	end := int(as.Rhs[len(as.Rhs)-1].End()) - 1 - len(prefix) + it.Start
	return names, cell.Item{Kind: cell.Stmt, Start: start, End: end}, true
}
