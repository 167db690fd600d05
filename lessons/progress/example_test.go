package progress_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/golessons/golessons/lessons/display"
	"github.com/golessons/golessons/lessons/progress"
)

// stable writes bar lines on standard output with T for their elapsed
// time, which changes from run to run.
type stable struct{}

var elapsedRE = regexp.MustCompile(`\[[0-9.hms]+\]`)

func (stable) Write(p []byte) (int, error) {
	os.Stdout.Write(elapsedRE.ReplaceAll(p, []byte("[T]")))
	return len(p), nil
}

// notebook is a display.Publisher that prints what a notebook would be
// sent: a display, then updates of it in place.
type notebook struct{}

func (notebook) Display(data, metadata map[string]any, id string, update bool) error {
	kind := "display:"
	if update {
		kind = "update: "
	}
	fmt.Fprintln(stable{}, kind, data["text/plain"])
	return nil
}

func (notebook) Clear(wait bool) error { return nil }

// Outside a notebook, as in this example, a bar prints its final state
// only.
func Example() {
	defer progress.SetOutput(progress.SetOutput(stable{}))
	bar := progress.New(100, "sum")
	sum := 0
	for i := range 100 {
		sum += i
		bar.Add(1)
	}
	bar.Done()
	fmt.Println(sum)
	// Output:
	// sum |████████████████████| 100/100 [T]
	// 4950
}

// In a notebook a bar is displayed when it is made and updated in place,
// at most ten times a second and once more when it is done. The
// publisher of this example prints what the notebook receives.
func ExampleNew() {
	display.SetPublisher(notebook{})
	defer display.SetPublisher(nil)
	bar := progress.New(3, "copy")
	for range 3 {
		bar.Add(1)
	}
	bar.Done()
	// Output:
	// display: copy |                    | 0/3 [T]
	// update:  copy |████████████████████| 3/3 [T]
}

// Range shows the progress of a plain loop.
func ExampleRange() {
	defer progress.SetOutput(progress.SetOutput(stable{}))
	squares := make([]int, 5)
	progress.Range(len(squares), "squares", func(i int) {
		squares[i] = i * i
	})
	fmt.Println(squares)
	// Output:
	// squares |████████████████████| 5/5 [T]
	// [0 1 4 9 16]
}

// Any number of goroutines may count the steps of one bar.
func ExampleBar_Add() {
	defer progress.SetOutput(progress.SetOutput(stable{}))
	bar := progress.New(200, "workers")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				bar.Add(1)
			}
		})
	}
	wg.Wait()
	bar.Done()
	// Output:
	// workers |████████████████████| 200/200 [T]
}

// A bar that fails shows how far the work went, and why it stopped.
func ExampleBar_Fail() {
	defer progress.SetOutput(progress.SetOutput(stable{}))
	bar := progress.New(4, "upload")
	bar.Add(1)
	bar.Fail(errors.New("connection reset"))
	// Output:
	// upload |█████               | 1/4 [T] failed: connection reset
}

// An automatic bar, as pools and sorting helpers show, appears only when
// the work runs longer than After; SetAfter changes the delay.
func ExampleAuto() {
	display.SetPublisher(notebook{})
	defer display.SetPublisher(nil)
	defer progress.SetAfter(progress.SetAfter(10 * time.Millisecond))

	short := progress.Auto(10, "short")
	short.Add(10)
	short.Done() // within the delay: nothing is shown

	long := progress.Auto(10, "long")
	time.Sleep(50 * time.Millisecond) // the bar appears after 10ms
	long.Add(10)
	long.Done()
	// Output:
	// display: long |                    | 0/10 [T]
	// update:  long |████████████████████| 10/10 [T]
}
