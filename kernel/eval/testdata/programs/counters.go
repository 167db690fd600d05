package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[key]++
}

func main() {
	c := counter{n: map[string]int{}}
	var total atomic.Int64
	var hits int64
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.inc("k")
				total.Add(1)
				atomic.AddInt64(&hits, 2)
			}
		}()
	}
	wg.Wait()
	fmt.Println(c.n["k"], total.Load(), atomic.LoadInt64(&hits))
}
