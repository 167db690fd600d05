package main

import "fmt"

func main() {
	var funcs []func() int
	for i := 0; i < 3; i++ {
		funcs = append(funcs, func() int { return i * i })
	}
	for _, s := range []string{"x", "y"} {
		funcs = append(funcs, func() int { return len(s) })
	}
	for i := range 2 {
		funcs = append(funcs, func() int { return 100 + i })
	}
	for _, f := range funcs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
	fmt.Println(min(3, 1, 2), max(2.5, 1), min("b", "a"))
}
