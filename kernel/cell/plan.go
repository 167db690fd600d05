package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// A Chunk is a group of items evaluated together: declarations in one file,
// or statements in one function body.
type Chunk struct {
	Kind  Kind // Decl or Stmt
	Items []Item
}

// Plan orders the declarations and statements of a cell (imports are
// evaluated before any chunk and left out) into chunks.
//
// Declarations are order-free in Go: a statement may call a function
// declared below it. So declarations move ahead of the statements, except
// that a declaration using a name a statement of the same cell defines (a
// function using a variable set with :=) comes after that statement.
// Statements keep their order. A var declaration is a statement: it runs
// where it is written.
func Plan(src string, items []Item) []Chunk {
	var stmts, decls []Item
	for _, it := range items {
		switch {
		case it.Kind == Import:
		case it.Kind == Decl && it.Tok != token.VAR:
			decls = append(decls, it)
		default:
			stmts = append(stmts, it)
		}
	}
	// definedBy[name] is 1 + the index of the last statement that defines
	// name: a declaration using name must come after that statement.
	definedBy := map[string]int{}
	for i, st := range stmts {
		for _, n := range DeclaredNames(src, st) {
			definedBy[n] = i + 1
		}
	}
	declOf := map[string]int{}
	refs := make([]map[string]bool, len(decls))
	for i, d := range decls {
		for _, n := range DeclaredNames(src, d) {
			declOf[n] = i
		}
		refs[i] = referenced(src, d)
	}
	// at[i] is where declaration i goes: before statement at[i].
	at := make([]int, len(decls))
	for changed := true; changed; {
		changed = false
		for i := range decls {
			for n := range refs[i] {
				p := definedBy[n]
				if j, ok := declOf[n]; ok && j != i {
					p = max(p, at[j])
				}
				if p > at[i] {
					at[i], changed = p, true
				}
			}
		}
	}
	var chunks []Chunk
	add := func(k Kind, it Item) {
		if n := len(chunks); n > 0 && chunks[n-1].Kind == k {
			chunks[n-1].Items = append(chunks[n-1].Items, it)
			return
		}
		chunks = append(chunks, Chunk{Kind: k, Items: []Item{it}})
	}
	for p := 0; p <= len(stmts); p++ {
		for i, d := range decls {
			if at[i] == p {
				add(Decl, d)
			}
		}
		if p < len(stmts) {
			add(Stmt, stmts[p])
		}
	}
	return chunks
}

// referenced returns every identifier used in item: an over-approximation
// of the names it depends on.
func referenced(src string, it Item) map[string]bool {
	names := map[string]bool{}
	f := parseItem(src, it)
	if f == nil {
		return names
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	return names
}

// parseItem parses one item as a file (a declaration) or as the body of a
// function (a statement), or returns nil on a syntax error.
func parseItem(src string, it Item) *ast.File {
	text := it.Text(src)
	if it.Kind == Stmt || it.Tok == token.VAR {
		text = "func _() {" + text + "\n}"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	return f
}

// DeclaredNames returns the package-level names item declares: types,
// functions, constants and variables, including variables a top-level
// statement defines with := or var. Methods are not included.
func DeclaredNames(src string, it Item) []string {
	f := parseItem(src, it)
	if f == nil {
		return nil
	}
	var names []string
	addSpecs := func(g *ast.GenDecl) {
		for _, s := range g.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			addSpecs(d)
		case *ast.FuncDecl:
			if d.Name.Name != "_" || d.Recv != nil {
				if d.Recv == nil {
					names = append(names, d.Name.Name)
				}
				continue
			}
			// The function wrapping a statement.
			for _, st := range d.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					if st.Tok == token.DEFINE {
						for _, l := range st.Lhs {
							if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
								names = append(names, id.Name)
							}
						}
					}
				case *ast.DeclStmt:
					if g, ok := st.Decl.(*ast.GenDecl); ok {
						addSpecs(g)
					}
				}
			}
		}
	}
	return names
}
