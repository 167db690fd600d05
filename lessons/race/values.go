package race

import (
	"fmt"
	"runtime"
)

// Int is an int shared by goroutines, whose every access the detector
// records. Make one with Detector.Int.
type Int struct {
	d   *Detector
	loc location
	v   int
}

// Int returns a shared int called name (the name races are reported
// with) holding v. Making it is not an access: the value is as if it had
// been set before any goroutine started.
func (d *Detector) Int(name string, v int) *Int {
	d.watching.Store(true)
	d.mu.Lock()
	defer d.mu.Unlock()
	return &Int{d: d, loc: location{name: name, gen: d.gen}, v: v}
}

// Load reads the value.
func (i *Int) Load() int {
	pos := caller()
	t := i.d.lock()
	v := i.v
	i.d.finish(t, &i.loc, Read, v, pos)
	return v
}

// Store writes v.
func (i *Int) Store(v int) {
	pos := caller()
	t := i.d.lock()
	i.v = v
	i.d.finish(t, &i.loc, Write, v, pos)
}

// Add adds delta to the value and returns the sum, the way counter +=
// delta does: it reads, lets other goroutines run, then writes. It is not
// atomic: two goroutines that Add at once without a lock may both read
// the same value, and one update is lost. Each Add is a read and a write
// to the detector.
func (i *Int) Add(delta int) int {
	pos := caller()
	t := i.d.lock()
	v := i.v
	i.d.finish(t, &i.loc, Read, v, pos)
	runtime.Gosched()
	t = i.d.lock()
	i.v = v + delta
	i.d.finish(t, &i.loc, Write, v+delta, pos)
	return v + delta
}

// Name returns the value's name.
func (i *Int) Name() string { return i.loc.name }

// String shows the name and the value, for a cell's output; it is not
// recorded as an access.
func (i *Int) String() string {
	i.d.mu.Lock()
	v := i.v
	i.d.mu.Unlock()
	return fmt.Sprintf("%s = %d", i.loc.name, v)
}

// Value is a value of any type shared by goroutines, whose every access
// the detector records. Make one with Detector.Value. Only Load and Store
// are seen: changes made inside the value (to a slice's elements, say)
// are not.
type Value struct {
	d   *Detector
	loc location
	v   any
}

// Value returns a shared value called name holding v. Making it is not an
// access.
func (d *Detector) Value(name string, v any) *Value {
	d.watching.Store(true)
	d.mu.Lock()
	defer d.mu.Unlock()
	return &Value{d: d, loc: location{name: name, gen: d.gen}, v: v}
}

// Load reads the value.
func (x *Value) Load() any {
	pos := caller()
	t := x.d.lock()
	v := x.v
	x.d.finish(t, &x.loc, Read, v, pos)
	return v
}

// Store writes v.
func (x *Value) Store(v any) {
	pos := caller()
	t := x.d.lock()
	x.v = v
	x.d.finish(t, &x.loc, Write, v, pos)
}

// Name returns the value's name.
func (x *Value) Name() string { return x.loc.name }

// String shows the name and the value, for a cell's output; it is not
// recorded as an access.
func (x *Value) String() string {
	x.d.mu.Lock()
	v := x.v
	x.d.mu.Unlock()
	return x.loc.name + " = " + sprint(v)
}

// Read records that the calling goroutine read the variable called name,
// which held v; cells call it next to reads of their own variables and
// struct fields, which the detector cannot see by itself. Accesses with
// the same name are accesses to the same variable.
func (d *Detector) Read(name string, v any) { d.announce(name, Read, v) }

// Write records that the calling goroutine wrote v to the variable called
// name.
func (d *Detector) Write(name string, v any) { d.announce(name, Write, v) }

func (d *Detector) announce(name string, k Kind, v any) {
	d.watching.Store(true)
	pos := caller()
	t := d.lock()
	loc := d.named[name]
	if loc == nil {
		loc = &location{name: name, gen: d.gen}
		d.named[name] = loc
	}
	d.finish(t, loc, k, v, pos)
}

// sprint formats v with fmt, and says so when its String method panics.
func sprint(v any) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = fmt.Sprintf("<%T: String panicked: %v>", v, p)
		}
	}()
	return fmt.Sprint(v)
}
