package progress

import (
	"io"
	"os"

	"github.com/golessons/golessons/lessons/display"
)

// open shows the first state of a bar and returns how to show its updates:
// a handle, in a front end that updates displays in place, or a writer
// whose line a carriage return rewrites, in a terminal front end such as
// jupyter console. Outside a notebook it shows nothing and returns
// neither: there a bar prints its final state only, not every update.
func open(b display.Bundle) (*display.Handle, io.Writer) {
	switch {
	case !display.InNotebook():
		return nil, nil
	case !display.UpdatesInPlace():
		return nil, os.Stdout
	}
	return display.New(b), nil
}
