package server

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
)

// recordConn records each write that reaches the connection.
type recordConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

// frame returns the ZMTP encoding of one frame as zmq4 writes it: the
// header, then the body.
func frame(flag byte, body []byte) [][]byte {
	if len(body) > 255 {
		hdr := make([]byte, 9)
		hdr[0] = flag | flagLong
		binary.BigEndian.PutUint64(hdr[1:], uint64(len(body)))
		return [][]byte{hdr, body}
	}
	return [][]byte{{flag, byte(len(body))}, body}
}

func TestZMTPConnWritesWholeMessages(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 300)
	greeting := bytes.Repeat([]byte{0xff}, greetingLen)
	var writes [][]byte
	writes = append(writes, greeting)
	writes = append(writes, frame(flagCommand, []byte("\x05READY"))...)
	writes = append(writes, frame(flagMore, []byte("id"))...)
	writes = append(writes, frame(flagMore, nil)...) // an empty frame
	writes = append(writes, frame(flagMore, long)...)
	writes = append(writes, frame(0, []byte("{}"))...)
	writes = append(writes, frame(0, []byte("single"))...)

	rc := &recordConn{}
	c := newZMTPConn(rc)
	var all []byte
	for _, w := range writes {
		all = append(all, w...)
		if n, err := c.Write(w); n != len(w) || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
	}
	if len(rc.writes) != 4 {
		t.Fatalf("%d writes reached the connection, want 4 (greeting, command, message, message)", len(rc.writes))
	}
	if !bytes.Equal(bytes.Join(rc.writes, nil), all) {
		t.Error("the bytes written differ from the bytes given")
	}
	if !bytes.Equal(rc.writes[0], greeting) {
		t.Error("the greeting was not written on its own")
	}

	// Frames split across writes at every byte still flush at the end.
	rc2 := &recordConn{}
	c2 := newZMTPConn(rc2)
	c2.Write(greeting)
	msg := bytes.Join(append(frame(flagMore, []byte("ab")), frame(0, long)...), nil)
	for i := range msg {
		c2.Write(msg[i : i+1])
		if flushed := len(rc2.writes) == 2; flushed != (i == len(msg)-1) {
			t.Fatalf("after byte %d of %d: flushed=%v", i+1, len(msg), flushed)
		}
	}
}
