package eval

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golessons/golessons/kernel/ctl"
)

// TestWorkerRestoresSnapshot checks what a worker process gets of a
// session: its imports (named ones too), functions and the variables they
// use, declared with their types, but not data the functions do not use.
func TestWorkerRestoresSnapshot(t *testing.T) {
	e, _ := newTest(t)
	for _, code := range []string{
		"import \"fmt\"\nimport s2 \"github.com/golessons/golessons/lessons/sites\"\nimport \"github.com/golessons/golessons/lessons/procs\"\nvar _ = procs.New",
		"server, _ := s2.Start(0, 10)\nbig := make([]int, 1000)\ncounter := 0\n" +
			"func name(u string) string { return server.Name(u) }\nfunc bump() int { counter++; return counter }\nfunc show(x int) string { return fmt.Sprint(x) }",
	} {
		if o := e.Execute(context.Background(), "cell", code); o.Err != nil {
			t.Fatal(o.Err)
		}
	}
	data, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"var server *s2.Server", "var counter int", "func bump()"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("snapshot lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "big") {
		t.Errorf("snapshot declares big, which no function uses:\n%s", data)
	}
	var decls []ctl.Decl
	if err := json.Unmarshal(data, &decls); err != nil {
		t.Fatal(err)
	}
	w, _ := newTest(t)
	if err := w.Restore(context.Background(), decls); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"s2.CPUWork", "bump", "show", "name"} {
		if _, err := w.Func(name); err != nil {
			t.Errorf("worker: %v", err)
		}
	}
	for name, want := range map[string]string{"nothing": "not a function declared in a cell", "fmt.Nope": "not a function of package fmt", "os.Exit": "package os is not imported"} {
		if _, err := w.Func(name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Func(%q): %v, want %q", name, err, want)
		}
	}
	bump, _ := w.Func("bump")
	if got := bump.Call(nil)[0].Int(); got != 1 {
		t.Errorf("bump in the worker: %d, want 1", got)
	}
}

// TestGoStatementsFinishInTimelines checks that a goroutine a cell starts
// with a go statement, and that logs, is recorded as finished.
func TestGoStatementsFinishInTimelines(t *testing.T) {
	runSteps(t, []step{
		{code: "import (\n\t\"fmt\"\n\t\"sync\"\n\t\"time\"\n\t\"github.com/golessons/golessons/lessons/logging\"\n)\nlogging.Reset()\n_ = logging.SetOutput(nil)"},
		{code: "var wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tlogging.Info(\"hello\")\n}()\nwg.Wait()"},
		{code: "finished := false\nfor range 100 {\n\tfor _, ev := range logging.Events() {\n\t\tif ev.Goroutine == \"Goroutine-1\" && ev.Kind == logging.Finished {\n\t\t\tfinished = true\n\t\t}\n\t}\n\tif finished {\n\t\tbreak\n\t}\n\ttime.Sleep(time.Millisecond)\n}\nfmt.Print(finished)", out: "true"},
	})
}

// TestPublishCatchesUp checks that a session publishes nothing for worker
// processes until it imports procs, and then all it declared before.
func TestPublishCatchesUp(t *testing.T) {
	e, _ := newTest(t)
	for _, code := range []string{"n := 3\nfunc triple(x int) int { return n * x }"} {
		if o := e.Execute(context.Background(), "cell", code); o.Err != nil {
			t.Fatal(o.Err)
		}
	}
	if _, err := e.Func("triple"); err == nil {
		t.Error("a session without procs published its functions")
	}
	if o := e.Execute(context.Background(), "cell", "import \"github.com/golessons/golessons/lessons/procs\"\nvar _ = procs.New"); o.Err != nil {
		t.Fatal(o.Err)
	}
	if _, err := e.Func("triple"); err != nil {
		t.Error(err)
	}
	if data, _ := e.Snapshot(); !strings.Contains(string(data), "var n int") {
		t.Errorf("snapshot lacks n:\n%s", data)
	}
}
