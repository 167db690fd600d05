package main

import (
	"fmt"
	"strings"
	"sync"
)

func main() {
	words := []string{"go", "routines", "and", "channels"}
	upper := make([]string, len(words))
	var wg sync.WaitGroup
	var once sync.Once
	first := ""
	for i, w := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			upper[i] = strings.ToUpper(w)
			if i == 0 {
				once.Do(func() { first = w })
			}
		}()
	}
	wg.Wait()
	fmt.Println(strings.Join(upper, " "), first)
}
