package eval

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTrivialCell measures evaluating a cell whose value is shown,
// inside the evaluating process.
func BenchmarkTrivialCell(b *testing.B) {
	e, _ := newTest(b)
	for i := range b.N {
		if o := e.Execute(context.Background(), fmt.Sprintf("cell[%d]", i), "1"); o.Err != nil {
			b.Fatal(o.Err)
		}
	}
}
