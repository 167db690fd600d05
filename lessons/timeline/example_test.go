package timeline_test

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/timeline"
)

// start is the time of the made-up events of the examples.
var start = time.Date(2024, 3, 1, 23, 10, 13, 0, time.UTC)

// at returns an event sec seconds after start.
func at(sec float64, name string, k logging.Kind, msg string) logging.Event {
	return logging.Event{Time: start.Add(time.Duration(sec * float64(time.Second))), Goroutine: name, Kind: k, Message: msg}
}

// pool are the events of a pool of two workers taking five jobs of 2 to 6
// seconds in turn, while the main goroutine waits for them.
var pool = func() []logging.Event {
	const w0, w1 = "ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1"
	return []logging.Event{
		at(0, w0, logging.Started, ""),
		at(0, w0, logging.Running, "task 1"),
		at(0, w1, logging.Started, ""),
		at(0, w1, logging.Running, "task 2"),
		at(0, "MainThread", logging.Blocked, "shutdown ThreadPoolExecutor-0"),
		at(0.1, w0, logging.Sleeping, "2s"),
		at(0.1, w1, logging.Sleeping, "3s"),
		at(2.1, w0, logging.Running, "task 3"),
		at(2.2, w0, logging.Sleeping, "4s"),
		at(3.1, w1, logging.Running, "task 4"),
		at(3.2, w1, logging.Sleeping, "5s"),
		at(6.2, w0, logging.Running, "task 5"),
		at(6.3, w0, logging.Sleeping, "6s"),
		at(8.2, w1, logging.Waiting, ""),
		at(12.3, w0, logging.Finished, ""),
		at(12.3, w1, logging.Finished, ""),
		at(12.3, "MainThread", logging.Running, ""),
	}
}()

// A pool of two workers takes five jobs in turn; the text form of the
// timeline shows who slept, waited and was blocked when.
func Example() {
	fmt.Println(timeline.Of(pool).Title("A pool of 2 workers, 5 jobs"))
	// Output:
	// A pool of 2 workers, 5 jobs
	// MainThread             |▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓|
	// ThreadPoolExecutor-0_0 |░░░░░░░░░░█░░░░░░░░░░░░░░░░░░░█░░░░░░░░░░░░░░░░░░░░░░░░░░░░░|
	// ThreadPoolExecutor-0_1 |░░░░░░░░░░░░░░░█░░░░░░░░░░░░░░░░░░░░░░░░▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒|
	//                         0                                                     12.3 s
	// █ running  ░ sleeping  ▓ blocked  ▒ waiting
}

// Rows are what the pictures are drawn from: the spans of each row's
// states, and its log lines and end as marks.
func ExampleTimeline_Rows() {
	for _, r := range timeline.Of(pool).Rows()[1:2] {
		fmt.Println(r.Name)
		for _, s := range r.Spans {
			fmt.Printf("  %-8v %4.1f–%4.1f s  %s\n", s.Kind, s.Start.Seconds(), s.End.Seconds(), s.Message)
		}
		fmt.Println("  finished:", r.Finished())
	}
	// Output:
	// ThreadPoolExecutor-0_0
	//   running   0.0– 0.1 s  task 1
	//   sleeping  0.1– 2.1 s  2s
	//   running   2.1– 2.2 s  task 3
	//   sleeping  2.2– 6.2 s  4s
	//   running   6.2– 6.3 s  task 5
	//   sleeping  6.3–12.3 s  6s
	//   finished: true
}

// The SVG form is what a notebook shows: a labelled row per goroutine.
func ExampleTimeline_SVG() {
	svg := timeline.Of(pool).Title("A pool of 2 workers").SVG()
	fmt.Println(strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" width="800"`))
	fmt.Println("row labels:", strings.Count(svg, `class="name"`))
	fmt.Println("sleeping bars:", strings.Count(svg, `class="sleeping"`))
	fmt.Println("axis:", strings.Contains(svg, "time (s)"))
	// Output:
	// true
	// row labels: 3
	// sleeping bars: 5
	// axis: true
}

// As a cell's last expression a timeline shows itself as SVG, or as text
// where only text is shown.
func ExampleTimeline_MIMEBundle() {
	var types []string
	for t := range timeline.Of(pool).MIMEBundle() {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Println(types)
	// Output:
	// [image/svg+xml text/html text/plain]
}

// Now draws what the runtime recorded: here two threads that slept at
// once while the main goroutine joined them.
func ExampleNow() {
	defer logging.SetOutput(logging.SetOutput(io.Discard))
	logging.Reset()
	began := time.Now()
	a := logging.Go("", func() { logging.Sleep(20 * time.Millisecond) })
	b := logging.Go("", func() { logging.Sleep(30 * time.Millisecond) })
	a.Join()
	b.Join()

	for _, r := range timeline.Now().Since(began).Rows() {
		fmt.Print(r.Name)
		for _, s := range r.Spans {
			if s.Kind == logging.Sleeping {
				fmt.Print(" slept ", s.Message)
			}
		}
		fmt.Println()
	}
	// Output:
	// MainThread
	// Thread-1 slept 20ms
	// Thread-2 slept 30ms
}

// Bars compares durations, each bar labelled and its value printed.
func ExampleBars() {
	fmt.Println(timeline.Bars("Sorting 1000 lists",
		[]string{"sequential", "pool", "event loop", "processes"},
		[]time.Duration{12100 * time.Millisecond, 3200 * time.Millisecond, 1100 * time.Millisecond, 800 * time.Millisecond}))
	// Output:
	// Sorting 1000 lists
	// sequential ████████████████████████████████████████ 12.1 s
	// pool       ██████████▋ 3.2 s
	// event loop ███▋ 1.1 s
	// processes  ██▋ 0.8 s
}

// NewChart builds a chart a bar at a time, as the measurements come.
func ExampleNewChart() {
	c := timeline.NewChart("Downloading 20 pages")
	c.Add("one by one", 4*time.Second)
	c.Add("8 threads", 520*time.Millisecond)
	fmt.Println(c)
	fmt.Println(c.Value(1))
	// Output:
	// Downloading 20 pages
	// one by one ████████████████████████████████████████ 4 s
	// 8 threads  █████▎ 0.52 s
	// 0.52 s
}
