package eval

import (
	"fmt"
	"regexp"
	"strconv"
)

// The interpreter resolves imports per source file, so every chunk of every
// cell is compiled as the same file. To still report positions per cell, a
// chunk's line numbers are offset by lineBase times the chunk's cell
// number; positions in messages are decoded back to "cell:line:col".
const lineBase = 1_000_000

// fileName is the file name all chunks are compiled as.
const fileName = "_.go"

// cellLine returns the encoded line where a cell's first line starts.
func cellLine(seq int) int { return seq*lineBase + 1 }

// lineDirective positions the text that follows it at the start of cell seq.
func lineDirective(seq int) string {
	return fmt.Sprintf("_.go:%d", cellLine(seq))
}

var posPattern = regexp.MustCompile(`(?:_\.go:)?(\d{7,}):(\d+)`)

// positions maps cell numbers to the names shown to users.
type positions struct {
	names map[int]string
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
