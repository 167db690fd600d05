// Package timeline draws pictures of concurrency from the events the
// lesson runtime records (package logging): one row per goroutine, worker
// or task, showing when it ran, slept, was blocked or waited, with its log
// lines as dots; and bar charts comparing how long things took.
//
// A Timeline is shown as an SVG image when it is the last expression of a
// cell, and as a Gantt chart in text where only text is shown:
//
//	logging.Reset()
//	t1 := logging.Go("", func() { logging.Sleep(2 * time.Second) })
//	t2 := logging.Go("", func() { logging.Sleep(3 * time.Second) })
//	t1.Join()
//	t2.Join()
//	timeline.Now().Title("Two threads sleeping at once")
//
// whose text form reads much like
//
//	Two threads sleeping at once
//	MainThread |▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓|
//	Thread-1   |░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░                    |
//	Thread-2   |░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░|
//	            0                                                        3 s
//	░ sleeping  ▓ blocked
//
// The events are kept from the start of the process, or from the last
// logging.Reset: reset at the top of a cell to picture that cell alone, or
// note the time and use Since.
//
// Bars and NewChart make horizontal bar charts of durations, to compare
// the ways of doing the same work:
//
//	timeline.NewChart("Sorting 1000 lists").
//		Add("sequential", seq).
//		Add("processes", par)
//
// Every exported name is usable from interpreted cells.
package timeline

import (
	"sort"
	"strconv"
	"time"

	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/logging"
)

// MainName is the name of a cell's own goroutine; its row comes first.
const MainName = logging.MainName

// A Span is a stretch of time a row spent in one state.
type Span struct {
	// Kind is the state: logging.Running, Sleeping, Blocked or Waiting.
	Kind logging.Kind
	// Start and End are offsets from the start of the timeline.
	Start, End time.Duration
	// Message says more about the state, as the event that began it
	// does: the task a worker runs ("task 3"), how long a sleep is, what
	// a blocked goroutine or a waiting task waits for.
	Message string
}

// Duration returns how long the span lasted.
func (s Span) Duration() time.Duration { return s.End - s.Start }

// A Mark is an instant of a row: a log line (Kind logging.Log) or the
// row's end (Kind logging.Finished, with a message when it ended by a
// panic or a cancellation).
type Mark struct {
	At      time.Duration // offset from the start of the timeline
	Kind    logging.Kind
	Message string
}

// A Row is what happened to one named goroutine, worker or task.
type Row struct {
	Name  string
	Spans []Span // in order of time, not overlapping
	Marks []Mark // in order of time
}

// Finished reports whether the row had ended by the end of the timeline:
// whether it finished after its last span (a name may be used again by a
// later goroutine, which starts the row anew).
func (r Row) Finished() bool {
	for i := len(r.Marks) - 1; i >= 0; i-- {
		if m := r.Marks[i]; m.Kind == logging.Finished {
			return len(r.Spans) == 0 || m.At >= r.Spans[len(r.Spans)-1].End
		}
	}
	return false
}

// A Timeline is a picture of recorded events. Its methods that set
// something (Since, Between, Title, Unit) change the timeline and return
// it, so that they chain.
type Timeline struct {
	events   []logging.Event // sorted by time
	from, to time.Time       // the window; zero when open
	title    string
	unit     time.Duration
}

// Of returns the timeline of events, which need not be in order of time.
func Of(events []logging.Event) *Timeline {
	evs := append([]logging.Event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	return &Timeline{events: evs}
}

// Now returns the timeline of the events recorded so far (since the last
// logging.Reset).
func Now() *Timeline { return Of(logging.Events()) }

// Since limits the timeline to what happened from t on, and makes t its
// start: the axis counts from t. A goroutine asleep at t is shown asleep
// from t.
func (t *Timeline) Since(start time.Time) *Timeline {
	t.from, t.to = start, time.Time{}
	return t
}

// Between limits the timeline to what happened from start to end, which
// become the ends of its axis.
func (t *Timeline) Between(start, end time.Time) *Timeline {
	t.from, t.to = start, end
	return t
}

// Title sets the title drawn above the timeline.
func (t *Timeline) Title(s string) *Timeline {
	t.title = s
	return t
}

// Unit sets the unit of the time axis, such as time.Second or
// time.Millisecond. By default it is chosen from the length of the
// timeline: seconds for a second or more, milliseconds below; Unit(0)
// restores it.
func (t *Timeline) Unit(d time.Duration) *Timeline {
	t.unit = d
	return t
}

// Start returns the time the axis starts from: the start given to Since
// or Between, or else the time of the first event.
func (t *Timeline) Start() time.Time {
	start, _ := t.bounds()
	return start
}

// Duration returns the length of the timeline: from Start to the end
// given to Between, or else to the last event.
func (t *Timeline) Duration() time.Duration {
	start, end := t.bounds()
	return end.Sub(start)
}

// bounds returns the ends of the timeline.
func (t *Timeline) bounds() (start, end time.Time) {
	if len(t.events) > 0 {
		start = t.events[0].Time
		end = t.events[len(t.events)-1].Time
	}
	if !t.from.IsZero() {
		start = t.from
	}
	if !t.to.IsZero() {
		end = t.to
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}

// MIMEBundle shows the timeline as an SVG image, with its text form for
// front ends that show only text.
func (t *Timeline) MIMEBundle() map[string]any {
	return pictureBundle(t.SVG(), t.String())
}

// pictureBundle shows an SVG picture: as HTML too, inline, because
// nbconvert's HTML export strips the elements of image/svg+xml outputs but
// keeps HTML as it is, and front ends prefer the HTML.
func pictureBundle(svg, text string) display.Bundle {
	return display.Bundle{"text/html": "<div>" + svg + "</div>", "image/svg+xml": svg, "text/plain": text}
}

// Rows returns the rows of the timeline: one per goroutine, worker or
// task with something to show within it, in order of first appearance,
// MainThread first, except that rows named alike but for a number at the
// end (Thread-1, Thread-2, ...) are in the order of their numbers.
//
// A row runs from its Started event, or its first log line, until it
// sleeps, blocks, waits or finishes, and again from each Running event; a
// Running event with a message (a pool worker's "task 3") begins a new
// span even when the row was running, and a span after a sleep or a block
// keeps the message of the running span before it. A row that never
// finishes goes on to the end of the timeline.
func (t *Timeline) Rows() []Row {
	start, end := t.bounds()
	type state struct {
		row   *Row
		open  bool // a span is open
		span  Span // the open span, with absolute offsets from start
		label string
	}
	var (
		order []*state
		byKey = map[string]*state{}
	)
	closeSpan := func(s *state, at time.Duration) {
		if !s.open {
			return
		}
		s.open = false
		sp := s.span
		sp.End = at
		// Clip to the window.
		if sp.Start < 0 {
			sp.Start = 0
		}
		if limit := end.Sub(start); sp.End > limit {
			sp.End = limit
		}
		if sp.End > sp.Start {
			s.row.Spans = append(s.row.Spans, sp)
		}
	}
	openSpan := func(s *state, k logging.Kind, at time.Duration, msg string) {
		s.open = true
		s.span = Span{Kind: k, Start: at, Message: msg}
	}
	for _, ev := range t.events {
		if !t.to.IsZero() && ev.Time.After(t.to) {
			break
		}
		s := byKey[ev.Goroutine]
		if s == nil {
			s = &state{row: &Row{Name: ev.Goroutine}}
			byKey[ev.Goroutine] = s
			order = append(order, s)
		}
		at := ev.Time.Sub(start)
		inside := at >= 0
		switch ev.Kind {
		case logging.Log:
			if !s.open {
				openSpan(s, logging.Running, at, s.label)
			}
			if inside {
				s.row.Marks = append(s.row.Marks, Mark{At: at, Kind: ev.Kind, Message: ev.Message})
			}
		case logging.Started:
			closeSpan(s, at)
			s.label = ev.Message
			openSpan(s, logging.Running, at, s.label)
		case logging.Running:
			if s.open && s.span.Kind == logging.Running && ev.Message == "" {
				break // still running the same thing
			}
			closeSpan(s, at)
			if ev.Message != "" {
				s.label = ev.Message
			}
			openSpan(s, logging.Running, at, s.label)
		case logging.Sleeping, logging.Blocked:
			closeSpan(s, at)
			openSpan(s, ev.Kind, at, ev.Message)
		case logging.Waiting:
			closeSpan(s, at)
			s.label = ""
			openSpan(s, ev.Kind, at, ev.Message)
		case logging.Finished:
			closeSpan(s, at)
			s.label = ""
			if inside {
				s.row.Marks = append(s.row.Marks, Mark{At: at, Kind: ev.Kind, Message: ev.Message})
			}
		}
	}
	for _, s := range order {
		closeSpan(s, end.Sub(start))
	}
	var rows []Row
	for _, s := range order {
		if len(s.row.Spans) == 0 && len(s.row.Marks) == 0 {
			continue
		}
		if s.row.Name == MainName {
			rows = append([]Row{*s.row}, rows...)
		} else {
			rows = append(rows, *s.row)
		}
	}
	byNumber(rows)
	return rows
}

// byNumber puts rows named alike but for a number at the end (Thread-1,
// Thread-2; ThreadPoolExecutor-0_0, ThreadPoolExecutor-0_1) in the order
// of their numbers, in the places they hold: goroutines started one after
// the other may first run in any order, but they are numbered in the
// order the program started them.
func byNumber(rows []Row) {
	places := map[string][]int{}
	var stems []string
	for i, r := range rows {
		stem, _, ok := numbered(r.Name)
		if !ok {
			continue
		}
		if places[stem] == nil {
			stems = append(stems, stem)
		}
		places[stem] = append(places[stem], i)
	}
	for _, stem := range stems {
		at := places[stem]
		if len(at) < 2 {
			continue
		}
		family := make([]Row, len(at))
		for j, i := range at {
			family[j] = rows[i]
		}
		sort.SliceStable(family, func(a, b int) bool {
			_, x, _ := numbered(family[a].Name)
			_, y, _ := numbered(family[b].Name)
			return x < y
		})
		for j, i := range at {
			rows[i] = family[j]
		}
	}
}

// numbered splits a name ending in a number into the rest and the number.
func numbered(name string) (stem string, n int, ok bool) {
	i := len(name)
	for i > 0 && '0' <= name[i-1] && name[i-1] <= '9' {
		i--
	}
	if i == len(name) || len(name)-i > 9 {
		return "", 0, false
	}
	n, _ = strconv.Atoi(name[i:])
	return name[:i], n, true
}
