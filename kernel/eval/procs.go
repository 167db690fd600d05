package eval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"os/signal"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/traefik/yaegi/interp"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/lessons/procs"
	"github.com/golessons/golessons/lessons/tasks"
)

// WorkerCommand is the subcommand of an evaluator program that runs a
// worker process of package procs: it declares what the session declared
// and runs the session's functions it is sent.
const WorkerCommand = "procs-worker"

// published is what worker processes need of a session, kept up to date
// as cells declare things, and read from any goroutine.
type published struct {
	mu      sync.Mutex
	in      *interp.Interpreter      // the interpreter funcs belong to
	decls   []ctl.Decl               // the declarations in force
	values  map[string]ctl.Decl      // variables that statements declared, as var declarations of their types
	funcs   map[string]reflect.Value // the session's functions by name
	imports map[string]string        // local name → import path
}

// Import paths of the packages that run a session's functions in other
// processes: sessions that import neither publish nothing.
const (
	procsPath = moduleSelf + "/lessons/procs"
	tasksPath = moduleSelf + "/lessons/tasks"
)

// publish records, for worker processes, the session's declarations and
// the functions of decls, just recorded. It runs where cells are
// evaluated, and only in sessions that imported procs or tasks: the first
// time, and for a new interpreter after a rebuild, it publishes the
// whole session.
func (e *Interpreter) publish(decls []ctl.Decl) {
	for _, d := range decls {
		if d.Kind == declImport && (strings.Contains(d.Code, strconv.Quote(procsPath)) || strings.Contains(d.Code, strconv.Quote(tasksPath))) {
			e.processes = true
		}
	}
	if !e.processes {
		return
	}
	p := &e.shared
	p.mu.Lock()
	whole := p.in != e.in
	p.mu.Unlock()
	if whole {
		decls = e.history
	}
	funcs := map[string]reflect.Value{}
	for _, d := range decls {
		if d.Kind != declDecl {
			continue
		}
		for name, tok := range definitions(d.Code) {
			if tok != token.FUNC || strings.Contains(name, ".") || name == "main" {
				continue
			}
			if v, err := e.in.Eval(name); err == nil && v.Kind() == reflect.Func {
				funcs[name] = v
			}
		}
	}
	// The imports come from the declarations, which a worker restores
	// too, rather than from what this interpreter's cells imported.
	imports := map[string]string{}
	for _, d := range e.history {
		if d.Kind != declImport || len(d.Names) == 0 {
			continue
		}
		fields := strings.Fields(d.Code)
		if path, err := strconv.Unquote(fields[len(fields)-1]); err == nil {
			imports[d.Names[0]] = path
		}
	}
	p.mu.Lock()
	p.decls = append([]ctl.Decl(nil), e.history...)
	if whole {
		p.in, p.funcs = e.in, map[string]reflect.Value{}
	}
	for name, v := range funcs {
		p.funcs[name] = v
	}
	p.imports = imports
	p.mu.Unlock()
	if whole {
		e.publishValues(nil)
	}
}

// publishValues records, for worker processes, the variables statements
// declared (x := ...), as declarations of variables of their types where
// those types can be written in Go: names, or with nil all the session's
// such variables. Like publish, it does the work only in sessions that
// imported procs or tasks.
func (e *Interpreter) publishValues(names []string) {
	p := &e.shared
	p.mu.Lock()
	live := p.in == e.in
	p.mu.Unlock()
	if !live {
		return
	}
	if names == nil {
		for name := range e.stmtVars {
			names = append(names, name)
		}
	}
	locals := map[string]string{}
	for path := range e.imports {
		locals[path] = e.localName(path)
	}
	globals := e.in.Globals()
	for _, name := range names {
		var decl ctl.Decl
		if v := globals[name]; v.IsValid() {
			if src, ok := typeSource(v.Type(), locals); ok {
				at := e.stmtVars[name]
				decl = ctl.Decl{Kind: declVar, Seq: at.seq, File: at.file, Code: "package main; var " + name + " " + src, Names: []string{name}}
			}
		}
		p.mu.Lock()
		if p.values == nil {
			p.values = map[string]ctl.Decl{}
		}
		if decl.Code == "" {
			delete(p.values, name)
		} else {
			p.values[name] = decl
		}
		p.mu.Unlock()
	}
}

// stmtVar is where a statement declared a session variable.
type stmtVar struct {
	seq  int
	file string
}

// typeSource returns t written in Go, with the local names of the
// packages imported (locals, by path), or false when it cannot be written:
// types declared in cells, for one.
func typeSource(t reflect.Type, locals map[string]string) (string, bool) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), t.Name() == t.Kind().String() || t.Name() == "error"
		}
		local, ok := locals[t.PkgPath()]
		return local + "." + t.Name(), ok
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Pointer, reflect.Array:
		elem, ok := typeSource(t.Elem(), locals)
		switch t.Kind() {
		case reflect.Slice:
			return "[]" + elem, ok
		case reflect.Pointer:
			return "*" + elem, ok
		}
		return fmt.Sprintf("[%d]%s", t.Len(), elem), ok
	case reflect.Map:
		key, ok1 := typeSource(t.Key(), locals)
		elem, ok2 := typeSource(t.Elem(), locals)
		return "map[" + key + "]" + elem, ok1 && ok2
	}
	return "", false
}

// Func returns the function of the session called name, or the function
// pkg.Name of a package the session imported.
func (e *Interpreter) Func(name string) (reflect.Value, error) {
	p := &e.shared
	p.mu.Lock()
	v, ok := p.funcs[name]
	path := ""
	pkg, member, qualified := strings.Cut(name, ".")
	if qualified {
		path = p.imports[pkg]
	}
	p.mu.Unlock()
	if ok {
		return v, nil
	}
	if !qualified {
		return reflect.Value{}, fmt.Errorf("%s is not a function declared in a cell", name)
	}
	if path == "" {
		return reflect.Value{}, fmt.Errorf("%s: package %s is not imported", name, pkg)
	}
	// e.symbols is set once, when e is made: safe to read anywhere.
	if v, ok := e.symbols[path][member]; ok && v.Kind() == reflect.Func {
		return v, nil
	}
	return reflect.Value{}, fmt.Errorf("%s is not a function of package %s", name, path)
}

// Snapshot returns the declarations a worker process restores: imports,
// types, functions, methods and constants, and of the variables only those
// that the rest uses, so that a worker does not compute the session's
// data again (a function finds a variable it uses with its initial value).
func (e *Interpreter) Snapshot() ([]byte, error) {
	p := &e.shared
	p.mu.Lock()
	decls := p.decls
	declared := map[string]bool{}
	for _, d := range decls {
		for _, n := range d.Names {
			declared[n] = true
		}
	}
	// Variables of statements come first, after the imports: they depend
	// on nothing but packages.
	var values []ctl.Decl
	for name, d := range p.values {
		if !declared[name] {
			values = append(values, d)
		}
	}
	p.mu.Unlock()
	sort.Slice(values, func(i, j int) bool { return values[i].Names[0] < values[j].Names[0] })
	var imports, rest []ctl.Decl
	for _, d := range decls {
		if d.Kind == "import" {
			imports = append(imports, d)
		} else {
			rest = append(rest, d)
		}
	}
	all := append(append(imports, values...), rest...)
	return json.Marshal(workerDecls(all))
}

// workerDecls returns the declarations of decls a worker needs.
func workerDecls(decls []ctl.Decl) []ctl.Decl {
	isVar := make([]bool, len(decls))
	used := map[string]bool{}
	mark := func(code string) {
		f, err := parser.ParseFile(token.NewFileSet(), "", code, parser.SkipObjectResolution)
		if err != nil {
			return
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for i, d := range decls {
		isVar[i] = d.Kind == "var" || (d.Kind == "decl" && declaresOnlyVars(d.Code))
		if !isVar[i] && d.Kind != "import" {
			mark(d.Code)
		}
	}
	keep := make([]bool, len(decls))
	for changed := true; changed; {
		changed = false
		for i, d := range decls {
			if keep[i] || !isVar[i] {
				continue
			}
			for _, n := range d.Names {
				if used[n] {
					keep[i], changed = true, true
					mark(d.Code)
					break
				}
			}
		}
	}
	var out []ctl.Decl
	for i, d := range decls {
		if !isVar[i] || keep[i] {
			out = append(out, d)
		}
	}
	return out
}

// declaresOnlyVars reports whether a file of declarations declares only
// variables.
func declaresOnlyVars(code string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", code, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return false
	}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.VAR {
			return false
		}
	}
	return true
}

// processHost starts the worker processes of package procs for a
// session: the same evaluator program, run as WorkerCommand.
type processHost struct{ e *Interpreter }

func (h processHost) Command() (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the evaluator program: %w", err)
	}
	return exec.Command(exe, WorkerCommand), nil
}

func (h processHost) Snapshot() ([]byte, error) { return h.e.Snapshot() }

func (h processHost) Func(name string) (reflect.Value, error) { return h.e.Func(name) }

// RunWorker is the main function of a worker process of package procs: it
// serves the session on descriptors 3 and 4 with an interpreter of pkgs.
func RunWorker(pkgs []interp.Exports) error {
	// Interrupts reach the session, which stops its workers itself.
	signal.Ignore(syscall.SIGINT)
	e, err := New(Config{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: strings.NewReader(""), Pkgs: pkgs})
	if err != nil {
		return err
	}
	return procs.Serve(os.NewFile(3, "from-session"), os.NewFile(4, "to-session"), workerRunner{e})
}

// workerRunner runs a worker's calls with its interpreter.
type workerRunner struct{ e *Interpreter }

func (r workerRunner) Restore(snapshot []byte) error {
	var decls []ctl.Decl
	if err := json.Unmarshal(snapshot, &decls); err != nil {
		return fmt.Errorf("read the session's declarations: %w", err)
	}
	if err := r.e.Restore(context.Background(), decls); err != nil {
		return fmt.Errorf("%s", err.Value)
	}
	return nil
}

func (r workerRunner) Func(name string) (reflect.Value, error) { return r.e.Func(name) }

// TaskWorkerCommand is the subcommand of an evaluator program that runs a
// worker of package tasks: `golessons worker --nats URL --app NAME`.
const TaskWorkerCommand = "worker"

// taskHost starts the workers of package tasks for a session.
type taskHost struct{ e *Interpreter }

func (h taskHost) Command(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the evaluator program: %w", err)
	}
	return exec.Command(exe, append([]string{TaskWorkerCommand}, args...)...), nil
}

func (h taskHost) Snapshot() ([]byte, error) { return h.e.Snapshot() }

func (h taskHost) Func(name string) (reflect.Value, error) { return h.e.Func(name) }

// RunTaskWorker is the main function of a worker of package tasks, with
// the command-line arguments that follow its subcommand.
func RunTaskWorker(args []string, pkgs []interp.Exports) error {
	fs := flag.NewFlagSet(TaskWorkerCommand, flag.ContinueOnError)
	url := fs.String("nats", os.Getenv("GOLESSONS_NATS_URL"), "`URL` of the NATS server (JetStream enabled)")
	app := fs.String("app", "", "`NAME` of the app whose tasks to run")
	concurrency := fs.Int("c", 1, "how many tasks to run at a time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *app == "" {
		return errors.New("worker: --nats URL and --app NAME are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	e, err := New(Config{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: strings.NewReader(""), Pkgs: pkgs})
	if err != nil {
		return err
	}
	return tasks.Work(ctx, *url, *app, *concurrency, workerRunner{e}, os.Stderr)
}
