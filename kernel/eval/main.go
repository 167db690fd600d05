package eval

import (
	"fmt"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/golessons/golessons/lessons/symbols"
)

// ChildCommand is the subcommand of an evaluator program that runs the
// kernel's session child (RunChild). The kernel starts it; people do not.
const ChildCommand = "session-child"

// Packages returns the symbol tables of every evaluator: the standard
// library, without restrictions, and the lesson runtime, followed by
// extra, the tables of packages a session asked for.
func Packages(extra ...interp.Exports) []interp.Exports {
	return append([]interp.Exports{stdlib.Symbols, unrestricted.Symbols, symbols.Symbols}, extra...)
}

// IsCommand reports whether Main runs the subcommand name.
func IsCommand(name string) bool {
	return name == ChildCommand || name == WorkerCommand || name == TaskWorkerCommand
}

// Main runs the evaluator subcommand named by args[0] with the packages of
// Packages(extra...). It is the whole main function of an evaluator
// program built with packages a session asked for, and what the
// golessons command runs for these subcommands.
func Main(args []string, extra ...interp.Exports) error {
	return MainWithSource(args, nil, extra...)
}

// MainWithSource is Main for an evaluator program that can give its own
// module's source: source returns the directory holding it, for programs
// built from cells that import the lesson packages (%race).
func MainWithSource(args []string, source func() (string, error), extra ...interp.Exports) error {
	if len(args) == 0 || !IsCommand(args[0]) {
		return fmt.Errorf("evaluator: unknown command %q", args)
	}
	switch args[0] {
	case WorkerCommand:
		return RunWorker(Packages(extra...))
	case TaskWorkerCommand:
		return RunTaskWorker(args[1:], Packages(extra...))
	}
	return RunChild(Config{Pkgs: Packages(extra...), Source: source})
}
