// Package magic recognises the notebook commands a cell may start with,
// such as %time or %who, as IPython's magics do, and describes them.
//
// A magic is a line that starts with %: its name, then arguments. For the
// magics that run code (%time, %timeit, %race), the code is the rest of
// that line, or the lines after it.
package magic

import (
	"fmt"
	"sort"
	"strings"
)

// A Magic is a magic line and the code it applies to.
type Magic struct {
	Name string // without the %, e.g. "time"
	Args string // the rest of the magic's line, trimmed
	Body string // the cell's lines after the magic's line
}

// Code returns the code a code-running magic applies to: its arguments
// when the magic's line has some, else the lines after it.
func (m Magic) Code() string {
	if m.Args != "" && strings.TrimSpace(m.Body) == "" {
		return m.Args
	}
	if m.Args != "" {
		return m.Args + "\n" + m.Body
	}
	return m.Body
}

// Parse reports whether code starts with a magic (its first line that is
// not blank starts with %), and returns it.
func Parse(code string) (Magic, bool) {
	rest := code
	for {
		line, after, found := strings.Cut(rest, "\n")
		if strings.TrimSpace(line) != "" || !found {
			rest = line
			if found {
				code = after
			} else {
				code = ""
			}
			break
		}
		rest = after
	}
	line := strings.TrimSpace(rest)
	if !strings.HasPrefix(line, "%") || strings.HasPrefix(line, "%%") && len(line) == 2 {
		return Magic{}, false
	}
	line = strings.TrimLeft(line, "%")
	name, args, _ := strings.Cut(line, " ")
	return Magic{Name: name, Args: strings.TrimSpace(args), Body: code}, true
}

// Help describes each magic, by name.
var Help = map[string]string{
	"time":   "%time CODE: run the code (the rest of the line, or the cell below) and show its wall and CPU time",
	"timeit": "%timeit [-n LOOPS] [-r RUNS] CODE: run the code many times and show the best and median time per loop",
	"who":    "%who: list the names the session declared: types, functions, constants, variables and packages",
	"reset":  "%reset: start a new session, with nothing declared (packages added by %go get stay)",
	"go":     "%go get MODULE[@VERSION]...: fetch Go modules and compile their packages into the session, keeping its declarations (needs the Go toolchain)",
	"env":    "%env, %env NAME, %env NAME=VALUE: list, show or set environment variables of the session",
	"race":   "%race: run the cell, with the session's declarations, as a program under Go's race detector (needs the Go toolchain)",
	"help":   "%help: list the magics",
}

// Known reports whether name is a magic.
func Known(name string) bool {
	_, ok := Help[name]
	return ok
}

// List returns the help of every magic, one per line, sorted by name.
func List() string {
	names := make([]string, 0, len(Help))
	for n := range Help {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Magics (a cell's first line):\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %s\n", Help[n])
	}
	b.WriteString("Also: ?name or name? shows documentation.\n")
	return b.String()
}

// Unknown returns the error for a magic that does not exist.
func Unknown(name string) error {
	return fmt.Errorf("unknown magic %%%s: %%help lists the magics", name)
}
