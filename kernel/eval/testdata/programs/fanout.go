package main

import (
	"fmt"
	"sort"
	"sync"
)

func square(n int) int { return n * n }

func main() {
	in := make(chan int)
	out := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range in {
				out <- square(n)
			}
		}()
	}
	go func() {
		for i := 1; i <= 10; i++ {
			in <- i
		}
		close(in)
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	var results []int
	for r := range out {
		results = append(results, r)
	}
	sort.Ints(results)
	fmt.Println(results)
}
