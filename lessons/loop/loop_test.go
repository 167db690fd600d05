package loop_test

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/internal/safebuf"
	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/loop"
)

// unit is the lessons' second, shortened.
const unit = 20 * time.Millisecond

var words = map[int]string{1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}

var timePrefix = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d:`)

// lines returns the lines logged so far, without their times.
func lines(s *safebuf.Buffer) []string {
	out := strings.TrimSpace(timePrefix.ReplaceAllString(s.String(), ""))
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// capture directs the log to a buffer for the test, and checks that the
// test leaves no goroutine behind.
func capture(t *testing.T) *safebuf.Buffer {
	t.Helper()
	var b safebuf.Buffer
	old := logging.SetOutput(&b)
	logging.Reset()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		logging.SetOutput(old)
		if t.Failed() {
			return
		}
		// Goroutines that have ended may take a moment to go.
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines left running:\n%s", n-before, buf[:runtime.Stack(buf, true)])
		}
	})
	return &b
}

func equal(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("log:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// delayMessage is the lessons' delay_message coroutine; blocking makes it
// sleep with time.Sleep, which keeps the baton.
func delayMessage(delay int, message string, blocking bool) func(*loop.Context) any {
	return func(ctx *loop.Context) any {
		logging.Infof("%s received", message)
		if blocking {
			time.Sleep(time.Duration(delay) * unit)
		} else if err := ctx.Sleep(time.Duration(delay) * unit); err != nil {
			return err
		}
		logging.Infof("Printing %s", message)
		return message
	}
}

func TestCreateTaskAndAllTasks(t *testing.T) {
	out := capture(t)
	res, err := loop.Run(func(ctx *loop.Context) any {
		logging.Info("Main started")
		logging.Infof("Current registered tasks: %d", len(ctx.AllTasks()))
		logging.Info("Creating tasks")
		t1 := ctx.CreateTask("", delayMessage(2, "TWO", false))
		t2 := ctx.CreateTask("", delayMessage(3, "THREE", false))
		logging.Infof("Current registered tasks: %d", len(ctx.AllTasks()))
		names := []string{}
		for _, task := range ctx.AllTasks() {
			names = append(names, task.Name())
		}
		logging.Infof("Tasks: %s", strings.Join(names, " "))
		r1 := ctx.Await(t1)
		r2 := ctx.Await(t2)
		logging.Infof("Current registered tasks: %d", len(ctx.AllTasks()))
		logging.Info("Main Ended")
		return fmt.Sprint(r1, " ", r2)
	})
	if err != nil || res != "TWO THREE" {
		t.Fatalf("Run = %v, %v; want TWO THREE", res, err)
	}
	equal(t, lines(out), []string{
		"MainThread:Main started",
		"MainThread:Current registered tasks: 1",
		"MainThread:Creating tasks",
		"MainThread:Current registered tasks: 3",
		"MainThread:Tasks: Task-1 Task-2 Task-3",
		"MainThread:TWO received",
		"MainThread:THREE received",
		"MainThread:Printing TWO",
		"MainThread:Printing THREE",
		"MainThread:Current registered tasks: 1",
		"MainThread:Main Ended",
	})
}

func TestGather(t *testing.T) {
	tests := []struct {
		name     string
		blocking int // the delay of the message that sleeps with time.Sleep
		want     []string
	}{
		{"cooperative", 0, []string{
			"ONE received", "TWO received", "THREE received", "FOUR received", "FIVE received",
			"Printing ONE", "Printing TWO", "Printing THREE", "Printing FOUR", "Printing FIVE",
		}},
		// A blocking call keeps the baton: nothing else runs until it
		// returns, and the sleepers it delayed then all wake at once.
		{"THREE blocks", 3, []string{
			"ONE received", "TWO received", "THREE received", "Printing THREE",
			"FOUR received", "FIVE received",
			"Printing ONE", "Printing TWO", "Printing FOUR", "Printing FIVE",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := capture(t)
			res, err := loop.Run(func(ctx *loop.Context) any {
				logging.Info("Main started")
				var coros []func(*loop.Context) any
				for i := 1; i <= 5; i++ {
					coros = append(coros, delayMessage(i, words[i], i == tt.blocking))
				}
				res := ctx.Gather(coros...)
				logging.Info("Main Ended")
				return res
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(res); got != "[ONE TWO THREE FOUR FIVE]" {
				t.Errorf("results %s, want in the order of the coroutines", got)
			}
			want := []string{"MainThread:Main started"}
			for _, w := range tt.want {
				want = append(want, "MainThread:"+w)
			}
			equal(t, lines(out), append(want, "MainThread:Main Ended"))
		})
	}
}

func TestGatherErrors(t *testing.T) {
	boom := errors.New("boom")
	coros := []func(*loop.Context) any{
		func(ctx *loop.Context) any { ctx.Sleep(2 * unit); return "slow" },
		func(ctx *loop.Context) any { ctx.Sleep(unit); return boom },
		func(ctx *loop.Context) any { return 3 },
	}
	tests := []struct {
		returnErrors bool
		want         string
	}{
		{true, "[slow boom 3] <nil>"},
		{false, "[] boom"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("returnErrors=", tt.returnErrors), func(t *testing.T) {
			capture(t)
			res, err := loop.Run(func(ctx *loop.Context) any {
				res, err := ctx.GatherErr(tt.returnErrors, coros...)
				return fmt.Sprint(res, " ", err)
			})
			if err != nil || res != tt.want {
				t.Errorf("got %v, %v; want %s", res, err, tt.want)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	// release lets the function of the executor case return once its task
	// has been cancelled.
	var release chan bool
	tests := []struct {
		name      string
		coro      func(ctx *loop.Context) any
		wantLog   []string
		wantRes   any
		cancelled bool
	}{
		{
			name: "handled",
			coro: func(ctx *loop.Context) any {
				if err := ctx.Sleep(time.Hour); errors.Is(err, loop.ErrCancelled) {
					logging.Info("I was cancelled!")
					return 111
				}
				return 0
			},
			wantLog: []string{"MainThread:I was cancelled!"},
			wantRes: 111,
		},
		{
			name: "returned",
			coro: func(ctx *loop.Context) any {
				for {
					if err := ctx.Yield(); err != nil {
						logging.Infof("Cancelled: %v", err)
						return err
					}
				}
			},
			wantLog:   []string{"MainThread:Cancelled: Task-2: cancelled"},
			cancelled: true,
		},
		{
			name: "awaiting",
			coro: func(ctx *loop.Context) any {
				// Cancelling a task that awaits cancels the awaited task.
				inner := ctx.CreateTask("inner", func(ctx *loop.Context) any {
					err := ctx.Sleep(time.Hour)
					logging.Infof("inner: %v", err)
					return err
				})
				return ctx.Await(inner)
			},
			wantLog:   []string{"MainThread:inner: inner: cancelled"},
			cancelled: true,
		},
		{
			name: "gathering",
			coro: func(ctx *loop.Context) any {
				_, err := ctx.GatherErr(true,
					func(ctx *loop.Context) any { return ctx.Sleep(time.Hour) },
					func(ctx *loop.Context) any { return ctx.Sleep(time.Hour) },
				)
				logging.Infof("gather: %v", err)
				return err
			},
			wantLog:   []string{"MainThread:gather: Task-2: cancelled"},
			cancelled: true,
		},
		{
			name: "executor",
			coro: func(ctx *loop.Context) any {
				_, err := ctx.RunInExecutorErr(func() any { <-release; return nil })
				logging.Infof("executor: %v", err)
				return err
			},
			wantLog:   []string{"MainThread:executor: Task-2: cancelled"},
			cancelled: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := capture(t)
			release = make(chan bool)
			_, err := loop.Run(func(ctx *loop.Context) any {
				defer close(release)
				task := ctx.CreateTask("", tt.coro)
				ctx.Yield()
				ctx.Yield()
				if !task.Cancel() {
					t.Error("Cancel of a running task returned false")
				}
				res, err := ctx.AwaitErr(task)
				if res != tt.wantRes || isCancel(err) != tt.cancelled || task.Cancelled() != tt.cancelled {
					t.Errorf("Await = %v, %v, Cancelled %v; want %v, cancelled %v",
						res, err, task.Cancelled(), tt.wantRes, tt.cancelled)
				}
				if task.Cancel() {
					t.Error("Cancel of an ended task returned true")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			equal(t, lines(out), tt.wantLog)
		})
	}
}

func isCancel(err error) bool { return errors.Is(err, loop.ErrCancelled) }

func TestCancelBeforeStart(t *testing.T) {
	out := capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		task := ctx.CreateTask("", func(ctx *loop.Context) any {
			logging.Info("never")
			return nil
		})
		task.Cancel()
		_, err := ctx.AwaitErr(task)
		logging.Info(err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, lines(out), []string{"MainThread:Task-2: cancelled"})
}

func TestCancelMain(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		ctx.Task().Cancel()
		if !ctx.Cancelled() {
			t.Error("Cancelled is false after Cancel")
		}
		return ctx.Sleep(unit)
	})
	if !isCancel(err) || err.Error() != "Task-1: cancelled" {
		t.Errorf("Run = %v, want Task-1: cancelled", err)
	}
}

// At its end Run cancels the tasks main left, even a task that ignores
// the cancellation.
func TestRunCancelsLeftovers(t *testing.T) {
	out := capture(t)
	res, err := loop.Run(func(ctx *loop.Context) any {
		ctx.CreateTask("polite", func(ctx *loop.Context) any {
			err := ctx.Sleep(time.Hour)
			logging.Infof("polite: %v", err)
			return err
		})
		ctx.CreateTask("stubborn", func(ctx *loop.Context) any {
			for {
				ctx.Sleep(time.Hour) // ignores its error
			}
		})
		ctx.Yield()
		ctx.CreateTask("unstarted", func(ctx *loop.Context) any {
			logging.Info("never")
			return nil
		})
		return "done"
	})
	if err != nil || res != "done" {
		t.Fatalf("Run = %v, %v", res, err)
	}
	equal(t, lines(out), []string{"MainThread:polite: polite: cancelled"})
}

func TestRunInExecutor(t *testing.T) {
	out := capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		ticked := make(chan bool)
		ticker := ctx.CreateTask("ticker", func(ctx *loop.Context) any {
			for i := 1; i <= 3; i++ {
				ctx.Sleep(unit)
				logging.Infof("tick %d", i)
			}
			close(ticked)
			return nil
		})
		// The blocking function waits for the ticker: were the loop
		// blocked while it runs, the ticker could never tick.
		res := ctx.RunInExecutor(func() any {
			<-ticked
			logging.Info("blocking done")
			return 42
		})
		logging.Infof("result %v", res)
		ctx.Await(ticker)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, lines(out), []string{
		"MainThread:tick 1",
		"MainThread:tick 2",
		"MainThread:tick 3",
		"asyncio_0:blocking done",
		"MainThread:result 42",
	})
}

func TestRunInExecutorPanics(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		_, err := ctx.RunInExecutorErr(func() any { panic("boom") })
		if err == nil || err.Error() != "asyncio_0 panicked: boom" {
			t.Errorf("RunInExecutorErr = %v", err)
		}
		// The executor may not suspend.
		_, err = ctx.RunInExecutorErr(func() any { return ctx.Sleep(unit) })
		if err == nil || !strings.Contains(err.Error(), "outside the event loop's running task") {
			t.Errorf("Sleep in the executor: %v", err)
		}
		return ctx.RunInExecutor(func() any { return errors.New("disk full") })
	})
	if err == nil || err.Error() != "disk full" {
		t.Errorf("Run = %v, want disk full", err)
	}
}

func TestAsyncGenerator(t *testing.T) {
	out := capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		other := ctx.CreateTask("", func(ctx *loop.Context) any {
			for _, c := range "abcdefgh" {
				logging.Info(string(c))
				if ctx.Sleep(unit/2) != nil {
					return nil
				}
			}
			return nil
		})
		it := ctx.Generate(func(ctx *loop.Context, yield func(any) bool) {
			for i := range 4 {
				if !yield(i) {
					return
				}
				ctx.Sleep(unit)
			}
		})
		var got []any
		for v, ok := it.Next(); ok; v, ok = it.Next() {
			logging.Info(v)
			got = append(got, v)
		}
		if fmt.Sprint(got) != "[0 1 2 3]" {
			t.Errorf("values %v", got)
		}
		// The generator runs in the task that iterates it.
		if n := len(ctx.AllTasks()); n > 2 {
			t.Errorf("%d tasks, want at most 2", n)
		}

		// Closing stops the generator at its yield.
		stopped := ctx.Generate(func(ctx *loop.Context, yield func(any) bool) {
			for i := 0; ; i++ {
				if !yield(i) {
					ctx.Sleep(unit)
					logging.Info("generator closed")
					return
				}
			}
		})
		stopped.Next()
		stopped.Next()
		stopped.Close()
		if v, ok := stopped.Next(); ok {
			t.Errorf("Next after Close = %v", v)
		}
		other.Cancel()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := lines(out)
	first := slices.Index(lines, "MainThread:0")
	last := slices.Index(lines, "MainThread:3")
	letters := 0
	for _, l := range lines[first+1 : last] {
		if len(l) == len("MainThread:a") && l[len(l)-1] >= 'a' {
			letters++
		}
	}
	if first < 0 || last < 0 || letters == 0 {
		t.Errorf("the other task did not run while the generator slept:\n%s", strings.Join(lines, "\n"))
	}
	if lines[len(lines)-1] != "MainThread:generator closed" {
		t.Errorf("last line %q, want generator closed", lines[len(lines)-1])
	}
}

// An iterator left open is closed when its task ends.
func TestAsyncGeneratorLeftOpen(t *testing.T) {
	out := capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		it := ctx.Generate(func(ctx *loop.Context, yield func(any) bool) {
			defer logging.Info("generator ended")
			for yield(1) {
			}
		})
		it.Next()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, lines(out), []string{"MainThread:generator ended"})
}

func TestTaskCycle(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		var foo, boo *loop.Task
		foo = ctx.CreateTask("foo", func(ctx *loop.Context) any {
			ctx.Sleep(unit)
			return ctx.Await(boo)
		})
		boo = ctx.CreateTask("boo", func(ctx *loop.Context) any {
			return ctx.Await(foo)
		})
		return ctx.Await(foo)
	})
	const want = "task cycle: foo → boo → foo"
	if err == nil || err.Error() != want || !errors.Is(err, loop.ErrCycle) {
		t.Errorf("Run = %v, want %s", err, want)
	}
}

func TestAwaitSelf(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		_, err := ctx.AwaitErr(ctx.Task())
		return err
	})
	if err == nil || err.Error() != "task cycle: Task-1 → Task-1" {
		t.Errorf("Run = %v", err)
	}
}

func TestCoroutineCycle(t *testing.T) {
	capture(t)
	var foo, boo func(ctx *loop.Context) any
	foo = func(ctx *loop.Context) any { return ctx.Call("boo", boo) }
	boo = func(ctx *loop.Context) any { return ctx.Call("foo", foo) }
	_, err := loop.Run(func(ctx *loop.Context) any {
		return ctx.Gather(foo, boo)
	})
	const want = "coroutine cycle: foo → boo → foo"
	if err == nil || err.Error() != want || !errors.Is(err, loop.ErrCycle) {
		t.Errorf("Run = %v, want %s", err, want)
	}
}

func TestCallDepth(t *testing.T) {
	capture(t)
	var count func(n int) func(ctx *loop.Context) any
	count = func(n int) func(ctx *loop.Context) any {
		return func(ctx *loop.Context) any {
			if n == 0 {
				return "bottom"
			}
			return ctx.Call("count", count(n-1))
		}
	}
	tests := []struct {
		depth int
		want  string
	}{
		{loop.MaxCallDepth, "bottom <nil>"},
		{loop.MaxCallDepth + 1, "<nil> coroutine cycle: count → count"},
	}
	for _, tt := range tests {
		res, err := loop.Run(count(tt.depth))
		if got := fmt.Sprint(res, " ", err); got != tt.want {
			t.Errorf("depth %d: %s, want %s", tt.depth, got, tt.want)
		}
	}
}

func TestDeadlock(t *testing.T) {
	tests := []struct {
		name string
		main func(ctx *loop.Context) any
		want string
	}{
		{
			name: "event",
			main: func(ctx *loop.Context) any {
				ev := loop.NewEvent()
				return ctx.Await(ctx.CreateTask("", func(ctx *loop.Context) any {
					return ev.Wait(ctx)
				}))
			},
			want: "deadlock: all tasks are waiting: Task-1 awaits Task-2, Task-2 waits for an Event",
		},
		{
			name: "locks",
			main: func(ctx *loop.Context) any {
				a, b := loop.NewLock(), loop.NewLock()
				lockBoth := func(first, second *loop.Lock) func(ctx *loop.Context) any {
					return func(ctx *loop.Context) any {
						if err := first.Lock(ctx); err != nil {
							return err
						}
						defer first.Unlock()
						ctx.Sleep(unit)
						if err := second.Lock(ctx); err != nil {
							return err
						}
						second.Unlock()
						return nil
					}
				}
				return ctx.Gather(lockBoth(a, b), lockBoth(b, a))
			},
			want: "deadlock: all tasks are waiting: Task-1 gathers Task-2, Task-3, " +
				"Task-2 waits for a Lock held by Task-3, Task-3 waits for a Lock held by Task-2",
		},
		{
			name: "queue",
			main: func(ctx *loop.Context) any {
				q := loop.NewQueue(1)
				q.Put(ctx, 1)
				return q.Put(ctx, 2)
			},
			want: "deadlock: all tasks are waiting: Task-1 waits to put into a full Queue (1 items)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			capture(t)
			_, err := loop.Run(tt.main)
			if err == nil || err.Error() != tt.want || !errors.Is(err, loop.ErrDeadlock) {
				t.Errorf("Run = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestPanic(t *testing.T) {
	tests := []struct {
		name    string
		main    func(ctx *loop.Context) any
		want    string
		wantLog []string
	}{
		{
			name: "in main",
			main: func(ctx *loop.Context) any {
				var m map[string]int
				m["x"] = 1
				return nil
			},
			want: "Task-1 panicked: assignment to entry in nil map",
		},
		{
			name: "awaited",
			main: func(ctx *loop.Context) any {
				return ctx.Await(ctx.CreateTask("", func(ctx *loop.Context) any {
					ctx.Sleep(unit)
					panic("boom")
				}))
			},
			want: "Task-2 panicked: boom",
		},
		{
			name: "recovered by main",
			main: func(ctx *loop.Context) any {
				_, err := ctx.AwaitErr(ctx.CreateTask("", func(ctx *loop.Context) any {
					panic(fmt.Errorf("wrapped: %w", loop.ErrNotDone))
				}))
				if !errors.Is(err, loop.ErrNotDone) {
					t.Errorf("the panic's error is not wrapped: %v", err)
				}
				return nil
			},
			want: "<nil>",
		},
		{
			name: "never retrieved",
			main: func(ctx *loop.Context) any {
				ctx.CreateTask("", func(ctx *loop.Context) any { panic("ignored") })
				ctx.CreateTask("", func(ctx *loop.Context) any { return errors.New("failed") })
				ctx.Sleep(unit)
				return nil
			},
			want: "<nil>",
			wantLog: []string{
				"MainThread:Task exception was never retrieved: Task-2 panicked: ignored",
				"MainThread:Task exception was never retrieved: Task-3: failed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := capture(t)
			_, err := loop.Run(tt.main)
			if fmt.Sprint(err) != tt.want {
				t.Errorf("Run = %v, want %s", err, tt.want)
			}
			equal(t, lines(out), tt.wantLog)
		})
	}
}

func TestQueue(t *testing.T) {
	out := capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		q := loop.NewQueue(2)
		worker := func(name string) func(ctx *loop.Context) any {
			return func(ctx *loop.Context) any {
				for {
					v, err := q.Get(ctx)
					if err != nil {
						return err
					}
					ctx.Sleep(unit)
					logging.Infof("%s processed %v", name, v)
					q.TaskDone()
				}
			}
		}
		workers := []*loop.Task{ctx.CreateTask("w1", worker("w1")), ctx.CreateTask("w2", worker("w2"))}
		for i := 1; i <= 4; i++ {
			q.Put(ctx, i)
		}
		q.Join(ctx)
		logging.Info("all processed")
		for _, w := range workers {
			w.Cancel()
		}
		res, err := ctx.GatherTasks(true, workers...)
		if err != nil || !isCancel(res[0].(error)) || !isCancel(res[1].(error)) {
			t.Errorf("workers ended with %v, %v", res, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, lines(out), []string{
		"MainThread:w1 processed 1",
		"MainThread:w2 processed 2",
		"MainThread:w1 processed 3",
		"MainThread:w2 processed 4",
		"MainThread:all processed",
	})
}

func TestLock(t *testing.T) {
	capture(t)
	res, err := loop.Run(func(ctx *loop.Context) any {
		var m loop.Lock
		value := 0
		update := func(ctx *loop.Context) any {
			if err := m.Lock(ctx); err != nil {
				return err
			}
			defer m.Unlock()
			tmp := value*value + 1
			ctx.Sleep(unit) // another task would read the old value here
			value = tmp
			return nil
		}
		ctx.Gather(update, update, update)
		if err := m.Lock(ctx); err != nil {
			return err
		}
		if err := m.Lock(ctx); !errors.Is(err, loop.ErrDeadlock) {
			t.Errorf("second Lock = %v, want a deadlock", err)
		}
		return value
	})
	if err != nil || res != 5 {
		t.Errorf("Run = %v, %v; want 5 (0 → 1 → 2 → 5)", res, err)
	}
}

func TestSuspendOutsideTask(t *testing.T) {
	capture(t)
	var escaped *loop.Context
	_, err := loop.Run(func(ctx *loop.Context) any {
		escaped = ctx
		done := make(chan any)
		go func() {
			defer func() { done <- recover() }()
			ctx.Sleep(unit)
		}()
		if r := fmt.Sprint(<-done); !strings.Contains(r, "outside the event loop's running task") {
			t.Errorf("Sleep in a go statement: %s", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := fmt.Sprint(recover()); !strings.Contains(r, "after Run returned") {
			t.Errorf("Sleep after Run: %s", r)
		}
	}()
	escaped.Sleep(unit)
}

// Each task's timeline is recorded under its name.
func TestEvents(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		ctx.Await(ctx.CreateTask("sleeper", func(ctx *loop.Context) any {
			return ctx.Sleep(unit)
		}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, ev := range logging.Events() {
		got[ev.Goroutine] = append(got[ev.Goroutine], strings.TrimSpace(ev.Kind.String()+" "+ev.Message))
	}
	want := map[string][]string{
		"Task-1":  {"started", "waiting await sleeper", "running", "finished"},
		"sleeper": {"started", "waiting sleep 20ms", "running", "finished"},
	}
	for name, evs := range want {
		if !slices.Equal(got[name], evs) {
			t.Errorf("%s: %q, want %q", name, got[name], evs)
		}
	}
}

func TestResultAndOutsideCancel(t *testing.T) {
	capture(t)
	_, err := loop.Run(func(ctx *loop.Context) any {
		task := ctx.CreateTask("", func(ctx *loop.Context) any {
			return ctx.Sleep(time.Hour)
		})
		if _, err := task.Result(); !errors.Is(err, loop.ErrNotDone) || task.Done() {
			t.Errorf("Result before the end: %v", err)
		}
		// Another goroutine, such as an executor function, may cancel.
		ctx.RunInExecutor(func() any { return task.Cancel() })
		ctx.Yield()
		if _, err := task.Result(); !isCancel(err) || !task.Done() {
			t.Errorf("Result after cancel: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
