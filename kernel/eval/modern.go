package eval

import (
	"context"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/rewrite"
	"github.com/golessons/golessons/lessons/logging"
)

// Names of the generic helpers standing in for min and max.
const (
	minHelper = rewrite.Prefix + "min"
	maxHelper = rewrite.Prefix + "max"
)

// modernize rewrites a chunk's syntax tree for today's Go semantics (see
// package rewrite), declaring the helpers of the standard library it uses. With ambiguousAsInt, range loops over names and
// calls whose type cannot be told from the syntax are taken as ranges
// over integers.
func (e *Interpreter) modernize(node ast.Node, ambiguousAsInt bool) error {
	rewrite.RenameMain(node)
	rewrite.NameParams(node)
	if body, ok := node.(*ast.BlockStmt); ok {
		rewrite.IsolateBlocks(body) // a cell's top-level statements
	}
	if used := rewrite.StdCalls(node, e.stdPackage); len(used) > 0 {
		if err := e.declareStd(used); err != nil {
			return err
		}
	}
	rewrite.RangeInts(node, func(x ast.Expr) bool {
		if e.intExpr(x) {
			return true
		}
		if !ambiguousAsInt || e.notIntName(x) {
			return false
		}
		switch x.(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr:
			return true
		}
		return false
	})
	rewrite.ConvertResults(node, e.compiledResult)
	rewrite.BindClosureArgs(node)
	rewrite.LoopVars(node)
	rewrite.EmptySelects(node)
	rewrite.GoRecover(node, e.in.FileSet(),
		&ast.SelectorExpr{X: ast.NewIdent(resultName), Sel: ast.NewIdent("GoPanic")},
		&ast.SelectorExpr{X: ast.NewIdent(resultName), Sel: ast.NewIdent("GoTrack")})
	rewrite.ReplaceBuiltins(node, rewrite.Builtins{
		Min:      minHelper,
		Max:      maxHelper,
		Clear:    &ast.SelectorExpr{X: ast.NewIdent(resultName), Sel: ast.NewIdent("Clear")},
		Shadowed: func(name string) bool { return e.globals[name] },
	})
	return nil
}

// localName returns the name cells know the imported package path by.
func (e *Interpreter) localName(path string) string {
	if local := e.imports[path]; local != "" {
		return local
	}
	return e.pkgNames[path]
}

// importPath returns the path of the package cells know as local, if the
// session imported it.
func (e *Interpreter) importPath(local string) (string, bool) {
	for path := range e.imports {
		if e.localName(path) == local {
			return path, true
		}
	}
	return "", false
}

// compiledResult returns, for a call pkg.name of a function of a compiled
// package the session imported, the type it returns as Go source, when it
// returns one value of an unnamed slice, map or array type made of
// predeclared types; "" otherwise. See rewrite.ConvertResults.
func (e *Interpreter) compiledResult(pkg, name string) string {
	path, ok := e.importPath(pkg)
	if !ok {
		return ""
	}
	fn, ok := e.symbols[path][name]
	if !ok || fn.Kind() != reflect.Func || fn.Type().NumOut() != 1 {
		return ""
	}
	t := fn.Type().Out(0)
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array:
	default:
		return ""
	}
	if t.Name() != "" {
		return ""
	}
	src, _ := typeSource(t, nil)
	return src
}

// intKinds are the names of Go's integer types.
var intKinds = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"byte": true, "rune": true,
}

// isIntName reports whether x is a name known to hold an integer: a
// local declared with an integer type or value, or a package-level
// variable or constant of the session whose value is an integer.
func (e *Interpreter) isIntName(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Obj == nil {
		if !e.globals[id.Name] {
			return false
		}
		v, ok := e.in.Globals()[id.Name]
		return ok && v.IsValid() && intKind(v.Kind())
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		t, ok := d.Type.(*ast.Ident)
		return ok && intKinds[t.Name]
	case *ast.ValueSpec:
		if t, ok := d.Type.(*ast.Ident); ok {
			return intKinds[t.Name]
		}
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return e.intExpr(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name && len(d.Rhs) == len(d.Lhs) {
				return e.intExpr(d.Rhs[i])
			}
		}
	}
	return false
}

// intValue reports whether e is an integer by its syntax, including a
// conversion to an integer type.
func intValue(e ast.Expr) bool {
	if rewrite.LiteralInt(e) {
		return true
	}
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		if t, ok := c.Fun.(*ast.Ident); ok && (intKinds[t.Name] || t.Name == "len" || t.Name == "cap") {
			return true
		}
	}
	return false
}

// intExpr reports whether x is an integer: a literal, a conversion, len
// or cap, a name isIntName knows, an integer constant or variable of a
// compiled package, or arithmetic on integers.
func (e *Interpreter) intExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.intExpr(x.X)
	case *ast.UnaryExpr:
		return (x.Op == token.SUB || x.Op == token.ADD || x.Op == token.XOR) && e.intExpr(x.X)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.AND_NOT:
			return e.intExpr(x.X) && e.intExpr(x.Y)
		case token.SHL, token.SHR:
			return e.intExpr(x.X)
		}
		return false
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok {
			return false
		}
		path, ok := e.importPath(pkg.Name)
		if !ok {
			return false
		}
		v, ok := e.symbols[path][x.Sel.Name]
		if !ok {
			return false
		}
		if c, ok := v.Interface().(constant.Value); ok {
			return c.Kind() == constant.Int
		}
		if v.Kind() == reflect.Pointer {
			v = v.Elem() // a variable
		}
		return intKind(v.Kind())
	}
	return intValue(x) || e.isIntName(x)
}

func intKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// notIntName reports whether x is a name the cell or the session declares
// with a value that is certainly not an integer: a composite literal, a
// make, a string, or an explicit type that is not an integer type.
func (e *Interpreter) notIntName(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Obj == nil {
		if !e.globals[id.Name] {
			return false
		}
		v, ok := e.in.Globals()[id.Name]
		return ok && v.IsValid() && !intKind(v.Kind())
	}
	notInt := func(v ast.Expr) bool {
		switch v := v.(type) {
		case *ast.CompositeLit:
			return true
		case *ast.BasicLit:
			return v.Kind == token.STRING || v.Kind == token.FLOAT
		case *ast.CallExpr:
			f, ok := v.Fun.(*ast.Ident)
			return ok && (f.Name == "make" || f.Name == "append")
		}
		return false
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec:
		if d.Type != nil {
			t, ok := d.Type.(*ast.Ident)
			return !ok || !intKinds[t.Name]
		}
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return notInt(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Name == id.Name && len(d.Rhs) == len(d.Lhs) {
				return notInt(d.Rhs[i])
			}
		}
	}
	return false
}

// helpers returns the source of the declarations the rewritten cells
// call, compiled once per interpreter.
func helpers() string {
	return "package main\n" + rewrite.HelperSource(minHelper, maxHelper)
}

// clearValue implements the clear builtin for maps and slices.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%v) (value of type %T): argument must be a map or slice", x, x))
	}
}

// goroutines tracks the cell being evaluated, so that a panic in a
// goroutine it started can end it as a Go program would end, and the
// goroutines cells started, so that an interrupt can say which it stopped.
type goroutines struct {
	running atomic.Int64 // slot of the running cell, or 0
	cancel  atomic.Pointer[context.CancelCauseFunc]
	report  func(*ctl.Error) // shows a panic of a goroutine whose cell has ended

	mu       sync.Mutex
	live     map[string]map[int]int // go statement position → owning cell's slot → goroutines alive
	stopping bool                   // the interpreter was told to stop its goroutines
	stopped  map[int]int            // owning cell's slot → goroutines that ended since
	halt     chan struct{}          // closed when the interpreter is told to stop, until the next execution
}

// arm readies sleeps for an execution: they last until the interpreter is
// told to stop again.
func (g *goroutines) arm() {
	g.mu.Lock()
	select {
	case <-g.halt:
		g.halt = make(chan struct{})
	default:
		if g.halt == nil {
			g.halt = make(chan struct{})
		}
	}
	g.mu.Unlock()
}

// sleep is time.Sleep for cells: it also ends when the interpreter is told
// to stop, so that an interrupt is not kept waiting by a long sleep, and
// it records the sleep among the lesson runtime's events, for timelines.
func (g *goroutines) sleep(d time.Duration) {
	if d <= 0 {
		runtime.Gosched()
		return
	}
	g.mu.Lock()
	halt := g.halt
	g.mu.Unlock()
	logging.Record(logging.Sleeping, d.String())
	defer logging.Record(logging.Running, "")
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-halt:
	}
}

// track is called by every go statement of a cell as it starts a goroutine; where
// is the encoded position of its go statement. The goroutine belongs to
// the running cell, or to the cell of its go statement when none runs.
// It calls the function returned when it ends.
func (g *goroutines) track(where string) func() {
	owner := int(g.running.Load())
	if owner == 0 {
		line, _, _ := strings.Cut(where, ":")
		n, _ := strconv.Atoi(line)
		owner, _, _ = decode(n, 0)
	}
	g.mu.Lock()
	if g.live == nil {
		g.live = map[string]map[int]int{}
	}
	if g.live[where] == nil {
		g.live[where] = map[int]int{}
	}
	g.live[where][owner]++
	g.mu.Unlock()
	return func() {
		// A goroutine that wrote log lines ends in the timelines too.
		logging.Finish()
		g.mu.Lock()
		g.live[where][owner]--
		if g.stopping {
			g.stopped[owner]++
		}
		g.mu.Unlock()
	}
}

// alive returns the number of goroutines alive, by owning cell.
func (g *goroutines) alive() map[int]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[int]int{}
	for _, owners := range g.live {
		for slot, n := range owners {
			if n > 0 {
				out[slot] += n
			}
		}
	}
	return out
}

// owns reports whether a goroutine started by the go statement at where
// and still alive belongs to the cell in slot.
func (g *goroutines) owns(where string, slot int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.live[where][slot] > 0
}

// beginStop marks the moment the interpreter is told to stop: goroutines
// that end from now on were stopped.
func (g *goroutines) beginStop() {
	g.mu.Lock()
	g.stopping, g.stopped = true, map[int]int{}
	select {
	case <-g.halt:
	default:
		if g.halt == nil {
			g.halt = make(chan struct{})
		}
		close(g.halt)
	}
	g.mu.Unlock()
}

// endStop waits up to wait for the goroutines to end and returns those
// that ended and those still alive, by owning cell.
func (g *goroutines) endStop(wait time.Duration) (stopped, alive map[int]int) {
	deadline := time.Now().Add(wait)
	for {
		alive = g.alive()
		if len(alive) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	g.mu.Lock()
	stopped = g.stopped
	g.stopping, g.stopped = false, nil
	g.mu.Unlock()
	return stopped, alive
}

// describeStopped says which goroutines an interrupt stopped and which
// it could not, as lines for a traceback or a note; names gives a slot's
// cell name.
func describeStopped(stopped, alive map[int]int, names func(int) string) []string {
	list := func(m map[int]int) string {
		slots := make([]int, 0, len(m))
		total := 0
		for slot, n := range m {
			if n > 0 {
				slots = append(slots, slot)
				total += n
			}
		}
		if total == 0 {
			return ""
		}
		slices.Sort(slots)
		var parts []string
		for _, slot := range slots {
			parts = append(parts, fmt.Sprintf("%d started by %s", m[slot], names(slot)))
		}
		noun := "goroutines"
		if total == 1 {
			noun = "goroutine"
		}
		return fmt.Sprintf("%d %s (%s)", total, noun, strings.Join(parts, ", "))
	}
	var lines []string
	if s := list(stopped); s != "" {
		lines = append(lines, "Stopped "+s+".")
	}
	if s := list(alive); s != "" {
		lines = append(lines, "Not yet stopped: "+s+"; each stops at its next step, or when the call it is blocked in returns.")
	}
	return lines
}

// goPanicError is the cause a cell is cancelled with when a goroutine it
// started panicked.
type goPanicError struct{ err *ctl.Error }

func (g goPanicError) Error() string { return g.err.Value }

// goPanic is called by the recovery the rewrite puts in every goroutine:
// value is what it panicked with, where the encoded position of its go
// statement.
func (e *Interpreter) goPanic(value any, where string) {
	line, col := 0, 0
	if l, c, ok := strings.Cut(where, ":"); ok {
		line, _ = strconv.Atoi(l)
		col, _ = strconv.Atoi(c)
	}
	slot, l, c := decode(line, col)
	at := fmt.Sprintf("%s:%d:%d", e.pos.name(slot), l, c)
	frames := e.trace.take()
	var innermost *frame
	if len(frames) > 0 {
		innermost = &frames[0]
		innermost.fn = "" // not top level: the operands may be the goroutine's own
	}
	v := e.goMessage(context.Background(), panicValue(value), innermost)
	tb := []string{red + "panic: " + v + reset, "", "goroutine started at " + at + ":"}
	for _, fr := range frames {
		fn := strings.TrimSuffix(fr.fn, "(...)") + "(...)"
		tb = append(tb, fn, fmt.Sprintf("\t%s:%d:%d", e.pos.name(fr.seq), fr.line, fr.col))
	}
	err := &ctl.Error{Name: PanicError, Value: v + " (in a goroutine started at " + at + ")", Traceback: tb}
	if running := e.gr.running.Load(); running != 0 && (int64(slot) == running || e.gr.owns(where, int(running))) {
		if cancel := e.gr.cancel.Load(); cancel != nil {
			(*cancel)(goPanicError{err})
			return
		}
	}
	if e.gr.report != nil {
		e.gr.report(err)
	}
}

// reportToStderr writes a goroutine's panic to w, for a cell that has
// already ended.
func reportToStderr(w interface{ Write([]byte) (int, error) }) func(*ctl.Error) {
	return func(err *ctl.Error) {
		fmt.Fprintf(w, "%s\n", strings.Join(err.Traceback, "\n"))
	}
}
