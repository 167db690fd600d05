package rewrite

import (
	"go/ast"
	"go/token"
	"strconv"
)

// GoRecover makes every goroutine started under node recover a panic and
// hand it to handler, a function called as handler(value, where) with
// where the encoded position of the go statement (as "line:col"). With
// track non-nil, each goroutine also calls track(where) when it starts and
// the function that returns when it ends, however it ends; track is called
// by the go statement, before the goroutine runs. It reports
// whether anything changed.
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
func GoRecover(node ast.Node, fset *token.FileSet, handler, track ast.Expr) bool {
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
		guard := []ast.Stmt{recoverStmt(g.Go, handler, where)}
		// With track, the goroutine's function gets a first parameter
		// ǃend, the argument track(where), evaluated by the go statement,
		// and defers ǃend().
		var endParam *ast.Field
		var endArg ast.Expr
		if track != nil {
			endParam = &ast.Field{Names: []*ast.Ident{ident(endName, g.Go)}, Type: &ast.FuncType{Func: g.Go, Params: &ast.FieldList{}}}
			endArg = &ast.CallExpr{Fun: track, Lparen: g.Go, Args: []ast.Expr{where}, Rparen: g.Go}
			guard = append([]ast.Stmt{&ast.DeferStmt{Defer: g.Go, Call: &ast.CallExpr{Fun: ident(endName, g.Go), Lparen: g.Go, Rparen: g.Go}}}, guard...)
		}
		if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
			lit.Body.List = append(guard, lit.Body.List...)
			if track != nil {
				params := &ast.FieldList{Opening: g.Go, Closing: g.Go}
				if lit.Type.Params != nil {
					params.List = lit.Type.Params.List
				}
				params.List = append([]*ast.Field{endParam}, params.List...)
				lit.Type.Params = params
				g.Call.Args = append([]ast.Expr{endArg}, g.Call.Args...)
			}
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
				Body: &ast.BlockStmt{Lbrace: g.Go, List: append(guard, &ast.ExprStmt{X: &call}), Rbrace: g.Go},
			},
			Lparen: g.Go, Rparen: g.Go,
		}}
		if track != nil {
			wrapped.Call.Fun.(*ast.FuncLit).Type.Params.List = []*ast.Field{endParam}
			wrapped.Call.Args = []ast.Expr{endArg}
		}
		if len(pre) == 0 {
			return []ast.Stmt{wrapped}
		}
		return []ast.Stmt{&ast.BlockStmt{Lbrace: g.Go, List: append(pre, wrapped), Rbrace: g.Go}}
	})
	return changed
}

// endName is the parameter holding the function a tracked goroutine calls
// when it ends.
const endName = Prefix + "end"

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
	if !ok {
		return false
	}
	for _, s := range lit.Body.List[:min(2, len(lit.Body.List))] {
		if isGuard(s) {
			return true
		}
	}
	return false
}

// isGuard reports whether s is the deferred recovery recoverStmt returns.
func isGuard(s ast.Stmt) bool {
	d, ok := s.(*ast.DeferStmt)
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
