package timeline

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/logging"
)

// base is the time of the synthetic events.
var base = time.Date(2024, 3, 1, 23, 13, 19, 0, time.UTC)

// ev returns an event n milliseconds after base.
func ev(n int, name string, k logging.Kind, msg string) logging.Event {
	return logging.Event{Time: base.Add(time.Duration(n) * time.Millisecond), Goroutine: name, Kind: k, Message: msg}
}

// ms returns n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func span(k logging.Kind, from, to int, msg string) Span {
	return Span{Kind: k, Start: ms(from), End: ms(to), Message: msg}
}

func logAt(at int, msg string) Mark { return Mark{At: ms(at), Kind: logging.Log, Message: msg} }

func endAt(at int, msg string) Mark { return Mark{At: ms(at), Kind: logging.Finished, Message: msg} }

const (
	run   = logging.Running
	sleep = logging.Sleeping
	block = logging.Blocked
	wait  = logging.Waiting
	w0    = "ThreadPoolExecutor-0_0"
	w1    = "ThreadPoolExecutor-0_1"
)

var rowTests = []struct {
	name   string
	events []logging.Event
	want   []Row
}{
	{
		name: "thread sleeps, logs, finishes",
		events: []logging.Event{
			ev(0, "MainThread", logging.Log, "Main started"),
			ev(0, "Thread-1", logging.Started, ""),
			ev(1, "Thread-1", logging.Log, "TWO received"),
			ev(1, "Thread-1", logging.Sleeping, "2s"),
			ev(2001, "Thread-1", logging.Running, ""),
			ev(2001, "Thread-1", logging.Log, "Printing TWO"),
			ev(2002, "Thread-1", logging.Finished, ""),
			ev(2003, "MainThread", logging.Log, "Main Ended"),
		},
		want: []Row{
			{
				Name:  "MainThread",
				Spans: []Span{span(run, 0, 2003, "")},
				Marks: []Mark{logAt(0, "Main started"), logAt(2003, "Main Ended")},
			},
			{
				Name:  "Thread-1",
				Spans: []Span{span(run, 0, 1, ""), span(sleep, 1, 2001, "2s"), span(run, 2001, 2002, "")},
				Marks: []Mark{logAt(1, "TWO received"), logAt(2001, "Printing TWO"), endAt(2002, "")},
			},
		},
	},
	{
		name: "pool of 2 workers taking 5 jobs",
		events: []logging.Event{
			ev(0, w1, logging.Started, ""),
			ev(0, w0, logging.Started, ""),
			ev(0, w0, logging.Running, "task 1"),
			ev(0, w1, logging.Running, "task 2"),
			ev(0, "MainThread", logging.Blocked, "shutdown ThreadPoolExecutor-0"),
			ev(10, w0, logging.Sleeping, "2s"),
			ev(10, w1, logging.Sleeping, "3s"),
			ev(2010, w0, logging.Running, ""),
			ev(2020, w0, logging.Running, "task 3"),
			ev(2030, w0, logging.Sleeping, "4s"),
			ev(3010, w1, logging.Running, ""),
			ev(3020, w1, logging.Running, "task 4"),
			ev(3030, w1, logging.Sleeping, "5s"),
			ev(6030, w0, logging.Running, ""),
			ev(6040, w0, logging.Running, "task 5"),
			ev(6050, w0, logging.Sleeping, "6s"),
			ev(8030, w1, logging.Running, ""),
			ev(8040, w1, logging.Waiting, ""),
			ev(12050, w0, logging.Running, ""),
			ev(12060, w0, logging.Waiting, ""),
			ev(12100, w0, logging.Finished, ""),
			ev(12100, w1, logging.Finished, ""),
			ev(12100, "MainThread", logging.Running, ""),
			ev(12100, "MainThread", logging.Log, "done"),
		},
		want: []Row{
			{
				Name:  "MainThread",
				Spans: []Span{span(block, 0, 12100, "shutdown ThreadPoolExecutor-0")},
				Marks: []Mark{logAt(12100, "done")},
			},
			{
				Name: w0,
				Spans: []Span{
					span(run, 0, 10, "task 1"),
					span(sleep, 10, 2010, "2s"),
					span(run, 2010, 2020, "task 1"),
					span(run, 2020, 2030, "task 3"),
					span(sleep, 2030, 6030, "4s"),
					span(run, 6030, 6040, "task 3"),
					span(run, 6040, 6050, "task 5"),
					span(sleep, 6050, 12050, "6s"),
					span(run, 12050, 12060, "task 5"),
					span(wait, 12060, 12100, ""),
				},
				Marks: []Mark{endAt(12100, "")},
			},
			{
				Name: w1,
				Spans: []Span{
					span(run, 0, 10, "task 2"),
					span(sleep, 10, 3010, "3s"),
					span(run, 3010, 3020, "task 2"),
					span(run, 3020, 3030, "task 4"),
					span(sleep, 3030, 8030, "5s"),
					span(run, 8030, 8040, "task 4"),
					span(wait, 8040, 12100, ""),
				},
				Marks: []Mark{endAt(12100, "")},
			},
		},
	},
	{
		name: "event-loop task waiting",
		events: []logging.Event{
			ev(0, "MainThread", logging.Log, "Main started"),
			ev(0, "Task-1", logging.Started, ""),
			ev(1, "Task-1", logging.Waiting, "await Task-2"),
			ev(1, "Task-2", logging.Started, ""),
			ev(1, "MainThread", logging.Log, "TWO received"),
			ev(2, "Task-2", logging.Waiting, "sleep 1s"),
			ev(1002, "Task-2", logging.Running, ""),
			ev(1002, "MainThread", logging.Log, "Printing TWO"),
			ev(1003, "Task-2", logging.Finished, ""),
			ev(1003, "Task-1", logging.Running, ""),
			ev(1003, "MainThread", logging.Log, "Main Ended"),
			ev(1004, "Task-1", logging.Finished, ""),
		},
		want: []Row{
			{
				Name:  "MainThread",
				Spans: []Span{span(run, 0, 1004, "")},
				Marks: []Mark{logAt(0, "Main started"), logAt(1, "TWO received"), logAt(1002, "Printing TWO"), logAt(1003, "Main Ended")},
			},
			{
				Name:  "Task-1",
				Spans: []Span{span(run, 0, 1, ""), span(wait, 1, 1003, "await Task-2"), span(run, 1003, 1004, "")},
				Marks: []Mark{endAt(1004, "")},
			},
			{
				Name:  "Task-2",
				Spans: []Span{span(run, 1, 2, ""), span(wait, 2, 1002, "sleep 1s"), span(run, 1002, 1003, "")},
				Marks: []Mark{endAt(1003, "")},
			},
		},
	},
	{
		name: "row without Finished goes on to the end",
		events: []logging.Event{
			ev(0, "MainThread", logging.Log, "Main started"),
			ev(0, "Thread-1", logging.Started, ""),
			ev(1, "Thread-1", logging.Sleeping, "5s"),
			ev(3000, "MainThread", logging.Log, "Main Ended"),
		},
		want: []Row{
			{
				Name:  "MainThread",
				Spans: []Span{span(run, 0, 3000, "")},
				Marks: []Mark{logAt(0, "Main started"), logAt(3000, "Main Ended")},
			},
			{
				Name:  "Thread-1",
				Spans: []Span{span(run, 0, 1, ""), span(sleep, 1, 3000, "5s")},
			},
		},
	},
	{
		name: "main blocked joining, a panic, a name used twice",
		events: []logging.Event{
			ev(0, "Thread-1", logging.Started, ""),
			ev(0, "MainThread", logging.Blocked, "join Thread-1"),
			ev(5, "Thread-1", logging.Finished, "panic: boom"),
			ev(6, "MainThread", logging.Running, ""),
			ev(20, "Thread-1", logging.Started, ""),
			ev(30, "Thread-1", logging.Finished, ""),
			ev(40, "MainThread", logging.Log, "bye"),
		},
		want: []Row{
			{
				Name:  "MainThread",
				Spans: []Span{span(block, 0, 6, "join Thread-1"), span(run, 6, 40, "")},
				Marks: []Mark{logAt(40, "bye")},
			},
			{
				Name:  "Thread-1",
				Spans: []Span{span(run, 0, 5, ""), span(run, 20, 30, "")},
				Marks: []Mark{endAt(5, "panic: boom"), endAt(30, "")},
			},
		},
	},
	{
		name: "events out of order, numbered rows in order of their numbers",
		events: []logging.Event{
			ev(20, "Thread-10", logging.Finished, ""),
			ev(0, "Thread-10", logging.Started, ""),
			ev(1, "worker", logging.Started, ""),
			ev(2, "Thread-2", logging.Started, ""),
			ev(3, "Thread-2", logging.Finished, ""),
		},
		want: []Row{
			{Name: "Thread-2", Spans: []Span{span(run, 2, 3, "")}, Marks: []Mark{endAt(3, "")}},
			{Name: "worker", Spans: []Span{span(run, 1, 20, "")}},
			{Name: "Thread-10", Spans: []Span{span(run, 0, 20, "")}, Marks: []Mark{endAt(20, "")}},
		},
	},
	{
		name:   "no events",
		events: nil,
		want:   nil,
	},
}

func TestRows(t *testing.T) {
	for _, tt := range rowTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Of(tt.events).Rows()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got rows\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

func TestFinished(t *testing.T) {
	tests := []struct {
		events []logging.Event
		want   bool
	}{
		{[]logging.Event{ev(0, "T", logging.Started, ""), ev(5, "T", logging.Finished, "")}, true},
		{[]logging.Event{ev(0, "T", logging.Started, ""), ev(5, "U", logging.Log, "")}, false},
		{[]logging.Event{ev(0, "T", logging.Started, ""), ev(5, "T", logging.Finished, ""), ev(6, "T", logging.Started, ""), ev(9, "U", logging.Log, "")}, false},
		{[]logging.Event{ev(0, "T", logging.Finished, "panic: boom")}, true},
	}
	for i, tt := range tests {
		if got := Of(tt.events).Rows()[0].Finished(); got != tt.want {
			t.Errorf("%d: Finished() = %v, want %v", i, got, tt.want)
		}
	}
}

// dump formats rows a line per span and mark.
func dump(rows []Row) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\n", r.Name)
		for _, s := range r.Spans {
			fmt.Fprintf(&b, "\t%v %v-%v %q\n", s.Kind, s.Start, s.End, s.Message)
		}
		for _, m := range r.Marks {
			fmt.Fprintf(&b, "\t%v @%v %q\n", m.Kind, m.At, m.Message)
		}
	}
	return b.String()
}

func TestWindow(t *testing.T) {
	events := []logging.Event{
		ev(0, "Thread-1", logging.Started, ""),
		ev(100, "Thread-1", logging.Sleeping, "3s"),
		ev(1000, "Thread-2", logging.Started, ""),
		ev(1500, "Thread-2", logging.Finished, ""),
		ev(3100, "Thread-1", logging.Running, ""),
		ev(3200, "Thread-1", logging.Finished, ""),
	}
	tests := []struct {
		name string
		tl   *Timeline
		dur  time.Duration
		want []Row
	}{
		{
			name: "all",
			tl:   Of(events),
			dur:  ms(3200),
			want: []Row{
				{Name: "Thread-1", Spans: []Span{span(run, 0, 100, ""), span(sleep, 100, 3100, "3s"), span(run, 3100, 3200, "")}, Marks: []Mark{endAt(3200, "")}},
				{Name: "Thread-2", Spans: []Span{span(run, 1000, 1500, "")}, Marks: []Mark{endAt(1500, "")}},
			},
		},
		{
			name: "since",
			tl:   Of(events).Since(base.Add(ms(2000))),
			dur:  ms(1200),
			want: []Row{
				{Name: "Thread-1", Spans: []Span{span(sleep, 0, 1100, "3s"), span(run, 1100, 1200, "")}, Marks: []Mark{endAt(1200, "")}},
			},
		},
		{
			name: "between",
			tl:   Of(events).Between(base.Add(ms(1200)), base.Add(ms(1400))),
			dur:  ms(200),
			want: []Row{
				{Name: "Thread-1", Spans: []Span{span(sleep, 0, 200, "3s")}},
				{Name: "Thread-2", Spans: []Span{span(run, 0, 200, "")}},
			},
		},
		{
			name: "since after the end",
			tl:   Of(events).Since(base.Add(ms(5000))),
			dur:  0,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tl.Duration(); got != tt.dur {
				t.Errorf("Duration() = %v, want %v", got, tt.dur)
			}
			if got := tt.tl.Rows(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got rows\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

// threads is a main goroutine joining two threads and a worker that
// waits, over 6 seconds.
var threads = []logging.Event{
	ev(0, "MainThread", logging.Log, "Main started"),
	ev(0, "Thread-1", logging.Started, ""),
	ev(0, "Thread-1", logging.Log, "TWO received"),
	ev(100, "Thread-2", logging.Started, ""),
	ev(200, "Thread-1", logging.Sleeping, "2s"),
	ev(200, "Thread-2", logging.Sleeping, "5s"),
	ev(300, "MainThread", logging.Blocked, "join Thread-1"),
	ev(2200, "Thread-1", logging.Running, ""),
	ev(2200, "Thread-1", logging.Log, "Printing TWO"),
	ev(2500, "Thread-1", logging.Finished, ""),
	ev(2500, "MainThread", logging.Running, ""),
	ev(2500, "MainThread", logging.Blocked, "join Thread-2"),
	ev(3000, "worker", logging.Started, ""),
	ev(3500, "worker", logging.Waiting, ""),
	ev(4000, "worker", logging.Running, "task 1"),
	ev(5000, "worker", logging.Finished, ""),
	ev(5200, "Thread-2", logging.Running, ""),
	ev(6000, "Thread-2", logging.Finished, ""),
	ev(6000, "MainThread", logging.Running, ""),
	ev(6000, "MainThread", logging.Log, "Main Ended"),
}

func TestString(t *testing.T) {
	got := Of(threads).Title("Threads").String()
	want := `Threads
MainThread |███▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓|
Thread-1   |██░░░░░░░░░░░░░░░░░░░░███                                   |
Thread-2   | █░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░████████|
worker     |                              █████▒▒▒▒▒██████████          |
            0                                                        6 s
█ running  ░ sleeping  ▓ blocked  ▒ waiting`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStringUnits(t *testing.T) {
	tests := []struct {
		tl   *Timeline
		last string // the end of the axis line
	}{
		{Of(threads), " 6 s"},
		{Of(threads).Unit(time.Millisecond), " 6000 ms"},
		{Of(threads).Between(base, base.Add(ms(350))), " 350 ms"},
		{Of(threads).Unit(100 * time.Millisecond), " 60 ×100ms"},
	}
	for _, tt := range tests {
		lines := strings.Split(tt.tl.String(), "\n")
		axis := lines[len(lines)-2]
		if !strings.HasSuffix(axis, tt.last) {
			t.Errorf("axis line %q, want it to end in %q", axis, tt.last)
		}
	}
	if got := Of(nil).String(); got != "(no events)" {
		t.Errorf("empty timeline: %q", got)
	}
}

// svgText returns the text of each element of the SVG document whose
// class is class, failing if the document is not well-formed XML.
func svgText(t *testing.T, svg, class string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var (
		texts []string
		depth int // of the element whose text is read; 0 when none
		level int
		text  strings.Builder
		root  string
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			level++
			if root == "" {
				root = tok.Name.Local
				if tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root element in namespace %q", tok.Name.Space)
				}
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "class" && a.Value == class && depth == 0 {
					depth = level
					text.Reset()
				}
			}
		case xml.CharData:
			if depth > 0 && level == depth {
				text.Write(tok)
			}
		case xml.EndElement:
			if depth > 0 && level == depth {
				texts = append(texts, text.String())
				depth = 0
			}
			level--
		}
	}
	if root != "svg" {
		t.Errorf("root element <%s>, want <svg>", root)
	}
	return texts
}

func TestSVG(t *testing.T) {
	tl := Of(threads).Title("Threads & <locks>")
	svg := tl.SVG()
	names := svgText(t, svg, "name")
	if want := []string{"MainThread", "Thread-1", "Thread-2", "worker"}; !reflect.DeepEqual(names, want) {
		t.Errorf("row labels %q, want %q", names, want)
	}
	if got := svgText(t, svg, "title"); !reflect.DeepEqual(got, []string{"Threads & <locks>"}) {
		t.Errorf("title %q", got)
	}
	for _, class := range []string{"running", "sleeping", "blocked", "waiting", "log", "finished"} {
		if !strings.Contains(svg, `class="`+class+`"`) {
			t.Errorf("no element of class %s", class)
		}
	}
	for _, bad := range []string{"<script", "@import", "href=\"http", "<style"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG contains %s", bad)
		}
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" width="800" `) {
		t.Errorf("SVG starts %.80q", svg)
	}
	if tl.MIMEBundle()["image/svg+xml"] != svg || tl.MIMEBundle()["text/plain"] != tl.String() {
		t.Error("MIMEBundle differs from SVG and String")
	}
}

func TestSVGEscapes(t *testing.T) {
	name := `<Thread & "1">`
	msg := `a<b & 'c' "d" ]]> é`
	long := strings.Repeat("VeryLongGoroutineName", 20)
	tl := Of([]logging.Event{
		ev(0, name, logging.Started, ""),
		ev(1, name, logging.Log, msg),
		ev(2, name, logging.Blocked, "lock <mu>"),
		ev(3, name, logging.Finished, "panic: x < y"),
		ev(3, long, logging.Log, "\x01control"),
	}).Title("<&>")
	svg := tl.SVG()
	names := svgText(t, svg, "name")
	if len(names) != 2 || names[0] != name {
		t.Fatalf("row labels %q, want %q first", names, name)
	}
	if !strings.HasSuffix(names[1], "…") || len(names[1]) >= len(long) {
		t.Errorf("long name not cut: %q", names[1])
	}
	if strings.Contains(svg, name) || strings.Contains(svg, "<b &") || strings.Contains(svg, "<mu>") {
		t.Error("text not escaped")
	}
	for _, want := range []string{"&lt;Thread &amp; &#34;1&#34;&gt;", "a&lt;b &amp; &#39;c&#39;", "&lt;mu&gt;", "x &lt; y", long} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
}

func TestSVGSizes(t *testing.T) {
	var many []logging.Event
	for i := range 150 {
		name := "G-" + strconv.Itoa(i)
		many = append(many, ev(i, name, logging.Started, ""), ev(i+1, name, logging.Finished, ""))
	}
	tests := []struct {
		name string
		tl   *Timeline
		rows int
	}{
		{"empty", Of(nil), 0},
		{"one instant", Of([]logging.Event{ev(0, "MainThread", logging.Log, "hi")}), 1},
		{"many rows", Of(many), maxRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := tt.tl.SVG()
			if n := len(svgText(t, svg, "name")); n != tt.rows {
				t.Errorf("%d row labels, want %d", n, tt.rows)
			}
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
				t.Errorf("SVG has a NaN or Inf:\n%s", svg)
			}
		})
	}
	if s := Of(many).String(); !strings.Contains(s, "… and 50 more rows") {
		t.Errorf("many rows in text:\n%s", s)
	}
}

func TestChart(t *testing.T) {
	labels := []string{"sequential", "pool", "event loop", "processes"}
	values := []time.Duration{12100 * time.Millisecond, 3200 * time.Millisecond, 1100 * time.Millisecond, 800 * time.Millisecond}
	c := Bars("Sorting", labels, values)
	want := `Sorting
sequential ████████████████████████████████████████ 12.1 s
pool       ██████████▋ 3.2 s
event loop ███▋ 1.1 s
processes  ██▋ 0.8 s`
	if got := c.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	svg := c.SVG()
	if got := svgText(t, svg, "label"); !reflect.DeepEqual(got, labels) {
		t.Errorf("labels %q, want %q", got, labels)
	}
	if got, want := svgText(t, svg, "value"), []string{"12.1 s", "3.2 s", "1.1 s", "0.8 s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("values %q, want %q", got, want)
	}
	b := NewChart("Sorting")
	for i := range labels {
		b.Add(labels[i], values[i])
	}
	if b.String() != c.String() || b.SVG() != svg {
		t.Error("NewChart and Add differ from Bars")
	}
	if c.MIMEBundle()["image/svg+xml"] != svg {
		t.Error("MIMEBundle differs from SVG")
	}
}

func TestChartValues(t *testing.T) {
	tests := []struct {
		c    *Chart
		want []string
	}{
		{NewChart("").Add("a", 250*time.Millisecond).Add("b", 5*time.Millisecond), []string{"250 ms", "5 ms"}},
		{NewChart("").Add("a", 1500*time.Microsecond), []string{"1.5 ms"}},
		{NewChart("").Add("a", 12*time.Microsecond), []string{"12 µs"}},
		{NewChart("").Add("a", 0).Add("b", -time.Second), []string{"0 ns", "0 ns"}},
		{NewChart("").Add("a", 90*time.Second).Unit(time.Minute), []string{"1.5 min"}},
		{NewChart("").Add("a", 2*time.Second).Add("b", 1234*time.Microsecond), []string{"2 s", "0.00123 s"}},
	}
	for _, tt := range tests {
		var got []string
		for i := range tt.c.Len() {
			got = append(got, tt.c.Value(i))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("values %q, want %q", got, tt.want)
		}
		svgText(t, tt.c.SVG(), "value")
	}
	if got := NewChart("").String(); got != "(no bars)" {
		t.Errorf("empty chart: %q", got)
	}
	svgText(t, NewChart("nothing yet").SVG(), "label")
}

func TestBarsPanicsOnMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Bars("", []string{"a", "b"}, []time.Duration{1})
}

func TestFormatNum(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {12.06, "12.1"}, {3.2, "3.2"}, {0.8, "0.8"}, {1234.4, "1234"},
		{9.996, "10"}, {0.012345, "0.0123"}, {6, "6"}, {-2.5, "-2.5"},
	}
	for _, tt := range tests {
		if got := formatNum(tt.v); got != tt.want {
			t.Errorf("formatNum(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		span     float64
		want     []float64
		decimals int
	}{
		{6, []float64{0, 1, 2, 3, 4, 5, 6}, 0},
		{12.1, []float64{0, 2, 4, 6, 8, 10, 12}, 0},
		{3, []float64{0, 0.5, 1, 1.5, 2, 2.5, 3}, 1},
		{350, []float64{0, 50, 100, 150, 200, 250, 300, 350}, 0},
		{0, []float64{0}, 0},
	}
	for _, tt := range tests {
		got, d := ticks(tt.span, 7)
		if !reflect.DeepEqual(got, tt.want) || d != tt.decimals {
			t.Errorf("ticks(%v) = %v, %d; want %v, %d", tt.span, got, d, tt.want, tt.decimals)
		}
	}
}

// TestNow draws real goroutines: two threads that sleep at once.
func TestNow(t *testing.T) {
	defer logging.SetOutput(logging.SetOutput(io.Discard))
	logging.Reset()
	start := time.Now()
	a := logging.Go("", func() {
		logging.Info("TWO received")
		logging.Sleep(30 * time.Millisecond)
	})
	b := logging.Go("", func() {
		logging.Info("THREE received")
		logging.Sleep(60 * time.Millisecond)
	})
	if err := a.Join(); err != nil {
		t.Fatal(err)
	}
	if err := b.Join(); err != nil {
		t.Fatal(err)
	}
	tl := Now()
	if tl.Start().Before(start) || tl.Duration() < 60*time.Millisecond {
		t.Errorf("timeline from %v for %v", tl.Start().Sub(start), tl.Duration())
	}
	slept := map[string]Span{}
	var names []string
	for _, r := range tl.Rows() {
		names = append(names, r.Name)
		for _, s := range r.Spans {
			if s.Kind == logging.Sleeping {
				slept[r.Name] = s
			}
		}
		if r.Name != logging.MainName && !r.Finished() {
			t.Errorf("%s did not finish", r.Name)
		}
	}
	if want := []string{"MainThread", "Thread-1", "Thread-2"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("rows %q, want %q", names, want)
	}
	if len(slept) != 2 {
		t.Fatalf("sleeping rows: %v", slept)
	}
	one, two := slept["Thread-1"], slept["Thread-2"]
	if one.Message != "30ms" || one.Duration() < 30*time.Millisecond {
		t.Errorf("Thread-1 slept %v (%q)", one.Duration(), one.Message)
	}
	if two.Message != "60ms" || two.Duration() < 60*time.Millisecond {
		t.Errorf("Thread-2 slept %v (%q)", two.Duration(), two.Message)
	}
	if one.End <= two.Start || two.End <= one.Start {
		t.Errorf("the sleeps do not overlap: %v-%v and %v-%v", one.Start, one.End, two.Start, two.End)
	}
	if n := len(svgText(t, tl.SVG(), "name")); n != 3 {
		t.Errorf("%d row labels in the SVG, want 3", n)
	}
	if got := strings.Count(tl.String(), "\n"); got != 4 {
		t.Errorf("text of %d lines:\n%s", got+1, tl.String())
	}
}

// TestLabelsFit checks that labels in capitals or Cyrillic are kept whole
// when they fit, and cut with an ellipsis within the label column when
// they do not.
func TestLabelsFit(t *testing.T) {
	for _, tc := range []struct {
		label string
		whole bool
	}{
		{"горутины, GOMAXPROCS=1", true},
		{"SEQUENTIAL MERGE SORT", true},
		{"процессы, Map с ThumbJob и очень длинным названием, которое не помещается", false},
	} {
		svg := NewChart("t").Add(tc.label, time.Second).SVG()
		if tc.whole && (!strings.Contains(svg, ">"+tc.label+"<") || strings.Contains(svg, "…")) {
			t.Errorf("label %q not shown whole:\n%s", tc.label, svg)
		}
		if !tc.whole && !strings.Contains(svg, "…") {
			t.Errorf("label %q cut without an ellipsis", tc.label)
		}
	}
}
