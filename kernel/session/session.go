// Package session supervises the child process that evaluates cells: it
// starts it, sends it cells, relays its output and events in order,
// interrupts it, and replaces it when it dies, restoring the session's
// declarations; for %go get, it replaces it the same way by an evaluator
// with more packages compiled in (see package modules).
//
// The kernel process never runs user code; whatever a cell does, the worst
// outcome is a dead child, which this package reports and replaces.
package session

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/magic"
	"github.com/golessons/golessons/kernel/modules"
)

// Output receives what the child produces. parent is the value given to
// Execute for the cell the output belongs to (the last one, for output
// that arrives after its cell ended). Its methods may be called from
// several goroutines, never concurrently for one session.
type Output interface {
	// Stream delivers text written to "stdout" or "stderr".
	Stream(parent any, name, text string)
	// Event delivers a display, update or clear event.
	Event(parent any, ev ctl.Event)
}

// InputFunc asks the front end for a line of standard input.
type InputFunc func(prompt string, password bool) (string, error)

// Config configures a Session.
type Config struct {
	Argv          []string      // the child's command line
	Env           []string      // the child's environment; nil means the kernel's
	Output        Output        // where output goes
	FlushInterval time.Duration // longest a stream byte waits before it is sent; default 50ms
	Grace         time.Duration // how long an interrupted cell may take to stop before the child is replaced; default 1s
	Log           *log.Logger   // the kernel's own log; nil discards
	// Modules builds the evaluators that %go get asks for: programs run
	// with Argv's arguments in place of Argv[0]. Nil means %go get is not
	// available.
	Modules *modules.Builder
}

// Session is one user session: a child process and the declarations to
// restore if it has to be replaced.
type Session struct {
	cfg     Config
	streams *streams

	mu      sync.Mutex
	child   *child
	nextID  uint64
	decls   []ctl.Decl
	values  []string // names statements defined with :=, in order
	cells   []string // the code of the cells that declared something
	closed  bool
	inputFn InputFunc
	inputID uint64
	// gets are what %go get cells asked for, pinned to the versions the
	// child's evaluator has.
	gets []modules.Request
}

// Start starts a session and its child process.
func Start(cfg Config) (*Session, error) {
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = 50 * time.Millisecond
	}
	if cfg.Grace == 0 {
		cfg.Grace = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = log.New(discard{}, "", 0)
	}
	s := &Session{cfg: cfg, streams: newStreams(cfg.Output, cfg.FlushInterval)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.startLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// startLocked starts a fresh child and its read loop.
func (s *Session) startLocked() (*child, error) {
	c, err := startChild(s.cfg.Argv, s.cfg.Env)
	if err != nil {
		return nil, err
	}
	s.child = c
	go c.loop(s.streams, func(ev ctl.Event) { s.handle(c, ev) })
	return c, nil
}

// handle acts on an event from child c, on its read loop.
func (s *Session) handle(c *child, ev ctl.Event) {
	switch ev.Kind {
	case ctl.EvReady:
		close(c.ready)
	case ctl.EvReply:
		s.streams.flush()
		c.deliver(ev)
	case ctl.EvDisplay, ctl.EvClear:
		s.streams.flush()
		s.cfg.Output.Event(s.streams.currentParent(), ev)
	case ctl.EvInput:
		s.streams.flush()
		s.mu.Lock()
		fn, id := s.inputFn, s.inputID
		s.mu.Unlock()
		go func() {
			r := ctl.Request{ID: ev.ID, Op: ctl.OpInput}
			if fn == nil || id != ev.ID {
				r.Err = "standard input is not available"
			} else if v, err := fn(ev.Prompt, ev.Password); err != nil {
				r.Err = err.Error()
			} else {
				r.Value = v
			}
			_ = c.send(r)
		}()
	}
}

// current returns a live child, starting one (and restoring the session
// into it) if the last one died.
func (s *Session) current(ctx context.Context) (*child, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errors.New("session closed")
	}
	c := s.child
	select {
	case <-c.exited:
		var err error
		if c, err = s.startLocked(); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	default:
	}
	s.mu.Unlock()
	select {
	case <-c.ready:
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("the session process failed to start: %s", c.cause)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Request is one cell to evaluate.
type Request struct {
	Code            string
	Name            string // how positions in the cell are shown, e.g. "cell[3]"
	UserExpressions map[string]string
	Input           InputFunc // nil when the front end accepts no input
	// Terminal is set when the front end is a terminal, such as jupyter
	// console, which prints each display once and ignores updates.
	Terminal bool
}

// Reply is the outcome of a cell.
type Reply struct {
	Status          string         // "ok" or "error"
	Error           *ctl.Error     // for "error"
	Result          map[string]any // the trailing expression's bundle, if any
	UserExpressions map[string]any
}

// Execute evaluates a cell and returns its outcome. Output it produces is
// delivered to the Output with parent. Cancelling ctx interrupts the cell;
// if it does not stop within the grace period, the child is replaced.
func (s *Session) Execute(ctx context.Context, req Request, parent any) Reply {
	s.streams.setParent(parent)
	if m, ok := magic.Parse(req.Code); ok {
		switch m.Name {
		case "reset":
			return s.reset(parent)
		case "go":
			return s.goGet(ctx, m, parent)
		}
	}
	c, err := s.current(ctx)
	if err != nil {
		return errorReply("session unavailable", err.Error())
	}
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.inputFn, s.inputID = req.Input, id
	s.mu.Unlock()

	replies := c.expect(id)
	defer c.forget(id)
	if err := c.send(ctl.Request{ID: id, Op: ctl.OpExecute, Code: req.Code, File: req.Name, UserExpressions: req.UserExpressions, AllowStdin: req.Input != nil, Terminal: req.Terminal}); err != nil {
		<-c.exited
		return s.died(c, req.Code)
	}
	select {
	case ev := <-replies:
		return s.finish(ev, req.Code)
	case <-c.exited:
		return s.died(c, req.Code)
	case <-ctx.Done():
	}
	// Interrupted: ask the child to stop the cell, and replace the child
	// if it cannot.
	_ = c.send(ctl.Request{ID: id, Op: ctl.OpInterrupt})
	timer := time.NewTimer(s.cfg.Grace)
	defer timer.Stop()
	select {
	case ev := <-replies:
		return s.finish(ev, req.Code)
	case <-c.exited:
		return s.died(c, req.Code)
	case <-timer.C:
	}
	s.cfg.Log.Printf("interrupted cell did not stop within %v: replacing the session process", s.cfg.Grace)
	c.kill()
	<-c.exited
	r := errorReply("interrupted", "the cell did not stop when interrupted, so the session was restarted")
	s.restart(r.Error)
	return r
}

func errorReply(name, value string) Reply {
	return Reply{Status: "error", Error: &ctl.Error{Name: name, Value: value, Traceback: []string{"\x1b[31m" + name + "\x1b[0m: " + value}}}
}

// finish records what a reply declared and converts it.
func (s *Session) finish(ev ctl.Event, code string) Reply {
	s.mu.Lock()
	s.decls = append(s.decls, ev.Decls...)
	s.values = append(s.values, ev.Values...)
	if len(ev.Decls) > 0 {
		s.cells = append(s.cells, code)
	}
	s.mu.Unlock()
	r := Reply{Status: ev.Status, Error: ev.Error, Result: ev.Result, UserExpressions: ev.UserExpressions}
	if r.Status == "" {
		r.Status = "ok"
	}
	return r
}

// died reports a child that exited while running a cell, and starts a new
// one with the session's declarations.
func (s *Session) died(c *child, code string) Reply {
	c.mu.Lock()
	cause := c.cause
	c.mu.Unlock()
	if strings.HasPrefix(cause, stackOverflow) {
		s.mu.Lock()
		cells := append(slices.Clone(s.cells), code)
		s.mu.Unlock()
		if cycles := cell.CallCycles(cells, code); len(cycles) > 0 {
			cause = fmt.Sprintf("%s: the calls %s repeat without end", stackOverflow, strings.Join(cycles[0], " → "))
			if len(cycles[0]) == 2 {
				cause = fmt.Sprintf("%s: %s calls itself without end", stackOverflow, cycles[0][0])
			}
		}
	}
	r := errorReply("session crashed", cause)
	s.restart(r.Error)
	return r
}

// restart replaces the dead child and restores the declarations into the
// new one, adding what happened to e's traceback.
func (s *Session) restart(e *ctl.Error) {
	c, err := s.current(context.Background())
	if err != nil {
		e.Traceback = append(e.Traceback, "", "The session could not be restarted: "+err.Error())
		return
	}
	had, notes, err := s.restoreInto(c)
	switch {
	case err != nil:
		e.Traceback = append(e.Traceback, "", err.Error())
	case !had:
		e.Traceback = append(e.Traceback, "", "A new session was started.")
	default:
		e.Traceback = append(e.Traceback, "", strings.Join(append([]string{"A new session was started and the declarations of earlier cells were restored."}, notes...), "\n"))
	}
}

// restoreInto re-runs the session's declarations in c, a new child. It
// reports whether there were any, and notes on what the new child lacks:
// values computed by statements, variables back to their initial values,
// declarations that failed.
func (s *Session) restoreInto(c *child) (had bool, notes []string, err error) {
	s.mu.Lock()
	decls := append([]ctl.Decl(nil), s.decls...)
	lost, reset := lostValues(decls, s.values)
	s.values = nil
	s.nextID++
	id := s.nextID
	s.mu.Unlock()
	if len(decls) == 0 {
		return false, nil, nil
	}
	replies := c.expect(id)
	defer c.forget(id)
	if err := c.send(ctl.Request{ID: id, Op: ctl.OpRestore, Decls: decls}); err != nil {
		return true, nil, fmt.Errorf("The declarations of earlier cells could not be restored: %w", err)
	}
	select {
	case ev := <-replies:
		if len(lost) > 0 {
			notes = append(notes, "Lost (computed by statements): "+strings.Join(lost, ", ")+".")
		}
		if len(reset) > 0 {
			notes = append(notes, "Back to their initial values: "+strings.Join(reset, ", ")+".")
		}
		if ev.Error != nil {
			notes = append(notes, "Some could not be restored:\n"+ev.Error.Value)
		}
		return true, notes, nil
	case <-c.exited:
		return true, nil, errors.New("The session crashed again while its declarations were restored.")
	}
}

// lostValues returns the names whose values a restore of decls loses:
// those statements defined (values) and that no declaration restores,
// and the variables declarations restore to their initial values.
func lostValues(decls []ctl.Decl, values []string) (lost, reset []string) {
	declared := map[string]bool{}
	for _, d := range decls {
		if d.Kind == "var" {
			reset = append(reset, d.Names...)
		}
		for _, n := range d.Names {
			declared[n] = true
		}
	}
	for _, n := range values {
		if !declared[n] {
			lost = append(lost, n)
		}
	}
	slices.Sort(lost)
	slices.Sort(reset)
	return slices.Compact(lost), slices.Compact(reset)
}

// reset replaces the child by a new one and forgets the session's
// declarations, for %reset.
func (s *Session) reset(parent any) Reply {
	s.mu.Lock()
	c := s.child
	s.decls, s.values, s.cells = nil, nil, nil
	s.mu.Unlock()
	c.kill()
	<-c.exited
	if _, err := s.current(context.Background()); err != nil {
		return errorReply("session unavailable", err.Error())
	}
	s.cfg.Output.Stream(parent, "stdout", "A new session was started: nothing is declared.\n")
	return Reply{Status: "ok"}
}

// Interrupt stops the goroutines earlier cells left running, when no cell
// runs (cancel Execute's context to interrupt a running cell). What it
// stopped is written to standard error, as output of the last cell.
func (s *Session) Interrupt() {
	s.mu.Lock()
	c := s.child
	s.mu.Unlock()
	select {
	case <-c.exited:
	default:
		_ = c.send(ctl.Request{Op: ctl.OpInterrupt})
	}
}

// Close stops the child process.
func (s *Session) Close() error {
	s.mu.Lock()
	s.closed = true
	c := s.child
	s.mu.Unlock()
	c.reqFile.Close() // the child exits when its requests end
	select {
	case <-c.exited:
	case <-time.After(500 * time.Millisecond):
		c.kill()
		<-c.exited
	}
	return nil
}
