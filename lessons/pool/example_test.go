package pool_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/golessons/golessons/lessons/logging"
	"github.com/golessons/golessons/lessons/pool"
)

// stable rewrites log lines so that they are the same from run to run: it
// removes the time at the start of each line and writes N for the pool's
// number, which depends on how many pools were made before.
type stable struct{}

var (
	timeRE = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d:`)
	poolRE = regexp.MustCompile(`ThreadPoolExecutor-\d+_`)
)

func (stable) Write(p []byte) (int, error) {
	s := timeRE.ReplaceAllString(string(p), "")
	s = poolRE.ReplaceAllString(s, "ThreadPoolExecutor-N_")
	os.Stdout.WriteString(s)
	return len(p), nil
}

// Two workers share five tasks of 2 to 6 units of work; the main
// goroutine reports each task as it completes.
func ExampleAsCompleted() {
	defer logging.SetOutput(logging.SetOutput(stable{}))
	const unit = 40 * time.Millisecond
	words := map[int]string{2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE", 6: "SIX"}

	p := pool.New(2)
	var fs []*pool.Future
	for n := 2; n <= 6; n++ {
		fs = append(fs, p.Submit(func() any {
			logging.Sleep(time.Duration(n) * unit)
			logging.Infof("Printing %s", words[n])
			return words[n]
		}))
	}
	for f := range pool.AsCompleted(fs) {
		logging.Infof("%v Done", f.Result())
	}
	p.Shutdown(true)
	// Output:
	// ThreadPoolExecutor-N_0:Printing TWO
	// MainThread:TWO Done
	// ThreadPoolExecutor-N_1:Printing THREE
	// MainThread:THREE Done
	// ThreadPoolExecutor-N_0:Printing FOUR
	// MainThread:FOUR Done
	// ThreadPoolExecutor-N_1:Printing FIVE
	// MainThread:FIVE Done
	// ThreadPoolExecutor-N_0:Printing SIX
	// MainThread:SIX Done
}

// With shuts the pool down when its body returns, so all the tasks have
// run by then; Map returns the results in input order.
func ExampleWith() {
	var mu sync.Mutex
	counter := 0
	pool.With(5, func(p *pool.Pool) {
		squares := p.Map(10, func(i int) any {
			mu.Lock()
			counter++ // shared by the tasks: without the lock, a data race
			mu.Unlock()
			return i * i
		})
		fmt.Println(squares)
	})
	fmt.Println(counter)
	// Output:
	// [0 1 4 9 16 25 36 49 64 81]
	// 10
}

// A task's error, or its panic, is its future's error; the worker goes on
// with the next task.
func ExamplePool_SubmitErr() {
	p := pool.New(1)
	defer p.Shutdown(true)
	failed := p.SubmitErr(func() (any, error) { return nil, errors.New("disk full") })
	panicked := p.Submit(func() any { panic("oops") })
	fine := p.Submit(func() any { return "fine" })
	fmt.Println(failed.Result(), failed.Err())
	var pe *pool.PanicError
	fmt.Println(errors.As(panicked.Err(), &pe), pe.Value)
	fmt.Println(fine.Result(), fine.Err())
	// Output:
	// <nil> disk full
	// true oops
	// fine <nil>
}

// A task no worker has started yet can be cancelled.
func ExampleFuture_Cancel() {
	p := pool.New(1)
	release := make(chan bool)
	busy := p.Submit(func() any { <-release; return "busy" })
	queued := p.Submit(func() any { return "queued" })
	fmt.Println(queued.Cancel(), queued.Cancelled(), errors.Is(queued.Err(), pool.ErrCancelled))
	close(release)
	fmt.Println(busy.Result(), busy.Cancel())
	p.Shutdown(true)
	fmt.Println(errors.Is(p.Submit(func() any { return nil }).Err(), pool.ErrShutdown))
	// Output:
	// true true true
	// busy false
	// true
}
