package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func sample(t testing.TB) *Message {
	m, err := New("execute_request", "sess", ExecuteRequest{Code: "1+1"})
	if err != nil {
		t.Fatal(err)
	}
	m.Identities = [][]byte{[]byte("client-a"), {0, 1, 2}}
	m.Buffers = [][]byte{[]byte("raw")}
	return m
}

func TestRoundTrip(t *testing.T) {
	for _, key := range []string{"", "secret"} {
		s := NewSigner([]byte(key))
		m := sample(t)
		frames := Encode(m, s)
		got, err := Decode(frames, NewSigner([]byte(key)))
		if err != nil {
			t.Fatalf("key %q: decode: %v", key, err)
		}
		if got.Header != m.Header {
			t.Errorf("key %q: header %+v, want %+v", key, got.Header, m.Header)
		}
		if len(got.Identities) != 2 || !bytes.Equal(got.Identities[1], []byte{0, 1, 2}) {
			t.Errorf("key %q: identities %q", key, got.Identities)
		}
		var c ExecuteRequest
		if err := got.Unmarshal(&c); err != nil || c.Code != "1+1" {
			t.Errorf("key %q: content %+v, %v", key, c, err)
		}
		if len(got.Buffers) != 1 || string(got.Buffers[0]) != "raw" {
			t.Errorf("key %q: buffers %q", key, got.Buffers)
		}
		if key == "" && len(frames[3]) != 0 {
			t.Errorf("empty key must give an empty signature, got %q", frames[3])
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	s := NewSigner([]byte("k"))
	good := func() [][]byte { return Encode(sample(t), s) }
	tests := []struct {
		name   string
		frames func() [][]byte
		want   error
	}{
		{"no delimiter", func() [][]byte { return [][]byte{[]byte("a"), []byte("b")} }, ErrNoDelimiter},
		{"too short", func() [][]byte { return good()[:5] }, ErrTooShort},
		{"bad signature", func() [][]byte {
			f := good()
			f[3] = bytes.Repeat([]byte("0"), 64)
			return f
		}, ErrSignature},
		{"not hex", func() [][]byte {
			f := good()
			f[3] = []byte("zz")
			return f
		}, ErrSignature},
		{"unsigned", func() [][]byte {
			f := good()
			f[3] = []byte{}
			return f
		}, ErrSignature},
		{"tampered content", func() [][]byte {
			f := good()
			f[7] = []byte(`{"code":"rm -rf"}`)
			return f
		}, ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.frames(), NewSigner([]byte("k")))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeBadJSON(t *testing.T) {
	for _, tt := range []struct{ name, header, content string }{
		{"header not json", "{", "{}"},
		{"no msg_type", `{"msg_id":"x"}`, "{}"},
		{"content not object", `{"msg_type":"x"}`, "[1]"},
	} {
		frames := [][]byte{Delimiter, {}, []byte(tt.header), []byte("{}"), []byte("{}"), []byte(tt.content)}
		if _, err := Decode(frames, nil); err == nil {
			t.Errorf("%s: decoded without error", tt.name)
		}
	}
}

func TestReplay(t *testing.T) {
	s := NewSigner([]byte("k"))
	frames := Encode(sample(t), s)
	if _, err := Decode(frames, s); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(frames, s); !errors.Is(err, ErrReplay) {
		t.Fatalf("second decode: got %v, want ErrReplay", err)
	}
}

func TestReplyEchoesParent(t *testing.T) {
	req := sample(t)
	req.RawHeader, _ = json.Marshal(req.Header)
	rep, err := Reply(req, "execute_reply", "kern", ExecuteReply{Status: "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rep.Parent, req.RawHeader) {
		t.Errorf("parent %s, want %s", rep.Parent, req.RawHeader)
	}
	if rep.ParentHeader().MsgID != req.Header.MsgID {
		t.Errorf("parent msg_id %q", rep.ParentHeader().MsgID)
	}
	if len(rep.Identities) != 2 {
		t.Errorf("identities not echoed: %q", rep.Identities)
	}
}

func FuzzDecode(f *testing.F) {
	s := NewSigner(nil)
	f.Add([]byte("<IDS|MSG>\x00\x00{\"msg_type\":\"a\"}\x00{}\x00{}\x00{}"))
	f.Add([]byte("id\x00<IDS|MSG>\x00sig\x00{}\x00{}\x00{}\x00{}\x00buf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := bytes.Split(data, []byte{0})
		m, err := Decode(frames, s)
		if err != nil {
			return
		}
		// Whatever decodes must encode again and decode to the same header.
		again, err := Decode(Encode(m, s), s)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if again.Header != m.Header {
			t.Fatalf("header changed: %+v vs %+v", again.Header, m.Header)
		}
	})
}
