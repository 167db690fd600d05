package cell

import (
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
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

// referenced returns the set of names FreeNames reports for item.
func referenced(src string, it Item) map[string]bool {
	names := map[string]bool{}
	for _, n := range FreeNames(src, it) {
		names[n.Name] = true
	}
	return names
}

// A Name is an identifier and the byte offset in the cell where it
// appears.
type Name struct {
	Name   string
	Offset int
}

// FreeNames returns the identifiers item uses without declaring them
// itself, in source order: the package-level names, imported packages and
// predeclared identifiers it depends on. Parameters, receivers, local
// variables, struct fields, selectors and composite-literal keys are not
// included, so a method whose receiver is named p does not depend on a
// variable p. A name used several times is reported at its first use.
// An item that does not parse has no free names.
func FreeNames(src string, it Item) []Name {
	text := it.Text(src)
	prefix := "package p;"
	if it.Kind == Stmt || it.Tok == token.VAR {
		prefix += "func _() {"
		text += "\n}"
	}
	// Object resolution, deprecated for type checking, is exactly the
	// syntactic scoping wanted here: what it leaves unresolved is free.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text, 0)
	if err != nil {
		return nil
	}
	var names []Name
	seen := map[string]bool{}
	ids := slices.Clone(f.Unresolved)
	slices.SortFunc(ids, func(a, b *ast.Ident) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, id := range ids {
		if seen[id.Name] || id.Name == "_" {
			continue
		}
		seen[id.Name] = true
		names = append(names, Name{Name: id.Name, Offset: it.Start + fset.Position(id.Pos()).Offset - len(prefix)})
	}
	return names
}

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

// A Definition is a package-level name an item declares.
type Definition struct {
	Name string      // for a method, "T.M" with T its receiver's type
	Tok  token.Token // token.TYPE, token.FUNC, token.CONST or token.VAR
}

// Method reports whether d is a method.
func (d Definition) Method() bool { return d.Tok == token.FUNC && strings.Contains(d.Name, ".") }

// DeclaredNames returns the package-level names item declares: types,
// functions, constants and variables, including variables a top-level
// statement defines with := or var. Methods are not included.
func DeclaredNames(src string, it Item) []string {
	var names []string
	for _, d := range Definitions(src, it) {
		if !d.Method() {
			names = append(names, d.Name)
		}
	}
	return names
}

// Definitions returns what item declares at package level: what
// DeclaredNames returns, and methods.
func Definitions(src string, it Item) []Definition {
	f := parseItem(src, it)
	if f == nil {
		return nil
	}
	var defs []Definition
	addSpecs := func(g *ast.GenDecl) {
		for _, s := range g.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				defs = append(defs, Definition{s.Name.Name, token.TYPE})
			case *ast.ValueSpec:
				for _, n := range s.Names {
					defs = append(defs, Definition{n.Name, g.Tok})
				}
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			addSpecs(d)
		case *ast.FuncDecl:
			if d.Recv != nil {
				if t := ReceiverType(d.Recv); t != "" {
					defs = append(defs, Definition{t + "." + d.Name.Name, token.FUNC})
				}
				continue
			}
			if d.Name.Name != "_" {
				defs = append(defs, Definition{d.Name.Name, token.FUNC})
				continue
			}
			// The function wrapping a statement.
			for _, st := range d.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					if st.Tok == token.DEFINE {
						for _, l := range st.Lhs {
							if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
								defs = append(defs, Definition{id.Name, token.VAR})
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
	return defs
}

// ReceiverType returns the name of the type of a method's receiver,
// without pointer or type parameters, or "" when recv has none.
func ReceiverType(recv *ast.FieldList) string {
	if recv == nil {
		return ""
	}
	if len(recv.List) != 1 {
		return ""
	}
	x := recv.List[0].Type
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}
