// Package ctl defines the messages the kernel and its evaluating child
// process exchange over their control pipes, one JSON object per line.
//
// The kernel writes Requests to the child's file descriptor 3; the child
// writes Events to its file descriptor 4. The child's standard output and
// error are separate pipes that the kernel reads as raw bytes; an Event is
// always written after any output that precedes it, so the kernel can keep
// output and events in order.
package ctl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// File descriptors of the child process.
const (
	RequestFD = 3 // kernel to child: Requests
	EventFD   = 4 // child to kernel: Events
	StderrFD  = 5 // the child's standard error for user code; fd 2 carries only runtime crashes
)

// Operations a Request asks for.
const (
	OpExecute   = "execute"   // evaluate Code
	OpInterrupt = "interrupt" // cancel the running execution
	OpInput     = "input"     // the answer to an input request, in Value
	OpRestore   = "restore"   // re-run the declarations in Decls after a restart
)

// Request is a message from the kernel to the child.
type Request struct {
	ID              uint64            `json:"id"`
	Op              string            `json:"op"`
	Code            string            `json:"code,omitempty"`
	File            string            `json:"file,omitempty"` // the name positions in Code are reported against, e.g. "cell[3]"
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	Terminal        bool              `json:"terminal,omitempty"` // the front end prints text and does not update displays in place
	Value           string            `json:"value,omitempty"`
	Err             string            `json:"err,omitempty"` // for OpInput: why no value came
	Decls           []Decl            `json:"decls,omitempty"`
}

// Kinds of Event.
const (
	EvReady   = "ready"   // the child is ready for requests
	EvReply   = "reply"   // the end of a request, with its outcome
	EvDisplay = "display" // display_data, or update_display_data with Update
	EvClear   = "clear"   // clear_output
	EvInput   = "input"   // the running cell reads standard input
)

// Event is a message from the child to the kernel.
type Event struct {
	ID   uint64 `json:"id,omitempty"` // the request answered, for EvReply and EvInput
	Kind string `json:"kind"`

	// EvReply
	Status          string         `json:"status,omitempty"` // "ok" or "error"
	Error           *Error         `json:"error,omitempty"`
	Result          map[string]any `json:"result,omitempty"` // a MIME bundle for execute_result
	UserExpressions map[string]any `json:"user_expressions,omitempty"`
	Decls           []Decl         `json:"decls,omitempty"`  // declarations the execution added, for restores
	Values          []string       `json:"values,omitempty"` // names the execution's statements defined with :=; a restore cannot bring their values back

	// EvDisplay
	Data      map[string]any `json:"data,omitempty"`
	Metadata  map[string]any `json:"metadata,omitempty"`
	Transient map[string]any `json:"transient,omitempty"`
	Update    bool           `json:"update,omitempty"`

	// EvClear
	Wait bool `json:"wait,omitempty"`

	// EvDisplay and EvClear: the fence marker written to standard output
	// and error just before the event, or 0 for none.
	Fence uint64 `json:"fence,omitempty"`

	// EvInput
	Prompt   string `json:"prompt,omitempty"`
	Password bool   `json:"password,omitempty"`
}

// Error describes a failed execution.
type Error struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Traceback []string `json:"traceback"`
}

// Decl is a piece of a session that a restarted child re-runs: an import or
// a declaration chunk, in the order it was first evaluated.
type Decl struct {
	Kind string `json:"kind"` // "import", "decl" (a file of declarations) or "var" (a var statement)
	Seq  int    `json:"seq"`  // the number of the cell it came from
	File string `json:"file"` // the name of that cell
	Code string `json:"code"`
	// Names are the package-level names it declares, or for an import the
	// name the package is known by ("." for a dot import).
	Names []string `json:"names,omitempty"`
}

// Writer writes messages as JSON lines; it is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{enc: json.NewEncoder(w)} }

// Write sends one message.
func (w *Writer) Write(v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.enc.Encode(v); err != nil {
		return fmt.Errorf("write control message: %w", err)
	}
	return nil
}

// Reader reads messages written by a Writer.
type Reader struct{ s *bufio.Scanner }

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 256<<20)
	return &Reader{s: s}
}

// Read decodes the next message into v; it returns io.EOF at the end.
func (r *Reader) Read(v any) error {
	if !r.s.Scan() {
		if err := r.s.Err(); err != nil {
			return fmt.Errorf("read control message: %w", err)
		}
		return io.EOF
	}
	if err := json.Unmarshal(r.s.Bytes(), v); err != nil {
		return fmt.Errorf("decode control message: %w", err)
	}
	return nil
}

// Fence markers order events among output: before an event that must
// appear at its place in the output, the child writes Fence(n) to its
// standard output and standard error, and sends the event with Fence n.
// The kernel delivers the text before the marker, then the event, then the
// text after it. The marker never reaches the front end.
const (
	FencePrefix = "\x00golessons-fence:"
	FenceEnd    = '\x00'
)

// Fence returns the marker of fence n.
func Fence(n uint64) string {
	return FencePrefix + strconv.FormatUint(n, 10) + string(FenceEnd)
}
