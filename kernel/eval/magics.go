package eval

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/magic"
	"github.com/golessons/golessons/lessons/race"
)

// runMagic evaluates a cell that starts with a magic. %reset and %go get
// are the session's to handle: the evaluator cannot forget what the
// kernel keeps to restore, nor replace itself.
func (e *Interpreter) runMagic(ctx context.Context, name, code string, m magic.Magic) Outcome {
	fail := func(err error) Outcome {
		return Outcome{Err: &ctl.Error{Name: "magic", Value: err.Error(), Traceback: []string{red + err.Error() + reset}}}
	}
	out := e.cfg.Stdout
	switch m.Name {
	case "help":
		io.WriteString(out, magic.List())
		return Outcome{}
	case "time":
		start, cpu := time.Now(), cpuTime()
		o := e.Execute(ctx, name, blankMagic(code, m, ""))
		wall, used := time.Since(start), cpuTime()-cpu
		fmt.Fprintf(out, "CPU time: %s\nWall time: %s\n", roundDuration(used), roundDuration(wall))
		return o
	case "timeit":
		return e.timeit(ctx, name, code, m)
	case "who":
		io.WriteString(out, e.who())
		return Outcome{}
	case "env":
		if err := env(out, m.Args); err != nil {
			return fail(err)
		}
		return Outcome{}
	case "race":
		if err := e.raceRun(ctx, name, blankMagic(code, m, "")); err != nil {
			return fail(err)
		}
		return Outcome{}
	case "reset":
		return fail(errors.New("%reset is handled by the kernel's session"))
	case "go":
		return fail(errors.New("%go get is handled by the kernel's session"))
	}
	return fail(magic.Unknown(m.Name))
}

// blankMagic returns code with the magic's name, and the text flags that
// follow it, replaced by spaces, so that positions in the rest stay those
// of the cell.
func blankMagic(code string, m magic.Magic, flags string) string {
	i := strings.Index(code, "%")
	j := i + strings.Index(code[i:], m.Name) + len(m.Name)
	if flags != "" {
		if k := strings.Index(code[j:], flags); k >= 0 {
			j += k + len(flags)
		}
	}
	return code[:i] + strings.Repeat(" ", j-i) + code[j:]
}

// cpuTime returns the CPU time the process has used, in user and system
// mode.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// roundDuration shows d with three significant digits.
func roundDuration(d time.Duration) time.Duration {
	for r := time.Duration(1); r < time.Hour; r *= 10 {
		if d < 1000*r {
			return d.Round(r)
		}
	}
	return d.Round(time.Second)
}

// timeit runs the statements after %timeit many times and reports the best
// and median time per loop.
func (e *Interpreter) timeit(ctx context.Context, name, code string, m magic.Magic) Outcome {
	fs := flag.NewFlagSet("%timeit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	loops := fs.Int("n", 0, "loops per run (0: as many as fill 0.2 s)")
	runs := fs.Int("r", 5, "runs")
	args := strings.Fields(m.Args)
	var flags []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		flags = append(flags, args[0])
		args = args[1:]
		if len(args) > 0 && !strings.HasPrefix(flags[len(flags)-1], "-n=") && !strings.HasPrefix(flags[len(flags)-1], "-r=") {
			flags = append(flags, args[0])
			args = args[1:]
		}
	}
	if err := fs.Parse(flags); err != nil || *runs < 1 || *loops < 0 {
		return Outcome{Err: &ctl.Error{Name: "magic", Value: "usage: %timeit [-n LOOPS] [-r RUNS] CODE", Traceback: []string{"usage: %timeit [-n LOOPS] [-r RUNS] CODE"}}}
	}
	body := blankMagic(code, m, strings.Join(flags, " "))
	items, err := cell.Split(body)
	if err == nil {
		for _, it := range items {
			if it.Kind != cell.Stmt {
				err = errors.New("%timeit times statements and expressions; declare functions and types in another cell")
				break
			}
		}
	}
	if err != nil || len(items) == 0 {
		if err == nil {
			err = errors.New("%timeit: nothing to time")
		}
		return Outcome{Err: e.compileError(err, body)}
	}
	seq := e.pos.alloc(name)
	e.cur = name
	e.src[seq] = body
	at := cell.Pos{File: fileName, Line: cellLine(seq)}
	src := cell.StmtSource(at, body, items...)
	src = strings.Replace(src, "func main() {", "func main() {"+resultName+".Timeit("+strconv.Itoa(*loops)+", "+strconv.Itoa(*runs)+", func() {", 1)
	src = strings.TrimSuffix(src, "}") + "})\n}"
	e.timing = ""
	if _, err := e.run(ctx, src, true); err != nil {
		return Outcome{Err: e.failure(err, body)}
	}
	io.WriteString(e.cfg.Stdout, e.timing+"\n")
	return Outcome{}
}

// timeitLoops runs f in runs runs of loops calls each (loops 0: as many as
// fill 0.2 s) and describes the best and median time per call.
func (e *Interpreter) timeitLoops(loops, runs int, f func()) {
	if loops <= 0 {
		loops = 1
		for loops < 1_000_000 {
			start := time.Now()
			for range loops {
				f()
			}
			if time.Since(start) >= 200*time.Millisecond {
				break
			}
			loops *= 10
		}
	}
	per := make([]time.Duration, runs)
	for r := range runs {
		start := time.Now()
		for range loops {
			f()
		}
		per[r] = time.Since(start) / time.Duration(loops)
	}
	slices.Sort(per)
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return strconv.Itoa(n) + " " + word + "s"
	}
	e.timing = fmt.Sprintf("best %s, median %s per loop (%s, %s each)",
		roundDuration(per[0]), roundDuration(per[len(per)/2]), plural(runs, "run"), plural(loops, "loop"))
}

// who lists the names the session declared, by kind.
func (e *Interpreter) who() string {
	groups := map[string][]string{}
	for name, tok := range e.kinds {
		if strings.Contains(name, ".") {
			continue // methods
		}
		switch tok.String() {
		case "type":
			groups["Types"] = append(groups["Types"], name)
		case "func":
			groups["Functions"] = append(groups["Functions"], name)
		case "const":
			groups["Constants"] = append(groups["Constants"], name)
		default:
			groups["Variables"] = append(groups["Variables"], name)
		}
	}
	imported := map[string]bool{}
	for path, local := range e.imports {
		for _, n := range e.importName(path, local) {
			imported[n] = true
		}
		if local != "." && local != "_" {
			groups["Packages"] = append(groups["Packages"], path)
		}
	}
	for name := range e.globals {
		if _, declared := e.kinds[name]; !declared && !imported[name] {
			groups["Variables"] = append(groups["Variables"], name)
		}
	}
	var b strings.Builder
	for _, g := range []string{"Types", "Functions", "Constants", "Variables", "Packages"} {
		if names := groups[g]; len(names) > 0 {
			slices.Sort(names)
			fmt.Fprintf(&b, "%s: %s\n", g, strings.Join(slices.Compact(names), ", "))
		}
	}
	if b.Len() == 0 {
		return "Nothing is declared.\n"
	}
	return b.String()
}

// env lists, shows or sets environment variables, as %env does.
func env(out io.Writer, args string) error {
	switch {
	case args == "":
		vars := os.Environ()
		slices.Sort(vars)
		for _, v := range vars {
			fmt.Fprintln(out, v)
		}
	case strings.ContainsAny(args, "= "):
		k, v, _ := strings.Cut(args, "=")
		if !strings.Contains(args, "=") {
			k, v, _ = strings.Cut(args, " ")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" {
			return errors.New("usage: %env NAME=VALUE")
		}
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("%%env: %w", err)
		}
		fmt.Fprintf(out, "env: %s=%s\n", k, v)
	default:
		v, ok := os.LookupEnv(args)
		if !ok {
			return fmt.Errorf("%%env: %s is not set", args)
		}
		fmt.Fprintln(out, v)
	}
	return nil
}

// raceRun runs code, with the session's declarations, as a Go program
// under Go's race detector, and shows what it printed, with positions in
// cell coordinates.
func (e *Interpreter) raceRun(ctx context.Context, name, code string) error {
	src, err := e.program(name, code)
	if err != nil {
		return err
	}
	var m race.Module
	if strings.Contains(src, strconv.Quote(moduleSelf + "/")[:len(moduleSelf)+2]) {
		// The program imports lesson packages: it is built in a module
		// that requires this one, from the kernel's own source.
		if e.cfg.Source == nil {
			return errors.New("%race: the program imports lesson packages, and this evaluator does not have the kernel's source to build them")
		}
		dir, err := e.cfg.Source()
		if err != nil {
			return fmt.Errorf("%%race: the program imports lesson packages, which need the kernel's source: %w", err)
		}
		sum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
		m = race.Module{Replace: map[string]string{moduleSelf: dir}, GoSum: sum}
	}
	res, err := race.RunModule(ctx, src, m)
	if err != nil {
		return errors.New(e.pos.rewrite(err.Error()))
	}
	out := racePos.ReplaceAllStringFunc(res.Output, func(m string) string {
		sub := racePos.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		seq, l, _ := decode(line, 0)
		return e.pos.name(seq) + ":" + strconv.Itoa(l)
	})
	io.WriteString(e.cfg.Stdout, out)
	switch {
	case res.Races > 0:
		fmt.Fprintf(e.cfg.Stdout, "Go's race detector found %d data race(s).\n", res.Races)
	case res.ExitCode == 0:
		fmt.Fprintln(e.cfg.Stdout, "Go's race detector found no data race.")
	}
	return nil
}

// moduleSelf is the path of this module, whose lesson packages cells
// import.
const moduleSelf = "github.com/golessons/golessons"

// racePos is a position in a program built from cells, as the race
// detector's stacks show it.
var racePos = regexp.MustCompile(`_\.go:(\d{5,})`)

// program returns a Go program made of the session's declarations and
// code: its imports and declarations at package level, its statements in
// main. Positions are those of the cells.
func (e *Interpreter) program(name, code string) (string, error) {
	items, err := cell.Split(code)
	if err != nil {
		return "", err
	}
	seq := e.pos.alloc(name)
	e.src[seq] = code
	at := cell.Pos{File: fileName, Line: cellLine(seq)}
	imports := map[string]string{}
	for path, local := range e.imports {
		imports[path] = local
	}
	var own []ctl.Decl
	var stmts []cell.Item
	for _, it := range items {
		switch {
		case it.Kind == cell.Import:
			specs, err := cell.Imports(code, it)
			if err != nil {
				return "", err
			}
			for _, s := range specs {
				imports[s.Path] = s.Name
			}
		case it.Kind == cell.Decl && it.Tok != token.VAR:
			own = append(own, itemDecl(declDecl, seq, name, at, code, it))
		default:
			stmts = append(stmts, it)
		}
	}
	var decls strings.Builder
	for _, d := range live(append(slices.Clone(e.history), own...)) {
		if d.Kind != declImport {
			decls.WriteString(strings.TrimPrefix(d.Code, "package main;"))
			decls.WriteString("\n")
		}
	}
	body := strings.TrimPrefix(cell.StmtSource(at, code, stmts...), "package main; ")
	rest := decls.String() + body
	var b strings.Builder
	b.WriteString("package main\n\n")
	for path, local := range imports {
		// Go rejects unused imports: keep those the program names.
		n := local
		if n == "" {
			n = e.importName(path, "")[0]
		}
		if n == "_" || n == "." || strings.Contains(rest, n+".") {
			fmt.Fprintf(&b, "import %s %q\n", local, path)
		}
	}
	b.WriteString(rest)
	b.WriteString("\n")
	return b.String(), nil
}
