package race_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/internal/safebuf"
	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/race"
)

// quiet returns a detector that does not print.
func quiet() *race.Detector {
	d := race.New()
	d.Quiet()
	return d
}

// update is the lesson's DbUpdate.update: read the value, sleep, write
// value*value+1, under mu when mu is not nil.
func update(value *race.Int, mu *race.Mutex, pause time.Duration) {
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	v := value.Load()
	time.Sleep(pause)
	value.Store(v*v + 1)
}

// startWith starts n workers running f, as the test case says, and waits
// for them.
type starter func(d *race.Detector, n int, f func())

var starters = map[string]starter{
	"Go and Join": func(d *race.Detector, n int, f func()) {
		var gs []*race.Goroutine
		for i := range n {
			gs = append(gs, d.Go(fmt.Sprintf("ThreadPoolExecutor-0_%d", i), f))
		}
		for _, g := range gs {
			if err := g.Join(); err != nil {
				panic(err)
			}
		}
	},
	"WaitGroup.Go": func(d *race.Detector, n int, f func()) {
		wg := d.WaitGroup()
		for range n {
			wg.Go(f)
		}
		wg.Wait()
	},
	"WaitGroup Add and Done": func(d *race.Detector, n int, f func()) {
		wg := d.WaitGroup()
		for range n {
			wg.Add(1)
			go func() { // a plain go statement: Done and Wait still order it
				defer wg.Done()
				f()
			}()
		}
		wg.Wait()
	},
}

func TestDbUpdate(t *testing.T) {
	for name, start := range starters {
		for _, workers := range []int{5, 10} {
			for _, locked := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d workers/locked=%v", name, workers, locked), func(t *testing.T) {
					d := quiet()
					value := d.Int("db.value", 0)
					var mu *race.Mutex
					if locked {
						mu = d.Mutex()
					}
					start(d, workers, func() { update(value, mu, 5*time.Millisecond) })
					final := value.Load()
					races := d.Races()
					if !locked {
						if len(races) == 0 {
							t.Fatal("no race reported for the unlocked DbUpdate")
						}
						for _, r := range races {
							if r.Name != "db.value" || (r.Current.Kind != race.Write && r.Previous.Kind != race.Write) {
								t.Errorf("not a race on db.value with a write:\n%v", r)
							}
							if r.Current.Goroutine == r.Previous.Goroutine {
								t.Errorf("a race within one goroutine:\n%v", r)
							}
						}
						return
					}
					if len(races) != 0 {
						t.Fatalf("races reported for the locked DbUpdate:\n%s", d.Report())
					}
					want := 0
					for range workers {
						want = want*want + 1
					}
					if final != want {
						t.Errorf("final value %d, want %d", final, want)
					}
					if got := d.Report(); got != "no data races found\n" {
						t.Errorf("Report() = %q", got)
					}
				})
			}
		}
	}
}

func TestCounter(t *testing.T) {
	const n = 50
	t.Run("Add without a lock", func(t *testing.T) {
		d := quiet()
		counter := d.Int("counter", 0)
		starters["WaitGroup.Go"](d, n, func() { counter.Add(1) })
		if len(d.Races()) == 0 {
			t.Fatal("no race reported")
		}
		t.Logf("counter = %d of %d", counter.Load(), n)
	})
	t.Run("read, sleep, write without a lock", func(t *testing.T) {
		d := quiet()
		counter := d.Int("counter", 0)
		starters["Go and Join"](d, n, func() {
			v := counter.Load()
			time.Sleep(time.Millisecond)
			counter.Store(v + 1)
		})
		if len(d.Races()) == 0 {
			t.Fatal("no race reported")
		}
		t.Logf("counter = %d of %d", counter.Load(), n)
	})
	t.Run("every read before any write loses updates", func(t *testing.T) {
		d := quiet()
		counter := d.Int("counter", 0)
		// A barrier the detector does not see makes every goroutine read
		// before any writes, so that the lost updates are certain.
		var read sync.WaitGroup
		read.Add(n)
		starters["Go and Join"](d, n, func() {
			v := counter.Load()
			read.Done()
			read.Wait()
			counter.Store(v + 1)
		})
		if got := counter.Load(); got != 1 {
			t.Errorf("counter = %d, want 1: every goroutine read 0", got)
		}
		kinds := map[string]bool{}
		for _, r := range d.Races() {
			kinds[r.Current.Kind.String()+" after "+r.Previous.Kind.String()] = true
		}
		if !kinds["write after read"] || !kinds["write after write"] {
			t.Errorf("races found: %v, want write after read and write after write", kinds)
		}
	})
	for name, start := range starters {
		t.Run("locked/"+name, func(t *testing.T) {
			d := quiet()
			counter := d.Int("counter", 0)
			mu := d.Mutex()
			start(d, n, func() {
				mu.Lock()
				counter.Add(1)
				mu.Unlock()
			})
			if got := counter.Load(); got != n {
				t.Errorf("counter = %d, want %d", got, n)
			}
			if races := d.Races(); len(races) != 0 {
				t.Errorf("races reported:\n%s", d.Report())
			}
		})
	}
}

// correct are programs whose goroutines synchronise every access to what
// they share: the detector must report nothing.
var correct = map[string]func(d *race.Detector){
	"writes before Go are seen by the child": func(d *race.Detector) {
		x := d.Int("x", 0)
		x.Store(1)
		d.Go("child", func() { x.Store(x.Load() + 1) }).Join()
	},
	"what a child writes is read after Join": func(d *race.Detector) {
		x := d.Int("x", 0)
		g := d.Go("child", func() { x.Store(42) })
		g.Join()
		x.Store(x.Load() + 1)
	},
	"nested goroutines": func(d *race.Detector) {
		x := d.Int("x", 0)
		x.Store(1)
		d.Go("parent", func() {
			x.Store(2)
			d.Go("grandchild", func() { x.Store(x.Load() + 1) }).Join()
			x.Load()
		}).Join()
		x.Store(4)
	},
	"hand-off through an unbuffered channel": func(d *race.Detector) {
		x := d.Value("data", nil)
		ch := d.Chan(0)
		d.Go("producer", func() {
			x.Store([]int{1, 2, 3})
			ch.Send(true)
		})
		ch.Recv()
		x.Store(append(x.Load().([]int), 4))
	},
	"hand-off through a buffered channel": func(d *race.Detector) {
		ch := d.Chan(3)
		done := d.Chan(0)
		vals := make([]*race.Int, 10)
		for i := range vals {
			vals[i] = d.Int(fmt.Sprint("v", i), 0)
		}
		d.Go("consumer", func() {
			for range vals {
				v := ch.Recv().(*race.Int)
				v.Store(v.Load() * 2)
			}
			done.Send(nil)
		})
		for i, v := range vals {
			v.Store(i)
			ch.Send(v)
		}
		done.Recv()
		for _, v := range vals {
			v.Load()
		}
	},
	"an unbuffered receive happens before its send completes": func(d *race.Detector) {
		x := d.Int("x", 0)
		ch := d.Chan(0)
		d.Go("receiver", func() {
			x.Store(1)
			ch.Recv()
		})
		ch.Send(nil)
		x.Store(2)
	},
	"a channel of size 1 as a lock": func(d *race.Detector) {
		x := d.Int("x", 0)
		sem := d.Chan(1)
		wg := d.WaitGroup()
		for range 10 {
			wg.Go(func() {
				sem.Send(nil)
				x.Add(1)
				sem.Recv()
			})
		}
		wg.Wait()
		if x.Load() != 10 {
			panic("lost update under a channel lock")
		}
	},
	"a channel of size 3 limits, each goroutine its own value": func(d *race.Detector) {
		sem := d.Chan(3)
		wg := d.WaitGroup()
		vals := make([]*race.Int, 10)
		for i := range vals {
			vals[i] = d.Int(fmt.Sprint("v", i), 0)
			wg.Go(func() {
				sem.Send(nil)
				vals[i].Add(i)
				sem.Recv()
			})
		}
		wg.Wait()
		for _, v := range vals {
			v.Load()
		}
	},
	"close happens before the receive that sees it": func(d *race.Detector) {
		x := d.Int("x", 0)
		ch := d.Chan(0)
		d.Go("closer", func() {
			x.Store(1)
			ch.Close()
		})
		if _, ok := ch.RecvOK(); ok {
			panic("received from a closed channel")
		}
		x.Store(x.Load() + 1)
	},
	"a pipeline": func(d *race.Detector) {
		nums, squares := d.Chan(0), d.Chan(2)
		sum := d.Int("sum", 0)
		d.Go("generate", func() {
			for i := range 20 {
				nums.Send(i)
			}
			nums.Close()
		})
		d.Go("square", func() {
			for {
				v, ok := nums.RecvOK()
				if !ok {
					break
				}
				squares.Send(v.(int) * v.(int))
			}
			squares.Close()
		})
		for {
			v, ok := squares.RecvOK()
			if !ok {
				break
			}
			sum.Add(v.(int))
		}
	},
	"lock-protected counters": func(d *race.Detector) {
		a, b := d.Int("a", 0), d.Int("b", 0)
		mu := d.Mutex()
		wg := d.WaitGroup()
		for range 20 {
			wg.Go(func() {
				mu.Lock()
				a.Add(1)
				b.Store(a.Load() * 2)
				mu.Unlock()
			})
		}
		wg.Wait()
		a.Load()
		b.Load()
	},
	"readers and writers under an RWMutex": func(d *race.Detector) {
		x := d.Int("x", 0)
		rw := d.RWMutex()
		wg := d.WaitGroup()
		for i := range 20 {
			wg.Go(func() {
				if i%4 == 0 {
					rw.Lock()
					x.Add(1)
					rw.Unlock()
					return
				}
				rw.RLock()
				x.Load()
				rw.RUnlock()
			})
		}
		wg.Wait()
		x.Store(0)
	},
	"Release and Acquire, as a pool would": func(d *race.Detector) {
		// Workers started with plain go statements, unknown to the
		// detector until they access something.
		type task struct {
			f    func()
			done chan struct{}
		}
		tasks := make(chan *task)
		for range 3 {
			go func() {
				for tk := range tasks {
					d.Acquire(tk) // submitted before it runs
					tk.f()
					d.Release(tk) // runs before its result is read
					close(tk.done)
				}
			}()
		}
		x := d.Int("x", 0)
		submit := func(f func()) *task {
			tk := &task{f: f, done: make(chan struct{})}
			d.Release(tk)
			tasks <- tk
			return tk
		}
		x.Store(1)
		var ts []*task
		for i := range 6 {
			y := d.Int(fmt.Sprint("y", i), 0)
			ts = append(ts, submit(func() { y.Store(x.Load() + i) }))
		}
		for _, tk := range ts {
			<-tk.done
			d.Acquire(tk)
			d.Forget(tk)
		}
		close(tasks)
		x.Store(2)
	},
	"Read and Write of a struct field under a lock": func(d *race.Detector) {
		type db struct{ value int }
		var s db
		mu := d.Mutex()
		wg := d.WaitGroup()
		for range 5 {
			wg.Go(func() {
				mu.Lock()
				d.Read("db.value", s.value)
				v := s.value*s.value + 1
				d.Write("db.value", v)
				s.value = v
				mu.Unlock()
			})
		}
		wg.Wait()
		d.Read("db.value", s.value)
	},
	"one goroutine alone": func(d *race.Detector) {
		x := d.Int("x", 0)
		for range 100 {
			x.Add(1)
		}
	},
	"concurrent reads only": func(d *race.Detector) {
		x := d.Int("x", 7)
		x.Store(8)
		wg := d.WaitGroup()
		for range 10 {
			wg.Go(func() { x.Load() })
		}
		wg.Wait()
		x.Store(9)
	},
}

func TestCorrectProgramsReportNothing(t *testing.T) {
	for name, program := range correct {
		t.Run(name, func(t *testing.T) {
			for range 10 { // a few schedules
				d := quiet()
				program(d)
				if races := d.Races(); len(races) != 0 {
					t.Fatalf("false report:\n%s", d.Report())
				}
			}
		})
	}
}

// racy are programs with a data race in every schedule.
var racy = map[string]func(d *race.Detector){
	"parent writes after Go, child reads": func(d *race.Detector) {
		x := d.Int("x", 0)
		g := d.Go("child", func() { x.Load() })
		x.Store(1)
		g.Join()
	},
	"read before Join": func(d *race.Detector) {
		x := d.Int("x", 0)
		g := d.Go("child", func() { x.Store(1) })
		x.Load()
		g.Join()
	},
	"two writers under a read lock": func(d *race.Detector) {
		x := d.Int("x", 0)
		rw := d.RWMutex()
		wg := d.WaitGroup()
		for range 2 {
			wg.Go(func() {
				rw.RLock()
				x.Store(1)
				rw.RUnlock()
			})
		}
		wg.Wait()
	},
	"the sender writes after sending": func(d *race.Detector) {
		x := d.Int("x", 0)
		ch := d.Chan(1)
		g := d.Go("receiver", func() {
			ch.Recv()
			x.Load()
		})
		ch.Send(nil)
		x.Store(1)
		g.Join()
	},
	"different locks": func(d *race.Detector) {
		x := d.Int("x", 0)
		m1, m2 := d.Mutex(), d.Mutex()
		g := d.Go("child", func() {
			m1.Lock()
			x.Add(1)
			m1.Unlock()
		})
		m2.Lock()
		x.Add(1)
		m2.Unlock()
		g.Join()
	},
	"Release without Acquire": func(d *race.Detector) {
		x := d.Int("x", 0)
		done := make(chan bool)
		go func() {
			x.Store(1)
			d.Release("done")
			done <- true
		}()
		<-done
		x.Load() // no Acquire("done")
	},
	"Add with no lock": func(d *race.Detector) {
		x := d.Int("x", 0)
		wg := d.WaitGroup()
		for range 2 {
			wg.Go(func() { x.Add(1) })
		}
		wg.Wait()
	},
	"a value stored and loaded": func(d *race.Detector) {
		x := d.Value("config", "old")
		g := d.Go("reloader", func() { x.Store("new") })
		_ = x.Load()
		g.Join()
	},
	"announced accesses": func(d *race.Detector) {
		g := d.Go("writer", func() { d.Write("balance", 150) })
		d.Read("balance", 100)
		g.Join()
	},
}

func TestRacyProgramsAreReported(t *testing.T) {
	for name, program := range racy {
		t.Run(name, func(t *testing.T) {
			for range 10 {
				d := quiet()
				program(d)
				if len(d.Races()) == 0 {
					t.Fatal("no race reported")
				}
			}
		})
	}
}

func TestReportShape(t *testing.T) {
	d := race.New()
	var out safebuf.Buffer
	d.SetOutput(&out)
	x := d.Int("db.value", 1)
	done := make(chan bool) // orders the accesses for the test; the detector does not see it
	d.Go("ThreadPoolExecutor-0_0", func() {
		x.Load()
		done <- true
	})
	<-done
	g := d.Go("ThreadPoolExecutor-0_1", func() { x.Store(2) })
	g.Join()

	races := d.Races()
	if len(races) != 1 {
		t.Fatalf("%d races, want 1:\n%s", len(races), d.Report())
	}
	r := races[0]
	want := race.Report{
		Name:     "db.value",
		Current:  race.Access{Kind: race.Write, Goroutine: "ThreadPoolExecutor-0_1", Value: 2, Position: r.Current.Position},
		Previous: race.Access{Kind: race.Read, Goroutine: "ThreadPoolExecutor-0_0", Value: 1, Position: r.Previous.Position},
		Count:    1,
	}
	if r != want {
		t.Errorf("race\n%#v\nwant\n%#v", r, want)
	}
	if !strings.HasPrefix(r.Current.Position, "race_test.go:") || !strings.HasPrefix(r.Previous.Position, "race_test.go:") || r.Current.Position == r.Previous.Position {
		t.Errorf("positions %q and %q, want two lines of race_test.go", r.Current.Position, r.Previous.Position)
	}
	text := "==================\n" +
		"WARNING: DATA RACE\n" +
		"Write at value \"db.value\" by goroutine ThreadPoolExecutor-0_1:\n" +
		"  (write of 2)\n" +
		"  " + r.Current.Position + "\n" +
		"\n" +
		"Previous read at value \"db.value\" by goroutine ThreadPoolExecutor-0_0:\n" +
		"  (read of 1)\n" +
		"  " + r.Previous.Position + "\n" +
		"==================\n"
	if got := out.String(); got != text {
		t.Errorf("printed\n%s\nwant\n%s", got, text)
	}
	if got, want := d.Report(), text+"Found 1 data race(s)\n"; got != want {
		t.Errorf("Report() =\n%s\nwant\n%s", got, want)
	}
	if got := d.String(); got != d.Report() {
		t.Errorf("String() = %q, want Report()", got)
	}
}

func TestEachRaceIsPrintedOnce(t *testing.T) {
	d := race.New()
	var out safebuf.Buffer
	d.SetOutput(&out)
	counter := d.Int("counter", 0)
	wg := d.WaitGroup()
	for range 10 {
		wg.Go(func() {
			for range 100 {
				counter.Add(1)
			}
		})
	}
	wg.Wait()
	races := d.Races()
	printed := strings.Count(out.String(), "WARNING: DATA RACE")
	if printed == 0 || printed != len(races) {
		t.Fatalf("printed %d reports, %d races", printed, len(races))
	}
	// One line of code: a read and a write, so at most three pairs.
	if len(races) > 3 {
		t.Errorf("%d reports for one line of code:\n%s", len(races), d.Report())
	}
	total := 0
	for _, r := range races {
		total += r.Count
	}
	if total <= len(races) {
		t.Errorf("races counted %d times in all; a loop of 1000 racing Adds races more often", total)
	}
	if !strings.Contains(d.Report(), "times)\n") {
		t.Errorf("Report() does not say how often:\n%s", d.Report())
	}
}

func TestQuietAndSetOutput(t *testing.T) {
	d := race.New()
	var out safebuf.Buffer
	if old := d.SetOutput(&out); old == nil {
		t.Error("the default output is nil")
	}
	d.Quiet()
	racy["read before Join"](d)
	if out.String() != "" || len(d.Races()) != 1 {
		t.Errorf("quiet detector printed %q, found %d races", out.String(), len(d.Races()))
	}
}

func TestReset(t *testing.T) {
	d := quiet()
	x := d.Int("x", 0)
	racy["read before Join"](d)
	g := d.Go("writer", func() { x.Store(1) })
	g.Join()
	d.Write("y", 1)
	d.Release("k")
	d.Reset()
	if n := len(d.Races()); n != 0 {
		t.Fatalf("%d races after Reset", n)
	}
	// The write before Reset is forgotten: a read with no ordering to it
	// is no race.
	d.Go("reader", func() {
		x.Load()
		d.Read("y", 1)
	}).Join()
	if n := len(d.Races()); n != 0 {
		t.Fatalf("races with accesses from before Reset:\n%s", d.Report())
	}
	if x.Load() != 1 {
		t.Error("Reset changed a value")
	}

	old := race.Default().SetOutput(nil)
	defer race.Default().SetOutput(old)
	race.Default().Write("z", 1)
	race.Reset()
	if n := len(race.Default().Races()); n != 0 {
		t.Fatalf("%d races after race.Reset", n)
	}
}

// cells runs each function in a goroutine of its own, one after another,
// named MainThread as the goroutines running cells are; nothing the
// detector sees orders them.
func cells(fs ...func()) {
	for _, f := range fs {
		done := make(chan bool)
		go func() {
			logging.SetName(logging.MainName)
			f()
			done <- true
		}()
		<-done
	}
}

func TestCellsAreOneGoroutine(t *testing.T) {
	d := quiet()
	var x *race.Int
	var g *race.Goroutine
	cells(
		func() { x = d.Int("x", 0); x.Store(1) },
		func() { x.Store(x.Load() + 1) },
		func() { g = d.Go("worker", func() { x.Store(x.Load() * 10) }) },
		func() { g.Join(); x.Load() },
	)
	if races := d.Races(); len(races) != 0 {
		t.Fatalf("races between cells:\n%s", d.Report())
	}
	if x.Load() != 20 {
		t.Errorf("x = %d, want 20", x.Load())
	}
	// A goroutine a cell left running still races with the next cell.
	cells(
		func() { g = d.Go("background", func() { x.Store(0) }) },
		func() { g.Join() },
	)
	cells(
		func() { g = d.Go("late", func() { x.Store(1) }) },
		func() { x.Store(2); g.Join() },
	)
	if len(d.Races()) == 0 {
		t.Error("no race between a goroutine and the cell after the one that started it")
	}
}

func TestChan(t *testing.T) {
	d := quiet()
	ch := d.Chan(2)
	if ch.Cap() != 2 || ch.Len() != 0 {
		t.Errorf("Cap %d Len %d, want 2 and 0", ch.Cap(), ch.Len())
	}
	ch.Send(1)
	ch.Send("two")
	if ch.Len() != 2 {
		t.Errorf("Len %d, want 2", ch.Len())
	}
	ch.Close()
	var got []any
	for {
		v, ok := ch.RecvOK()
		if !ok {
			break
		}
		got = append(got, v)
	}
	if fmt.Sprint(got) != "[1 two]" {
		t.Errorf("received %v, want [1 two] in order", got)
	}
	if v := ch.Recv(); v != nil {
		t.Errorf("Recv on a closed channel = %v", v)
	}
	panics := []struct {
		want string
		f    func()
	}{
		{"send on closed channel", func() { ch.Send(3) }},
		{"close of closed channel", func() { ch.Close() }},
		{"send on closed channel", func() { // waiting on an unbuffered channel when it is closed
			u := d.Chan(0)
			d.Go("closer", func() {
				time.Sleep(10 * time.Millisecond)
				u.Close()
			})
			u.Send(1)
		}},
		{"race: Unlock of unlocked Mutex", func() { d.Mutex().Unlock() }},
		{"race: Unlock of unlocked RWMutex", func() { d.RWMutex().Unlock() }},
		{"race: RUnlock of unlocked RWMutex", func() { d.RWMutex().RUnlock() }},
		{"race: a key of type []int cannot be used", func() { d.Release([]int{1}) }},
		{"race: Chan: size out of range", func() { d.Chan(-1) }},
		{"race: Go of a nil function", func() { d.Go("", nil) }},
	}
	for _, p := range panics {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), p.want) {
					t.Errorf("panic %v, want %s", r, p.want)
				}
			}()
			p.f()
		}()
	}
	if len(d.Races()) != 0 {
		t.Errorf("races:\n%s", d.Report())
	}
}

func TestGoroutine(t *testing.T) {
	d := quiet()
	var name string
	g := d.Go("", func() { name = logging.Name() })
	if err := g.Join(); err != nil {
		t.Fatal(err)
	}
	if name != g.Name() || !strings.HasPrefix(name, "Thread-") {
		t.Errorf("goroutine named %q, Name() %q, want Thread-N", name, g.Name())
	}
	err := d.Go("boom", func() { panic("oops") }).Join()
	if err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("Join() = %v, want the panic", err)
	}
}

func TestValueString(t *testing.T) {
	d := quiet()
	if got := d.Int("counter", 3).String(); got != "counter = 3" {
		t.Errorf("Int.String() = %q", got)
	}
	v := d.Value("name", "Ada")
	if got := v.String(); got != "name = Ada" || v.Name() != "name" {
		t.Errorf("Value.String() = %q, Name() = %q", got, v.Name())
	}
	if race.Read.String() != "read" || race.Write.String() != "write" || race.Kind(7).String() != "kind(7)" {
		t.Error("Kind.String")
	}
	long := race.Report{Name: "s", Current: race.Access{Kind: race.Write, Goroutine: "A", Value: strings.Repeat("x", 100)},
		Previous: race.Access{Kind: race.Write, Goroutine: "B", Value: nil}}
	if s := long.String(); !strings.Contains(s, `(write of "xxxx`) || !strings.Contains(s, `...)`) || !strings.Contains(s, "(write of <nil>)") {
		t.Errorf("report of long and nil values:\n%s", s)
	}
}

// TestConcurrentUse exercises everything at once, for go test -race.
func TestConcurrentUse(t *testing.T) {
	d := race.New()
	var out safebuf.Buffer
	d.SetOutput(&out)
	wg := d.WaitGroup()
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				switch i % 4 {
				case 0:
					correct["a pipeline"](d)
				case 1:
					racy["Add with no lock"](d)
				case 2:
					correct["readers and writers under an RWMutex"](d)
				case 3:
					d.Races()
					_ = d.Report()
				}
			}
		})
	}
	wg.Wait()
	d.Reset()
}

func TestBlockingIsRecorded(t *testing.T) {
	logging.Reset()
	d := quiet()
	mu := d.Mutex()
	ch := d.Chan(0)
	mu.Lock()
	g := d.Go("waiter", func() {
		mu.Lock()
		mu.Unlock()
		ch.Recv()
	})
	// Wait, by the events, until the waiter blocks on the lock, and then
	// on the channel.
	waitFor := func(msg string) {
		for {
			for _, ev := range logging.Events() {
				if ev.Goroutine == "waiter" && ev.Kind == logging.Blocked && ev.Message == msg {
					return
				}
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor("lock")
	mu.Unlock()
	waitFor("receive")
	ch.Send(nil)
	g.Join()
	var kinds []string
	for _, ev := range logging.Events() {
		if ev.Goroutine == "waiter" {
			kinds = append(kinds, ev.Kind.String()+" "+ev.Message)
		}
	}
	if got, want := strings.Join(kinds, ", "), "started , blocked lock, running , blocked receive, running , finished "; got != want {
		t.Errorf("events of the waiter: %s\nwant %s", got, want)
	}
}
