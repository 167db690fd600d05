package race_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/race"
)

// needToolchain skips the test when Go's race detector cannot run here.
func needToolchain(t *testing.T) {
	t.Helper()
	if err := race.FindToolchain(); err != nil {
		t.Skip(err)
	}
}

const racyProgram = `package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	counter := 0
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				counter++
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
}
`

const lockedProgram = `package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	counter := 0
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
}
`

func TestRun(t *testing.T) {
	needToolchain(t)
	tests := []struct {
		name     string
		src      string
		races    bool
		exitCode int
		output   string
	}{
		{"unsynchronised counter", racyProgram, true, 66, "WARNING: DATA RACE"},
		{"counter under a mutex", lockedProgram, false, 0, "counter: 2000\n"},
		{"a program that fails", "package main\n\nimport \"os\"\n\nfunc main() { println(\"bye\"); os.Exit(3) }\n", false, 3, "bye\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := race.Run(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if (res.Races > 0) != tt.races || res.ExitCode != tt.exitCode || !strings.Contains(res.Output, tt.output) {
				t.Errorf("Races %d, ExitCode %d, output:\n%s\nwant races %v, exit code %d, output with %q", res.Races, res.ExitCode, res.Output, tt.races, tt.exitCode, tt.output)
			}
			if res.String() != res.Output {
				t.Error("String() is not the output")
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	needToolchain(t)
	tests := []struct {
		name, src, want string
	}{
		{"not main", "package lesson\n", "must be package main"},
		{"not Go", "print('hello')\n", "must be a complete Go file"},
		{"does not build", "package main\n\nfunc main() { undefinedThing() }\n", "undefined: undefinedThing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := race.Run(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run() = %v, %v; want an error with %q", res, err, tt.want)
			}
		})
	}
}

func TestRunContextStops(t *testing.T) {
	needToolchain(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := race.RunContext(ctx, lockedProgram); err != nil {
		t.Fatal(err)
	}

	// The program says it started by making a file; the test then stops it.
	marker := filepath.Join(t.TempDir(), "started")
	src := `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	fmt.Println("working")
	os.WriteFile(` + strconv.Quote(marker) + `, nil, 0o644)
	for {
		time.Sleep(time.Second)
	}
}
`
	go func() {
		for {
			if _, err := os.Stat(marker); err == nil {
				cancel()
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	res, err := race.RunContext(ctx, src)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunContext() error %v, want context.Canceled", err)
	}
	if res == nil || !strings.Contains(res.Output, "working") || res.ExitCode != -1 {
		t.Errorf("result of the stopped program: %+v", res)
	}

	if _, err := race.RunContext(ctx, lockedProgram); !errors.Is(err, context.Canceled) {
		t.Errorf("RunContext with a cancelled context: %v", err)
	}
}

func TestRunWithoutToolchain(t *testing.T) {
	t.Setenv("PATH", "")
	_, err := race.Run(lockedProgram)
	if !errors.Is(err, race.ErrNoToolchain) {
		t.Fatalf("Run() error %v, want ErrNoToolchain", err)
	}
	for _, want := range []string{"needs the Go toolchain", "https://go.dev/dl/", "apt-get install golang"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestRunWithoutCCompiler(t *testing.T) {
	if race.FindToolchain() == race.ErrNoToolchain {
		t.Skip("no Go toolchain")
	}
	t.Setenv("CC", "no-such-c-compiler-for-golessons")
	_, err := race.Run(lockedProgram)
	if !errors.Is(err, race.ErrNoCgo) {
		t.Fatalf("Run() error %v, want ErrNoCgo", err)
	}
	for _, want := range []string{"cgo", "C compiler", "apt-get install gcc"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
