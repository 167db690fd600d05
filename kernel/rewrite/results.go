package rewrite

import (
	"go/ast"
	"go/parser"
	"reflect"
)

// ConvertResults wraps each call pkg.F(...) under node, where resultType
// gives the type F returns as Go source, in a conversion to that type:
//
//	mergesort.Lists(2, 3, 10, 1)  →  [][]int(mergesort.Lists(2, 3, 10, 1))
//
// resultType returns "" for the calls to leave alone. The interpreter
// gives the result of a compiled function a type of its own, from which
// its generics cannot infer type arguments (slices.IsSorted(lists[0])
// fails); converted, the value has the interpreter's type. Calls that are
// statements, or go and defer calls, are left alone. It reports whether
// anything changed.
func ConvertResults(node ast.Node, resultType func(pkg, name string) string) bool {
	keep := map[*ast.CallExpr]bool{}
	ast.Inspect(node, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.ExprStmt:
			if c, ok := s.X.(*ast.CallExpr); ok {
				keep[c] = true
			}
		case *ast.GoStmt:
			keep[s.Call] = true
		case *ast.DeferStmt:
			keep[s.Call] = true
		}
		return true
	})
	changed := false
	replaceExprs(node, false, func(e ast.Expr) ast.Expr {
		call, ok := e.(*ast.CallExpr)
		if !ok || keep[call] {
			return e
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return e
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return e
		}
		src := resultType(pkg.Name, sel.Sel.Name)
		if src == "" {
			return e
		}
		typ, err := parser.ParseExpr(src)
		if err != nil {
			return e
		}
		changed = true
		return &ast.CallExpr{Fun: &ast.ParenExpr{X: typ}, Lparen: call.Pos(), Args: []ast.Expr{call}, Rparen: call.End()}
	})
	return changed
}

var (
	exprType      = reflect.TypeFor[ast.Expr]()
	exprSliceType = reflect.TypeFor[[]ast.Expr]()
)

// replaceExprs replaces every expression under node, innermost first, by
// what f returns for it; with skipLits, not those inside function
// literals.
func replaceExprs(node ast.Node, skipLits bool, f func(ast.Expr) ast.Expr) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if skipLits && v.Kind() == reflect.Pointer && v.Type() == reflect.TypeFor[*ast.FuncLit]() {
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
				if v.Type() == exprSliceType {
					if e, ok := v.Index(i).Interface().(ast.Expr); ok && e != nil {
						v.Index(i).Set(reflect.ValueOf(f(e)))
					}
				}
			}
		case reflect.Struct:
			for i := range v.NumField() {
				field := v.Field(i)
				if !v.Type().Field(i).IsExported() {
					continue
				}
				switch field.Type() {
				case reflect.TypeFor[*ast.Object](), reflect.TypeFor[*ast.Scope]():
					continue // resolution data, not syntax
				}
				walk(field)
				if field.Type() == exprType && !field.IsNil() {
					field.Set(reflect.ValueOf(f(field.Interface().(ast.Expr))))
				}
			}
		}
	}
	walk(reflect.ValueOf(node))
}
