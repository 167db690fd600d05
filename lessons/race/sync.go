package race

import (
	"sync"

	"github.com/golessons/golessons/lessons/logging"
)

// Goroutine is a goroutine started by Detector.Go.
type Goroutine struct {
	d     *Detector
	th    *logging.Thread
	t     *thread
	final vclock // its clock when it ended; set under d.mu
}

// Go starts f in a new goroutine named name (Thread-N when name is empty,
// as logging.Go names it) and returns it. Everything the caller did before
// Go happens before everything f does; Join adds the edge back. A panic in
// f ends the goroutine, not the program: Join returns it as an error.
func (d *Detector) Go(name string, f func()) *Goroutine {
	if f == nil {
		panic("race: Go of a nil function")
	}
	parent := d.lock()
	child := d.newThread(name)
	child.spawned = true
	child.vc = parent.vc.clone()
	child.vc.set(child.tid, 1)
	parent.vc.tick(parent.tid)
	d.mu.Unlock()
	g := &Goroutine{d: d, t: child}
	g.th = logging.Go(name, func() {
		id := goid()
		name := logging.Name() // logging.Go has named the goroutine
		d.mu.Lock()
		child.name = name
		d.byID[id] = child
		d.mu.Unlock()
		defer func() {
			d.mu.Lock()
			g.final = child.vc.clone()
			if d.byID[id] == child {
				delete(d.byID, id)
			}
			d.mu.Unlock()
		}()
		f()
	})
	return g
}

// Name returns the goroutine's name.
func (g *Goroutine) Name() string { return g.th.Name() }

// Join waits for the goroutine to end; everything it did happens before
// what the caller does next. It returns an error when the goroutine
// panicked.
func (g *Goroutine) Join() error {
	err := g.th.Join()
	t := g.d.lock()
	t.vc.join(g.final)
	g.d.mu.Unlock()
	return err
}

// Mutex is a mutual exclusion lock the detector sees: an Unlock happens
// before the Lock that follows it. Make one with Detector.Mutex.
type Mutex struct {
	d      *Detector
	mu     sync.Mutex
	vc     vclock // the clock of the last Unlock; under d.mu
	locked bool   // under d.mu
}

// Mutex returns a new, unlocked mutex.
func (d *Detector) Mutex() *Mutex { return &Mutex{d: d} }

// Lock locks m, waiting until it is unlocked.
func (m *Mutex) Lock() {
	if !m.mu.TryLock() {
		defer blocked("lock")()
		m.mu.Lock()
	}
	t := m.d.lock()
	m.locked = true
	t.vc.join(m.vc)
	m.d.mu.Unlock()
}

// Unlock unlocks m. Unlocking a mutex that is not locked panics.
func (m *Mutex) Unlock() {
	t := m.d.lock()
	if !m.locked {
		m.d.mu.Unlock()
		panic("race: Unlock of unlocked Mutex")
	}
	m.locked = false
	m.vc = joined(m.vc, t.vc)
	t.vc.tick(t.tid)
	m.d.mu.Unlock()
	m.mu.Unlock()
}

// RWMutex is a reader/writer lock the detector sees: an Unlock happens
// before every later Lock and RLock, and an RUnlock before every later
// Lock; readers holding the lock together are not ordered. Make one with
// Detector.RWMutex.
type RWMutex struct {
	d       *Detector
	mu      sync.RWMutex
	wvc     vclock // Unlocks so far; under d.mu
	rvc     vclock // RUnlocks so far; under d.mu
	writer  bool
	readers int
}

// RWMutex returns a new, unlocked reader/writer lock.
func (d *Detector) RWMutex() *RWMutex { return &RWMutex{d: d} }

// Lock locks m for writing.
func (m *RWMutex) Lock() {
	if !m.mu.TryLock() {
		defer blocked("lock")()
		m.mu.Lock()
	}
	t := m.d.lock()
	m.writer = true
	t.vc.join(m.wvc)
	t.vc.join(m.rvc)
	m.d.mu.Unlock()
}

// Unlock unlocks m for writing. Unlocking a lock not locked for writing
// panics.
func (m *RWMutex) Unlock() {
	t := m.d.lock()
	if !m.writer {
		m.d.mu.Unlock()
		panic("race: Unlock of unlocked RWMutex")
	}
	m.writer = false
	m.wvc = joined(m.wvc, t.vc)
	t.vc.tick(t.tid)
	m.d.mu.Unlock()
	m.mu.Unlock()
}

// RLock locks m for reading.
func (m *RWMutex) RLock() {
	if !m.mu.TryRLock() {
		defer blocked("read lock")()
		m.mu.RLock()
	}
	t := m.d.lock()
	m.readers++
	t.vc.join(m.wvc)
	m.d.mu.Unlock()
}

// RUnlock undoes one RLock. Unlocking a lock not locked for reading
// panics.
func (m *RWMutex) RUnlock() {
	t := m.d.lock()
	if m.readers == 0 {
		m.d.mu.Unlock()
		panic("race: RUnlock of unlocked RWMutex")
	}
	m.readers--
	m.rvc = joined(m.rvc, t.vc)
	t.vc.tick(t.tid)
	m.d.mu.Unlock()
	m.mu.RUnlock()
}

// WaitGroup waits for goroutines to finish, as sync.WaitGroup does, and
// the detector sees it: every Done happens before the Wait it lets return.
// Make one with Detector.WaitGroup.
type WaitGroup struct {
	d  *Detector
	wg sync.WaitGroup
	vc vclock // the Dones so far; under d.mu
}

// WaitGroup returns a new wait group.
func (d *Detector) WaitGroup() *WaitGroup { return &WaitGroup{d: d} }

// Add adds delta, which may be negative, to the counter.
func (w *WaitGroup) Add(delta int) { w.wg.Add(delta) }

// Done decrements the counter by one.
func (w *WaitGroup) Done() {
	t := w.d.lock()
	w.vc = joined(w.vc, t.vc)
	t.vc.tick(t.tid)
	w.d.mu.Unlock()
	w.wg.Done()
}

// Wait waits until the counter is zero.
func (w *WaitGroup) Wait() {
	done := blocked("wait")
	w.wg.Wait()
	done()
	t := w.d.lock()
	t.vc.join(w.vc)
	w.d.mu.Unlock()
}

// Go runs f in a new goroutine (started with Detector.Go, and so named
// Thread-N) and adds it to the group: Add(1) now, Done when f returns.
func (w *WaitGroup) Go(f func()) {
	if f == nil {
		panic("race: Go of a nil function")
	}
	w.Add(1)
	w.d.Go("", func() {
		defer w.Done()
		f()
	})
}

// blocked records with package logging that the calling goroutine
// blocks, for pictures of what happened when, and returns the function
// that records it running again.
func blocked(what string) func() {
	logging.Record(logging.Blocked, what)
	return func() { logging.Record(logging.Running, "") }
}

// Release records that what the calling goroutine has done so far happens
// before whatever a goroutine does after a later Acquire of the same key.
// Keys are any comparable values: a pool, say, releases a task when it is
// submitted and acquires it in the worker that runs it, and releases it
// again when it ends for the goroutine that waits for its result.
func (d *Detector) Release(key any) {
	checkKey(key)
	t := d.lock()
	d.keys[key] = joined(d.keys[key], t.vc)
	t.vc.tick(t.tid)
	d.mu.Unlock()
}

// Acquire makes every Release of key so far happen before what the
// calling goroutine does next. Acquiring a key never released does
// nothing.
func (d *Detector) Acquire(key any) {
	checkKey(key)
	t := d.lock()
	t.vc.join(d.keys[key])
	d.mu.Unlock()
}

// Forget drops what Release recorded for key, once nothing will Acquire it
// again, so that a long-running program does not keep every key.
func (d *Detector) Forget(key any) {
	checkKey(key)
	d.mu.Lock()
	delete(d.keys, key)
	d.mu.Unlock()
}
