package loop

import (
	"iter"

	"github.com/golessons/golessons/lessons/logging"
)

// AsyncIter is an asynchronous generator, as an async def function that
// yields: its values come one at a time, and between them the generator
// may sleep or await, letting other tasks run. It runs in the task that
// iterates it, as asyncio runs an async generator in the task of its
// async for:
//
//	it := ctx.Generate(func(ctx *loop.Context, yield func(v any) bool) {
//		for i := 0; i < 3; i++ {
//			if !yield(i) {
//				return
//			}
//			ctx.Sleep(time.Second)
//		}
//	})
//	for v, ok := it.Next(); ok; v, ok = it.Next() {
//		logging.Info(v)
//	}
type AsyncIter struct {
	l     *eventLoop
	owner *Task
	next  func() (any, bool)
	stop  func()
	gid   uint64 // the generator's goroutine, once it has started
	done  bool
}

// Generate returns an iterator over the values gen yields. gen starts at
// the first call of Next, and stops when yield returns false: when the
// iterator is closed, or the task that created it ends. Only that task
// may call Next and Close.
func (c *Context) Generate(gen func(ctx *Context, yield func(v any) bool)) *AsyncIter {
	if gen == nil {
		panic("loop: Generate of a nil generator")
	}
	l := c.l
	t := l.enter("Generate")
	it := &AsyncIter{l: l, owner: t}
	t.iterators = append(t.iterators, it)
	mu.Unlock()
	it.next, it.stop = iter.Pull(func(yield func(any) bool) {
		logging.SetName(l.runner)
		id := goid()
		mu.Lock()
		it.gid = id
		t.gid = id
		mu.Unlock()
		gen(c, yield)
	})
	return it
}

// Next resumes the generator until it yields a value, which Next returns
// with true, or returns, when Next returns nil and false. A panic in the
// generator propagates to the task.
func (it *AsyncIter) Next() (any, bool) {
	t, restore := it.enter("Next")
	if t == nil {
		return nil, false
	}
	defer restore()
	v, ok := it.next()
	if !ok {
		mu.Lock()
		it.done = true
		mu.Unlock()
	}
	return v, ok
}

// Close stops the generator, as aclose: the generator's yield returns
// false, and Close returns when the generator has returned. Closing an
// iterator that is done does nothing.
func (it *AsyncIter) Close() {
	t, restore := it.enter("Close")
	if t == nil {
		return
	}
	defer restore()
	mu.Lock()
	it.done = true
	mu.Unlock()
	it.stop()
}

// enter checks that the owner of the iterator calls it and lets the
// generator act for the owner until restore is called; it returns a nil
// task when the iterator is done.
func (it *AsyncIter) enter(op string) (*Task, func()) {
	t := it.l.enter("AsyncIter." + op)
	if t != it.owner {
		mu.Unlock()
		panic("loop: AsyncIter." + op + " called by " + t.name + ", but the iterator belongs to " + it.owner.name)
	}
	if it.done {
		mu.Unlock()
		return nil, nil
	}
	prev := t.gid
	if it.gid != 0 {
		t.gid = it.gid
	}
	mu.Unlock()
	return t, func() {
		mu.Lock()
		t.gid = prev
		mu.Unlock()
	}
}

// closeIterators closes the iterators t created, as t ends.
func (t *Task) closeIterators() {
	mu.Lock()
	its := t.iterators
	t.iterators = nil
	mu.Unlock()
	for _, it := range its {
		func() {
			defer func() { recover() }()
			it.Close()
		}()
	}
}
