package session

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golessons/golessons/kernel/ctl"
)

// binary is the kernel built for these tests; its session-child command is
// the child process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "session-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "golessons")
	build := exec.Command("go", "build", "-o", binary, "github.com/golessons/golessons")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// recorder keeps what a session outputs, by parent.
type recorder struct {
	mu     sync.Mutex
	text   map[any]string
	events []ctl.Event
	log    strings.Builder // stdout text and "[display]" in delivery order
}

func (r *recorder) Stream(parent any, name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.text[parent] += text
	if name == "stdout" {
		r.log.WriteString(text)
	}
}

func (r *recorder) Event(parent any, ev ctl.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	r.log.WriteString("[display]")
}

func (r *recorder) output(parent any) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.text[parent]
}

func start(t testing.TB, env ...string) (*Session, *recorder) {
	t.Helper()
	rec := &recorder{text: map[any]string{}}
	s, err := Start(Config{Argv: []string{binary, "session-child"}, Env: append(os.Environ(), env...), Output: rec, FlushInterval: 5 * time.Millisecond, Grace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rec
}

func run(t *testing.T, s *Session, n int, code string) Reply {
	t.Helper()
	return s.Execute(context.Background(), Request{Code: code, Name: fmt.Sprintf("cell[%d]", n)}, n)
}

func TestCrashesAreNamedAndDeclarationsRestored(t *testing.T) {
	s, _ := start(t)
	if r := run(t, s, 1, "const answer = 42\nfunc twice(n int) int { return 2 * n }\ncomputed := 5\nvar counter = 1\ncounter++"); r.Status != "ok" {
		t.Fatalf("declarations: %+v", r.Error)
	}
	for i, c := range []struct{ code, want string }{
		{`go func() { panic("in a goroutine") }()` + "\nimport \"time\"\ntime.Sleep(time.Second)", "in a goroutine"},
		{"func foo(n int) int { return boo(n) + 1 }\nfunc boo(n int) int { return foo(n) + 1 }\nfoo(1)", "stack overflow: the calls foo → boo → foo repeat without end"},
		{"import \"os\"\nos.Exit(3)", "status 3"},
		{"m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j] = i\n\t\t}\n\t}()\n}\nselect {}", "concurrent map"},
	} {
		r := run(t, s, i+2, c.code)
		if r.Status != "error" || r.Error == nil {
			t.Fatalf("%q: status %s, want an error", c.code, r.Status)
		}
		if !strings.Contains(r.Error.Value, c.want) {
			t.Errorf("%q: error %q, want it to mention %q", c.code, r.Error.Value, c.want)
		}
		if i == 1 { // the first crash: the goroutine's panic was caught
			tb := strings.Join(r.Error.Traceback, "\n")
			for _, want := range []string{"Lost (computed by statements): computed.", "Back to their initial values: counter."} {
				if !strings.Contains(tb, want) {
					t.Errorf("the restore message lacks %q:\n%s", want, tb)
				}
			}
		}
		if r := run(t, s, 100+i, "twice(answer)"); r.Status != "ok" || r.Result["text/plain"] != "84" {
			t.Errorf("after %q: %+v %v, want 84", c.code, r.Error, r.Result)
		}
	}
}

func TestOutputOrderAndLateOutput(t *testing.T) {
	s, rec := start(t)
	r := run(t, s, 1, "import (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n)\nfmt.Println(\"out\")\nfmt.Fprintln(os.Stderr, \"err\")\ngo func() { time.Sleep(50 * time.Millisecond); fmt.Println(\"late\") }()")
	if r.Status != "ok" {
		t.Fatal(r.Error)
	}
	if got := rec.output(1); got != "out\nerr\n" {
		t.Errorf("cell 1 output %q", got)
	}
	time.Sleep(200 * time.Millisecond)
	if got := rec.output(1); got != "out\nerr\nlate\n" {
		t.Errorf("late output: cell 1 output %q", got)
	}
}

func TestInterrupt(t *testing.T) {
	s, _ := start(t)
	run(t, s, 1, "kept := 7")
	for _, code := range []string{"for {}", "import \"time\"\ntime.Sleep(time.Hour)"} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		r := s.Execute(ctx, Request{Code: code, Name: "cell[2]"}, 2)
		cancel()
		if r.Status != "error" || r.Error.Name != "interrupted" {
			t.Errorf("%q: %+v, want interrupted", code, r.Error)
		}
	}
	if r := run(t, s, 3, "1 + 1"); r.Result["text/plain"] != "2" {
		t.Errorf("after interrupts: %+v %v", r.Error, r.Result)
	}
}

func TestDisplayKeepsItsPlaceInOutput(t *testing.T) {
	s, rec := start(t)
	code := "import (\n\t\"fmt\"\n\t\"github.com/golessons/golessons/lessons/display\"\n)\n" +
		"for i := 0; i < 200; i++ {\n\tfmt.Print(\"a\")\n\tdisplay.Show(display.Text(\"x\"))\n\tfmt.Print(\"b\")\n}"
	if r := run(t, s, 1, code); r.Status != "ok" {
		t.Fatal(r.Error)
	}
	rec.mu.Lock()
	got := rec.log.String()
	rec.mu.Unlock()
	if want := strings.Repeat("a[display]b", 200); got != want {
		t.Errorf("order of output and displays:\n got %.200q\nwant %.200q", got, want)
	}
	if strings.Contains(rec.output(1), "fence") {
		t.Error("a fence marker reached the output")
	}
}

func TestMemoryLimit(t *testing.T) {
	s, _ := start(t, "GOLESSONS_MEMORY_LIMIT=300")
	run(t, s, 1, "const kept = 1")
	r := run(t, s, 2, "var hoard [][]byte\nfor {\n\tb := make([]byte, 1<<20)\n\tfor i := 0; i < len(b); i += 4096 {\n\t\tb[i] = 1\n\t}\n\thoard = append(hoard, b)\n}")
	if r.Status != "error" || !strings.Contains(r.Error.Value, "out of memory") || !strings.Contains(r.Error.Value, "limit of 300 MiB") {
		t.Fatalf("got %+v, want an out-of-memory error", r.Error)
	}
	if r := run(t, s, 3, "kept"); r.Result["text/plain"] != "1" {
		t.Errorf("after the limit: %+v %v", r.Error, r.Result)
	}
}

func TestInterruptWhenIdleStopsGoroutines(t *testing.T) {
	s, rec := start(t)
	r := run(t, s, 1, "import (\n\t\"fmt\"\n\t\"time\"\n)\ngo func() {\n\tfor {\n\t\tfmt.Print(\".\")\n\t\ttime.Sleep(5 * time.Millisecond)\n\t}\n}()")
	if r.Status != "ok" {
		t.Fatal(r.Error)
	}
	time.Sleep(50 * time.Millisecond)
	s.Interrupt()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(rec.output(1), "Stopped 1 goroutine (1 started by cell[1]).") {
		if time.Now().After(deadline) {
			t.Fatalf("no report of the stopped goroutine in %q", rec.output(1))
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := rec.output(1)
	time.Sleep(100 * time.Millisecond)
	if after := rec.output(1); after != before {
		t.Errorf("the goroutine still prints after the interrupt: %q", after[len(before):])
	}
}

func TestResetForgetsTheSession(t *testing.T) {
	s, rec := start(t)
	run(t, s, 1, "const kept = 1\nx := 2")
	if r := run(t, s, 2, "%reset"); r.Status != "ok" {
		t.Fatalf("%%reset: %+v", r.Error)
	}
	if got := rec.output(2); got != "A new session was started: nothing is declared.\n" {
		t.Errorf("%%reset said %q", got)
	}
	if r := run(t, s, 3, "kept"); r.Status != "error" || !strings.Contains(r.Error.Value, "undefined: kept") {
		t.Errorf("after %%reset: %+v %v", r.Error, r.Result)
	}
	// A crash after the reset restores nothing from before it.
	run(t, s, 4, "import \"os\"\nos.Exit(1)")
	if r := run(t, s, 5, "kept"); r.Status != "error" {
		t.Errorf("a crash restored what %%reset forgot: %v", r.Result)
	}
}
