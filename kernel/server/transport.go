package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 reads each frame's header and body with separate system calls and
// writes them separately too, so one Jupyter message costs a dozen or more
// system calls each way. The kernel's sockets therefore listen through
// transports that buffer the connection: reads go through a bufio.Reader,
// and writes are held until a whole ZMTP message (or command) is complete,
// then written at once.

// Transport names registered with zmq4 for the buffered transports.
const (
	bufferedTCP = "golessons+tcp"
	bufferedIPC = "golessons+ipc"
)

var registerOnce sync.Once

// registerTransports registers the buffered transports with zmq4, once
// per process.
func registerTransports() error {
	var err error
	registerOnce.Do(func() {
		for name, network := range map[string]string{bufferedTCP: "tcp", bufferedIPC: "unix"} {
			if e := zmq4.RegisterTransport(name, bufferedTransport{network: network, base: transport.New(network)}); e != nil && err == nil {
				err = fmt.Errorf("register transport %s: %w", name, e)
			}
		}
	})
	return err
}

// BufferedEndpoint rewrites a tcp:// or ipc:// endpoint to use the
// buffered transport of the same kind, registering the transports with
// zmq4 on first use. Clients in the same process may dial through it too.
func BufferedEndpoint(ep string) (string, error) {
	if err := registerTransports(); err != nil {
		return "", err
	}
	return bufferedEndpoint(ep), nil
}

// bufferedEndpoint rewrites a tcp:// or ipc:// endpoint to its buffered
// transport.
func bufferedEndpoint(ep string) string {
	switch {
	case strings.HasPrefix(ep, "tcp://"):
		return bufferedTCP + ep[len("tcp"):]
	case strings.HasPrefix(ep, "ipc://"):
		return bufferedIPC + ep[len("ipc"):]
	}
	return ep
}

// bufferedTransport is a zmq4 transport whose connections are buffered.
type bufferedTransport struct {
	network string
	base    transport.Transport
}

func (t bufferedTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := t.base.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return newZMTPConn(c), nil
}

func (t bufferedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.base.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return listener{l}, nil
}

func (t bufferedTransport) Addr(ep string) (string, error) { return t.base.Addr(ep) }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newZMTPConn(c), nil
}

// greetingLen is the length of the ZMTP 3 greeting, written in one piece
// before any frame.
const greetingLen = 64

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// zmtpConn buffers a ZMTP connection. Writes are parsed as ZMTP frames and
// held until the last frame of a message or a command is complete.
type zmtpConn struct {
	net.Conn
	r *bufio.Reader

	mu       sync.Mutex
	buf      []byte
	greeting int // greeting bytes still to pass through unbuffered

	// Frame parser state.
	flag    byte
	hdr     []byte // header bytes of the current frame seen so far
	body    uint64 // body bytes still expected
	inFrame bool   // the header is complete and the body is being read
}

func newZMTPConn(c net.Conn) *zmtpConn {
	return &zmtpConn{Conn: c, r: bufio.NewReaderSize(c, 64<<10), greeting: greetingLen}
}

func (c *zmtpConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *zmtpConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.greeting > 0 {
		// The greeting goes out as written: the peer may wait for its
		// first part before it answers.
		n := min(len(p), c.greeting)
		if _, err := c.Conn.Write(p[:n]); err != nil {
			return 0, err
		}
		c.greeting -= n
		if n == len(p) {
			return n, nil
		}
		m, err := c.Write(p[n:])
		return n + m, err
	}
	c.buf = append(c.buf, p...)
	if c.scan(p) {
		_, err := c.Conn.Write(c.buf)
		c.buf = c.buf[:0]
		if err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// scan advances the frame parser over p and reports whether the buffer
// now ends exactly at the end of a message or command.
func (c *zmtpConn) scan(p []byte) bool {
	end := false
	for len(p) > 0 {
		if c.inFrame {
			n := min(uint64(len(p)), c.body)
			c.body -= n
			p = p[n:]
			if c.body == 0 {
				c.inFrame = false
				end = c.flag&flagMore == 0
			}
			continue
		}
		// Reading a header: the flag byte, then 1 or 8 size bytes.
		c.hdr = append(c.hdr, p[0])
		p = p[1:]
		end = false
		flag := c.hdr[0]
		need := 2
		if flag&flagLong != 0 {
			need = 9
		}
		if len(c.hdr) < need {
			continue
		}
		c.flag = flag
		if need == 2 {
			c.body = uint64(c.hdr[1])
		} else {
			c.body = binary.BigEndian.Uint64(c.hdr[1:9])
		}
		c.hdr = c.hdr[:0]
		if c.body == 0 {
			end = c.flag&flagMore == 0
			continue
		}
		c.inFrame = true
	}
	return end
}
