package main

import (
	"fmt"
	"strings"
)

// Shape had fewer fields and another method in the cells run before this
// program (redefine.before): the program's definitions replace them.
type Shape struct {
	Name  string
	Sides int
}

func (s Shape) Describe() string {
	return fmt.Sprintf("%s with %d sides", s.Name, s.Sides)
}

type Labels []string

func (l Labels) String() string { return strings.Join(l, "+") }

func describeAll(shapes []Shape) {
	for _, s := range shapes {
		fmt.Println(s.Describe())
	}
}

func main() {
	describeAll([]Shape{{"triangle", 3}, {"square", 4}})
	fmt.Println(Labels{"a", "b"})
	fmt.Println(counter)
}

var counter = 10
