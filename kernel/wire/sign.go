package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// Signer signs outgoing messages and verifies incoming ones with
// HMAC-SHA256, rejecting signatures it has already seen.
//
// A Signer with an empty key signs with an empty signature and accepts any,
// as the protocol specifies. A nil *Signer behaves the same way.
// A Signer is safe for concurrent use.
type Signer struct {
	key []byte

	mu   sync.Mutex
	seen map[string]struct{}
	ring []string // seen signatures in arrival order, for eviction
	next int
}

// replayWindow is how many recent signatures a Signer remembers.
const replayWindow = 1 << 16

// NewSigner returns a Signer for key.
func NewSigner(key []byte) *Signer {
	return &Signer{key: key, seen: make(map[string]struct{})}
}

func (s *Signer) enabled() bool { return s != nil && len(s.key) > 0 }

func (s *Signer) mac(parts ...[]byte) hash.Hash {
	h := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		h.Write(p)
	}
	return h
}

// Sign returns the hex signature of the four message parts.
func (s *Signer) Sign(header, parent, metadata, content []byte) []byte {
	if !s.enabled() {
		return []byte{}
	}
	sum := s.mac(header, parent, metadata, content).Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify checks sig against the four message parts in constant time and
// rejects a signature seen before.
func (s *Signer) Verify(sig, header, parent, metadata, content []byte) error {
	if !s.enabled() {
		return nil
	}
	want := s.mac(header, parent, metadata, content).Sum(nil)
	got := make([]byte, hex.DecodedLen(len(sig)))
	if n, err := hex.Decode(got, sig); err != nil || n != len(want) || !hmac.Equal(got, want) {
		return ErrSignature
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(sig)
	if _, dup := s.seen[key]; dup {
		return ErrReplay
	}
	if len(s.ring) < replayWindow {
		s.ring = append(s.ring, key)
	} else {
		delete(s.seen, s.ring[s.next])
		s.ring[s.next] = key
		s.next = (s.next + 1) % replayWindow
	}
	s.seen[key] = struct{}{}
	return nil
}
