// Package cell splits the Go source of a notebook cell into the pieces an
// interpreter can evaluate one by one (imports, declarations and statements),
// and tells whether a cell is complete, for front ends that ask before
// running it.
//
// Go has no syntax for a mixture of top-level declarations and statements;
// a notebook cell is exactly that. Split finds the top-level items of a cell
// with the Go scanner and classifies each by its first tokens.
package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// Kind classifies a top-level item of a cell.
type Kind int

// The kinds of top-level items.
const (
	Import Kind = iota // an import declaration
	Decl               // a type, func, method, const or var declaration
	Stmt               // any statement, including a trailing expression
)

func (k Kind) String() string {
	switch k {
	case Import:
		return "import"
	case Decl:
		return "declaration"
	}
	return "statement"
}

// Item is one top-level item of a cell: a declaration or a statement.
type Item struct {
	Kind  Kind
	Tok   token.Token // the item's first token: IMPORT, TYPE, FUNC, CONST, VAR, or any for statements
	Start int         // byte offset of the item's first character in the cell
	End   int         // byte offset just after the item's last character
}

// Text returns the item's source in src.
func (it Item) Text(src string) string { return src[it.Start:it.End] }

// Split returns the top-level items of src in source order.
// It fails only on a lexical error (such as an unterminated string) or
// unbalanced brackets; syntax errors inside an item are left to the parser.
func Split(src string) ([]Item, error) {
	toks, err := scan(src)
	if err != nil {
		return nil, err
	}
	var items []Item
	var cur []tok
	depth := 0
	// In the header of a for, if, switch or select statement, semicolons
	// separate clauses, not items; the header ends at its block's brace.
	header := false
	flush := func() {
		if len(cur) > 0 {
			items = append(items, classify(cur))
			cur = cur[:0]
		}
	}
	for _, t := range toks {
		switch t.tok {
		case token.FOR, token.IF, token.SWITCH, token.SELECT:
			if depth == 0 {
				header = true
			}
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
			depth++
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth < 0 {
				return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("unexpected %s", t.tok)}
			}
		case token.SEMICOLON:
			if depth == 0 && !(header && t.lit == ";") {
				flush()
				continue
			}
		}
		cur = append(cur, t)
	}
	if depth > 0 {
		return nil, &Error{Pos: len(src), Msg: "unexpected end of cell: unclosed bracket", AtEnd: true}
	}
	flush()
	return items, nil
}

// Error is a lexical or bracketing error found by Split.
type Error struct {
	Pos   int // byte offset in the cell
	Msg   string
	AtEnd bool // the error is the end of the cell arriving too early
}

func (e *Error) Error() string { return e.Msg }

type tok struct {
	tok      token.Token
	pos, end int // byte offsets
	lit      string
}

// scan returns the tokens of src with their byte offsets.
func scan(src string) ([]tok, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var firstErr *Error
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) {
		if firstErr == nil {
			firstErr = &Error{Pos: pos.Offset, Msg: msg}
			// Unterminated literals and comments run to the end of the cell.
			firstErr.AtEnd = msg == "raw string literal not terminated" || msg == "comment not terminated"
		}
	}, 0)
	var toks []tok
	for {
		p, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		off := file.Offset(p)
		end := off + len(lit)
		switch {
		case t == token.SEMICOLON && lit == "\n":
			end = off
		case lit == "":
			end = off + len(t.String())
		}
		toks = append(toks, tok{tok: t, pos: off, end: end, lit: lit})
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return toks, nil
}

// classify makes an Item of the tokens of one top-level item.
func classify(ts []tok) Item {
	it := Item{Kind: Stmt, Tok: ts[0].tok, Start: ts[0].pos, End: ts[len(ts)-1].end}
	switch ts[0].tok {
	case token.IMPORT:
		it.Kind = Import
	case token.TYPE, token.CONST, token.VAR:
		it.Kind = Decl
	case token.FUNC:
		if isFuncDecl(ts) {
			it.Kind = Decl
		}
	}
	return it
}

// isFuncDecl tells a function or method declaration (func f..., func (r T)
// m...) from a statement that starts with a function literal.
func isFuncDecl(ts []tok) bool {
	if len(ts) < 2 {
		return false
	}
	if ts[1].tok == token.IDENT {
		return true
	}
	if ts[1].tok != token.LPAREN {
		return false
	}
	depth := 0
	for i := 1; i < len(ts); i++ {
		switch ts[i].tok {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			depth--
			if depth == 0 {
				// A receiver is followed by the method name.
				return i+1 < len(ts) && ts[i+1].tok == token.IDENT
			}
		}
	}
	return false
}

// ImportSpec is one imported package.
type ImportSpec struct {
	Name string // the local name, or "" for the package's own name
	Path string
}

// Imports returns the packages an import item declares.
func Imports(src string, it Item) ([]ImportSpec, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+it.Text(src), parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var specs []ImportSpec
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			return nil, err
		}
		var name string
		if s.Name != nil {
			name = s.Name.Name
		}
		specs = append(specs, ImportSpec{Name: name, Path: p})
	}
	return specs, nil
}

// Blank returns src with every byte outside the given items replaced by a
// space (newlines are kept), so that the items keep their line and column
// positions when the result is parsed on its own.
func Blank(src string, items ...Item) string {
	b := []byte(src)
	keep := make([]bool, len(b))
	for _, it := range items {
		for i := it.Start; i < it.End; i++ {
			keep[i] = true
		}
	}
	for i, c := range b {
		if !keep[i] && c != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// LastExpr reports whether the last statement of items is an expression
// statement, and returns it.
func LastExpr(src string, items []Item) (Item, bool) {
	if len(items) == 0 {
		return Item{}, false
	}
	last := items[len(items)-1]
	if last.Kind != Stmt {
		return Item{}, false
	}
	text := last.Text(src)
	expr, err := parser.ParseExpr(text)
	if err != nil {
		return Item{}, false
	}
	// A receive statement (<-ch) is an expression statement too; keep it as
	// a statement when it is the whole item, like Go would.
	if _, ok := expr.(*ast.UnaryExpr); ok && strings.HasPrefix(strings.TrimSpace(text), "<-") {
		return Item{}, false
	}
	return last, true
}
