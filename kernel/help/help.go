// Package help answers the requests a front end sends while a person
// types: completion, inspection (Shift-Tab), pages (name?), and whether a
// cell is complete. It works from the documentation index built into the
// program and from the declarations of the cells that ran, so it needs no
// evaluation and answers even while a cell runs.
package help

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/help/docs"
	"github.com/golessons/golessons/kernel/magic"
	"github.com/golessons/golessons/kernel/wire"
)

// Help knows the session's declarations and the documented packages.
// It is safe for concurrent use.
type Help struct {
	docs *docs.Index

	mu      sync.Mutex
	imports map[string]string // local name → import path
	decls   map[string]decl   // session declarations by name
	methods map[string][]decl // methods by receiver type name
	fields  map[string][]decl // fields of struct types by type name
}

// decl is a declaration made by a cell.
type decl struct {
	name string
	kind string // func, type, var, const or method
	sig  string // its declaration, without body
	doc  string
}

// New returns a Help with the built-in documentation index.
func New() *Help { return NewWithIndex(docs.Default()) }

// NewWithIndex returns a Help using index.
func NewWithIndex(index *docs.Index) *Help {
	return &Help{docs: index, imports: map[string]string{}, decls: map[string]decl{}, methods: map[string][]decl{}, fields: map[string][]decl{}}
}

// IsComplete tells whether code is a complete cell.
// A cell that starts with a magic is as complete as the code after it.
func IsComplete(code string) cell.Completeness {
	if m, ok := magic.Parse(code); ok {
		if m.Name == "go" { // %go get takes module paths, not code
			return cell.Completeness{Status: "complete"}
		}
		return cell.IsComplete(m.Code())
	}
	return cell.IsComplete(code)
}

// AddCell records the imports and declarations of a cell that ran.
func (h *Help) AddCell(code string) {
	items, err := cell.Split(code)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	prevEnd := 0
	for _, it := range items {
		// What lies between items is space and comments: keep it with the
		// next item so that its doc comment is found.
		start := prevEnd
		prevEnd = it.End
		switch {
		case it.Kind == cell.Import:
			specs, _ := cell.Imports(code, it)
			for _, s := range specs {
				name := s.Name
				if name == "" {
					name = h.packageName(s.Path)
				}
				h.imports[name] = s.Path
			}
		case it.Kind == cell.Decl:
			h.addDecls(code[start:it.End])
		default:
			for _, n := range cell.DeclaredNames(code, it) {
				h.decls[n] = decl{name: n, kind: "var", sig: strings.TrimSpace(it.Text(code))}
			}
		}
	}
}

// packageName returns the name of the package at path.
func (h *Help) packageName(path string) string {
	if p := h.docs.Package(path); p != nil {
		return p.Name
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

func (h *Help) addDecls(text string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+text, parser.ParseComments)
	if err != nil {
		return
	}
	show := func(n any) string {
		var b strings.Builder
		printer.Fprint(&b, fset, n)
		return b.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			doc := d.Doc.Text()
			d.Body, d.Doc = nil, nil
			x := decl{name: d.Name.Name, kind: "func", sig: show(d), doc: doc}
			if d.Recv != nil && len(d.Recv.List) == 1 {
				x.kind = "method"
				recv := cell.ReceiverType(d.Recv)
				ms := h.methods[recv][:0:0]
				for _, m := range h.methods[recv] {
					if m.name != x.name {
						ms = append(ms, m)
					}
				}
				h.methods[recv] = append(ms, x)
				continue
			}
			h.decls[x.name] = x
		case *ast.GenDecl:
			doc := d.Doc.Text()
			for _, s := range d.Specs {
				one := *d
				one.Specs, one.Doc, one.Lparen, one.Rparen = []ast.Spec{s}, nil, 0, 0
				sig := show(&one)
				switch s := s.(type) {
				case *ast.TypeSpec:
					h.decls[s.Name.Name] = decl{name: s.Name.Name, kind: "type", sig: sig, doc: firstNonEmpty(s.Doc.Text(), doc)}
					delete(h.fields, s.Name.Name)
					if st, ok := s.Type.(*ast.StructType); ok {
						for _, f := range st.Fields.List {
							for _, n := range f.Names {
								h.fields[s.Name.Name] = append(h.fields[s.Name.Name], decl{name: n.Name, kind: "field", sig: n.Name + " " + show(f.Type), doc: firstNonEmpty(f.Doc.Text(), f.Comment.Text())})
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						h.decls[n.Name] = decl{name: n.Name, kind: d.Tok.String(), sig: sig, doc: firstNonEmpty(s.Doc.Text(), doc)}
					}
				}
			}
		}
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// Go's keywords.
var keywords = []string{"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map", "package",
	"range", "return", "select", "struct", "switch", "type", "var"}

// byteOffset converts a position in Unicode code points, as the protocol
// gives it, to a byte offset in s.
func byteOffset(s string, runes int) int {
	if runes < 0 {
		return 0
	}
	off := 0
	for i := 0; i < runes && off < len(s); i++ {
		_, n := utf8.DecodeRuneInString(s[off:])
		off += n
	}
	return off
}

// runeOffset converts a byte offset in s to code points.
func runeOffset(s string, off int) int { return utf8.RuneCountInString(s[:off]) }

func isIdent(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// identBefore returns the start of the identifier that ends at off.
func identBefore(s string, off int) int {
	for off > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:off])
		if !isIdent(r) {
			break
		}
		off -= n
	}
	return off
}

// identAfter returns the end of the identifier that starts at off.
func identAfter(s string, off int) int {
	for off < len(s) {
		r, n := utf8.DecodeRuneInString(s[off:])
		if !isIdent(r) {
			break
		}
		off += n
	}
	return off
}

// match is one completion candidate.
type match struct {
	text, kind, sig string
}

// Complete answers a complete_request for code with the cursor at
// cursorPos (in code points).
func (h *Help) Complete(code string, cursorPos int) wire.CompleteReply {
	end := byteOffset(code, cursorPos)
	start := identBefore(code, end)
	prefix := code[start:end]
	var ms []match
	if start > 0 && code[start-1] == '.' {
		qual := code[identBefore(code, start-1) : start-1]
		ms = h.members(qual, prefix, code[:start-1])
	} else {
		ms = h.names(code, prefix)
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].text < ms[j].text })
	reply := wire.CompleteReply{
		Status:      "ok",
		Matches:     []string{},
		CursorStart: runeOffset(code, start),
		CursorEnd:   runeOffset(code, end),
		Metadata:    map[string]any{},
	}
	var types []map[string]any
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.text] {
			continue
		}
		seen[m.text] = true
		reply.Matches = append(reply.Matches, m.text)
		types = append(types, map[string]any{
			"start": reply.CursorStart, "end": reply.CursorEnd, "text": m.text, "type": m.kind, "signature": m.sig,
		})
	}
	if types != nil {
		reply.Metadata["_jupyter_types_experimental"] = types
	}
	return reply
}

// members returns the names after "qual." that start with prefix: the
// members of a package, or the fields and methods of the type of a
// variable declared by the session or earlier in the cell (before), or of
// a session type.
func (h *Help) members(qual, prefix, before string) []match {
	var ms []match
	if path := h.importPath(qual); path != "" {
		if p := h.docs.Package(path); p != nil {
			for name, m := range p.Members {
				if strings.Contains(name, ".") || !strings.HasPrefix(name, prefix) || !ast.IsExported(name) {
					continue
				}
				ms = append(ms, match{name, kindName(m.Kind), firstLine(m.Decl)})
			}
		}
		return ms
	}
	typ := h.typeOf(qual, before)
	h.mu.Lock()
	for _, m := range h.methods[typ] {
		if strings.HasPrefix(m.name, prefix) {
			ms = append(ms, match{m.name, "method", m.sig})
		}
	}
	for _, f := range h.fields[typ] {
		if strings.HasPrefix(f.name, prefix) {
			ms = append(ms, match{f.name, "field", f.sig})
		}
	}
	h.mu.Unlock()
	// A type of a package: its methods, from the documentation.
	if pkg, name, ok := strings.Cut(typ, "."); ok {
		if path := h.importPath(pkg); path != "" {
			if p := h.docs.Package(path); p != nil {
				for member, m := range p.Members {
					if method, ok := strings.CutPrefix(member, name+"."); ok && strings.HasPrefix(method, prefix) && ast.IsExported(method) {
						ms = append(ms, match{method, kindName(m.Kind), firstLine(m.Decl)})
					}
				}
			}
		}
	}
	return ms
}

// typeOf guesses the name of the type of qual, the operand of a selector:
// the type of a variable declared earlier in the cell (before) or by the
// session, the type a function returns when the variable was made by a
// call (x := progress.New(...)), or qual itself, a type of the session.
func (h *Help) typeOf(qual, before string) string {
	typ := h.localType(qual, before)
	if typ == "" {
		typ = qual
		h.mu.Lock()
		if d, ok := h.decls[qual]; ok && d.kind != "type" {
			typ = h.typeOfVar(d)
		}
		h.mu.Unlock()
	}
	return h.resultType(typ)
}

// resultType returns the type that name returns when name is a function
// of a package (pkg.F) or of the session, qualified with the package's
// name; for any other name it returns name.
func (h *Help) resultType(name string) string {
	var sig, pkg string
	if p, member, ok := strings.Cut(name, "."); ok {
		if path := h.importPath(p); path != "" {
			if doc := h.docs.Package(path); doc != nil {
				if m, ok := doc.Members[member]; ok && m.Kind == "func" {
					sig, pkg = m.Decl, p
				}
			}
		}
	} else if d, ok := h.lookupDecl(name); ok && d.kind == "func" {
		sig = d.sig
	}
	if sig == "" {
		return name
	}
	typ := qualifiedIdent(strings.TrimLeft(results(sig), "(*"))
	if typ == "" {
		return name
	}
	if pkg != "" && !strings.Contains(typ, ".") && ast.IsExported(typ) {
		typ = pkg + "." + typ
	}
	return typ
}

// results returns the results of the function declared by sig, such as
// "*Bar" for "func New(total int) *Bar", or "" when it has none.
func results(sig string) string {
	open := strings.IndexByte(sig, '(')
	if open < 0 {
		return ""
	}
	depth := 0
	for i := open; i < len(sig); i++ {
		switch sig[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return strings.TrimSpace(sig[i+1:])
			}
		}
	}
	return ""
}

// localType guesses the type of a variable declared in the cell before
// the cursor: var x T, x := T{...}, x := &T{...}.
func (h *Help) localType(name, before string) string {
	typ := ""
	for _, line := range strings.Split(before, "\n") {
		line = strings.TrimSpace(line)
		var rest string
		if r, ok := strings.CutPrefix(line, "var "+name+" "); ok {
			rest = r
		} else if r, ok := strings.CutPrefix(line, name+" := "); ok {
			rest = r
		} else {
			continue
		}
		rest = strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(rest), "="), " &*")
		if t := qualifiedIdent(rest); t != "" {
			typ = t
		}
	}
	return typ
}

// qualifiedIdent returns the name or pkg.Name at the start of s.
func qualifiedIdent(s string) string {
	n := identAfter(s, 0)
	if n < len(s) && s[n] == '.' {
		if m := identAfter(s, n+1); m > n+1 {
			return s[:m]
		}
	}
	return s[:n]
}

// typeOfVar guesses the type name of a session variable from its
// declaration: var x T, x := T{...}, x := &T{...}, x := NewT(...).
func (h *Help) typeOfVar(d decl) string {
	sig := d.sig
	for _, sep := range []string{":=", "="} {
		if i := strings.Index(sig, sep); i >= 0 {
			rhs := strings.TrimLeft(strings.TrimSpace(sig[i+len(sep):]), "&*")
			return qualifiedIdent(rhs)
		}
	}
	fields := strings.Fields(sig)
	if len(fields) >= 3 {
		return qualifiedIdent(strings.TrimLeft(fields[2], "*"))
	}
	return ""
}

// importPath returns the path of the package known as name: imported in
// the session, or a documented package of that name.
func (h *Help) importPath(name string) string {
	h.mu.Lock()
	path, ok := h.imports[name]
	h.mu.Unlock()
	if ok {
		return path
	}
	if _, isDecl := h.lookupDecl(name); isDecl {
		return ""
	}
	for _, s := range h.docs.Packages() {
		if s.Name == name && (!strings.Contains(s.Path, ".") || strings.HasPrefix(s.Path, "github.com/golessons/")) {
			return s.Path
		}
	}
	return ""
}

func (h *Help) lookupDecl(name string) (decl, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.decls[name]
	return d, ok
}

// names returns the unqualified names that start with prefix.
func (h *Help) names(code, prefix string) []match {
	var ms []match
	add := func(name, kind, sig string) {
		if strings.HasPrefix(name, prefix) && name != prefix {
			ms = append(ms, match{name, kind, sig})
		}
	}
	if prefix == "" {
		return nil
	}
	for _, k := range keywords {
		add(k, "keyword", "")
	}
	if p := h.docs.Package("builtin"); p != nil {
		for name, m := range p.Members {
			if !strings.Contains(name, ".") && unicode.IsLower([]rune(name)[0]) {
				add(name, kindName(m.Kind), firstLine(m.Decl))
			}
		}
	}
	h.mu.Lock()
	for name, d := range h.decls {
		add(name, kindName(d.kind), firstLine(d.sig))
	}
	for name, path := range h.imports {
		add(name, "module", path)
	}
	h.mu.Unlock()
	// Names in the cell being written.
	if f, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+code+"\n}", parser.AllErrors); f != nil {
		_ = err
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name != "_" && id.Name != "p" {
				add(id.Name, "name", "")
			}
			return true
		})
	}
	// Packages that can be imported.
	for _, s := range h.docs.Packages() {
		if s.Path != "builtin" && !strings.Contains(s.Path, ".") {
			add(s.Name, "module", strconv.Quote(s.Path))
		}
	}
	return ms
}

// kindName maps declaration kinds to the type names front ends know.
func kindName(kind string) string {
	switch kind {
	case "func":
		return "function"
	case "type":
		return "class"
	case "var":
		return "instance"
	case "const":
		return "constant"
	}
	return kind
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
