// Command golessons is a Jupyter kernel for Go, built to teach
// concurrency.
//
// Usage:
//
//	golessons kernel -f CONNECTION_FILE
//	golessons install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--uninstall]
//	golessons version
//
// The kernel command is what Jupyter runs; install writes the kernelspec
// that tells Jupyter how.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/golessons/golessons/install"
	"github.com/golessons/golessons/kernel"
	"github.com/golessons/golessons/kernel/eval"
)

const usage = `golessons is a Jupyter kernel for Go, built to teach concurrency.

Usage:
  golessons kernel -f CONNECTION_FILE    run the kernel (Jupyter does this)
  golessons install [flags]              make Jupyter find the kernel
  golessons worker --nats URL --app NAME [-c N]
                                         run tasks of a session's app (package tasks)
  golessons version                      print the version

Install flags:
  --user         install for this user (the default)
  --sys-prefix   install into the active Python environment
  --prefix DIR   install into DIR/share/jupyter/kernels
  --name NAME    kernelspec name (default "golessons")
  --uninstall    remove the kernelspec instead
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "golessons:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	if eval.IsCommand(args[0]) {
		return eval.MainWithSource(args, evaluators().WriteSource)
	}
	switch args[0] {
	case "kernel":
		return runKernel(args[1:], stderr)
	case "install":
		return runInstall(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "golessons", kernel.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func runKernel(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	conn := fs.String("f", "", "connection file written by Jupyter")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *conn == "" {
		return errors.New("kernel: -f CONNECTION_FILE is required")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program: %w", err)
	}
	return kernel.Run(context.Background(), kernel.Config{ConnectionFile: *conn, ChildArgv: []string{exe, eval.ChildCommand}, Modules: evaluators()})
}

func runInstall(args []string, stdout, stderr io.Writer) error {
	return install.Main(args, stdout, stderr)
}
