// Package race finds data races in cells, and runs whole programs under
// Go's own race detector.
//
// Go's race detector (go run -race) cannot see into cells: the interpreter
// that runs them does every memory access of every cell through one
// compiled program. This package is a small race detector of its own that
// works on interpreted code, in the way Go's does: it keeps a vector clock
// per goroutine, learns what happens before what from the synchronisation
// it is shown, and reports two accesses to the same value, at least one of
// them a write, when neither happens before the other. Whether a race is
// reported depends on how the goroutines synchronise, not on how they
// happened to be scheduled: an unsynchronised read-modify-write is
// reported even when no update was lost this time.
//
// A cell makes a detector and the values its goroutines share, and
// synchronises through the detector:
//
//	d := race.New()
//	value := d.Int("db.value", 0)
//	mu := d.Mutex()
//	wg := d.WaitGroup()
//	for range 5 {
//		wg.Go(func() {
//			mu.Lock() // without the lock: a data race
//			v := value.Load()
//			time.Sleep(10 * time.Millisecond)
//			value.Store(v*v + 1)
//			mu.Unlock()
//		})
//	}
//	wg.Wait()
//	fmt.Print(d.Report())
//
// Each race is printed once, as it is found, in the shape of Go's reports,
// with the names package logging gives goroutines:
//
//	==================
//	WARNING: DATA RACE
//	Write at value "db.value" by goroutine Thread-2:
//	  (write of 1)
//
//	Previous read at value "db.value" by goroutine Thread-1:
//	  (read of 0)
//	==================
//
// The detector sees only what goes through it: the values made by Int and
// Value (and accesses announced with Read and Write), and the
// synchronisation of its Mutex, RWMutex, WaitGroup, Chan and Go, and of
// Release and Acquire. A plain sync.Mutex or channel orders goroutines for
// real but not for the detector, which then reports races that are not
// there; a goroutine started with a go statement rather than Go does not
// inherit what its parent did before. The goroutines that run cells are
// one goroutine to the detector, MainThread, since cells run one after
// another.
//
// Release and Acquire tell the detector of synchronisation it cannot see.
// Tasks run by a pool that does not report its own edges, for instance,
// are ordered after what the cell did before submitting them, and before
// what it does once the pool is done, with two keys (one key for both
// would also order the tasks among themselves, and hide their races):
//
//	d.Release("submitted")
//	// submit tasks that each start with d.Acquire("submitted")
//	// and end with d.Release("finished"), and wait for them
//	d.Acquire("finished")
//
// Run runs a complete program under Go's real race detector, for programs
// written as files rather than cells.
package race

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/golessons/golessons/lessons/logging"
)

// Kind says whether an access read or wrote.
type Kind int

// The kinds of access.
const (
	Read  Kind = iota // the access read the value
	Write             // the access wrote the value
)

// String returns "read" or "write".
func (k Kind) String() string {
	switch k {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Access is one side of a data race.
type Access struct {
	Kind      Kind   // whether it read or wrote
	Goroutine string // the name of the goroutine that made it (see logging.Name)
	Value     any    // the value it read or wrote
	Position  string // file:line of the call in compiled code; empty in cells
}

// Report is a data race: two accesses to the value called Name, at least
// one of them a write, neither of which happens before the other.
type Report struct {
	Name     string // the shared value's name
	Current  Access // the access that found the race
	Previous Access // the earlier access it races with
	Count    int    // how many times a race between these two kinds of access (at these positions) was seen
}

// separator frames each report, as in Go's race detector.
const separator = "=================="

// String returns the report in the shape of Go's race detector's.
func (r Report) String() string {
	var b strings.Builder
	b.WriteString(separator + "\nWARNING: DATA RACE\n")
	writeAccess(&b, false, r.Name, r.Current)
	b.WriteString("\n")
	writeAccess(&b, true, r.Name, r.Previous)
	if r.Count > 1 {
		b.WriteString("(seen " + strconv.Itoa(r.Count) + " times)\n")
	}
	b.WriteString(separator + "\n")
	return b.String()
}

func writeAccess(b *strings.Builder, previous bool, name string, a Access) {
	kind := a.Kind.String()
	if previous {
		b.WriteString("Previous " + kind)
	} else {
		b.WriteString(strings.ToUpper(kind[:1]) + kind[1:])
	}
	b.WriteString(" at value " + strconv.Quote(name) + " by goroutine " + a.Goroutine + ":\n")
	b.WriteString("  (" + kind + " of " + formatValue(a.Value) + ")\n")
	if a.Position != "" {
		b.WriteString("  " + a.Position + "\n")
	}
}

// formatValue shows v briefly: strings quoted, long values cut.
func formatValue(v any) string {
	var s string
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	} else {
		s = sprint(v)
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// Detector tracks goroutines, their synchronisation and their accesses to
// shared values, and reports data races. Its methods may be called from
// any goroutine. Make one with New, or use Default.
type Detector struct {
	// watching is set once a shared value is made or an access announced:
	// until then, lesson packages need not report their edges.
	watching atomic.Bool

	mu    sync.Mutex
	gen   uint64             // bumped by Reset; values' histories of older generations are stale
	tids  int                // thread numbers handed out so far (never reused)
	byID  map[uint64]*thread // goroutine id → thread
	main  *thread            // the goroutines that run cells, as one thread
	keys  map[any]vclock     // Release/Acquire
	named map[string]*location
	races []Report
	seen  map[raceKey]int // → index in races
	out   io.Writer       // where new races are printed; nil: nowhere
}

// thread is a goroutine as the detector knows it.
type thread struct {
	tid     int
	name    string
	vc      vclock
	spawned bool // started by Go
}

// location is the access history of one shared value.
type location struct {
	name     string
	gen      uint64
	hasWrite bool
	write    access   // the last write
	reads    []access // the reads since, none of which happens before another
}

// access is one recorded access: who, at which point of its clock.
type access struct {
	kind  Kind
	tid   int
	clock uint64
	who   string
	value any
	pos   string
}

type raceKey struct {
	name           string
	kind, prevKind Kind
	pos, prevPos   string
}

// stdout writes to the standard output of the moment, so that output
// redirected after New (as tests and notebooks do) is followed.
type stdout struct{}

func (stdout) Write(p []byte) (int, error) { return os.Stdout.Write(p) }

// New returns a detector that knows no goroutines yet and prints each new
// race on standard output.
func New() *Detector {
	return &Detector{
		byID:  map[uint64]*thread{},
		keys:  map[any]vclock{},
		named: map[string]*location{},
		seen:  map[raceKey]int{},
		out:   stdout{},
	}
}

var std = New()

// Default returns the package's own detector, the one for lesson
// packages to tell, with Release and Acquire, of synchronisation no
// detector can see (a pool handing a task to a worker, say). A cell whose
// values are shared with such a package's goroutines uses it rather than
// New.
func Default() *Detector { return std }

// Reset resets the default detector, as Detector.Reset does.
func Reset() { std.Reset() }

// Watching reports whether d has shared values or announced accesses to
// watch. Lesson packages (pools) report their happens-before edges to the
// default detector only while it is watching, so that programs that do not
// use it pay nothing.
func (d *Detector) Watching() bool { return d.watching.Load() }

// Reset forgets the races found, the goroutines' clocks, the accesses
// recorded and the keys released, so that a cell can start again with the
// values it made before. It keeps the output.
func (d *Detector) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.byID = map[uint64]*thread{}
	d.main = nil
	d.keys = map[any]vclock{}
	d.named = map[string]*location{}
	d.races = nil
	d.seen = map[raceKey]int{}
}

// SetOutput directs the printing of new races to w, or stops it when w is
// nil, and returns the writer used before. Races are recorded either way.
// The default is standard output.
func (d *Detector) SetOutput(w io.Writer) io.Writer {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.out
	d.out = w
	return old
}

// Quiet stops the printing of races as they are found; Races and Report
// still have them. SetOutput(os.Stdout) prints them again.
func (d *Detector) Quiet() { d.SetOutput(nil) }

// Races returns the races found so far, in the order they were found, one
// for each pair of kinds of access (and positions, in compiled code) on
// each value.
func (d *Detector) Races() []Report {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Report(nil), d.races...)
}

// Report returns every race found so far followed by a count, as Go's
// race detector ends a program, or "no data races found" when there is
// none.
func (d *Detector) Report() string {
	races := d.Races()
	if len(races) == 0 {
		return "no data races found\n"
	}
	var b strings.Builder
	for _, r := range races {
		b.WriteString(r.String())
	}
	b.WriteString("Found " + strconv.Itoa(len(races)) + " data race(s)\n")
	return b.String()
}

// String returns Report(), so that a detector shown at the end of a cell
// says what it found.
func (d *Detector) String() string { return d.Report() }

// maxThreads bounds the goroutines remembered that were not started by
// Go; beyond it they are forgotten (and would start afresh).
const maxThreads = 100_000

// lock finds the calling goroutine's thread, meeting it on first sight,
// and returns it with d.mu held.
func (d *Detector) lock() *thread {
	id := goid()
	d.mu.Lock()
	if t := d.byID[id]; t != nil {
		return t
	}
	d.mu.Unlock()
	name := logging.Name()
	d.mu.Lock()
	if t := d.byID[id]; t != nil {
		return t
	}
	var t *thread
	if name == logging.MainName && d.main != nil {
		t = d.main
	} else {
		t = d.newThread(name)
		t.vc.set(t.tid, 1)
		if name == logging.MainName {
			d.main = t
		}
	}
	if len(d.byID) >= maxThreads {
		for id, t := range d.byID {
			if !t.spawned && t != d.main {
				delete(d.byID, id)
			}
		}
	}
	d.byID[id] = t
	return t
}

// newThread returns a thread with a new number; d.mu is held.
func (d *Detector) newThread(name string) *thread {
	d.tids++
	return &thread{tid: d.tids, name: name}
}

// joinInto makes everything vc has seen happen before t's next steps.
func (d *Detector) joinInto(t *thread, vc vclock) {
	if len(vc) == 0 {
		return
	}
	d.mu.Lock()
	t.vc.join(vc)
	d.mu.Unlock()
}

// finish records an access by t to loc, releases d.mu, which lock
// acquired, and prints the races it found.
func (d *Detector) finish(t *thread, loc *location, k Kind, v any, pos string) {
	fresh := d.access(t, loc, k, v, pos)
	out := d.out
	d.mu.Unlock()
	if out != nil {
		for _, r := range fresh {
			io.WriteString(out, r.String())
		}
	}
}

// access records an access and returns the races it makes that were not
// reported before; d.mu is held.
func (d *Detector) access(t *thread, loc *location, k Kind, v any, pos string) []Report {
	if loc.gen != d.gen {
		loc.gen, loc.hasWrite, loc.reads = d.gen, false, nil
	}
	a := access{kind: k, tid: t.tid, clock: t.vc.get(t.tid), who: t.name, value: v, pos: pos}
	before := func(p access) bool { return p.tid == t.tid || p.clock <= t.vc.get(p.tid) }
	var fresh []Report
	if loc.hasWrite && !before(loc.write) {
		fresh = d.race(fresh, loc.name, a, loc.write)
	}
	if k == Write {
		for _, r := range loc.reads {
			if !before(r) {
				fresh = d.race(fresh, loc.name, a, r)
			}
		}
		loc.write, loc.hasWrite = a, true
		loc.reads = loc.reads[:0]
		return fresh
	}
	// Reads that happen before this one need not be kept: whatever races
	// with them and comes later races with this one or with a write.
	kept := loc.reads[:0]
	for _, r := range loc.reads {
		if !before(r) {
			kept = append(kept, r)
		}
	}
	loc.reads = append(kept, a)
	return fresh
}

// race counts the race between a and the earlier access p, and adds it to
// fresh when it is new.
func (d *Detector) race(fresh []Report, name string, a, p access) []Report {
	key := raceKey{name: name, kind: a.kind, prevKind: p.kind, pos: a.pos, prevPos: p.pos}
	if i, ok := d.seen[key]; ok {
		d.races[i].Count++
		return fresh
	}
	r := Report{
		Name:     name,
		Current:  Access{Kind: a.kind, Goroutine: a.who, Value: a.value, Position: a.pos},
		Previous: Access{Kind: p.kind, Goroutine: p.who, Value: p.value, Position: p.pos},
		Count:    1,
	}
	d.seen[key] = len(d.races)
	d.races = append(d.races, r)
	return append(fresh, r)
}

// goid returns the id of the calling goroutine, as its stack trace shows
// it: "goroutine N [running]:".
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	s := strings.TrimPrefix(string(b), "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	id, _ := strconv.ParseUint(s, 10, 64)
	return id
}

// hidden are the prefixes of functions a position never names: the
// runtime, reflection, the interpreter, and the lesson runtime and kernel
// themselves (their tests excepted).
var hidden = []string{
	"runtime.",
	"reflect.",
	"sync.",
	"testing.",
	"github.com/traefik/yaegi/",
	"github.com/golessons/golessons/",
}

// caller returns file:line of the first frame above the package's own
// calls that is the user's compiled code, or "" when there is none (as in
// cells, whose frames are the interpreter's).
func caller() string {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Function != "" && (strings.HasSuffix(f.File, "_test.go") || !hasPrefix(f.Function, hidden)) {
			return filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
		}
		if !more {
			return ""
		}
	}
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// checkKey panics with a clear message when key cannot be a map key.
func checkKey(key any) {
	if key != nil && !reflect.ValueOf(key).Comparable() {
		panic("race: a key of type " + reflect.TypeOf(key).String() + " cannot be used with Release and Acquire: it is not comparable")
	}
}
