package procs_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/procs"
)

// funcs are the functions the test's worker processes run, by name.
var funcs = map[string]any{
	"square": func(x int) int { return x * x },
	"pid":    func() int { return os.Getpid() },
	"exit":   func(code int) int { os.Exit(code); return 0 },
	"fail":   func(msg string) (int, error) { return 0, errors.New(msg) },
	"panic":  func() int { panic("boom") },
	"nap":    func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms },
	"drain": func(in, out *procs.Queue) {
		for {
			x := in.Get().(int)
			out.Put(x + 1)
			in.TaskDone()
		}
	},
}

// runner serves the functions of funcs in a worker process.
type runner struct{}

func (runner) Restore(snapshot []byte) error {
	if string(snapshot) != "declarations" {
		return fmt.Errorf("snapshot %q", snapshot)
	}
	return nil
}

func (runner) Func(name string) (reflect.Value, error) {
	f, ok := funcs[name]
	if !ok {
		return reflect.Value{}, fmt.Errorf("%s is not a function", name)
	}
	return reflect.ValueOf(f), nil
}

// host starts this test program as a worker process.
type host struct{}

func (host) Command() (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PROCS_TEST_WORKER=1")
	return cmd, nil
}

func (host) Snapshot() ([]byte, error)               { return []byte("declarations"), nil }
func (host) Func(name string) (reflect.Value, error) { return runner{}.Func(name) }

func TestMain(m *testing.M) {
	if os.Getenv("PROCS_TEST_WORKER") == "1" {
		if err := procs.Serve(os.NewFile(3, "in"), os.NewFile(4, "out"), runner{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	procs.SetHost(host{})
	os.Exit(m.Run())
}

func TestPool(t *testing.T) {
	p := procs.New(2)
	defer p.Shutdown()
	for _, tc := range []struct {
		fn   string
		args []any
		want any
		err  string
	}{
		{"square", []any{9}, 81, ""},
		{"square", []any{"nine"}, nil, "argument 1 of square is a string, not int"},
		{"square", []any{make(chan int)}, nil, "argument 1 of square is a chan int, not int"},
		{"nothing", nil, nil, "nothing is not a function"},
		{"fail", []any{"bad input"}, nil, "bad input"},
		{"panic", nil, nil, "panic panicked in process"},
		{"exit", []any{3}, nil, "running exit ended: exit status 3"},
		{"square", []any{4}, 16, ""}, // after a crash, a new worker
	} {
		f := p.Submit(tc.fn, tc.args...)
		if got := f.Result(); got != tc.want {
			t.Errorf("%s%v: result %v, want %v", tc.fn, tc.args, got, tc.want)
		}
		if err := f.Err(); (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s%v: error %v, want %q", tc.fn, tc.args, err, tc.err)
		}
	}
}

func TestWorkersAreOtherProcesses(t *testing.T) {
	var fs []*procs.Future
	procs.With(2, func(p *procs.Pool) {
		for range 6 {
			fs = append(fs, p.Submit("nap", 50))
		}
		for range 4 {
			fs = append(fs, p.Submit("pid"))
		}
	})
	pids := map[int]bool{}
	for f := range procs.AsCompleted(fs) {
		if f.Err() != nil {
			t.Fatal(f.Err())
		}
		pids[f.PID()] = true
	}
	if len(pids) != 2 || pids[os.Getpid()] || pids[0] {
		t.Errorf("tasks ran in processes %v, want two workers other than %d", pids, os.Getpid())
	}
}

func TestMapKeepsOrder(t *testing.T) {
	p := procs.New(3)
	defer p.Shutdown()
	got, err := p.Map("square", []int{1, 2, 3, 4, 5, 6, 7})
	if err != nil || !slices.Equal(got, []any{1, 4, 9, 16, 25, 36, 49}) {
		t.Errorf("Map: %v, %v", got, err)
	}
	if _, err := p.Map("square", 3); err == nil {
		t.Error("Map accepted inputs that are not a slice")
	}
}

func TestShutdown(t *testing.T) {
	p := procs.New(1)
	f := p.Submit("nap", 100)
	p.Shutdown()
	if !f.Done() || f.Result() != 100 {
		t.Errorf("after Shutdown: %v", f)
	}
	if err := p.Submit("square", 1).Err(); !errors.Is(err, procs.ErrShutdown) {
		t.Errorf("submit after shutdown: %v", err)
	}
	if pids := p.PIDs(); len(pids) != 0 {
		t.Errorf("workers left: %v", pids)
	}
}

func TestInterrupt(t *testing.T) {
	p := procs.New(2)
	defer p.Shutdown()
	fs := []*procs.Future{p.Submit("nap", 60000), p.Submit("nap", 60000), p.Submit("nap", 60000)}
	for len(p.PIDs()) < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	procs.Interrupt()
	for _, f := range fs {
		if err := f.Err(); !errors.Is(err, procs.ErrInterrupted) {
			t.Errorf("%v: error %v, want ErrInterrupted", f, err)
		}
	}
	if got := p.Submit("square", 5).Result(); got != 25 {
		t.Errorf("after Interrupt: %v", got)
	}
}

func TestQueueAndProcesses(t *testing.T) {
	in, out := procs.NewQueue(), procs.NewQueue()
	for x := range 10 {
		in.Put(x)
	}
	var ws []*procs.Process
	for range 2 {
		ws = append(ws, procs.Start("drain", in, out))
	}
	in.Join()
	sum := 0
	for out.Len() > 0 {
		sum += out.Get().(int)
	}
	if sum != 55 {
		t.Errorf("sum %d, want 55", sum)
	}
	for _, w := range ws {
		if w.PID() == 0 || w.PID() == os.Getpid() || !w.Alive() {
			t.Errorf("%v", w)
		}
		w.Terminate()
		if err := w.Wait(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
			t.Errorf("Wait after Terminate: %v", err)
		}
	}
	if v, ok := out.GetTimeout(10 * time.Millisecond); ok {
		t.Errorf("GetTimeout on an empty queue: %v", v)
	}
}

func TestNoHost(t *testing.T) {
	procs.SetHost(nil)
	defer procs.SetHost(host{})
	if err := procs.New(1).Submit("square", 1).Err(); !errors.Is(err, procs.ErrNoHost) {
		t.Errorf("without a host: %v", err)
	}
}
