package loop_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/loop"
)

// stripTimes removes the time at the start of each line, which changes
// from run to run.
type stripTimes struct{}

var linePrefix = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d:`)

func (stripTimes) Write(p []byte) (int, error) {
	os.Stdout.WriteString(linePrefix.ReplaceAllString(string(p), ""))
	return len(p), nil
}

// second is the examples' second, shortened.
const second = 10 * time.Millisecond

// The lessons' delay_message: tasks created, then awaited.
func Example() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	delayMessage := func(delay int, message string) func(ctx *loop.Context) any {
		return func(ctx *loop.Context) any {
			logging.Infof("%s received", message)
			ctx.Sleep(time.Duration(delay) * second)
			logging.Infof("Printing %s", message)
			return nil
		}
	}
	loop.Run(func(ctx *loop.Context) any {
		logging.Info("Main started")
		logging.Infof("Current registered tasks: %d", len(ctx.AllTasks()))
		logging.Info("Creating tasks")
		task1 := ctx.CreateTask("", delayMessage(2, "TWO"))
		task2 := ctx.CreateTask("", delayMessage(3, "THREE"))
		logging.Infof("Current registered tasks: %d", len(ctx.AllTasks()))
		ctx.Await(task1)
		ctx.Await(task2)
		logging.Info("Main Ended")
		return nil
	})
	// Output:
	// MainThread:Main started
	// MainThread:Current registered tasks: 1
	// MainThread:Creating tasks
	// MainThread:Current registered tasks: 3
	// MainThread:TWO received
	// MainThread:THREE received
	// MainThread:Printing TWO
	// MainThread:Printing THREE
	// MainThread:Main Ended
}

// A blocking call in a task stalls the loop: THREE sleeps with time.Sleep,
// keeping the baton, so FOUR and FIVE start only after it, and ONE and TWO,
// whose sleeps ended meanwhile, print only then.
func Example_blockingCall() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	words := []string{"", "ONE", "TWO", "THREE", "FOUR", "FIVE"}
	delayMessage := func(delay int, message string) func(ctx *loop.Context) any {
		return func(ctx *loop.Context) any {
			logging.Infof("%s received", message)
			if message != "THREE" {
				ctx.Sleep(time.Duration(delay) * second) // gives up the baton
			} else {
				time.Sleep(time.Duration(delay) * second) // blocks the loop
			}
			logging.Infof("Printing %s", message)
			return nil
		}
	}
	loop.Run(func(ctx *loop.Context) any {
		logging.Info("Main started")
		logging.Info("Creating multiple tasks with Gather")
		var coros []func(*loop.Context) any
		for i := 1; i <= 5; i++ {
			coros = append(coros, delayMessage(i, words[i]))
		}
		ctx.Gather(coros...)
		logging.Info("Main Ended")
		return nil
	})
	// Output:
	// MainThread:Main started
	// MainThread:Creating multiple tasks with Gather
	// MainThread:ONE received
	// MainThread:TWO received
	// MainThread:THREE received
	// MainThread:Printing THREE
	// MainThread:FOUR received
	// MainThread:FIVE received
	// MainThread:Printing ONE
	// MainThread:Printing TWO
	// MainThread:Printing FOUR
	// MainThread:Printing FIVE
	// MainThread:Main Ended
}

// Tasks need no lock to share a variable between suspension points.
func ExampleContext_Gather() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	value := 0
	update := func(ctx *loop.Context) any {
		logging.Info("Update Started")
		ctx.Sleep(second)
		tmp := value*value + 1 // no task runs between this line and the next
		value = tmp
		logging.Info("Update Finished")
		return value
	}
	res, err := loop.Run(func(ctx *loop.Context) any {
		return ctx.Gather(update, update, update)
	})
	fmt.Println(res, err)
	// Output:
	// MainThread:Update Started
	// MainThread:Update Started
	// MainThread:Update Started
	// MainThread:Update Finished
	// MainThread:Update Finished
	// MainThread:Update Finished
	// [1 2 5] <nil>
}

func ExampleTask_Cancel() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	loop.Run(func(ctx *loop.Context) any {
		t := ctx.CreateTask("", func(ctx *loop.Context) any {
			for {
				if err := ctx.Sleep(0); errors.Is(err, loop.ErrCancelled) {
					logging.Info("I was cancelled!")
					return err // ends the task cancelled
				}
			}
		})
		ctx.Sleep(second)
		t.Cancel()
		_, err := ctx.AwaitErr(t)
		logging.Info(err)
		logging.Info("cancelled: ", t.Cancelled())
		return nil
	})
	// Output:
	// MainThread:I was cancelled!
	// MainThread:Task-2: cancelled
	// MainThread:cancelled: true
}

// Blocking work runs in the executor while the loop goes on.
func ExampleContext_RunInExecutor() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	loop.Run(func(ctx *loop.Context) any {
		hello := make(chan bool)
		ctx.CreateTask("", func(ctx *loop.Context) any {
			logging.Info("Hello!")
			ctx.Sleep(second)
			logging.Info("Goodbye!")
			close(hello)
			return nil
		})
		ctx.RunInExecutor(func() any {
			<-hello // blocks this goroutine only
			logging.Info("Hello from a thread!")
			return nil
		})
		return nil
	})
	// Output:
	// MainThread:Hello!
	// MainThread:Goodbye!
	// asyncio_0:Hello from a thread!
}

// An asynchronous generator's values, while another task goes on.
func ExampleContext_Generate() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	loop.Run(func(ctx *loop.Context) any {
		doubler := ctx.Generate(func(ctx *loop.Context, yield func(v any) bool) {
			for i := range 3 {
				if !yield([2]int{i, 2 * i}) {
					return
				}
				ctx.Sleep(2 * second)
			}
		})
		ctx.CreateTask("", func(ctx *loop.Context) any {
			logging.Info("meanwhile")
			return nil
		})
		for v, ok := doubler.Next(); ok; v, ok = doubler.Next() {
			logging.Info(v)
		}
		return nil
	})
	// Output:
	// MainThread:[0 0]
	// MainThread:meanwhile
	// MainThread:[1 2]
	// MainThread:[2 4]
}

// The lessons' foo and boo, which await each other without end, fail with
// the cycle named instead of overflowing the stack.
func ExampleContext_Call() {
	var foo, boo func(ctx *loop.Context) any
	foo = func(ctx *loop.Context) any { return ctx.Call("boo", boo) }
	boo = func(ctx *loop.Context) any { return ctx.Call("foo", foo) }

	_, err := loop.Run(func(ctx *loop.Context) any {
		return ctx.Gather(foo, boo)
	})
	fmt.Println(err)
	// Output:
	// coroutine cycle: foo → boo → foo
}

// A task that awaits a task awaiting it fails at once.
func ExampleContext_Await_cycle() {
	_, err := loop.Run(func(ctx *loop.Context) any {
		var foo, boo *loop.Task
		foo = ctx.CreateTask("foo", func(ctx *loop.Context) any {
			ctx.Sleep(second)
			return ctx.Await(boo)
		})
		boo = ctx.CreateTask("boo", func(ctx *loop.Context) any {
			return ctx.Await(foo)
		})
		return ctx.Await(foo)
	})
	fmt.Println(err)
	// Output:
	// task cycle: foo → boo → foo
}

// When every task waits and nothing can wake them, Run says what each
// waits for.
func ExampleRun_deadlock() {
	_, err := loop.Run(func(ctx *loop.Context) any {
		ev := loop.NewEvent()
		t := ctx.CreateTask("", func(ctx *loop.Context) any {
			return ev.Wait(ctx) // nobody sets it
		})
		return ctx.Await(t)
	})
	fmt.Println(err)
	// Output:
	// deadlock: all tasks are waiting: Task-1 awaits Task-2, Task-2 waits for an Event
}

// Producers and consumers.
func ExampleQueue() {
	defer logging.SetOutput(logging.SetOutput(stripTimes{}))

	loop.Run(func(ctx *loop.Context) any {
		q := loop.NewQueue(0)
		consumer := ctx.CreateTask("", func(ctx *loop.Context) any {
			for {
				v, err := q.Get(ctx)
				if err != nil {
					return err
				}
				logging.Info("consumed ", v)
				q.TaskDone()
			}
		})
		for i := range 3 {
			q.Put(ctx, i)
			logging.Info("produced ", i)
			ctx.Sleep(second)
		}
		q.Join(ctx)
		consumer.Cancel()
		return nil
	})
	// Output:
	// MainThread:produced 0
	// MainThread:consumed 0
	// MainThread:produced 1
	// MainThread:consumed 1
	// MainThread:produced 2
	// MainThread:consumed 2
}
