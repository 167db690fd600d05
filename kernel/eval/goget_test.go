package eval

import "testing"

// A module's package the evaluator lacks: the error says how to get it.
func TestImportMissingModule(t *testing.T) {
	runSteps(t, []step{
		{code: "import \"github.com/dustin/go-humanize\"", err: `cannot import "github.com/dustin/go-humanize": it is not compiled into this kernel; run %go get github.com/dustin/go-humanize`},
		{code: "import \"nosuchstd\"", err: `package "nosuchstd" is not available in cells`},
		{code: "%go get github.com/google/uuid", err: "%go get is handled by the kernel's session"},
	})
}
