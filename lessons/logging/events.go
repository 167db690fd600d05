package logging

import (
	"strconv"
	"time"
)

// Kind is what an Event records.
type Kind int

// Kinds of events. A goroutine is running from Started or any Running
// event until it sleeps, blocks, waits or finishes.
const (
	Log      Kind = iota // a log line, in Message
	Started              // the goroutine started
	Running              // it runs again after sleeping, blocking or waiting
	Sleeping             // it sleeps (Message: for how long)
	Blocked              // it blocks in a call that keeps its thread (a lock, a join, a blocking call in an event loop)
	Waiting              // it waits without holding a thread (an idle worker, a task awaiting)
	Finished             // it ended (Message: how, when it panicked)
)

var kindNames = [...]string{"log", "started", "running", "sleeping", "blocked", "waiting", "finished"}

// String returns the kind's name, e.g. "sleeping".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing that happened to a named goroutine.
type Event struct {
	Time      time.Time
	Goroutine string
	Kind      Kind
	Message   string
}

// maxEvents bounds the events kept; older ones are dropped first.
const maxEvents = 1 << 20

func (l *logger) record(ev Event) {
	if len(l.events) >= maxEvents {
		l.events = append(l.events[:0], l.events[maxEvents/2:]...)
	}
	l.events = append(l.events, ev)
}

// state records a change of state of the calling goroutine.
func (l *logger) state(k Kind, msg string) {
	name := l.name(goid())
	l.mu.Lock()
	l.record(Event{Time: time.Now(), Goroutine: name, Kind: k, Message: msg})
	l.mu.Unlock()
}

// Record records a change of state of the calling goroutine; the lesson
// runtime's pools and event loops call it, and cells may too.
func Record(k Kind, msg string) { std.state(k, msg) }

// RecordFor records an event of the goroutine, worker or task called name.
func RecordFor(name string, k Kind, msg string) {
	std.mu.Lock()
	std.record(Event{Time: time.Now(), Goroutine: name, Kind: k, Message: msg})
	std.mu.Unlock()
}

// Events returns the events recorded since the last Reset, oldest first.
func Events() []Event {
	std.mu.Lock()
	defer std.mu.Unlock()
	return append([]Event(nil), std.events...)
}

// Reset forgets the events recorded so far and restarts the numbering of
// goroutines named by Go and on sight.
func Reset() {
	std.mu.Lock()
	defer std.mu.Unlock()
	std.events = nil
	std.threads, std.others = 0, 0
}

// Finish records that the calling goroutine has ended, if it is known by
// a name (it wrote a line or recorded a change of state), and forgets the
// name. The kernel calls it as a goroutine started by a cell's go
// statement returns, so that timelines show where such goroutines end.
func Finish() {
	id := goid()
	std.mu.Lock()
	name, ok := std.names[id]
	if ok && name != MainName {
		std.record(Event{Time: time.Now(), Goroutine: name, Kind: Finished})
	}
	std.mu.Unlock()
	if ok {
		std.forget(id)
	}
}
