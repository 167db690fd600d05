package procs_test

import (
	"fmt"

	"github.com/golessons/golessons/lessons/procs"
)

// A pool of two worker processes squares numbers; the results come back
// in the order of the inputs. In a notebook, "square" is a function
// declared in a cell.
func ExamplePool_Map() {
	procs.With(2, func(p *procs.Pool) {
		squares, err := p.Map("square", []int{1, 2, 3, 4})
		fmt.Println(squares, err)
	})
	// Output: [1 4 9 16] <nil>
}

// A dedicated process takes numbers from one queue and puts them, plus
// one, on another; the session waits until every number put has been
// handled.
func ExampleStart() {
	in, out := procs.NewQueue(), procs.NewQueue()
	for x := range 3 {
		in.Put(x)
	}
	w := procs.Start("drain", in, out)
	in.Join()
	fmt.Println(out.Get(), out.Get(), out.Get())
	w.Terminate()
	// Output: 1 2 3
}
