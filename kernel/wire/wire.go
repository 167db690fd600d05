// Package wire encodes and decodes Jupyter messages (protocol 5.3) as ZeroMQ
// multipart frames, and signs and verifies them with HMAC-SHA256.
//
// A message on the wire is a list of frames:
//
//	identities... "<IDS|MSG>" signature header parent_header metadata content buffers...
//
// The package works on bytes only: it knows nothing of sockets or of the
// language a kernel evaluates.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Version is the messaging protocol version this package speaks.
const Version = "5.3"

// Delimiter separates routing identities from the message proper.
var Delimiter = []byte("<IDS|MSG>")

// Header is a message header, as sent in both header and parent_header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one decoded Jupyter message.
//
// Parent, Metadata and Content hold JSON exactly as received or to be sent;
// RawHeader holds the header as received, so that a reply can echo it
// byte for byte as its parent_header.
type Message struct {
	Identities [][]byte
	Header     Header
	RawHeader  json.RawMessage
	Parent     json.RawMessage
	Metadata   json.RawMessage
	Content    json.RawMessage
	Buffers    [][]byte
}

// Errors returned by Decode.
var (
	ErrNoDelimiter = errors.New("no <IDS|MSG> delimiter")
	ErrTooShort    = errors.New("fewer than five frames after the delimiter")
	ErrSignature   = errors.New("signature does not match")
	ErrReplay      = errors.New("signature seen before (replayed message)")
)

// Decode parses frames into a Message, verifying its signature with s.
// A nil Signer accepts any signature.
func Decode(frames [][]byte, s *Signer) (*Message, error) {
	i := 0
	for ; i < len(frames); i++ {
		if bytes.Equal(frames[i], Delimiter) {
			break
		}
	}
	if i == len(frames) {
		return nil, ErrNoDelimiter
	}
	rest := frames[i+1:]
	if len(rest) < 5 {
		return nil, ErrTooShort
	}
	if s != nil {
		if err := s.Verify(rest[0], rest[1], rest[2], rest[3], rest[4]); err != nil {
			return nil, err
		}
	}
	m := &Message{
		Identities: frames[:i],
		RawHeader:  json.RawMessage(rest[1]),
		Parent:     json.RawMessage(rest[2]),
		Metadata:   json.RawMessage(rest[3]),
		Content:    json.RawMessage(rest[4]),
		Buffers:    rest[5:],
	}
	if err := json.Unmarshal(rest[1], &m.Header); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("decode header: no msg_type")
	}
	for name, raw := range map[string]json.RawMessage{"parent_header": m.Parent, "metadata": m.Metadata, "content": m.Content} {
		if !isObject(raw) {
			return nil, fmt.Errorf("decode %s: not a JSON object", name)
		}
	}
	return m, nil
}

// isObject reports whether raw holds a single JSON object.
func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) >= 2 && raw[0] == '{' && json.Valid(raw)
}

// Encode returns the frames of m, signed with s (which may be nil for no
// signature).
func Encode(m *Message, s *Signer) [][]byte {
	header := m.RawHeader
	if header == nil {
		header, _ = json.Marshal(m.Header)
	}
	parent, metadata, content := orEmpty(m.Parent), orEmpty(m.Metadata), orEmpty(m.Content)
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, Delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	return append(frames, m.Buffers...)
}

func orEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

// NewHeader returns a header for a new message of type msgType in session.
func NewHeader(msgType, session string) Header {
	return Header{
		MsgID:    uuid.NewString(),
		Session:  session,
		Username: "kernel",
		Date:     Now(),
		MsgType:  msgType,
		Version:  Version,
	}
}

// Now returns the current time in the ISO 8601 form Jupyter uses.
func Now() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

// Reply builds a message of type msgType in session whose parent is req,
// addressed to the same identities. content is marshalled to JSON.
func Reply(req *Message, msgType, session string, content any) (*Message, error) {
	m, err := New(msgType, session, content)
	if err != nil {
		return nil, err
	}
	if req != nil {
		m.Identities = req.Identities
		m.Parent = req.RawHeader
	}
	return m, nil
}

// New builds a message of type msgType in session with no parent.
func New(msgType, session string, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s content: %w", msgType, err)
	}
	return &Message{Header: NewHeader(msgType, session), Content: c}, nil
}

// ParentHeader decodes the message's parent header; an empty parent gives a
// zero Header.
func (m *Message) ParentHeader() Header {
	var h Header
	_ = json.Unmarshal(m.Parent, &h)
	return h
}

// Unmarshal decodes the message's content into v.
func (m *Message) Unmarshal(v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}
