package cell

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// A Pos names where a cell's first line is reported: a parser reports a
// position in the cell as File:Line+l-1:c, where l and c are the line and
// column in the cell.
type Pos struct {
	File string
	Line int
}

func (p Pos) directive(line, col int) string {
	return "/*line " + p.File + ":" + itoa(p.Line+line-1) + ":" + itoa(col) + "*/"
}

// DeclSource returns a Go file holding the given declarations of src, each
// reported at its position in the cell.
func DeclSource(at Pos, src string, items ...Item) string {
	return "package main;" + at.directive(1, 1) + Blank(src, items...)
}

// StmtSource returns a Go file whose main function holds the given
// statements of src, each reported at its position in the cell.
func StmtSource(at Pos, src string, items ...Item) string {
	// Semicolons stay: `x := 1; y := 2` keeps its two statements apart,
	// and a semicolon of a blanked item is an empty statement.
	blank := []byte(Blank(src, items...))
	for i, c := range []byte(src) {
		if c == ';' {
			blank[i] = ';'
		}
	}
	return "package main; func main() {" + at.directive(1, 1) + string(blank) + "\n}"
}

// ExprSource returns a Go file whose main function calls wrap with the
// expression item of src as its argument, the expression at its own
// position in file.
func ExprSource(at Pos, src, wrap string, expr Item) string {
	// The wrapper's name takes the place of blanks before the expression, so
	// the expression keeps its column; on the first line there is no room
	// and the column shifts, which a line directive with a column corrects.
	blank := Blank(src, expr)
	lineStart := strings.LastIndexByte(blank[:expr.Start], '\n') + 1
	line := 1 + strings.Count(blank[:expr.Start], "\n")
	col := expr.Start - lineStart + 1
	return "package main; func main() {" + at.directive(1, 1) + blank[:lineStart] +
		at.directive(line, col) + wrap + "(" + at.directive(line, col) + expr.Text(src) + ")" +
		blank[expr.End:] + "\n}"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// Completeness is the answer to an is_complete request.
type Completeness struct {
	Status string // "complete", "incomplete" or "invalid"
	Indent string // for "incomplete": what the next line should start with
}

// IsComplete tells whether src is a complete cell, one that needs more
// lines (an open bracket, string or comment, or an expression cut short),
// or one that no further line can make valid.
func IsComplete(src string) Completeness {
	if strings.TrimSpace(src) == "" {
		return Completeness{Status: "complete"}
	}
	items, err := Split(src)
	if err != nil {
		e := err.(*Error)
		if e.AtEnd {
			return Completeness{Status: "incomplete", Indent: strings.Repeat("    ", openDepth(src))}
		}
		return Completeness{Status: "invalid"}
	}
	var decls, stmts []Item
	for _, it := range items {
		if it.Kind == Stmt {
			stmts = append(stmts, it)
		} else {
			decls = append(decls, it)
		}
	}
	end := endPosition(src)
	check := func(source string) string {
		_, err := parser.ParseFile(token.NewFileSet(), "", source, 0)
		if err == nil {
			return "complete"
		}
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			p := list[0].Pos
			if p.Line > end.Line || (p.Line == end.Line && p.Column >= end.Column) {
				return "incomplete"
			}
		}
		return "invalid"
	}
	status := "complete"
	if len(decls) > 0 {
		status = worst(status, check(DeclSource(Pos{"cell", 1}, src, decls...)))
	}
	if len(stmts) > 0 {
		status = worst(status, check(StmtSource(Pos{"cell", 1}, src, stmts...)))
	}
	c := Completeness{Status: status}
	if status == "incomplete" {
		c.Indent = strings.Repeat("    ", openDepth(src))
	}
	return c
}

// worst returns the less complete of two statuses.
func worst(a, b string) string {
	rank := map[string]int{"complete": 0, "incomplete": 1, "invalid": 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// endPosition returns the line and column just after the last
// non-space character of src.
func endPosition(src string) token.Position {
	trimmed := strings.TrimRight(src, " \t\r\n")
	line := 1 + strings.Count(trimmed, "\n")
	col := len(trimmed) - (strings.LastIndexByte(trimmed, '\n') + 1) + 1
	return token.Position{Line: line, Column: col}
}

// openDepth returns how many brackets are open at the end of src, ignoring
// strings and comments as well as a scanner can when the cell is cut short.
func openDepth(src string) int {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	depth := 0
	for {
		_, t, _ := s.Scan()
		switch t {
		case token.EOF:
			return max(depth, 0)
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
	}
}
