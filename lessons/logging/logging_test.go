package logging

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/internal/safebuf"
)

// capture directs the log to a buffer for the test.
func capture(t *testing.T) *safebuf.Buffer {
	t.Helper()
	var b safebuf.Buffer
	old := SetOutput(&b)
	t.Cleanup(func() { SetOutput(old) })
	Reset()
	return &b
}

func TestLinesNameTheirGoroutine(t *testing.T) {
	out := capture(t)
	Info("Main started")
	var threads []*Thread
	for _, word := range []string{"TWO", "THREE"} {
		threads = append(threads, Go("", func() { Infof("%s received", word) }))
	}
	named := Go("Worker", func() { Info("named") })
	for _, th := range append(threads, named) {
		if err := th.Join(); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan bool)
	go func() { Info("anonymous"); done <- true }()
	<-done
	Info("Main Ended")

	line := regexp.MustCompile(`^\d\d:\d\d:\d\d:([^:]+):(.*)$`)
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not in the time:goroutine:message shape", l)
		}
		got[m[2]] = m[1]
	}
	want := map[string]string{"Main started": MainName, "Main Ended": MainName, "named": "Worker", "anonymous": "Goroutine-1"}
	for msg, name := range want {
		if got[msg] != name {
			t.Errorf("%q logged by %q, want %q", msg, got[msg], name)
		}
	}
	if a, b := got["TWO received"], got["THREE received"]; a == b || !strings.HasPrefix(a, "Thread-") || !strings.HasPrefix(b, "Thread-") {
		t.Errorf("threads named %q and %q, want two distinct Thread-N", a, b)
	}
}

func TestEvents(t *testing.T) {
	capture(t)
	th := Go("sleeper", func() {
		Sleep(10 * time.Millisecond)
		Info("awake")
	})
	th.Join()
	var kinds []string
	for _, ev := range Events() {
		if ev.Goroutine == "sleeper" {
			kinds = append(kinds, ev.Kind.String())
		}
	}
	if got, want := strings.Join(kinds, " "), "started sleeping running log finished"; got != want {
		t.Errorf("events of the goroutine: %s, want %s", got, want)
	}
}

func TestPanicEndsOnlyTheGoroutine(t *testing.T) {
	capture(t)
	err := Go("boom", func() { panic("oops") }).Join()
	if err == nil || !strings.Contains(err.Error(), "boom panicked: oops") {
		t.Fatalf("Join() = %v", err)
	}
}
