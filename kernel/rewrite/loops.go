package rewrite

import (
	"go/ast"
	"go/token"
	"strings"
)

// LoopVars gives the loops under node a fresh variable per iteration, as
// Go 1.22 does, wherever the loop's body could observe the difference (a
// closure, a go or defer statement, or an address taken). It reports
// whether anything changed.
//
// A three-clause loop
//
//	for i := a; cond; post { body }
//
// becomes
//
//	{
//		i := a
//		ǃp := &i
//		for ǃfirst := true; ; ǃfirst = false {
//			i := *ǃp
//			ǃp = &i
//			if !ǃfirst { post }
//			if !(cond) { break }
//			body
//		}
//	}
//
// so that each iteration has its own i, starting from the value the
// previous one ended with, as the language specifies. A range loop
// copies its variables at the top of the body.
func LoopVars(node ast.Node) bool {
	var c counter
	changed := false
	apply(node, func(s ast.Stmt) []ast.Stmt {
		loop, relabel := unlabel(s)
		switch l := loop.(type) {
		case *ast.ForStmt:
			if r := c.forStmt(l); r != nil {
				changed = true
				r.List[len(r.List)-1] = relabel(r.List[len(r.List)-1])
				return []ast.Stmt{r}
			}
		case *ast.RangeStmt:
			if rangeVars(l) {
				changed = true
			}
		}
		return []ast.Stmt{s}
	})
	return changed
}

func (c *counter) forStmt(l *ast.ForStmt) *ast.BlockStmt {
	init, ok := l.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || !captures(l.Body, l.Post, l.Cond) {
		return nil
	}
	var names []*ast.Ident
	for _, e := range init.Lhs {
		id, ok := e.(*ast.Ident)
		if !ok {
			return nil
		}
		if strings.HasPrefix(id.Name, Prefix) {
			return nil // a loop this rewrite made
		}
		if id.Name != "_" {
			names = append(names, id)
		}
	}
	if len(names) == 0 {
		return nil
	}
	pos := l.For
	first := c.name("first", pos)
	var ptrs, addrs, copies, derefs, reaims []ast.Expr
	for _, n := range names {
		p := c.name("p", pos)
		ptrs = append(ptrs, p)
		addrs = append(addrs, &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: ident(n.Name, pos)})
		copies = append(copies, ident(n.Name, n.Pos()))
		derefs = append(derefs, &ast.StarExpr{Star: pos, X: ident(p.Name, pos)})
		reaims = append(reaims, &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: ident(n.Name, pos)})
	}
	var body []ast.Stmt
	body = append(body,
		&ast.AssignStmt{Lhs: copies, Tok: token.DEFINE, TokPos: pos, Rhs: derefs},
		&ast.AssignStmt{Lhs: identsOf(ptrs, pos), Tok: token.ASSIGN, TokPos: pos, Rhs: reaims},
	)
	if l.Post != nil {
		body = append(body, &ast.IfStmt{
			If:   pos,
			Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: ident(first.Name, pos)},
			Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{l.Post}, Rbrace: pos},
		})
	}
	if l.Cond != nil {
		body = append(body, &ast.IfStmt{
			If:   pos,
			Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: &ast.ParenExpr{Lparen: pos, X: l.Cond, Rparen: pos}},
			Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.BranchStmt{TokPos: pos, Tok: token.BREAK}}, Rbrace: pos},
		})
	}
	body = append(body, l.Body.List...)
	loop := &ast.ForStmt{
		For:  pos,
		Init: &ast.AssignStmt{Lhs: []ast.Expr{first}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{ident("true", pos)}},
		Post: &ast.AssignStmt{Lhs: []ast.Expr{ident(first.Name, pos)}, Tok: token.ASSIGN, TokPos: pos, Rhs: []ast.Expr{ident("false", pos)}},
		Body: &ast.BlockStmt{Lbrace: l.Body.Lbrace, List: body, Rbrace: l.Body.Rbrace},
	}
	return &ast.BlockStmt{Lbrace: pos, Rbrace: l.Body.Rbrace, List: []ast.Stmt{
		init,
		&ast.AssignStmt{Lhs: ptrs, Tok: token.DEFINE, TokPos: pos, Rhs: addrs},
		loop,
	}}
}

func identsOf(ids []ast.Expr, pos token.Pos) []ast.Expr {
	out := make([]ast.Expr, len(ids))
	for i, e := range ids {
		out[i] = ident(e.(*ast.Ident).Name, pos)
	}
	return out
}

// rangeVars makes a range loop that defines its variables copy them at
// the top of its body when the body could capture them.
func rangeVars(l *ast.RangeStmt) bool {
	if l.Tok != token.DEFINE || !captures(l.Body) {
		return false
	}
	var lhs, rhs []ast.Expr
	for i, e := range []*ast.Expr{&l.Key, &l.Value} {
		id, ok := (*e).(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		hidden := ident(Prefix+"range"+string(rune('k'+i))+"_"+id.Name, id.Pos())
		*e = hidden
		lhs = append(lhs, ident(id.Name, id.Pos()))
		rhs = append(rhs, ident(hidden.Name, id.Pos()))
	}
	if len(lhs) == 0 {
		return false
	}
	copyVars := &ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, TokPos: l.For, Rhs: rhs}
	l.Body.List = append([]ast.Stmt{copyVars}, l.Body.List...)
	return true
}

// RangeInts rewrites the range loops under node whose range expression
// isInt reports to be an integer into counting loops:
//
//	for i := range n { body }
//
// becomes
//
//	{
//		ǃn := n
//		for ǃc := ǃn - ǃn; ǃc < ǃn; ǃc++ {
//			i := ǃc
//			body
//		}
//	}
//
// which evaluates n once, gives i the type of n, and a fresh i per
// iteration that the body may change without changing the count. It
// reports how many loops it rewrote.
func RangeInts(node ast.Node, isInt func(ast.Expr) bool) int {
	var c counter
	n := 0
	apply(node, func(s ast.Stmt) []ast.Stmt {
		loop, relabel := unlabel(s)
		l, ok := loop.(*ast.RangeStmt)
		if !ok || l.X == nil || !isInt(l.X) {
			return []ast.Stmt{s}
		}
		n++
		pos := l.For
		limit, count := c.name("n", pos), c.name("c", pos)
		var body []ast.Stmt
		if id, ok := l.Key.(*ast.Ident); ok && id.Name != "_" || l.Key != nil && !ok {
			tok := l.Tok
			if tok == token.ILLEGAL {
				tok = token.ASSIGN
			}
			body = append(body, &ast.AssignStmt{Lhs: []ast.Expr{l.Key}, Tok: tok, TokPos: pos, Rhs: []ast.Expr{ident(count.Name, pos)}})
		}
		body = append(body, l.Body.List...)
		loopStmt := &ast.ForStmt{
			For:  pos,
			Init: &ast.AssignStmt{Lhs: []ast.Expr{count}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{&ast.BinaryExpr{X: ident(limit.Name, pos), OpPos: pos, Op: token.SUB, Y: ident(limit.Name, pos)}}},
			Cond: &ast.BinaryExpr{X: ident(count.Name, pos), OpPos: pos, Op: token.LSS, Y: ident(limit.Name, pos)},
			Post: &ast.IncDecStmt{X: ident(count.Name, pos), TokPos: pos, Tok: token.INC},
			Body: &ast.BlockStmt{Lbrace: l.Body.Lbrace, List: body, Rbrace: l.Body.Rbrace},
		}
		return []ast.Stmt{&ast.BlockStmt{Lbrace: pos, Rbrace: l.Body.Rbrace, List: []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{limit}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{l.X}},
			relabel(loopStmt),
		}}}
	})
	return n
}

// LiteralInt reports whether e is an integer by its syntax alone: an
// integer literal, or arithmetic on such, or len or cap of something.
func LiteralInt(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return LiteralInt(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR, token.AND_NOT:
			return LiteralInt(e.X) || LiteralInt(e.Y) && e.Op != token.SHL && e.Op != token.SHR
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Obj == nil && (id.Name == "len" || id.Name == "cap") {
			return true
		}
	}
	return false
}

// BindClosureArgs makes every function literal that is passed as an
// argument inside a loop, and uses the loop's variables, a closure of its
// own iteration. The interpreter hands a literal passed straight to a
// compiled function (such as one that runs it later in a goroutine) the
// variables as they are when it runs, not as they were in its iteration;
// a literal returned by a function is bound at once. So
//
//	pool.Submit(func() { work(i) })
//
// becomes
//
//	pool.Submit(func() func() { return func() { work(i) } }())
//
// It reports whether anything changed.
func BindClosureArgs(node ast.Node) bool {
	changed := false
	ast.Inspect(node, func(n ast.Node) bool {
		var from token.Pos
		var body *ast.BlockStmt
		switch l := n.(type) {
		case *ast.ForStmt:
			from, body = l.For, l.Body
		case *ast.RangeStmt:
			from, body = l.For, l.Body
		default:
			return true
		}
		// The loop's variables, and those declared in its body, change
		// from one iteration to the next.
		inLoop := func(obj *ast.Object) bool {
			d, ok := obj.Decl.(ast.Node)
			return ok && d.Pos() >= from && d.Pos() <= body.Rbrace
		}
		ast.Inspect(body, func(m ast.Node) bool {
			call, ok := m.(*ast.CallExpr)
			if !ok {
				return true
			}
			for i, a := range call.Args {
				lit, ok := a.(*ast.FuncLit)
				if !ok || !uses(lit, func(obj *ast.Object) bool {
					d, _ := obj.Decl.(ast.Node)
					own := d != nil && d.Pos() >= lit.Pos() && d.Pos() < lit.End() // the literal's own
					return inLoop(obj) && !own
				}) {
					continue
				}
				p := lit.Pos()
				call.Args[i] = &ast.CallExpr{
					Fun: &ast.FuncLit{
						Type: &ast.FuncType{Func: p, Params: &ast.FieldList{Opening: p, Closing: p}, Results: &ast.FieldList{List: []*ast.Field{{Type: lit.Type}}}},
						Body: &ast.BlockStmt{Lbrace: p, List: []ast.Stmt{&ast.ReturnStmt{Return: p, Results: []ast.Expr{lit}}}, Rbrace: lit.End()},
					},
					Lparen: lit.End(), Rparen: lit.End(),
				}
				changed = true
			}
			return true
		})
		return true
	})
	return changed
}

// uses reports whether node refers to an object for which want is true.
func uses(node ast.Node, want func(*ast.Object) bool) bool {
	found := false
	ast.Inspect(node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj != nil && want(id.Obj) {
			found = true
		}
		return !found
	})
	return found
}
