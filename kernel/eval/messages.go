package eval

import (
	"context"
	"go/scanner"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// The interpreter implements Go's operations with package reflect, and its
// run-time panics say so ("reflect: slice index out of range"). They are
// reported as Go reports them; where the operands can be evaluated again
// without effects, with their values, as Go gives them.

// runtimeMessages maps the interpreter's panic texts to Go's, by prefix.
var runtimeMessages = []struct{ prefix, kind string }{
	{"reflect: slice index out of range", "index"},
	{"reflect: array index out of range", "index"},
	{"reflect: string index out of range", "index"},
	{"reflect.Value.Slice: slice index out of bounds", "slice"},
	{"reflect.Value.Slice3: slice index out of bounds", "slice"},
	{"reflect: call of reflect.Value.Field on zero Value", "nil"},
	{"reflect: call of reflect.Value.Elem on zero Value", "nil"},
	{"reflect.Value.Call: call of nil function", "nil"},
	{"reflect: call of reflect.Value.Call on zero Value", "nil"},
}

// interpPos is the position the interpreter puts before some messages.
var interpPos = regexp.MustCompile(`^(?:_\.go:)?\d{5,}:\d+: `)

// goMessage returns Go's text for a panic the interpreter reported as
// msg, at the given frame (the innermost interpreted one, or nil).
func (e *Interpreter) goMessage(ctx context.Context, msg string, at *frame) string {
	msg = interpPos.ReplaceAllString(msg, "")
	kind := ""
	for _, m := range runtimeMessages {
		if strings.HasPrefix(msg, m.prefix) {
			kind = m.kind
			break
		}
	}
	switch kind {
	case "nil":
		return "runtime error: invalid memory address or nil pointer dereference"
	case "index", "slice":
		what := "index out of range"
		if kind == "slice" {
			what = "slice bounds out of range"
		}
		if at == nil {
			return "runtime error: " + what
		}
		x, parts, ok := indexAt(e.src[at.seq], at.line, at.col)
		if !ok {
			return "runtime error: " + what
		}
		if strings.TrimSuffix(at.fn, "(...)") == "main" { // top level: the operands are the session's
			if detail := e.indexDetail(ctx, kind, x, parts); detail != "" {
				return "runtime error: " + what + " " + detail
			}
		}
		expr := x + "[" + strings.Join(parts, ":") + "]"
		return "runtime error: " + what + " in " + expr
	}
	return msg
}

// indexDetail evaluates the length (or capacity) of x and the indices
// parts and describes them as Go does: "[5] with length 3", "[:5] with
// capacity 3", "[2:1]". It returns "" when they cannot be evaluated
// without effects.
func (e *Interpreter) indexDetail(ctx context.Context, kind, x string, parts []string) string {
	for _, p := range append([]string{x}, parts...) {
		if !pure(p) {
			return ""
		}
	}
	args := []string{"len(" + x + ")"}
	if kind == "slice" {
		if len(parts) == 2 && !strings.HasPrefix(strings.TrimSpace(x), `"`) {
			args = append(args, "cap("+x+")")
		} else {
			args = append(args, "len("+x+")")
		}
	}
	for _, p := range parts {
		if p == "" {
			p = "-1"
		}
		args = append(args, "int("+p+")")
	}
	prog, err := e.compile("package main; func main() {"+resultName+".Raw("+strings.Join(args, ", ")+")}", true)
	if err != nil {
		return ""
	}
	v, err := e.in.ExecuteWithContext(ctx, prog)
	if err != nil || !v.IsValid() || !v.CanInterface() {
		return ""
	}
	values, _ := v.Interface().([]any)
	if len(values) != len(args) {
		return ""
	}
	ints := make([]int, len(values))
	for i, x := range values {
		n, ok := x.(int)
		if !ok {
			return ""
		}
		ints[i] = n
	}
	if kind == "index" {
		return "[" + strconv.Itoa(ints[1]) + "] with length " + strconv.Itoa(ints[0])
	}
	length, capacity, idx := ints[0], ints[1], ints[2:]
	show := func(n int) string {
		if n < 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	var shown []string
	for _, n := range idx {
		shown = append(shown, show(n))
	}
	// Go names the first bound that fails.
	for i := len(idx) - 1; i >= 0; i-- {
		if idx[i] > capacity {
			return "[" + strings.Repeat(":", i) + show(idx[i]) + "] with capacity " + strconv.Itoa(capacity)
		}
	}
	if len(idx) == 2 && idx[1] > length && capacity == length {
		return "[:" + show(idx[1]) + "] with length " + strconv.Itoa(length)
	}
	return "[" + strings.Join(shown, ":") + "]"
}

// indexAt finds the index or slice expression that starts at line and col
// of src, and returns its operand and its indices as source text.
func indexAt(src string, line, col int) (x string, parts []string, ok bool) {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
		return "", nil, false
	}
	rest := strings.Join(lines[line-1:], "\n")[col-1:]
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(rest))
	var s scanner.Scanner
	s.Init(file, []byte(rest), nil, 0)
	depth := 0
	open, start := -1, 0
	for {
		pos, tok, _ := s.Scan()
		off := file.Offset(pos)
		switch tok {
		case token.EOF, token.SEMICOLON:
			if depth == 0 || tok == token.EOF {
				return "", nil, false
			}
		case token.LPAREN, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACE:
			depth--
		case token.LBRACK:
			if depth == 0 && open < 0 {
				open, start = off, off+1
			}
			depth++
		case token.RBRACK:
			depth--
			if depth == 0 && open >= 0 {
				parts = append(parts, strings.TrimSpace(rest[start:off]))
				return strings.TrimSpace(rest[:open]), parts, true
			}
		case token.COLON:
			if depth == 1 && open >= 0 {
				parts = append(parts, strings.TrimSpace(rest[start:off]))
				start = off + 1
			}
		}
		if depth < 0 {
			return "", nil, false
		}
	}
}

// pure reports whether expr can be evaluated again without effects: names,
// selectors, literals and arithmetic, without calls, receives or indexing
// of maps that could be written.
func pure(expr string) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(expr))
	var s scanner.Scanner
	s.Init(file, []byte(expr), nil, 0)
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return true
		case token.IDENT, token.INT, token.STRING, token.CHAR, token.PERIOD, token.SEMICOLON,
			token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
		default:
			return false
		}
	}
}

// undefinedSelector is the interpreter's message for a selector naming no
// field or method, at an encoded position.
var undefinedSelector = regexp.MustCompile(`^((?:_\.go:)?(\d{5,}):(\d+): )undefined (?:selector|method): (\w+)`)

// noSymbol is the interpreter's message for a package member that does
// not exist.
var noSymbol = regexp.MustCompile(`package (\w+) "[^"]*" has no symbol (\w+)`)

// goCompileMessage returns Go's text for a compile error the interpreter
// reported as msg, with its position still encoded.
func (e *Interpreter) goCompileMessage(msg string) string {
	msg = noSymbol.ReplaceAllString(msg, "undefined: $1.$2")
	m := undefinedSelector.FindStringSubmatchIndex(msg)
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(msg[m[4]:m[5]])
	col, _ := strconv.Atoi(msg[m[6]:m[7]])
	sel := msg[m[8]:m[9]]
	seq, l, c := decode(line, col)
	x, ok := selectorAt(e.src[seq], l, c, sel)
	if !ok {
		return msg
	}
	return msg[:m[3]] + x + "." + sel + " undefined (" + x + " has no field or method " + sel + ")" + msg[m[1]:]
}

// selectorAt returns the operand of the selector expression x.sel that
// starts at line and col of src.
func selectorAt(src string, line, col int, sel string) (string, bool) {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) {
		return "", false
	}
	text := lines[line-1][col-1:]
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	var s scanner.Scanner
	s.Init(file, []byte(text), nil, 0)
	depth := 0
	prevPeriod := false
	for {
		pos, tok, lit := s.Scan()
		switch tok {
		case token.EOF, token.SEMICOLON:
			return "", false
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.IDENT:
			if depth == 0 && prevPeriod && lit == sel {
				x := strings.TrimSpace(text[:file.Offset(pos)])
				return strings.TrimSuffix(x, "."), x != "."
			}
		}
		prevPeriod = tok == token.PERIOD && depth == 0
		if depth < 0 {
			return "", false
		}
	}
}
