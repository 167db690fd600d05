package race

import (
	"sync"

	"github.com/golessons/golessons/lessons/logging"
)

// Chan is a channel of values of any type that the detector sees: a send
// happens before the receive that gets its value; on an unbuffered
// channel a receive happens before the send it takes from completes, and
// on a channel of size n the k-th receive happens before the (k+n)-th send
// completes (so that a channel of size 1 can be used as a lock); closing
// happens before a receive that finds the channel closed. Make one with
// Detector.Chan.
type Chan struct {
	d    *Detector
	size int

	mu     sync.Mutex
	cond   sync.Cond
	queue  []*message // sent and not yet received; unbuffered: senders waiting
	closed bool
	closer vclock   // the clock of Close
	sent   uint64   // sends that entered the buffer (buffered channels)
	recvd  uint64   // receives so far
	ring   []vclock // buffered: the clock of receive k at k % size
}

// message is one value sent, with the sender's clock.
type message struct {
	v     any
	vc    vclock
	taken bool   // received (unbuffered)
	ack   vclock // the receiver's clock (unbuffered)
}

// Chan returns a channel with a buffer of size values; 0 makes an
// unbuffered channel, whose sends wait for a receiver.
func (d *Detector) Chan(size int) *Chan {
	if size < 0 {
		panic("race: Chan: size out of range")
	}
	c := &Chan{d: d, size: size}
	c.cond.L = &c.mu
	if size > 0 {
		c.ring = make([]vclock, size)
	}
	return c
}

// Send sends v, waiting while the buffer is full (or, unbuffered, until a
// receiver takes it). Sending on a closed channel panics.
func (c *Chan) Send(v any) {
	t := c.d.lock()
	m := &message{v: v, vc: t.vc.clone()}
	t.vc.tick(t.tid)
	c.d.mu.Unlock()

	c.mu.Lock()
	if c.size > 0 {
		if !c.closed && len(c.queue) >= c.size {
			logging.Record(logging.Blocked, "send")
			for !c.closed && len(c.queue) >= c.size {
				c.cond.Wait()
			}
			logging.Record(logging.Running, "")
		}
		if c.closed {
			c.mu.Unlock()
			panic("send on closed channel")
		}
		k, n := c.sent, uint64(c.size)
		c.sent++
		var back vclock
		if k >= n {
			// The buffer has room, so receive k-n has happened.
			back = c.ring[(k-n)%n]
		}
		c.queue = append(c.queue, m)
		c.cond.Broadcast()
		c.mu.Unlock()
		c.d.joinInto(t, back)
		return
	}
	if c.closed {
		c.mu.Unlock()
		panic("send on closed channel")
	}
	c.queue = append(c.queue, m)
	c.cond.Broadcast()
	if !m.taken && !c.closed {
		logging.Record(logging.Blocked, "send")
		for !m.taken && !c.closed {
			c.cond.Wait()
		}
		logging.Record(logging.Running, "")
	}
	if !m.taken {
		c.mu.Unlock()
		panic("send on closed channel")
	}
	back := m.ack
	c.mu.Unlock()
	c.d.joinInto(t, back)
}

// Recv receives a value, waiting until there is one; it returns nil when
// the channel is closed and empty.
func (c *Chan) Recv() any {
	v, _ := c.RecvOK()
	return v
}

// RecvOK receives a value as Recv does, and reports whether it did: ok is
// false when the channel is closed and empty.
func (c *Chan) RecvOK() (v any, ok bool) {
	t := c.d.lock()
	c.d.mu.Unlock()

	c.mu.Lock()
	if len(c.queue) == 0 && !c.closed {
		logging.Record(logging.Blocked, "receive")
		for len(c.queue) == 0 && !c.closed {
			c.cond.Wait()
		}
		logging.Record(logging.Running, "")
	}
	if len(c.queue) == 0 {
		closer := c.closer
		c.mu.Unlock()
		c.d.joinInto(t, closer)
		return nil, false
	}
	m := c.queue[0]
	c.queue[0] = nil
	c.queue = c.queue[1:]
	k := c.recvd
	c.recvd++
	c.d.mu.Lock()
	mine := t.vc.clone()
	t.vc.tick(t.tid)
	t.vc.join(m.vc)
	c.d.mu.Unlock()
	if c.size > 0 {
		c.ring[k%uint64(c.size)] = mine
	} else {
		m.ack, m.taken = mine, true
	}
	c.cond.Broadcast()
	c.mu.Unlock()
	return m.v, true
}

// Close closes the channel: receivers get what is buffered, then nil and
// false; senders waiting on an unbuffered channel panic, as they do in
// Go. Closing a closed channel panics.
func (c *Chan) Close() {
	t := c.d.lock()
	mine := t.vc.clone()
	t.vc.tick(t.tid)
	c.d.mu.Unlock()

	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		panic("close of closed channel")
	}
	c.closed, c.closer = true, mine
	if c.size == 0 {
		c.queue = nil
	}
	c.cond.Broadcast()
	c.mu.Unlock()
}

// Len returns the number of values in the buffer.
func (c *Chan) Len() int {
	if c.size == 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// Cap returns the size of the buffer.
func (c *Chan) Cap() int { return c.size }
