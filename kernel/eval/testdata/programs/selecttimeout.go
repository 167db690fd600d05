package main

import (
	"fmt"
	"time"
)

func main() {
	fast := make(chan string)
	slow := make(chan string)
	go func() { time.Sleep(10 * time.Millisecond); fast <- "fast" }()
	go func() { time.Sleep(500 * time.Millisecond); slow <- "slow" }()
	for i := 0; i < 2; i++ {
		select {
		case m := <-fast:
			fmt.Println("got", m)
		case m := <-slow:
			fmt.Println("got", m)
		case <-time.After(100 * time.Millisecond):
			fmt.Println("timeout")
		}
	}
	done := make(chan struct{})
	close(done)
	select {
	case <-done:
		fmt.Println("closed channel ready")
	default:
		fmt.Println("default")
	}
}
