package logging_test

import (
	"os"
	"regexp"
	"strings"

	"github.com/golessons/golessons/lessons/logging"
)

// stripTimes removes the time at the start of each line, which changes
// from run to run.
type stripTimes struct{}

func (stripTimes) Write(p []byte) (int, error) {
	s := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d:`).ReplaceAllString(string(p), "")
	os.Stdout.WriteString(strings.TrimPrefix(s, ""))
	return len(p), nil
}

func Example() {
	old := logging.SetOutput(stripTimes{})
	defer logging.SetOutput(old)

	logging.Info("Main started")
	t := logging.Go("Thread-1", func() {
		logging.Info("TWO received")
	})
	t.Join()
	logging.Info("Main Ended")
	// Output:
	// MainThread:Main started
	// Thread-1:TWO received
	// MainThread:Main Ended
}
