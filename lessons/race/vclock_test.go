package race

import (
	"fmt"
	"testing"
)

func TestVclock(t *testing.T) {
	var a vclock
	a.set(5, 1)
	a.set(2, 3)
	a.tick(5)
	a.tick(9)
	if got := fmt.Sprint(a); got != "[{2 3} {5 2} {9 1}]" {
		t.Errorf("a = %s", got)
	}
	b := vclock{{1, 4}, {5, 7}}
	c := a.clone()
	c.join(b)
	if got := fmt.Sprint(c); got != "[{1 4} {2 3} {5 7} {9 1}]" {
		t.Errorf("a joined with b = %s", got)
	}
	if a.get(5) != 2 || a.get(1) != 0 || c.get(1) != 4 {
		t.Error("join changed its operands or get is wrong")
	}
	c.tick(1)
	if b.get(1) != 4 {
		t.Error("a joined clock shares memory with an operand")
	}
}
