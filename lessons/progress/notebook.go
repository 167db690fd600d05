package progress

import "github.com/golessons/golessons/lessons/display"

// open displays the first state of a bar, b, and returns the handle to
// update it, or nil when no notebook receives displays: outside one, a bar
// prints its final state only, not every update.
func open(b display.Bundle) *display.Handle {
	if !display.InNotebook() {
		return nil
	}
	return display.New(b)
}
