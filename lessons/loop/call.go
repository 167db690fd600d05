package loop

import (
	"fmt"
	"runtime"
	"strings"
)

// MaxCallDepth is how deep Call may nest in one task, as Python's
// recursion limit: a deeper Call fails the task, naming the cycle of
// coroutines that repeats.
const MaxCallDepth = 1000

// Call runs coro in the running task and returns its result, as await
// coro() in Python: no new task, no suspension of its own. name names the
// coroutine, for the error when calls nest deeper than MaxCallDepth: then
// the task ends at once, failing with an error wrapping ErrCycle that names
// the cycle of coroutines that repeats, such as "coroutine cycle: foo → boo
// → foo". It ends as runtime.Goexit ends a goroutine: deferred calls run,
// and recover does not stop it.
func (c *Context) Call(name string, coro func(ctx *Context) any) any {
	if coro == nil {
		panic("loop: Call of a nil coroutine")
	}
	// Not enter: telling the calling goroutine costs time proportional to
	// the depth of its stack, which deep chains of Call make quadratic.
	// Call does not suspend, so the running task is enough.
	mu.Lock()
	t := c.l.current
	if t == nil {
		mu.Unlock()
		panic("loop: Call called outside a task of the event loop")
	}
	t.calls = append(t.calls, name)
	var err error
	if len(t.calls) > MaxCallDepth {
		err = callCycle(t.calls)
	}
	mu.Unlock()
	defer func() {
		mu.Lock()
		t.calls = t.calls[:len(t.calls)-1]
		mu.Unlock()
	}()
	if err != nil {
		// End the task rather than panic: a panic would be recovered and
		// raised again by each interpreted frame it unwinds, a cost that
		// grows with the square of the depth.
		mu.Lock()
		t.exitErr = err
		mu.Unlock()
		runtime.Goexit()
	}
	return coro(c)
}

// callCycle describes calls, a stack of coroutine names too deep: the
// cycle that repeats at its top, or its last names when none does.
func callCycle(calls []string) error {
	n := len(calls)
	// The period p of the top of the stack: the nearest earlier call of
	// the innermost coroutine.
	p := 0
	for j := n - 2; j >= 0; j-- {
		if calls[j] == calls[n-1] {
			p = n - 1 - j
			break
		}
	}
	if p == 0 {
		return fmt.Errorf("%w: coroutine calls nested deeper than %d: … %s",
			ErrCycle, MaxCallDepth, strings.Join(calls[n-5:], " → "))
	}
	// Where the repetition starts.
	k := n - p
	for k > 0 && calls[k-1] == calls[k-1+p] {
		k--
	}
	// The coroutine that made the first repeating call is the one before
	// it in the cycle: the task's own coroutine, when it is part of the
	// cycle. Name the cycle from there.
	names := []string{calls[k+p-1]}
	names = append(names, calls[k:k+p]...)
	return &cycleError{kind: "coroutine", names: names}
}
