package race_test

import (
	"fmt"
	"time"

	"github.com/golessons/golessons/lessons/race"
)

// The lesson's DbUpdate: five workers each read the value, sleep, and
// write value*value+1, with nothing to keep them apart. Whatever the
// schedule, the detector finds the race: no worker's read or write is
// ordered with the others'.
func Example() {
	d := race.New()
	d.Quiet() // keep the reports (which name the workers that ran first) out of this example's output
	value := d.Int("db.value", 0)
	wg := d.WaitGroup()
	for range 5 {
		wg.Go(func() {
			v := value.Load()
			time.Sleep(10 * time.Millisecond)
			value.Store(v*v + 1)
		})
	}
	wg.Wait()
	races := d.Races()
	fmt.Println("race found:", len(races) > 0, "on", races[0].Name)
	// Output:
	// race found: true on db.value
}

// The locked DbUpdate: the mutex orders the workers' reads and writes,
// so there is no race and no update is lost.
func Example_mutex() {
	d := race.New()
	value := d.Int("db.value", 0)
	mu := d.Mutex()
	wg := d.WaitGroup()
	for range 5 {
		wg.Go(func() {
			mu.Lock()
			defer mu.Unlock()
			v := value.Load()
			time.Sleep(time.Millisecond)
			value.Store(v*v + 1)
		})
	}
	wg.Wait()
	fmt.Println("final value:", value.Load())
	fmt.Print(d.Report())
	// Output:
	// final value: 677
	// no data races found
}

// What a goroutine's parent did before Go happens before the goroutine
// starts, and what the goroutine did happens before its Join returns.
func ExampleDetector_Go() {
	d := race.New()
	x := d.Int("x", 0)
	x.Store(1)
	g := d.Go("doubler", func() { x.Store(x.Load() * 2) })
	if err := g.Join(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(g.Name(), "made", x.Load())
	fmt.Print(d.Report())
	// Output:
	// doubler made 2
	// no data races found
}

// Handing a value over through a channel: the send happens before the
// receive, so the receiver may use what the sender wrote.
func ExampleDetector_Chan() {
	d := race.New()
	ch := d.Chan(0)
	order := d.Value("order", nil)
	d.Go("kitchen", func() {
		order.Store("soup")
		ch.Send("ready")
	})
	fmt.Println(ch.Recv(), order.Load())
	fmt.Print(d.Report())
	// Output:
	// ready soup
	// no data races found
}

// Fifty goroutines increment a counter under a lock: the count is exact.
func ExampleDetector_WaitGroup() {
	d := race.New()
	counter := d.Int("counter", 0)
	mu := d.Mutex()
	wg := d.WaitGroup()
	for range 50 {
		wg.Add(1)
		d.Go("", func() {
			defer wg.Done()
			mu.Lock()
			counter.Add(1)
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Println(counter)
	fmt.Println(len(d.Races()), "races")
	// Output:
	// counter = 50
	// 0 races
}

// Synchronisation the detector cannot see (here a plain channel) is
// told to it with Release and Acquire on a key both sides know.
func ExampleDetector_Release() {
	d := race.New()
	result := d.Int("result", 0)
	done := make(chan bool)
	go func() {
		result.Store(42)
		d.Release(done)
		done <- true
	}()
	<-done
	d.Acquire(done)
	fmt.Println(result.Load())
	fmt.Print(d.Report())
	// Output:
	// 42
	// no data races found
}

// Cells whose goroutines use their own variables announce the accesses
// with Read and Write.
func ExampleDetector_Read() {
	d := race.New()
	d.Quiet()
	balance := 100
	g := d.Go("deposit", func() {
		d.Read("balance", balance)
		d.Write("balance", balance+50)
	})
	d.Read("balance", 100) // no Join before this read
	g.Join()
	fmt.Println(len(d.Races()) > 0)
	// Output:
	// true
}

// A report has the shape of Go's race detector's.
func ExampleReport() {
	r := race.Report{
		Name:     "db.value",
		Current:  race.Access{Kind: race.Write, Goroutine: "ThreadPoolExecutor-0_1", Value: 2},
		Previous: race.Access{Kind: race.Read, Goroutine: "ThreadPoolExecutor-0_0", Value: 1},
		Count:    1,
	}
	fmt.Print(r)
	// Output:
	// ==================
	// WARNING: DATA RACE
	// Write at value "db.value" by goroutine ThreadPoolExecutor-0_1:
	//   (write of 2)
	//
	// Previous read at value "db.value" by goroutine ThreadPoolExecutor-0_0:
	//   (read of 1)
	// ==================
}

// Run builds and runs a whole program with go run -race; it needs the Go
// toolchain and a C compiler.
func ExampleRun() {
	res, err := race.Run(`package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	counter := 0
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counter++
		}()
	}
	wg.Wait()
	fmt.Println(counter)
}
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Races > 0, res.ExitCode)
	fmt.Print(res) // Go's own report
}
