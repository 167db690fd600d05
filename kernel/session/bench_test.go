package session

import (
	"context"
	"testing"
)

// BenchmarkExecute measures a trivial cell through the child process:
// request over the pipe, evaluation, reply event.
func BenchmarkExecute(b *testing.B) {
	s, _ := start(b)
	for range b.N {
		if r := s.Execute(context.Background(), Request{Code: "1", Name: "cell"}, 1); r.Status != "ok" {
			b.Fatal(r.Error)
		}
	}
}
