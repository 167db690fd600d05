package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/procs"
	"github.com/golessons/golessons/lessons/tasks"
)

// RunChild is the main function of the kernel's child process. It expects
// the descriptors described in package ctl, evaluates the requests it
// reads, and returns when the kernel closes the request pipe.
func RunChild(cfg Config) error {
	for _, fd := range []int{ctl.RequestFD, ctl.EventFD, ctl.StderrFD} {
		unix.CloseOnExec(fd)
	}
	// Non-blocking pipes are served by the runtime's poller: a goroutine
	// waiting for a request parks without holding a thread, and the cell
	// it hands over starts at once.
	for _, fd := range []int{ctl.RequestFD, ctl.EventFD} {
		if err := unix.SetNonblock(fd, true); err != nil {
			return fmt.Errorf("control pipes: %w", err)
		}
	}
	// Standard error for cells is its own pipe; fd 2 is left to the Go
	// runtime, whose crash reports the kernel reads there.
	// The *os.File of fd 2 must stay reachable: its finalizer would close
	// the descriptor, and crash reports with it.
	runtimeStderr := os.Stderr
	defer runtime.KeepAlive(runtimeStderr)
	os.Stderr = os.NewFile(ctl.StderrFD, "stderr")
	log.SetOutput(os.Stderr)
	// The front end may signal the whole process group; interrupts reach
	// this process as requests instead.
	signal.Ignore(syscall.SIGINT)

	// Runaway recursion ends soon, and runaway allocation ends the
	// session before it exhausts the machine.
	debug.SetMaxStack(maxStack)
	limit := memoryLimit()
	debug.SetMemoryLimit(limit / 10 * 9)
	go watchMemory(limit, runtimeStderr)

	events := ctl.NewWriter(os.NewFile(ctl.EventFD, "events"))
	s := &server{events: events}
	s.stdin = &stdin{s: s}
	s.publisher = &publisher{w: events, stdout: os.Stdout, stderr: os.Stderr}
	display.SetPublisher(s.publisher)
	cfg.Stdout, cfg.Stderr, cfg.Stdin = os.Stdout, os.Stderr, s.stdin
	e, err := New(cfg)
	if err != nil {
		return err
	}
	s.interp = e
	procs.SetHost(processHost{e})
	tasks.SetHost(taskHost{e})
	return s.serve(os.NewFile(ctl.RequestFD, "requests"))
}

// server reads requests and runs one execution at a time.
type server struct {
	interp    *Interpreter
	events    *ctl.Writer
	stdin     *stdin
	publisher *publisher

	mu      sync.Mutex
	running *execution
}

// execution is the request being evaluated.
type execution struct {
	id         uint64
	cancel     context.CancelFunc
	ctx        context.Context
	allowStdin bool
	input      chan ctl.Request
}

func (s *server) serve(r io.Reader) error {
	if err := s.events.Write(ctl.Event{Kind: ctl.EvReady}); err != nil {
		return err
	}
	requests := ctl.NewReader(r)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		var req ctl.Request
		if err := requests.Read(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch req.Op {
		case ctl.OpExecute, ctl.OpRestore:
			x, err := s.begin(req)
			if err != nil {
				s.events.Write(ctl.Event{ID: req.ID, Kind: ctl.EvReply, Status: "error", Error: &ctl.Error{Name: "busy", Value: err.Error()}})
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.execute(x, req)
			}()
		case ctl.OpInterrupt:
			// Worker processes stop first: a cell waiting for them
			// then sees its futures fail.
			procs.Interrupt()
			tasks.Interrupt()
			s.mu.Lock()
			running := s.running
			if running != nil {
				running.cancel()
			}
			s.mu.Unlock()
			if running == nil {
				// No cell runs, and none starts before this loop reads
				// the next request: stop what earlier cells left running.
				for _, line := range s.interp.StopGoroutines() {
					fmt.Fprintln(os.Stderr, line)
				}
			}
		case ctl.OpInput:
			s.mu.Lock()
			if x := s.running; x != nil && x.id == req.ID {
				select {
				case x.input <- req:
				default:
				}
			}
			s.mu.Unlock()
		}
	}
}

func (s *server) begin(req ctl.Request) (*execution, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		return nil, fmt.Errorf("request %d arrived while request %d runs", req.ID, s.running.id)
	}
	ctx, cancel := context.WithCancel(context.Background())
	x := &execution{id: req.ID, ctx: ctx, cancel: cancel, allowStdin: req.AllowStdin, input: make(chan ctl.Request, 1)}
	s.running = x
	return x, nil
}

func (s *server) execute(x *execution, req ctl.Request) {
	reply := ctl.Event{ID: req.ID, Kind: ctl.EvReply, Status: "ok"}
	if req.Op == ctl.OpRestore {
		if err := s.interp.Restore(x.ctx, req.Decls); err != nil {
			reply.Status, reply.Error = "error", err
		}
	} else {
		s.publisher.terminal.Store(req.Terminal)
		out := s.interp.Execute(x.ctx, req.File, req.Code)
		reply.Result, reply.Decls, reply.Values = out.Result, out.Decls, out.Values
		if out.Err != nil {
			reply.Status, reply.Error = "error", out.Err
		}
		if len(req.UserExpressions) > 0 {
			reply.UserExpressions = map[string]any{}
			for name, expr := range req.UserExpressions {
				reply.UserExpressions[name] = s.interp.Expression(x.ctx, expr)
			}
		}
	}
	s.mu.Lock()
	s.running = nil
	s.mu.Unlock()
	x.cancel()
	s.events.Write(reply)
}

// stdin is what cells read as standard input: each read that finds no
// buffered data asks the front end for a line.
type stdin struct {
	s   *server
	mu  sync.Mutex
	buf []byte
}

// ErrNoStdin is returned by reads of standard input when the front end
// does not accept input.
var ErrNoStdin = errors.New("standard input is not available: the front end running this cell does not accept input (allow_stdin is false)")

func (in *stdin) Read(p []byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.buf) == 0 {
		in.s.mu.Lock()
		x := in.s.running
		in.s.mu.Unlock()
		if x == nil || !x.allowStdin {
			return 0, ErrNoStdin
		}
		if err := in.s.events.Write(ctl.Event{ID: x.id, Kind: ctl.EvInput}); err != nil {
			return 0, err
		}
		select {
		case <-x.ctx.Done():
			return 0, fmt.Errorf("reading standard input: %w", x.ctx.Err())
		case r := <-x.input:
			if r.Err != "" {
				return 0, errors.New(r.Err)
			}
			in.buf = append(in.buf, r.Value...)
			in.buf = append(in.buf, '\n')
		}
	}
	n := copy(p, in.buf)
	in.buf = in.buf[n:]
	return n, nil
}

// publisher sends display output to the kernel as events, each behind a
// fence in standard output and error so that it keeps its place among
// the cell's prints.
type publisher struct {
	w              *ctl.Writer
	stdout, stderr io.Writer

	mu    sync.Mutex // one fence and its event at a time
	fence uint64

	// terminal is set while a cell from a terminal front end runs.
	terminal atomic.Bool
}

// UpdatesInPlace reports whether the front end of the running cell
// replaces updated displays in place; terminals do not.
func (p *publisher) UpdatesInPlace() bool { return !p.terminal.Load() }

func (p *publisher) send(ev ctl.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fence++
	marker := []byte(ctl.Fence(p.fence))
	if _, err := p.stdout.Write(marker); err != nil {
		return err
	}
	if _, err := p.stderr.Write(marker); err != nil {
		return err
	}
	ev.Fence = p.fence
	return p.w.Write(ev)
}

func (p *publisher) Display(data, metadata map[string]any, id string, update bool) error {
	ev := ctl.Event{Kind: ctl.EvDisplay, Data: data, Metadata: metadata, Update: update}
	if id != "" {
		ev.Transient = map[string]any{"display_id": id}
	}
	return p.send(ev)
}

func (p *publisher) Clear(wait bool) error {
	return p.send(ctl.Event{Kind: ctl.EvClear, Wait: wait})
}

// maxStack bounds a goroutine's stack: interpreted recursion 200,000
// calls deep fits, and endless recursion fails in well under a second.
const maxStack = 256 << 20

// memoryLimit returns how much memory the session may use: the
// GOLESSONS_MEMORY_LIMIT environment variable in MiB, or half the
// machine's memory, at most 8 GiB.
func memoryLimit() int64 {
	if v, err := strconv.ParseInt(os.Getenv("GOLESSONS_MEMORY_LIMIT"), 10, 64); err == nil && v > 0 {
		return v << 20
	}
	var info unix.Sysinfo_t
	limit := int64(8 << 30)
	if unix.Sysinfo(&info) == nil {
		limit = min(limit, int64(info.Totalram)*int64(info.Unit)/2)
	}
	return limit
}

// watchMemory ends the process when its resident memory passes limit,
// writing the cause where the kernel reads crash reports.
func watchMemory(limit int64, crash *os.File) {
	page := int64(os.Getpagesize())
	buf := make([]byte, 128)
	for {
		time.Sleep(50 * time.Millisecond)
		f, err := os.Open("/proc/self/statm")
		if err != nil {
			return
		}
		n, _ := f.Read(buf)
		f.Close()
		fields := strings.Fields(string(buf[:n]))
		if len(fields) < 2 {
			return
		}
		pages, _ := strconv.ParseInt(fields[1], 10, 64)
		if rss := pages * page; rss > limit {
			fmt.Fprintf(crash, "fatal error: out of memory: the session used %d MiB, more than its limit of %d MiB (GOLESSONS_MEMORY_LIMIT)\n", rss>>20, limit>>20)
			os.Exit(2)
		}
	}
}
