package loop

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/golessons/golessons/lessons/logging"
)

// job is a function run in the executor.
type job struct {
	result    any
	err       error
	abandoned bool // the task stopped waiting for it
}

// RunInExecutor runs f in a goroutine of its own and suspends the running
// task until f returns, as await loop.run_in_executor(None, f): blocking
// work (time.Sleep, a slow read) then stalls only that task, while the
// others run. It returns f's result; when f panics, or returns a non-nil
// error, RunInExecutor panics with that error, as Await does.
//
// The goroutine is named asyncio_N, as the threads of asyncio's default
// executor, and f must not call the Context's suspending methods. A
// cancelled task stops waiting at once, but f runs on: Run waits for it
// before returning.
func (c *Context) RunInExecutor(f func() any) any {
	res, err := c.RunInExecutorErr(f)
	if err != nil {
		panic(raised{err})
	}
	return res
}

// RunInExecutorErr is RunInExecutor returning f's error, or the
// cancellation of the waiting task, instead of panicking with it.
func (c *Context) RunInExecutorErr(f func() any) (any, error) {
	if f == nil {
		panic("loop: RunInExecutor of a nil function")
	}
	l := c.l
	t := l.enter("RunInExecutor")
	if err := t.takeCancel(); err != nil {
		return nil, l.refuse(t, err)
	}
	j := &job{}
	w := slices.Index(l.workers, false)
	if w < 0 {
		w = len(l.workers)
		l.workers = append(l.workers, false)
	}
	l.workers[w] = true
	name := "asyncio_" + strconv.Itoa(w)
	l.executing++
	l.wg.Add(1)
	go l.runJob(j, w, name, f, t)
	t.wait(func() string { return "runs in " + name }, func() { j.abandoned = true })
	if err := l.suspend(t, "executor "+name); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	return j.result, j.err
}

// runJob is the executor goroutine running f for task t.
func (l *eventLoop) runJob(j *job, w int, name string, f func() any, t *Task) {
	defer l.wg.Done()
	logging.SetName(name)
	logging.RecordFor(name, logging.Started, "")
	var res any
	var err error
	defer func() {
		how := ""
		if err != nil {
			how = err.Error()
		}
		logging.RecordFor(name, logging.Finished, how)
		mu.Lock()
		defer mu.Unlock()
		j.result, j.err = res, err
		l.executing--
		l.workers[w] = false
		if !j.abandoned {
			t.l.wakeTask(t, nil)
		}
		l.nudge()
	}()
	func() {
		returned := false
		defer func() {
			if r := recover(); r != nil {
				err = panicError(name, r)
			} else if !returned {
				err = fmt.Errorf("%s ended with runtime.Goexit", name)
			}
		}()
		res = f()
		if e, ok := res.(error); ok && e != nil {
			res, err = nil, e
		}
		returned = true
	}()
}
