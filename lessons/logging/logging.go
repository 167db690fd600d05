// Package logging logs the way the lessons' Python originals do, one line
// per message in the shape time:goroutine:message,
//
//	23:13:19:Thread-2:TWO received
//
// and names goroutines so that the lines say who wrote them: Go starts a
// named goroutine, pools and event loops name theirs, and a cell's own
// goroutine is MainThread.
//
// Every line, and every change of state the runtime sees (a goroutine
// started, sleeping, running again, blocked, finished), is also recorded as
// an Event with its time, for pictures of what happened when.
package logging

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// MainName is the name of the goroutine a cell (or a program's main, or a
// test) runs in.
const MainName = "MainThread"

// TimeFormat is the layout of the time at the start of each line: hours,
// minutes and seconds, as in the lessons' originals.
const TimeFormat = "15:04:05"

// std is the package's state; the functions of the package use it.
var std = newLogger(os.Stdout)

// logger holds the names of goroutines, the output and the events.
type logger struct {
	mu      sync.Mutex
	out     io.Writer
	names   map[uint64]string // goroutine id → name
	threads int               // goroutines named by Go so far
	others  int               // goroutines named on their first line
	events  []Event
}

func newLogger(out io.Writer) *logger {
	return &logger{out: out, names: map[uint64]string{}}
}

// SetOutput directs log lines to w and returns the writer used before.
// The default is standard output; nil silences the lines, which are still
// recorded as events.
func SetOutput(w io.Writer) io.Writer {
	std.mu.Lock()
	defer std.mu.Unlock()
	old := std.out
	std.out = w
	return old
}

// Info logs its arguments, formatted as fmt.Sprint does, as a line of the
// calling goroutine.
func Info(args ...any) { std.log(fmt.Sprint(args...)) }

// Infof logs a message formatted as fmt.Sprintf does.
func Infof(format string, args ...any) { std.log(fmt.Sprintf(format, args...)) }

func (l *logger) log(msg string) {
	now := time.Now()
	name := l.name(goid())
	line := now.Format(TimeFormat) + ":" + name + ":" + msg + "\n"
	l.mu.Lock()
	l.record(Event{Time: now, Goroutine: name, Kind: Log, Message: msg})
	out := l.out
	l.mu.Unlock()
	if out != nil {
		io.WriteString(out, line)
	}
}

// Name returns the name of the calling goroutine.
func Name() string { return std.name(goid()) }

// SetName names the calling goroutine; pools and event loops name their
// goroutines with it.
func SetName(name string) {
	std.mu.Lock()
	std.names[goid()] = name
	std.mu.Unlock()
}

// forget drops the name of the goroutine id, which has ended.
func (l *logger) forget(id uint64) {
	l.mu.Lock()
	delete(l.names, id)
	l.mu.Unlock()
}

// name returns the name of goroutine id, naming it on first sight: a
// cell's goroutine (or a program's or test's main goroutine) is MainName,
// any other goroutine Goroutine-N.
func (l *logger) name(id uint64) string {
	l.mu.Lock()
	name, ok := l.names[id]
	l.mu.Unlock()
	if ok {
		return name
	}
	if isMain() {
		name = MainName
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if name == "" {
		l.others++
		name = "Goroutine-" + strconv.Itoa(l.others)
	}
	if len(l.names) > 100_000 { // ids of goroutines long gone
		clear(l.names)
	}
	l.names[id] = name
	return name
}

// mainFrames are frames found only in the stack of a cell's goroutine, a
// program's main goroutine or a test's goroutine.
var mainFrames = [][]byte{
	[]byte("interp.(*Interpreter).ExecuteWithContext.func1("),
	[]byte("\nmain.main()"),
	[]byte("\ntesting.tRunner("),
	[]byte("\ntesting.runExample("),
}

// isMain reports whether the calling goroutine is a main one.
func isMain() bool {
	buf := make([]byte, 64<<10)
	buf = buf[:runtime.Stack(buf, false)]
	for _, f := range mainFrames {
		if bytes.Contains(buf, f) {
			return true
		}
	}
	return false
}

// goid returns the id of the calling goroutine, as its stack trace shows it.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// Thread is a goroutine started by Go.
type Thread struct {
	name  string
	done  chan struct{}
	value any // what it panicked with, if it did
}

// Go starts f in a new goroutine named name, or Thread-N when name is
// empty, and returns it. A panic in f ends the goroutine, not the program:
// Join returns it as an error.
func Go(name string, f func()) *Thread {
	std.mu.Lock()
	std.threads++
	if name == "" {
		name = "Thread-" + strconv.Itoa(std.threads)
	}
	std.mu.Unlock()
	t := &Thread{name: name, done: make(chan struct{})}
	go func() {
		id := goid()
		std.mu.Lock()
		std.names[id] = name
		std.record(Event{Time: time.Now(), Goroutine: name, Kind: Started})
		std.mu.Unlock()
		defer func() {
			t.value = recover()
			std.mu.Lock()
			ev := Event{Time: time.Now(), Goroutine: name, Kind: Finished}
			if t.value != nil {
				ev.Message = fmt.Sprint("panic: ", t.value)
			}
			std.record(ev)
			std.mu.Unlock()
			std.forget(id)
			close(t.done)
		}()
		f()
	}()
	return t
}

// Name returns the goroutine's name.
func (t *Thread) Name() string { return t.name }

// Join waits for the goroutine to end. It returns an error when the
// goroutine panicked.
func (t *Thread) Join() error {
	std.state(Blocked, "join "+t.name)
	<-t.done
	std.state(Running, "")
	if t.value != nil {
		return fmt.Errorf("%s panicked: %v", t.name, t.value)
	}
	return nil
}

// Alive reports whether the goroutine is still running.
func (t *Thread) Alive() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// Sleep pauses the calling goroutine for d, as time.Sleep does, and
// records that it slept.
func Sleep(d time.Duration) {
	std.state(Sleeping, d.String())
	time.Sleep(d)
	std.state(Running, "")
}
