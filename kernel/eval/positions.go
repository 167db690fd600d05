package eval

import (
	"fmt"
	"regexp"
	"strconv"
)

// The interpreter resolves imports per source file, so every chunk of every
// cell is compiled as the same file. To still report positions per cell, a
// chunk's line numbers are offset by lineBase times the chunk's slot
// number; positions in messages are decoded back to "cell:line:col".
//
// Go positions hold lines below 1<<30, which bounds the number of slots;
// when they run out, slots of cells that declared nothing are reused.
const (
	lineBase = 10_000
	maxSlot  = (1<<30-1)/lineBase - 1
)

// fileName is the file name all chunks are compiled as.
const fileName = "_.go"

// cellLine returns the encoded line where a cell's first line starts.
func cellLine(seq int) int { return seq*lineBase + 1 }

// lineDirective positions the text that follows it at the start of cell seq.
func lineDirective(seq int) string {
	return fmt.Sprintf("_.go:%d", cellLine(seq))
}

var posPattern = regexp.MustCompile(`(?:_\.go:)?(\d{5,}):(\d+)`)

// positions maps slots to the names of the cells shown to users.
type positions struct {
	names  map[int]string
	last   int          // the highest slot handed out
	pinned map[int]bool // slots of cells whose declarations live on
	reuse  int          // where the search for a free slot resumes
}

// alloc returns a slot for a cell shown as name.
func (p *positions) alloc(name string) int {
	seq := p.last + 1
	if p.last < maxSlot {
		p.last = seq
	} else {
		for i := 0; i < maxSlot; i++ {
			p.reuse = p.reuse%maxSlot + 1
			if !p.pinned[p.reuse] {
				break
			}
		}
		// With every slot pinned, positions may be misattributed; they
		// are never fatal.
		seq = p.reuse
	}
	p.names[seq] = name
	return seq
}

// pin keeps slot seq from being reused: code compiled in it lives on.
func (p *positions) pin(seq int) { p.pinned[seq] = true }

// restored records a slot of an earlier session, restored from its
// declarations.
func (p *positions) restored(seq int, name string) {
	p.names[seq] = name
	p.pin(seq)
	p.last = max(p.last, seq)
}

// name returns how positions in cell seq are shown, e.g. "cell[3]".
func (p *positions) name(seq int) string {
	if n, ok := p.names[seq]; ok {
		return n
	}
	return "cell"
}

// decode returns the cell, line and column of an encoded line and column.
func decode(line, col int) (seq, l, c int) {
	return line / lineBase, line % lineBase, col
}

// rewrite replaces every encoded position in msg by its cell position.
func (p *positions) rewrite(msg string) string {
	return posPattern.ReplaceAllStringFunc(msg, func(m string) string {
		sub := posPattern.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		col, _ := strconv.Atoi(sub[2])
		if line < lineBase {
			return m
		}
		seq, l, c := decode(line, col)
		return fmt.Sprintf("%s:%d:%d", p.name(seq), l, c)
	})
}
