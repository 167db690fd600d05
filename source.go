package main

import (
	"embed"
	"path"

	"github.com/golessons/golessons/kernel"
	"github.com/golessons/golessons/kernel/eval"
	"github.com/golessons/golessons/kernel/modules"
)

// source is this module's source, from which the kernel builds evaluators
// with the packages a session asks for (%go get): go.mod, go.sum and the
// directories of the packages every evaluator imports. A test checks that
// these directories cover them.
//
//go:embed go.mod go.sum kernel/cell kernel/ctl kernel/eval kernel/magic kernel/rewrite lessons
var source embed.FS

// evaluators returns the builder of the evaluators %go get asks for.
func evaluators() *modules.Builder {
	return &modules.Builder{Source: source, Version: kernel.Version, Builtin: builtin}
}

// builtin reports whether every evaluator has the package path.
func builtin(pkg string) bool {
	for _, table := range eval.Packages() {
		for key := range table { // "import/path/name"
			if path.Dir(key) == pkg {
				return true
			}
		}
	}
	return false
}
