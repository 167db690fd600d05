package rewrite

import (
	"go/ast"
	"go/token"
)

// The interpreter cannot call the generic functions of the standard
// library (slices, maps) nor range over functions (iterators). StdCalls
// redirects calls of the functions cells reach for most to helpers the
// session declares, and turns ranges over the standard iterators into
// the loops they stand for.

// StdHelpers lists, by import path, the functions StdCalls redirects to
// helpers; the helper of slices.Sort is named StdHelper("slices", "Sort").
var StdHelpers = map[string][]string{
	"slices": {
		"All", "BinarySearch", "Clone", "Collect", "Compact", "Contains", "ContainsFunc", "Delete",
		"Equal", "Index", "IndexFunc", "IsSorted", "Max", "Min", "Reverse", "Sort", "SortFunc",
		"SortStableFunc", "Sorted", "Values",
	},
	"maps":    {"All", "Clone", "Copy", "DeleteFunc", "Equal", "Keys", "Values"},
	"strings": {"FieldsSeq", "Lines", "SplitSeq"},
}

// StdHelper returns the name of the helper standing in for path.name.
func StdHelper(path, name string) string { return Prefix + path + "_" + name }

// StdCalls rewrites, under node, ranges over the standard iterators and
// calls of the functions StdHelpers lists. pkg returns the import path a
// name refers to as a package, or "" when it is not one (a local or
// session-level declaration hides it). StdCalls returns the import paths
// whose helpers the result uses.
//
//	for k := range maps.Keys(m)         →  for k := range m
//	for k, v := range maps.All(m)       →  for k, v := range m
//	for _, v := range maps.Values(m)    →  for _, v := range m
//	for i, v := range slices.All(s)     →  for i, v := range s
//	for _, v := range slices.Values(s)  →  for _, v := range s
//	for i, v := range slices.Backward(s) → { ǃs := s; for ǃi := len(ǃs) - 1; ǃi >= 0; ǃi-- { i, v := ǃi, ǃs[ǃi]; ... } }
//	for l := range strings.Lines(s)     →  for _, l := range ǃstrings_LinesSlice(s)
//	slices.Sort(s)                      →  ǃslices_Sort(s)
//
// The helpers of strings.Lines, SplitSeq and FieldsSeq used in ranges are
// named with "Slice" appended and return the pieces as a slice.
func StdCalls(node ast.Node, pkg func(name string) string) map[string]bool {
	used := map[string]bool{}
	stdCall := func(e ast.Expr) (path, name string, call *ast.CallExpr) {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return "", "", nil
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return "", "", nil
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || id.Obj != nil {
			return "", "", nil
		}
		return pkg(id.Name), sel.Sel.Name, call
	}
	var c counter
	apply(node, func(s ast.Stmt) []ast.Stmt {
		r, ok := s.(*ast.RangeStmt)
		if !ok {
			return []ast.Stmt{s}
		}
		path, name, call := stdCall(r.X)
		if call == nil {
			return []ast.Stmt{s}
		}
		arg := func(i int) ast.Expr {
			if i < len(call.Args) {
				return call.Args[i]
			}
			return nil
		}
		switch path + "." + name {
		case "maps.Keys":
			r.X, r.Value = arg(0), nil
		case "maps.All", "slices.All":
			r.X = arg(0)
		case "maps.Values", "slices.Values":
			r.X, r.Value = arg(0), r.Key
			if r.Value != nil {
				r.Key = ident("_", r.For)
			}
		case "strings.Lines", "strings.SplitSeq", "strings.FieldsSeq":
			// A helper returns the pieces as a slice.
			used[path] = true
			call.Fun = ident(StdHelper(path, name+"Slice"), call.Pos())
			r.Value = r.Key
			if r.Value != nil {
				r.Key = ident("_", r.For)
			}
		case "slices.Backward":
			if len(call.Args) != 1 || r.Tok == token.ASSIGN {
				return []ast.Stmt{s}
			}
			p := r.For
			sv, iv := c.name("s", p), c.name("i", p)
			var body []ast.Stmt
			var lhs, rhs []ast.Expr
			if r.Key != nil {
				lhs, rhs = append(lhs, r.Key), append(rhs, ident(iv.Name, p))
			}
			if r.Value != nil {
				lhs = append(lhs, r.Value)
				rhs = append(rhs, &ast.IndexExpr{X: ident(sv.Name, p), Lbrack: p, Index: ident(iv.Name, p), Rbrack: p})
			}
			if len(lhs) > 0 {
				body = append(body, &ast.AssignStmt{Lhs: lhs, TokPos: p, Tok: token.DEFINE, Rhs: rhs})
			}
			body = append(body, r.Body.List...)
			loop := &ast.ForStmt{
				For: p,
				Init: &ast.AssignStmt{Lhs: []ast.Expr{iv}, TokPos: p, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.BinaryExpr{
					X: &ast.CallExpr{Fun: ident("len", p), Lparen: p, Args: []ast.Expr{ident(sv.Name, p)}, Rparen: p}, OpPos: p, Op: token.SUB, Y: &ast.BasicLit{ValuePos: p, Kind: token.INT, Value: "1"},
				}}},
				Cond: &ast.BinaryExpr{X: ident(iv.Name, p), OpPos: p, Op: token.GEQ, Y: &ast.BasicLit{ValuePos: p, Kind: token.INT, Value: "0"}},
				Post: &ast.IncDecStmt{X: ident(iv.Name, p), TokPos: p, Tok: token.DEC},
				Body: &ast.BlockStmt{Lbrace: r.Body.Lbrace, List: body, Rbrace: r.Body.Rbrace},
			}
			return []ast.Stmt{&ast.BlockStmt{Lbrace: p, Rbrace: r.Body.Rbrace, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{sv}, TokPos: p, Tok: token.DEFINE, Rhs: []ast.Expr{call.Args[0]}},
				loop,
			}}}
		}
		return []ast.Stmt{s}
	})
	// Other calls go to the helpers.
	ast.Inspect(node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		path, name, _ := stdCall(call)
		for _, h := range StdHelpers[path] {
			if h == name {
				used[path] = true
				call.Fun = ident(StdHelper(path, name), call.Fun.Pos())
				break
			}
		}
		return true
	})
	return used
}
