package eval

import (
	"context"
	"strings"
	"testing"
	"time"
)

// interrupt runs code as a cell and cancels it after it has run for a
// while; it returns the outcome and the output the cell produced.
func interrupt(t *testing.T, e *Interpreter, name, code string) Outcome {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Outcome, 1)
	go func() { done <- e.Execute(ctx, name, code) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case o := <-done:
		if o.Err == nil || o.Err.Name != Interrupted {
			t.Fatalf("%q: got %+v, want an interrupted error", code, o.Err)
		}
		return o
	case <-time.After(5 * time.Second):
		t.Fatalf("%q: still running 5s after the interrupt", code)
	}
	return Outcome{}
}

func TestInterruptEveryKindOfCell(t *testing.T) {
	for _, tc := range []struct {
		name, code string
	}{
		{"tight loop", "for {}"},
		{"tight loop in a function", "func spin() { for {} }\nspin()"},
		{"sleep loop", "for {\n\ttime.Sleep(10 * time.Millisecond)\n}"},
		{"long sleep", "time.Sleep(time.Hour)"},
		{"receive", "<-make(chan int)"},
		{"send", "ch := make(chan int)\nch <- 1"},
		{"empty select", "select {}"},
		{"select with timeout", "select {\ncase <-make(chan int):\ncase <-time.After(time.Hour):\n}"},
		{"wait group", "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()"},
		{"mutex", "var mu sync.Mutex\nmu.Lock()\nmu.Lock()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, out := newTest(t)
			if o := e.Execute(context.Background(), "cell[1]", "import (\n\t\"sync\"\n\t\"time\"\n)\nkept := 1"); o.Err != nil {
				t.Fatal(o.Err.Value)
			}
			interrupt(t, e, "cell[2]", tc.code)
			out.Reset()
			o := e.Execute(context.Background(), "cell[3]", "kept")
			if o.Err != nil || o.Result["text/plain"] != "1" {
				t.Fatalf("after the interrupt: %+v %v", o.Err, o.Result)
			}
		})
	}
}

// A top-level loop stuck in a call when interrupted must not resume when
// the next cell runs.
func TestInterruptedLoopDoesNotResume(t *testing.T) {
	for _, block := range []string{"time.Sleep(time.Hour)", "wg.Wait()"} {
		e, out := newTest(t)
		e.Execute(context.Background(), "cell[1]", "import (\n\t\"fmt\"\n\t\"sync\"\n\t\"time\"\n)\nvar wg sync.WaitGroup\nwg.Add(1)")
		interrupt(t, e, "cell[2]", "for i := 0; ; i++ {\n\tfmt.Println(\"tick\", i)\n\t"+block+"\n}")
		out.Reset()
		e.Execute(context.Background(), "cell[3]", "time.Sleep(50 * time.Millisecond)")
		if block == "wg.Wait()" {
			e.Execute(context.Background(), "cell[4]", "wg.Done()\ntime.Sleep(50 * time.Millisecond)")
		}
		if strings.Contains(out.String(), "tick") {
			t.Errorf("%s: the interrupted loop ran again:\n%s", block, out.String())
		}
		// A sleep ends with the interrupt; a wait does not, and the next
		// cell says what it did about it.
		if rebuilt := strings.Contains(out.String(), "the session was rebuilt"); rebuilt != (block == "wg.Wait()") {
			t.Errorf("%s: rebuilt %v, output:\n%s", block, rebuilt, out.String())
		}
	}
}

func TestInterruptStopsBackgroundGoroutines(t *testing.T) {
	e, out := newTest(t)
	steps := []string{
		"import (\n\t\"fmt\"\n\t\"sync/atomic\"\n\t\"time\"\n)\nvar ticks atomic.Int64",
		"for range 2 {\n\tgo func() {\n\t\tfor {\n\t\t\tticks.Add(1)\n\t\t\ttime.Sleep(time.Millisecond)\n\t\t}\n\t}()\n}",
	}
	for i, c := range steps {
		if o := e.Execute(context.Background(), "cell["+string(rune('1'+i))+"]", c); o.Err != nil {
			t.Fatal(o.Err.Value)
		}
	}
	o := interrupt(t, e, "cell[3]", "go func() { for {} }()\nselect {}")
	tb := strings.Join(o.Err.Traceback, "\n")
	if !strings.Contains(tb, "Stopped 3 goroutines (2 started by cell[2], 1 started by cell[3])") {
		t.Errorf("the interrupt does not say what it stopped:\n%s", tb)
	}
	e.Execute(context.Background(), "cell[4]", "before := ticks.Load()\ntime.Sleep(30 * time.Millisecond)\nfmt.Println(ticks.Load() - before)")
	if got := out.String(); got != "0\n" {
		t.Errorf("background goroutines still run after the interrupt: %q more ticks", got)
	}

	// With no cell running, an interrupt stops what earlier cells left.
	e.Execute(context.Background(), "cell[5]", "go func() { for {} }()\ngo func() { time.Sleep(time.Hour) }()")
	report := e.StopGoroutines()
	if want := "Stopped 2 goroutines (2 started by cell[5])."; strings.Join(report, "\n") != want {
		t.Errorf("StopGoroutines() = %q, want %q", report, want)
	}
	if n := e.StopGoroutines(); n != nil {
		t.Errorf("a second StopGoroutines() = %q, want nothing", n)
	}
}
