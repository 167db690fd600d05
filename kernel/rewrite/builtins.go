package rewrite

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"strconv"
	"strings"
)

// Builtins names the helpers that stand in for builtins the interpreter
// lacks.
type Builtins struct {
	// Min and Max are generic functions of 2, 3 and 4 arguments, named
	// with the count appended (Min+"2").
	Min, Max string
	// Clear is a function of one argument that clears a map or zeroes a
	// slice.
	Clear ast.Expr
	// Shadowed reports whether a package-level name of the session hides
	// the builtin.
	Shadowed func(name string) bool
}

// ReplaceBuiltins rewrites calls of min, max and clear under node that
// refer to the builtins (their names resolve to no declaration of the
// file, nor of the session). It reports whether anything changed.
//
// Constant arguments only are folded; otherwise a non-constant argument
// goes first, so that the helper's type parameter is inferred from it and
// untyped constants convert to it, as with the builtins.
func ReplaceBuiltins(node ast.Node, b Builtins) bool {
	changed := false
	ast.Inspect(node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || id.Obj != nil || b.Shadowed != nil && b.Shadowed(id.Name) {
			return true
		}
		switch id.Name {
		case "clear":
			if len(call.Args) == 1 && call.Ellipsis == token.NoPos {
				call.Fun = b.Clear
				changed = true
			}
		case "min", "max":
			if len(call.Args) < 1 || call.Ellipsis != token.NoPos {
				return true
			}
			if lit := fold(id.Name, call.Args); lit != nil {
				// The call becomes its constant value, through the
				// identity helper.
				call.Fun = ident(b.Min+"id", id.Pos())
				call.Args = []ast.Expr{lit}
				changed = true
				return true
			}
			if len(call.Args) == 1 || len(call.Args) > 4 {
				return true
			}
			args := append([]ast.Expr(nil), call.Args...)
			for i, a := range args {
				if !isConst(a) {
					args[0], args[i] = args[i], args[0]
					break
				}
			}
			name := b.Min
			if id.Name == "max" {
				name = b.Max
			}
			call.Fun = ident(name+strconv.Itoa(len(args)), id.Pos())
			call.Args = args
			changed = true
		}
		return true
	})
	return changed
}

// isConst reports whether e is a literal constant.
func isConst(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return isConst(e.X)
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD) && isConst(e.X)
	}
	return false
}

// fold returns the smallest or largest of args when all are numeric or
// string literals, as a literal, or nil.
func fold(which string, args []ast.Expr) ast.Expr {
	var best constant.Value
	var bestExpr ast.Expr
	float := false
	for _, a := range args {
		v := constValue(a)
		if v == nil {
			return nil
		}
		if v.Kind() == constant.Float {
			float = true
		}
		if best == nil {
			best, bestExpr = v, a
			continue
		}
		if best.Kind() == constant.String != (v.Kind() == constant.String) {
			return nil
		}
		op := token.LSS
		if which == "max" {
			op = token.GTR
		}
		if constant.Compare(v, op, best) {
			best, bestExpr = v, a
		}
	}
	if float && best.Kind() == constant.Int {
		// An untyped result of mixed int and float constants is a float.
		return &ast.BasicLit{ValuePos: bestExpr.Pos(), Kind: token.FLOAT, Value: best.ExactString() + ".0"}
	}
	return bestExpr
}

func constValue(e ast.Expr) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		v := constant.MakeFromLiteral(e.Value, e.Kind, 0)
		if v.Kind() == constant.Unknown {
			return nil
		}
		return v
	case *ast.ParenExpr:
		return constValue(e.X)
	case *ast.UnaryExpr:
		if e.Op != token.SUB && e.Op != token.ADD {
			return nil
		}
		v := constValue(e.X)
		if v == nil || v.Kind() == constant.String {
			return nil
		}
		return constant.UnaryOp(e.Op, v, 0)
	}
	return nil
}

// HelperSource returns the Go declarations of the generic helpers
// ReplaceBuiltins calls: min and max with 2 to 4 appended, and min with
// "id" appended, the identity.
func HelperSource(min, max string) string {
	var b strings.Builder
	b.WriteString("type " + Prefix + "ordered interface {\n\t~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string\n}\n")
	b.WriteString("func " + min + "id[T any](x T) T { return x }\n")
	for _, f := range []struct{ name, op string }{{min, "<"}, {max, ">"}} {
		params := []string{"a", "b", "c", "d"}
		for n := 2; n <= 4; n++ {
			fmt.Fprintf(&b, "func %s%d[T %sordered](%s T) T {\n\tm := a\n", f.name, n, Prefix, strings.Join(params[:n], ", "))
			for _, p := range params[1:n] {
				fmt.Fprintf(&b, "\tif %s %s m {\n\t\tm = %s\n\t}\n", p, f.op, p)
			}
			b.WriteString("\treturn m\n}\n")
		}
	}
	return b.String()
}

// HoistMinMax computes the calls of the builtins min and max in simple
// statements under node (assignments, definitions, expression statements,
// returns, sends) in statements before them, with no helper function:
//
//	w = max(w, late)  →  ǃm1 := w; if ǃa2 := late; ǃa2 > ǃm1 { ǃm1 = ǃa2 }; w = ǃm1
//
// It is the fallback for values the generic helpers of ReplaceBuiltins
// cannot take: the interpreter fails to infer their type arguments from
// types of compiled packages (time.Duration). Arguments are evaluated
// before the statement, left to right. Calls inside function literals are
// left alone. It reports whether anything changed.
func HoistMinMax(node ast.Node, shadowed func(name string) bool) bool {
	changed := false
	var c counter
	apply(node, func(s ast.Stmt) []ast.Stmt {
		switch s.(type) {
		case *ast.AssignStmt, *ast.ExprStmt, *ast.ReturnStmt, *ast.SendStmt:
		default:
			return []ast.Stmt{s}
		}
		var before []ast.Stmt
		replaceExprs(s, true, func(e ast.Expr) ast.Expr {
			call, ok := e.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 || call.Ellipsis != token.NoPos {
				return e
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || id.Obj != nil || (id.Name != "min" && id.Name != "max") || shadowed != nil && shadowed(id.Name) {
				return e
			}
			args := append([]ast.Expr(nil), call.Args...)
			for i, a := range args {
				if !isConst(a) {
					args[0], args[i] = args[i], args[0]
					break
				}
			}
			if isConst(args[0]) {
				return e // constants only: ReplaceBuiltins folds them
			}
			op := token.GTR
			if id.Name == "min" {
				op = token.LSS
			}
			pos := call.Pos()
			m := c.name("m", pos)
			before = append(before, &ast.AssignStmt{Lhs: []ast.Expr{m}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{args[0]}})
			for _, a := range args[1:] {
				x := a
				var init ast.Stmt
				if !isConst(a) {
					t := c.name("a", pos)
					init = &ast.AssignStmt{Lhs: []ast.Expr{t}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{a}}
					x = ident(t.Name, pos)
				}
				before = append(before, &ast.IfStmt{If: pos, Init: init,
					Cond: &ast.BinaryExpr{X: x, OpPos: pos, Op: op, Y: ident(m.Name, pos)},
					Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.AssignStmt{
						Lhs: []ast.Expr{ident(m.Name, pos)}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{x}}}, Rbrace: pos}})
			}
			changed = true
			return ident(m.Name, pos)
		})
		return append(before, s)
	})
	return changed
}
