package display_test

import (
	"fmt"
	"sort"

	"github.com/golessons/golessons/lessons/display"
)

// Outside a notebook there is no publisher, and displayed values are
// printed as text.
func ExampleShow() {
	display.Show(display.Markdown("**done**"), 42)
	// Output:
	// **done**
	// 42
}

// printer is a Publisher that prints what it is asked to display.
type printer struct{}

func (printer) Display(data, metadata map[string]any, id string, update bool) error {
	var types []string
	for t := range data {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Printf("display %v update=%v: %v\n", types, update, data["text/plain"])
	return nil
}

func (printer) Clear(wait bool) error {
	fmt.Printf("clear wait=%v\n", wait)
	return nil
}

// A Handle replaces its output in place, as a progress counter does.
func ExampleNew() {
	display.SetPublisher(printer{})
	defer display.SetPublisher(nil)
	h := display.New(display.Text("0 of 2"))
	h.Update(display.Text("2 of 2"))
	display.Clear(true)
	// Output:
	// display [text/plain] update=false: 0 of 2
	// display [text/plain] update=true: 2 of 2
	// clear wait=true
}

// A type with a MIMEBundle method is shown richly when it is a cell's
// value or is passed to Show.
func ExampleMIMEBundler() {
	fmt.Println(display.BundleOf(display.HTML("<b>hi</b>"))["text/html"])
	// Output: <b>hi</b>
}
