package rewrite

import (
	"go/ast"
	"go/token"
	"strconv"
)

// GoRecover makes every goroutine started under node recover a panic and
// hand it to handler, a function called as handler(value, where) with
// where the encoded position of the go statement (as "line:col"). It
// reports whether anything changed.
//
//	go func(x int) { body }(v)
//
// gets a deferred recovery as the first statement of its body, and
//
//	go f(a, g())
//
// becomes
//
//	{
//		ǃa1 := g()
//		go func() { defer ...; f(a, ǃa1) }()
//	}
//
// where arguments other than names, literals and selectors are evaluated
// before the goroutine starts, as the go statement does.
func GoRecover(node ast.Node, fset *token.FileSet, handler ast.Expr) bool {
	var c counter
	changed := false
	apply(node, func(s ast.Stmt) []ast.Stmt {
		g, ok := s.(*ast.GoStmt)
		if !ok || recovers(g) {
			return []ast.Stmt{s}
		}
		changed = true
		p := fset.Position(g.Go)
		where := &ast.BasicLit{ValuePos: g.Go, Kind: token.STRING, Value: strconv.Quote(strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column))}
		guard := recoverStmt(g.Go, handler, where)
		if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
			lit.Body.List = append([]ast.Stmt{guard}, lit.Body.List...)
			return []ast.Stmt{s}
		}
		var pre []ast.Stmt
		call := *g.Call
		call.Args = append([]ast.Expr(nil), call.Args...)
		if !stable(call.Fun) {
			f := c.name("f", g.Go)
			pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{f}, Tok: token.DEFINE, TokPos: g.Go, Rhs: []ast.Expr{call.Fun}})
			call.Fun = ident(f.Name, g.Go)
		}
		for i, a := range call.Args {
			if stable(a) {
				continue
			}
			t := c.name("a", a.Pos())
			pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{t}, Tok: token.DEFINE, TokPos: a.Pos(), Rhs: []ast.Expr{a}})
			call.Args[i] = ident(t.Name, a.Pos())
		}
		wrapped := &ast.GoStmt{Go: g.Go, Call: &ast.CallExpr{
			Fun: &ast.FuncLit{
				Type: &ast.FuncType{Func: g.Go, Params: &ast.FieldList{}},
				Body: &ast.BlockStmt{Lbrace: g.Go, List: []ast.Stmt{guard, &ast.ExprStmt{X: &call}}, Rbrace: g.Go},
			},
			Lparen: g.Go, Rparen: g.Go,
		}}
		if len(pre) == 0 {
			return []ast.Stmt{wrapped}
		}
		return []ast.Stmt{&ast.BlockStmt{Lbrace: g.Go, List: append(pre, wrapped), Rbrace: g.Go}}
	})
	return changed
}

// recoverName is the variable the deferred recovery holds the panic in;
// a go statement whose function starts with it is already guarded.
const recoverName = Prefix + "recovered"

// recoverStmt returns
//
//	defer func() {
//		if ǃrecovered := recover(); ǃrecovered != nil { handler(ǃrecovered, where) }
//	}()
func recoverStmt(pos token.Pos, handler, where ast.Expr) ast.Stmt {
	r := ident(recoverName, pos)
	return &ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{
		Fun: &ast.FuncLit{
			Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
			Body: &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{&ast.IfStmt{
				If:   pos,
				Init: &ast.AssignStmt{Lhs: []ast.Expr{r}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{&ast.CallExpr{Fun: ident("recover", pos), Lparen: pos, Rparen: pos}}},
				Cond: &ast.BinaryExpr{X: ident(recoverName, pos), OpPos: pos, Op: token.NEQ, Y: ident("nil", pos)},
				Body: &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
					Fun: handler, Lparen: pos, Args: []ast.Expr{ident(recoverName, pos), where}, Rparen: pos,
				}}}},
			}}},
		},
		Lparen: pos, Rparen: pos,
	}}
}

// recovers reports whether g's function already starts with the guard.
func recovers(g *ast.GoStmt) bool {
	lit, ok := g.Call.Fun.(*ast.FuncLit)
	if !ok || len(lit.Body.List) == 0 {
		return false
	}
	d, ok := lit.Body.List[0].(*ast.DeferStmt)
	if !ok {
		return false
	}
	inner, ok := d.Call.Fun.(*ast.FuncLit)
	if !ok || len(inner.Body.List) != 1 {
		return false
	}
	is, ok := inner.Body.List[0].(*ast.IfStmt)
	if !ok {
		return false
	}
	as, ok := is.Init.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 {
		return false
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	return ok && id.Name == recoverName
}

// stable reports whether evaluating e later gives what evaluating it now
// would, for all practical purposes: names, literals, selectors of those.
func stable(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit, *ast.FuncLit:
		return true
	case *ast.SelectorExpr:
		return stable(e.X)
	case *ast.ParenExpr:
		return stable(e.X)
	}
	return false
}
