package tasks_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/tasks"
)

// funcs are the functions the test's workers run, by name.
var funcs = map[string]any{
	"square": func(x int) int { return x * x },
	"pid":    func(int) int { return os.Getpid() },
	"fail":   func(msg string) (int, error) { return 0, errors.New(msg) },
	"nap":    func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return os.Getpid() },
}

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

// host starts this test program as a worker; its arguments travel in the
// environment, out of the way of the test flags.
type host struct{}

func (host) Command(args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TASKS_TEST_WORKER="+strings.Join(args, "\x1f"))
	return cmd, nil
}

func (host) Snapshot() ([]byte, error)               { return []byte("declarations"), nil }
func (host) Func(name string) (reflect.Value, error) { return runner{}.Func(name) }

func TestMain(m *testing.M) {
	if args := os.Getenv("TASKS_TEST_WORKER"); args != "" {
		fs := flag.NewFlagSet("worker", flag.ExitOnError)
		url := fs.String("nats", "", "")
		app := fs.String("app", "", "")
		c := fs.Int("c", 1, "")
		fs.Parse(strings.Split(args, "\x1f"))
		if err := tasks.Work(context.Background(), *url, *app, *c, runner{}, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	tasks.SetHost(host{})
	os.Exit(m.Run())
}

func TestTasks(t *testing.T) {
	app, err := tasks.New("test")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	w1, err := app.StartWorker(2)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := app.StartWorker(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fn   string
		args []any
		want any
		err  string
	}{
		{"square", []any{7}, 49, ""},
		{"square", []any{"seven"}, nil, "argument 1 of square is a string, not int"},
		{"fail", []any{"no way"}, nil, "no way"},
		{"nothing", []any{1}, nil, "nothing is not a function"},
	} {
		v, err := app.Task(tc.fn).Delay(tc.args...).GetTimeout(30 * time.Second)
		if v != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s%v: %v, %v; want %v, %q", tc.fn, tc.args, v, err, tc.want, tc.err)
		}
	}
	// Tasks spread over the workers, which are other processes.
	var rs []*tasks.Result
	for i := range 20 {
		rs = append(rs, app.Task("nap").Delay(20+i%3))
	}
	pids := map[any]bool{}
	for _, r := range rs {
		v, err := r.GetTimeout(30 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		pids[v] = true
	}
	if !pids[w1.PID()] || !pids[w2.PID()] || len(pids) != 2 {
		t.Errorf("tasks ran in %v, want both workers %d and %d", pids, w1.PID(), w2.PID())
	}
}

func TestWorkerDiesMidTask(t *testing.T) {
	app, err := tasks.New("redeliver")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	w1, err := app.StartWorker(1)
	if err != nil {
		t.Fatal(err)
	}
	r := app.Task("nap").Delay(1000)
	time.Sleep(300 * time.Millisecond)
	w1.Stop()
	w2, err := app.StartWorker(1)
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.GetTimeout(30 * time.Second)
	if err != nil || v != w2.PID() {
		t.Errorf("the task of a dead worker: %v, %v; want it run by worker %d", v, err, w2.PID())
	}
}

func TestInterruptAndTimeout(t *testing.T) {
	app, err := tasks.New("interrupt")
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	// No worker: the task waits in the queue.
	r := app.Task("square").Delay(3)
	if _, err := r.GetTimeout(50 * time.Millisecond); !errors.Is(err, tasks.ErrTimeout) {
		t.Errorf("GetTimeout with no worker: %v", err)
	}
	tasks.Interrupt()
	if err := r.Err(); !errors.Is(err, tasks.ErrInterrupted) {
		t.Errorf("after Interrupt: %v", err)
	}
}

func TestBadNames(t *testing.T) {
	if _, err := tasks.New("no spaces"); err == nil {
		t.Error("an app name with a space was accepted")
	}
	if _, err := tasks.Connect("x", "nats://127.0.0.1:1"); err == nil {
		t.Error("connected to nothing")
	}
}
