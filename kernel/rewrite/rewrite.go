// Package rewrite transforms the syntax trees of cells so that the
// interpreter, which implements an older Go, runs them with the semantics
// of the Go the kernel was built with:
//
//   - for and range loops get a fresh variable per iteration (Go 1.22),
//     where a closure, goroutine or pointer could tell the difference;
//   - range over an integer becomes a counting loop;
//   - the builtins min, max and clear become calls of helpers;
//   - a goroutine a cell starts recovers its own panic and reports it, so
//     that it does not end the process.
//
// Generated identifiers start with "ǃ", a letter no one types, so they
// cannot clash with a cell's names.
package rewrite

import (
	"go/ast"
	"go/token"
	"strconv"
)

// Prefix starts every identifier the rewrites introduce.
const Prefix = "ǃ"

func ident(name string, pos token.Pos) *ast.Ident {
	id := ast.NewIdent(name)
	id.NamePos = pos
	return id
}

// counter names temporaries uniquely within one rewrite.
type counter struct{ n int }

func (c *counter) name(kind string, pos token.Pos) *ast.Ident {
	c.n++
	return ident(Prefix+kind+strconv.Itoa(c.n), pos)
}

// apply walks the tree bottom-up and lets f replace statements in every
// statement list: f returns the statements that take the place of s.
func apply(node ast.Node, f func(s ast.Stmt) []ast.Stmt) {
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			n.List = rewriteList(n.List, f)
		case *ast.CaseClause:
			n.Body = rewriteList(n.Body, f)
		case *ast.CommClause:
			n.Body = rewriteList(n.Body, f)
		}
		return true
	})
}

func rewriteList(list []ast.Stmt, f func(ast.Stmt) []ast.Stmt) []ast.Stmt {
	var out []ast.Stmt
	changed := false
	for i, s := range list {
		repl := f(s)
		if len(repl) == 1 && repl[0] == s {
			if changed {
				out = append(out, s)
			}
			continue
		}
		if !changed {
			out = append(out, list[:i]...)
			changed = true
		}
		out = append(out, repl...)
	}
	if !changed {
		return list
	}
	return out
}

// unlabel returns the statement under any labels, and a function that
// puts the labels back around a replacement.
func unlabel(s ast.Stmt) (ast.Stmt, func(ast.Stmt) ast.Stmt) {
	var labels []*ast.LabeledStmt
	for {
		l, ok := s.(*ast.LabeledStmt)
		if !ok {
			break
		}
		labels = append(labels, l)
		s = l.Stmt
	}
	return s, func(r ast.Stmt) ast.Stmt {
		for i := len(labels) - 1; i >= 0; i-- {
			r = &ast.LabeledStmt{Label: labels[i].Label, Colon: labels[i].Colon, Stmt: r}
		}
		return r
	}
}

// captures reports whether anything in nodes could observe a loop
// variable's identity: a function literal, a go or defer statement, or an
// address taken.
func captures(nodes ...ast.Node) bool {
	found := false
	for _, n := range nodes {
		if n == nil {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
				found = true
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// MainName is what a cell's own func main is renamed to: the interpreter
// runs a function named main whenever a file declaring one is evaluated.
const MainName = Prefix + "main"

// RenameMain renames the package-level function main under node, and the
// uses of that name that no local declaration shadows, to MainName, so
// that a cell may declare main and call it like any other function. It
// reports whether anything changed.
func RenameMain(node ast.Node) bool {
	changed := false
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.File:
			for _, d := range n.Decls { // not the package clause
				ast.Inspect(d, visit)
			}
			return false
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit) // x.main is a field or method
			return false
		case *ast.FuncDecl:
			if n.Recv != nil {
				ast.Inspect(n.Recv, visit)
				ast.Inspect(n.Type, visit)
				if n.Body != nil {
					ast.Inspect(n.Body, visit)
				}
				return false
			}
		case *ast.Field:
			ast.Inspect(n.Type, visit) // names of fields and parameters stay
			return false
		case *ast.KeyValueExpr:
			if _, ok := n.Key.(*ast.Ident); ok {
				ast.Inspect(n.Value, visit) // a field name as key
				return false
			}
		case *ast.Ident:
			if n.Name != "main" {
				return true
			}
			if n.Obj != nil {
				if fd, ok := n.Obj.Decl.(*ast.FuncDecl); !ok || fd.Recv != nil {
					return true // a local main
				}
			}
			n.Name = MainName
			changed = true
		}
		return true
	}
	ast.Inspect(node, visit)
	return changed
}

// EmptySelects replaces every select statement without cases under node,
// which blocks forever, by a receive from a channel nobody sends on, which
// blocks forever too: the interpreter can interrupt a receive but not an
// empty select. It reports whether anything changed.
func EmptySelects(node ast.Node) bool {
	changed := false
	apply(node, func(s ast.Stmt) []ast.Stmt {
		sel, ok := s.(*ast.SelectStmt)
		if !ok || len(sel.Body.List) > 0 {
			return []ast.Stmt{s}
		}
		changed = true
		p := sel.Select
		ch := &ast.CallExpr{Fun: ident("make", p), Lparen: p, Rparen: p, Args: []ast.Expr{
			&ast.ChanType{Begin: p, Dir: ast.SEND | ast.RECV, Value: &ast.StructType{Struct: p, Fields: &ast.FieldList{Opening: p, Closing: p}}},
		}}
		return []ast.Stmt{&ast.ExprStmt{X: &ast.UnaryExpr{OpPos: p, Op: token.ARROW, X: ch}}}
	})
	return changed
}

// IsolateBlocks wraps each statement of body (a cell's top-level
// statements) that declares variables in an inner scope (loops, if,
// switch and select with their own variables, blocks) in a function
// literal called at once:
//
//	for i := 0; i < 3; i++ { ... }  →  func() { for i := 0; i < 3; i++ { ... } }()
//
// The interpreter keeps variables of top-level blocks among the session's
// globals, where a later cell's loop of the same name finds and shares
// them; inside a function they are the block's own, as in Go. It reports
// whether anything changed.
func IsolateBlocks(body *ast.BlockStmt) bool {
	changed := false
	for i, s := range body.List {
		switch s.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		default:
			continue
		}
		if !declaresVars(s) || jumpsOut(s) {
			continue
		}
		p := s.Pos()
		body.List[i] = &ast.ExprStmt{X: &ast.CallExpr{
			Fun: &ast.FuncLit{
				Type: &ast.FuncType{Func: p, Params: &ast.FieldList{Opening: p, Closing: p}},
				Body: &ast.BlockStmt{Lbrace: p, List: []ast.Stmt{s}, Rbrace: s.End()},
			},
			Lparen: s.End(), Rparen: s.End(),
		}}
		changed = true
	}
	return changed
}

// declaresVars reports whether s declares a variable outside function
// literals.
func declaresVars(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			found = found || n.Tok == token.DEFINE
		case *ast.DeclStmt:
			found = true
		case *ast.RangeStmt:
			found = found || (n.Tok == token.DEFINE)
		}
		return !found
	})
	return found
}

// jumpsOut reports whether s holds a goto, or a defer, whose meaning a
// function around it would change.
func jumpsOut(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			found = found || n.Tok == token.GOTO
		case *ast.DeferStmt:
			found = true
		}
		return !found
	})
	return found
}

// NameParams names every unnamed parameter and receiver of the functions
// with bodies under node "_":
//
//	func(int) { x := "a" }  →  func(_ int) { x := "a" }
//
// The interpreter keeps no slot for an unnamed parameter, so the argument
// passed lands in the function's first local variable instead. It
// reports whether anything changed.
func NameParams(node ast.Node) bool {
	changed := false
	name := func(fields *ast.FieldList) {
		if fields == nil {
			return
		}
		for _, f := range fields.List {
			if len(f.Names) == 0 {
				f.Names = []*ast.Ident{ident("_", f.Type.Pos())}
				changed = true
			}
		}
	}
	ast.Inspect(node, func(n ast.Node) bool {
		switch f := n.(type) {
		case *ast.FuncLit:
			name(f.Type.Params)
		case *ast.FuncDecl:
			if f.Body != nil {
				name(f.Recv)
				name(f.Type.Params)
			}
		}
		return true
	})
	return changed
}
