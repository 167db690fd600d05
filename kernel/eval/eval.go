// Package eval is the evaluating side of a session: it holds the yaegi
// interpreter, splits each cell into imports, declarations and statements,
// evaluates them in order, and describes the outcome (a value to show, an
// error with its position in the cell) for the kernel.
//
// It runs in the kernel's child process; Serve connects it to the kernel's
// control pipes.
package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"log"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/magic"
	"github.com/golessons/golessons/kernel/rewrite"
	"github.com/golessons/golessons/lessons/display"
)

// Config configures an Interpreter.
type Config struct {
	Stdout io.Writer        // where cells' standard output goes
	Stderr io.Writer        // where cells' standard error goes
	Stdin  io.Reader        // what cells read as standard input
	Pkgs   []interp.Exports // compiled packages cells can import
	// Source returns the directory of this module's source, which
	// programs built from cells that import lesson packages require
	// (%race); nil when the evaluator has none.
	Source func() (string, error)
}

// Interpreter evaluates the cells of one session, in order.
// Execute must not be called concurrently.
type Interpreter struct {
	cfg     Config
	in      *interp.Interpreter
	pos     positions
	imports map[string]string // import path → local name, for every package imported so far
	trace   *traceWriter

	// pkgNames maps import paths to package names, exported their exported
	// names, from the compiled packages.
	pkgNames map[string]string
	exported map[string][]string

	// globals are the package-level names cells declared and the names
	// of imported packages.
	globals map[string]bool
	kinds   map[string]token.Token // what each declared name is: TYPE, FUNC (also methods, as "T.M"), CONST or VAR
	history []ctl.Decl             // the declarations in force, in order, one per item
	cur     string                 // the name of the cell being evaluated
	src     map[int]string         // the code of the running cell and of cells whose declarations live on, by slot
	suspect bool                   // an execution was interrupted and may still be stuck

	// State of the current interpreter, reset with it.
	stdDeclared   map[string]bool // standard packages whose helpers it holds
	carryImported bool            // whether it imported the carry package
	carrySeq      int             // the number of values carried so far
	stash         []any           // the values a staged definition computed
	timing        string          // what the last %timeit measured

	gr        goroutines
	compiling atomic.Bool

	shared    published          // what worker processes need, for package procs
	stmtVars  map[string]stmtVar // session variables declared by statements
	processes bool               // whether the session imported procs or tasks

	// symbols are the compiled packages' symbols, by import path.
	symbols map[string]map[string]reflect.Value
}

// resultPkg is the import path of the package holding the function that
// captures a trailing expression's values.
const resultPkg = "golessons.kernel/result"

// resultName is the name cells see that package under; it cannot clash
// with a Go identifier a person would write.
const resultName = "ǃresult"

// New returns an Interpreter with the packages of cfg available to cells.
func New(cfg Config) (*Interpreter, error) {
	e := &Interpreter{
		cfg:      cfg,
		pos:      positions{names: map[int]string{}, pinned: map[int]bool{}},
		imports:  map[string]string{},
		trace:    &traceWriter{dst: cfg.Stderr},
		globals:  map[string]bool{},
		src:      map[int]string{},
		kinds:    map[string]token.Token{},
		pkgNames: map[string]string{},
		exported: map[string][]string{},
		symbols:  map[string]map[string]reflect.Value{},
		stmtVars: map[string]stmtVar{},
	}
	e.gr.report = reportToStderr(e.trace.dst)
	log.SetOutput(quietLog{w: log.Writer(), compiling: &e.compiling})
	for _, pkgs := range cfg.Pkgs {
		for key, syms := range pkgs {
			// Keys are "import/path/name".
			i := strings.LastIndexByte(key, '/')
			if i < 0 {
				continue
			}
			path := key[:i]
			e.pkgNames[path] = key[i+1:]
			if e.symbols[path] == nil {
				e.symbols[path] = map[string]reflect.Value{}
			}
			for name, v := range syms {
				e.symbols[path][name] = v
			}
			for name := range syms {
				if token.IsExported(name) {
					e.exported[path] = append(e.exported[path], name)
				}
			}
		}
	}
	if err := e.reset(); err != nil {
		return nil, err
	}
	return e, nil
}

// reset gives e a fresh interpreter, with nothing declared but the
// packages of its configuration and the kernel's own helpers.
func (e *Interpreter) reset() error {
	in := interp.New(interp.Options{
		Stdin:        e.cfg.Stdin,
		Stdout:       e.cfg.Stdout,
		Stderr:       e.trace,
		Unrestricted: true,
	})
	for _, pkgs := range e.cfg.Pkgs {
		if err := in.Use(pkgs); err != nil {
			return fmt.Errorf("load packages: %w", err)
		}
	}
	if e.cfg.Stdin != nil {
		// Cells that read os.Stdin directly (bufio.NewScanner(os.Stdin))
		// read what the front end sends, as fmt.Scan does. The variable is
		// an io.Reader rather than an *os.File: reading is what cells do.
		stdin := e.cfg.Stdin
		if err := in.Use(interp.Exports{"os/os": {"Stdin": reflect.ValueOf(&stdin).Elem()}}); err != nil {
			return fmt.Errorf("load standard input: %w", err)
		}
	}
	// A sleeping cell wakes when it is interrupted.
	if err := in.Use(interp.Exports{"time/time": {"Sleep": reflect.ValueOf(e.gr.sleep)}}); err != nil {
		return fmt.Errorf("load time.Sleep: %w", err)
	}
	if err := in.Use(resultExports(e.goPanic, e.gr.track, e.stashValues, e.timeitLoops)); err != nil {
		return fmt.Errorf("load result package: %w", err)
	}
	e.in = in
	e.stdDeclared = map[string]bool{}
	e.carryImported = false
	// The capture package is imported once; it is never listed to users.
	if _, err := e.run(context.Background(), "package main; import "+resultName+" "+strconv.Quote(resultPkg), false); err != nil {
		return fmt.Errorf("import result package: %w", err)
	}
	if _, err := e.run(context.Background(), helpers(), false); err != nil {
		return fmt.Errorf("declare helpers: %w", err)
	}
	return nil
}

// capture returns the values of a cell's trailing expression.
func capture(values ...any) []any { return values }

// raw returns its arguments as the interpreter represents them, without
// the wrapping capture's values get.
func raw(values ...any) []any { return values }

func resultExports(goPanic func(any, string), goTrack func(string) func(), stash func(...any), timeit func(int, int, func())) interp.Exports {
	bundler := reflect.TypeOf((*display.MIMEBundler)(nil)).Elem()
	stringer := reflect.TypeOf((*fmt.Stringer)(nil)).Elem()
	errorType := reflect.TypeOf((*error)(nil)).Elem()
	return interp.Exports{
		resultPkg + "/result": {
			"Capture": reflect.ValueOf(capture),
			"Raw":     reflect.ValueOf(raw),
			"Clear":   reflect.ValueOf(clearValue),
			"GoPanic": reflect.ValueOf(goPanic),
			"GoTrack": reflect.ValueOf(goTrack),
			"Stash":   reflect.ValueOf(stash),
			"Timeit":  reflect.ValueOf(timeit),
		},
		// Interpreted values passed to Capture are wrapped so that their
		// methods are visible to compiled code.
		".": {"MapTypes": reflect.ValueOf(map[reflect.Value][]reflect.Type{
			reflect.ValueOf(capture): {bundler, stringer, errorType},
		})},
	}
}

// Outcome is the result of evaluating a cell.
type Outcome struct {
	Result map[string]any // MIME bundle of the trailing expression's value, or nil
	Decls  []ctl.Decl     // what the cell declared, for a restore
	Values []string       // names the cell's statements defined with :=
	Err    *ctl.Error     // non-nil when the cell failed
}

// Execute evaluates code as cell number seq, shown to users as name.
func (e *Interpreter) Execute(ctx context.Context, name, code string) Outcome {
	if m, ok := magic.Parse(code); ok {
		return e.runMagic(ctx, name, code, m)
	}
	seq := e.pos.alloc(name)
	at := cell.Pos{File: fileName, Line: cellLine(seq)}
	e.cur = name
	e.src[seq] = code
	defer func() {
		if !e.pos.pinned[seq] {
			delete(e.src, seq)
		}
	}()

	// A panic in a goroutine of this cell cancels it with the panic as
	// the cause.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	e.gr.running.Store(int64(seq))
	e.gr.cancel.Store(&cancel)
	defer func() {
		e.gr.running.Store(0)
		e.gr.cancel.Store(nil)
	}()

	var out Outcome
	if e.suspect {
		e.suspect = false
		if staleRunner(e.in, 20*time.Millisecond) {
			// Start afresh so that the stuck cell cannot resume.
			lost, err := e.rebuild(ctx, nil, true)
			msg := "An interrupted cell is still blocked in a call that cannot be interrupted, so the session was rebuilt from its declarations to keep the rest of that cell from running when the call returns."
			if err != nil {
				msg += " Some declarations failed: " + err.Error()
			}
			if len(lost) > 0 {
				msg += " These values could not be carried over and are gone: " + strings.Join(lost, ", ") + "."
			}
			fmt.Fprintln(e.trace.dst, msg)
		}
	}
	items, err := cell.Split(code)
	if err != nil {
		var ce *cell.Error
		if errors.As(err, &ce) {
			line, col := lineCol(code, ce.Pos)
			out.Err = e.compileError(fmt.Errorf("%s:%d:%d: %s", name, line, col, ce.Msg), code)
		} else {
			out.Err = e.compileError(err, code)
		}
		return out
	}

	// Imports first, each once per session.
	for _, it := range items {
		if it.Kind != cell.Import {
			continue
		}
		specs, err := cell.Imports(code, it)
		if err != nil {
			out.Err = e.compileError(err, code)
			return out
		}
		for _, spec := range specs {
			if local, ok := e.imports[spec.Path]; ok && local == spec.Name {
				continue
			}
			src := "package main; import " + spec.Name + " " + strconv.Quote(spec.Path)
			if _, err := e.run(ctx, src, false); err != nil {
				out.Err = e.importError(spec, err)
				return out
			}
			e.imports[spec.Path] = spec.Name
			d := ctl.Decl{Kind: declImport, Seq: seq, File: name, Code: src, Names: e.importName(spec.Path, spec.Name)}
			e.record(d)
			out.Decls = append(out.Decls, d)
		}
	}

	// Then declarations and statements, in the order Plan gives; a trailing
	// expression is evaluated last, for its value.
	last, hasLast := cell.LastExpr(code, items)
	for _, it := range items {
		if it.Tok == token.DEFER {
			// The trailing expression runs with the statements, before
			// the cell's deferred calls, as in a Go function; its value
			// is not shown.
			hasLast = false
		}
	}
	if err := e.checkNames(name, code, items); err != nil {
		out.Err = e.compileError(err, code)
		return out
	}
	for _, c := range cell.Plan(code, items) {
		chunk := c.Items
		if hasLast && chunk[len(chunk)-1] == last {
			chunk = chunk[:len(chunk)-1]
		}
		if len(chunk) == 0 {
			continue
		}
		var err error
		if c.Kind == cell.Decl {
			decls := make([]ctl.Decl, len(chunk))
			for i, it := range chunk {
				decls[i] = itemDecl(declDecl, seq, name, at, code, it)
			}
			if e.redefines(decls) {
				var lost []string
				if lost, err = e.rebuild(ctx, decls, true); err == nil {
					out.Decls = append(out.Decls, decls...)
					if len(lost) > 0 {
						fmt.Fprintf(e.trace.dst, "The session was rebuilt around the new definitions; these values could not be carried over and are gone: %s\n", strings.Join(lost, ", "))
					}
				}
			} else if _, err = e.run(ctx, cell.DeclSource(at, code, chunk...), false); err == nil {
				e.record(decls...)
				out.Decls = append(out.Decls, decls...)
			}
		} else {
			_, err = e.run(ctx, cell.StmtSource(at, code, chunk...), true)
			if err != nil && untypedGlobal(err) {
				err = e.runStaged(ctx, at, code, chunk)
			}
			if err == nil {
				e.declare(seq, declaredNames(code, chunk))
			}
			for _, it := range chunk {
				if it.Tok != token.VAR && err == nil {
					names := cell.DeclaredNames(code, it)
					out.Values = append(out.Values, names...)
					for _, n := range names {
						e.stmtVars[n] = stmtVar{seq: seq, file: name}
					}
					e.publishValues(names)
				}
				if it.Tok == token.VAR && err == nil {
					d := itemDecl(declVar, seq, name, at, code, it)
					e.record(d)
					out.Decls = append(out.Decls, d)
				}
			}
		}
		if err != nil {
			out.Err = e.failure(err, code)
			return out
		}
	}
	if hasLast {
		bundle, err := e.value(ctx, at, code, last)
		if err != nil {
			out.Err = e.failure(err, code)
			return out
		}
		out.Result = bundle
	}
	return out
}

// Restore re-runs the declarations of an earlier session, in order, those
// that later ones replaced left out. It carries on past failures and
// reports them together.
func (e *Interpreter) Restore(ctx context.Context, decls []ctl.Decl) *ctl.Error {
	e.history = nil
	if _, err := e.rebuild(ctx, decls, false); err != nil {
		failed := strings.Split(err.Error(), "\n")
		return &ctl.Error{Name: "restore", Value: err.Error(), Traceback: failed}
	}
	return nil
}

// itemDecl describes declaration item of a cell for the session's record.
// Var statements are recorded as package-level declarations.
func itemDecl(kind string, seq int, file string, at cell.Pos, code string, it cell.Item) ctl.Decl {
	var names []string // methods as "T.M"
	for _, d := range cell.Definitions(code, it) {
		names = append(names, d.Name)
	}
	return ctl.Decl{Kind: kind, Seq: seq, File: file, Code: cell.DeclSource(at, code, it), Names: names}
}

// Expression evaluates expr on its own, as for user_expressions, and
// returns its result in the form execute_reply carries.
func (e *Interpreter) Expression(ctx context.Context, expr string) map[string]any {
	at := cell.Pos{File: fileName, Line: cellLine(e.pos.alloc("expression"))}
	bundle, err := e.value(ctx, at, expr, cell.Item{Kind: cell.Stmt, Start: 0, End: len(expr)})
	if err != nil {
		f := e.failure(err, expr)
		return map[string]any{"status": "error", "ename": f.Name, "evalue": f.Value, "traceback": f.Traceback}
	}
	if bundle == nil {
		bundle = map[string]any{"text/plain": ""}
	}
	return map[string]any{"status": "ok", "data": bundle, "metadata": map[string]any{}}
}

// value evaluates the trailing expression it and returns the bundle that
// shows its value, or nil when it has no single value to show (a call
// returning nothing, or several results as fmt.Println does).
func (e *Interpreter) value(ctx context.Context, at cell.Pos, code string, it cell.Item) (map[string]any, error) {
	prog, err := e.compile(cell.ExprSource(at, code, resultName+".Capture", it), true)
	if err != nil {
		// Not a value: evaluate it as a plain statement, which also gives
		// the right error if the expression itself is wrong.
		_, err := e.run(ctx, cell.StmtSource(at, code, it), true)
		return nil, err
	}
	v, err := e.execute(ctx, prog)
	if err != nil {
		return nil, err
	}
	if !v.IsValid() || !v.CanInterface() {
		return nil, nil
	}
	values, ok := v.Interface().([]any)
	if !ok || len(values) != 1 || values[0] == nil {
		return nil, nil
	}
	return Bundle(values[0]), nil
}

// Bundle returns the MIME bundle that shows v as a cell's value.
func Bundle(v any) map[string]any {
	if b, ok := v.(display.MIMEBundler); ok {
		return display.BundleOf(b)
	}
	var text string
	switch x := v.(type) {
	case string:
		text = strconv.Quote(x)
	case error:
		text = x.Error()
	case fmt.Stringer:
		text = x.String()
	default:
		text = fmt.Sprintf("%+v", v)
	}
	return map[string]any{"text/plain": text}
}

// run compiles and executes one chunk of source.
func (e *Interpreter) run(ctx context.Context, src string, stmts bool) (reflect.Value, error) {
	prog, err := e.compile(src, stmts)
	if err != nil {
		return reflect.Value{}, err
	}
	return e.execute(ctx, prog)
}

// errUntyped is the error of code the interpreter could not type.
var errUntyped = errors.New("range over a function is not supported in cells, and neither is anything else the interpreter could not type here")

// compile parses src (a file, or a main function whose body holds
// statements) and compiles it, turning an interpreter panic into an error.
func (e *Interpreter) compile(src string, stmts bool) (prog *interp.Program, err error) {
	// parse gives a fresh tree of src each time: the fallbacks below
	// rewrite it in other ways.
	parse := func() (ast.Node, error) {
		f, err := parser.ParseFile(e.in.FileSet(), fileName, src, parser.DeclarationErrors|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if stmts {
			return f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body, nil
		}
		return f, nil
	}
	node, err := parse()
	if err != nil {
		return nil, err
	}
	if err := e.modernize(node, false); err != nil {
		return nil, err
	}
	prog, err = e.compileNode(node)
	if err != nil && strings.Contains(err.Error(), "nil type") {
		// The interpreter fails this way on a range over an integer it
		// was not told about: try again taking every range over a name
		// or call whose type is unknown as one.
		if node2, perr := parse(); perr == nil {
			if e.modernize(node2, true) != nil {
				return nil, err
			}
			if prog2, err2 := e.compileNode(node2); err2 == nil {
				return prog2, nil
			}
		}
		err = errUntyped
	}
	if err != nil && (strings.Contains(src, "min(") || strings.Contains(src, "max(")) {
		// The generic helpers standing in for min and max fail on types
		// of compiled packages (time.Duration): compute the calls in
		// statements instead.
		if node2, perr := parse(); perr == nil {
			if rewrite.HoistMinMax(node2, func(name string) bool { return e.globals[name] }) && e.modernize(node2, false) == nil {
				if prog2, err2 := e.compileNode(node2); err2 == nil {
					return prog2, nil
				}
			}
		}
	}
	if err != nil && stmts && strings.Contains(err.Error(), "definition loop") {
		// The interpreter reports a global := whose type it cannot work out
		// (often because a name is undefined) as a definition loop. The same
		// statements compiled inside a function literal, which is never
		// called, give the real error.
		body := node.(*ast.BlockStmt)
		probe := &ast.BlockStmt{Lbrace: body.Lbrace, Rbrace: body.Rbrace, List: []ast.Stmt{&ast.AssignStmt{
			Lhs: []ast.Expr{ast.NewIdent("_")},
			Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: body}},
		}}}
		if _, perr := e.compileNode(probe); perr != nil {
			err = perr
		}
	}
	return prog, err
}

// compileNode compiles node, turning an interpreter panic into an error.
func (e *Interpreter) compileNode(node ast.Node) (prog *interp.Program, err error) {
	e.compiling.Store(true)
	defer e.compiling.Store(false)
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("the interpreter failed on this code: %v", r)
		}
	}()
	return e.in.CompileAST(node)
}

// execute runs a compiled chunk until it ends or ctx is done. When ctx is
// done, the interpreter stops every goroutine it runs, and the error says
// which goroutines stopped.
func (e *Interpreter) execute(ctx context.Context, prog *interp.Program) (reflect.Value, error) {
	e.trace.start()
	e.gr.arm()
	inner, cancel := context.WithCancel(context.Background())
	defer cancel()
	told := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		e.gr.beginStop()
		cancel()
		close(told)
	})
	v, err := e.in.ExecuteWithContext(inner, prog)
	if stop() {
		return v, err
	}
	<-told
	// The cell may have been stuck in a call the interpreter cannot
	// interrupt; then it resumes there when the call returns.
	e.suspect = true
	stopped, alive := e.gr.endStop(stopWait)
	if err == nil || ctx.Err() == nil {
		return v, err
	}
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		return v, cause
	}
	return v, stoppedError{err: ctx.Err(), report: describeStopped(stopped, alive, e.pos.name)}
}

// stopWait is how long an interrupt waits for goroutines to end before it
// reports those still running.
const stopWait = 50 * time.Millisecond

// stoppedError is an interrupted execution, with what the interrupt did
// to the goroutines.
type stoppedError struct {
	err    error
	report []string
}

func (s stoppedError) Error() string { return s.err.Error() }
func (s stoppedError) Unwrap() error { return s.err }

// StopGoroutines stops the goroutines earlier cells left running, as an
// interrupt does when no cell runs, and says what it stopped; it returns
// nil when none ran. It must not be called while a cell runs.
func (e *Interpreter) StopGoroutines() []string {
	if len(e.gr.alive()) == 0 {
		return nil
	}
	prog, err := e.compile("package main; func main() { "+rewrite.Prefix+"c := make(chan int); <-"+rewrite.Prefix+"c }", true)
	if err != nil {
		return []string{"The goroutines could not be stopped: " + err.Error()}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.execute(ctx, prog)
	var se stoppedError
	if errors.As(err, &se) {
		return se.report
	}
	return nil
}

// staleRunner reports whether an execution interpreter in was told to
// stop is still running after wait, stuck in a call it cannot interrupt:
// the next execution would let it resume where it was.
func staleRunner(in *interp.Interpreter, wait time.Duration) bool {
	// The runner's stack shows the interpreter as Execute's receiver.
	runner := []byte("interp.(*Interpreter).ExecuteWithContext.func1(")
	execute := []byte(fmt.Sprintf("interp.(*Interpreter).Execute(%p,", in))
	deadline := time.Now().Add(wait)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n == len(buf) {
			buf = make([]byte, 2*len(buf))
			continue
		}
		found := false
		for _, g := range bytes.Split(buf[:n], []byte("\n\n")) {
			if bytes.Contains(g, runner) && bytes.Contains(g, execute) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
		if time.Now().After(deadline) {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lineCol returns the 1-based line and byte column of offset off in src.
func lineCol(src string, off int) (int, int) {
	off = min(off, len(src))
	line := 1 + strings.Count(src[:off], "\n")
	col := off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}

// importName returns the names an import of path as name makes visible
// in cells: the package's name, its exported names for a dot import, or
// nothing for a blank import.
func (e *Interpreter) importName(path, name string) []string {
	switch name {
	case "_":
		return nil
	case ".":
		return e.exported[path]
	case "":
		if n, ok := e.pkgNames[path]; ok {
			return []string{n}
		}
		return []string{path[strings.LastIndexByte(path, '/')+1:]}
	}
	return []string{name}
}

// declare records names as declared at package level by the cell in slot
// seq, whose code then lives on.
func (e *Interpreter) declare(seq int, names []string) {
	for _, n := range names {
		e.globals[n] = true
	}
	if len(names) > 0 {
		e.pos.pin(seq)
	}
}

// declaredNames returns the package-level names items declare.
func declaredNames(code string, items []cell.Item) []string {
	var names []string
	for _, it := range items {
		names = append(names, cell.DeclaredNames(code, it)...)
	}
	return names
}

// checkNames reports the first name a cell uses that is declared neither
// by the cell, nor by an earlier one, nor by the language: the interpreter
// would otherwise report some of these confusingly (a definition loop) or
// leave half-defined variables behind.
func (e *Interpreter) checkNames(file, code string, items []cell.Item) error {
	own := map[string]bool{}
	for _, it := range items {
		if it.Kind == cell.Import {
			specs, err := cell.Imports(code, it)
			if err != nil {
				continue
			}
			for _, s := range specs {
				for _, n := range e.importName(s.Path, s.Name) {
					own[n] = true
				}
			}
			continue
		}
		for _, n := range cell.DeclaredNames(code, it) {
			own[n] = true
		}
	}
	for _, it := range items {
		if it.Kind == cell.Import {
			continue
		}
		for _, n := range cell.FreeNames(code, it) {
			if own[n.Name] || e.globals[n.Name] || types.Universe.Lookup(n.Name) != nil {
				continue
			}
			line, col := lineCol(code, n.Offset)
			return fmt.Errorf("%s:%d:%d: undefined: %s", file, line, col, n.Name)
		}
	}
	return nil
}
