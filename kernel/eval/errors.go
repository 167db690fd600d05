package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/traefik/yaegi/interp"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/ctl"
)

// Names of errors, as they appear in replies (ename).
const (
	CompileError = "compile error"
	PanicError   = "panic"
	Interrupted  = "interrupted"
)

const (
	red   = "\x1b[31m"
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// failure describes err, returned while evaluating code.
func (e *Interpreter) failure(err error, code string) *ctl.Error {
	var p interp.Panic
	var gp goPanicError
	switch {
	case errors.As(err, &gp):
		return gp.err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		tb := []string{red + "interrupted" + reset + ": the cell was stopped before it finished"}
		var se stoppedError
		if errors.As(err, &se) {
			tb = append(tb, se.report...)
		}
		return &ctl.Error{Name: Interrupted, Value: "the cell was interrupted", Traceback: tb}
	case errors.As(err, &p):
		return e.panicError(p)
	}
	return e.compileError(err, code)
}

// compileError describes an error found before the code ran, quoting the
// offending line of the cell.
func (e *Interpreter) compileError(err error, code string) *ctl.Error {
	var msgs []string
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, l := range list {
			msgs = append(msgs, e.pos.rewrite(e.goCompileMessage(l.Error())))
		}
	} else {
		msgs = append(msgs, e.pos.rewrite(e.goCompileMessage(err.Error())))
	}
	tb := []string{}
	for _, m := range msgs {
		tb = append(tb, red+m+reset)
		if quote := quoteLine(m, e.cur, code); quote != "" {
			tb = append(tb, quote)
		}
	}
	return &ctl.Error{Name: CompileError, Value: strings.Join(msgs, "\n"), Traceback: tb}
}

var cellPos = regexp.MustCompile(`^[^:\s]+:(\d+):(\d+): `)

// quoteLine returns the line of cell name an error message points at,
// with a caret under the column, or "" when the message has no position
// or points at another cell.
func quoteLine(msg, name, code string) string {
	m := cellPos.FindStringSubmatch(msg)
	if m == nil || !strings.HasPrefix(msg, name+":") {
		return ""
	}
	var line, col int
	fmt.Sscan(m[1], &line)
	fmt.Sscan(m[2], &col)
	lines := strings.Split(code, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	text := lines[line-1]
	prefix := fmt.Sprintf("%4d | ", line)
	pad := strings.Map(func(r rune) rune {
		if r == '\t' {
			return '\t'
		}
		return ' '
	}, text[:min(max(col-1, 0), len(text))])
	return prefix + text + "\n" + strings.Repeat(" ", len(prefix)) + pad + bold + "^" + reset
}

// importError describes a failed import.
func (e *Interpreter) importError(spec cell.ImportSpec, err error) *ctl.Error {
	msg := e.pos.rewrite(err.Error())
	if strings.Contains(msg, "unable to find source") || strings.Contains(msg, "cannot find package") {
		msg = fmt.Sprintf("package %q is not available in cells", spec.Path)
		if first, _, _ := strings.Cut(spec.Path, "/"); strings.Contains(first, ".") {
			// A module's package: %go get compiles it in.
			msg = fmt.Sprintf("cannot import %q: it is not compiled into this kernel; run %%go get %s", spec.Path, spec.Path)
		}
		if spec.Path == "iter" {
			msg += ": range over a function is not supported in cells; ranges over the standard library's iterators (maps.Keys, slices.All, strings.Lines and the like) work"
		}
	}
	return &ctl.Error{Name: CompileError, Value: msg, Traceback: []string{red + "import " + fmt.Sprintf("%q", spec.Path) + ": " + msg + reset}}
}

// panicError describes a panic, with the interpreted frames it unwound.
func (e *Interpreter) panicError(p interp.Panic) *ctl.Error {
	frames := e.trace.frames()
	var at *frame
	if len(frames) > 0 {
		at = &frames[0]
	}
	value := e.goMessage(context.Background(), panicValue(p.Value), at)
	tb := []string{red + "panic: " + value + reset, "", "goroutine 1 [running]:"}
	for _, fr := range frames {
		fn := strings.TrimSuffix(fr.fn, "(...)")
		if fn == "main" {
			fn = e.pos.name(fr.seq)
		} else {
			fn += "(...)"
		}
		tb = append(tb, fn, fmt.Sprintf("\t%s:%d:%d", e.pos.name(fr.seq), fr.line, fr.col))
	}
	return &ctl.Error{Name: PanicError, Value: value, Traceback: tb}
}

// panicValue formats a recovered value as Go's panic message does.
func panicValue(v any) string {
	switch x := v.(type) {
	case reflect.Value:
		if x.IsValid() && x.CanInterface() {
			return panicValue(x.Interface())
		}
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprintf("%v", v)
}

// traceWriter passes the interpreter's diagnostic output through to dst,
// except the lines it prints for each frame a panic unwinds: those are
// kept, to describe the panic.
type traceWriter struct {
	dst io.Writer

	mu    sync.Mutex
	lines []string
}

var panicLine = regexp.MustCompile(`^(?:_\.go:)?(\d{5,}):(\d+): panic: (.*)\n?$`)

func (w *traceWriter) Write(p []byte) (int, error) {
	if panicLine.Match(p) {
		w.mu.Lock()
		if len(w.lines) < 200 {
			w.lines = append(w.lines, string(p))
		}
		w.mu.Unlock()
		return len(p), nil
	}
	return w.dst.Write(p)
}

// take returns the frames recorded so far and forgets them.
func (w *traceWriter) take() []frame {
	f := w.frames()
	w.start()
	return f
}

// start forgets the frames of earlier panics.
func (w *traceWriter) start() {
	w.mu.Lock()
	w.lines = nil
	w.mu.Unlock()
}

// frame is one interpreted frame a panic unwound.
type frame struct {
	seq, line, col int
	fn             string
}

func (w *traceWriter) frames() []frame {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []frame
	for _, l := range w.lines {
		m := panicLine.FindStringSubmatch(l)
		var line, col int
		fmt.Sscan(m[1], &line)
		fmt.Sscan(m[2], &col)
		seq, l, c := decode(line, col)
		out = append(out, frame{seq: seq, line: l, col: c, fn: m[3]})
	}
	return out
}

// quietLog is the standard logger's output while an interpreter exists:
// the interpreter logs some failures it then panics with (and which are
// reported as errors); those lines are dropped while code is compiled.
type quietLog struct {
	w         io.Writer
	compiling *atomic.Bool
}

func (q quietLog) Write(p []byte) (int, error) {
	line := bytes.TrimRight(p, "\n")
	if q.compiling.Load() && (bytes.HasSuffix(line, []byte(" nil type")) || bytes.HasSuffix(line, []byte(" nil reflect type"))) {
		return len(p), nil
	}
	return q.w.Write(p)
}
