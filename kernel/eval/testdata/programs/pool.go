package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

type job struct {
	id int
	n  int
}

type result struct {
	id  int
	out int
	err error
}

func worker(ctx context.Context, jobs <-chan job, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		select {
		case <-ctx.Done():
			results <- result{id: j.id, err: ctx.Err()}
			continue
		default:
		}
		if j.n < 0 {
			results <- result{id: j.id, err: errors.New("negative")}
			continue
		}
		results <- result{id: j.id, out: j.n * 2}
	}
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	jobs := make(chan job, 10)
	results := make(chan result, 10)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go worker(ctx, jobs, results, &wg)
	}
	for i, n := range []int{1, 2, -3, 4} {
		jobs <- job{id: i, n: n}
	}
	close(jobs)
	wg.Wait()
	close(results)
	byID := make([]string, 4)
	for r := range results {
		if r.err != nil {
			byID[r.id] = "error: " + r.err.Error()
		} else {
			byID[r.id] = fmt.Sprint(r.out)
		}
	}
	fmt.Println(byID)
}
