package history

import "testing"

func TestHistory(t *testing.T) {
	h := New(1)
	for i, in := range []string{"a := 1", "fmt.Println(a) // a/b", "a + 1", "a + 1"} {
		h.Add(i+1, in, "")
	}
	if got := h.Tail(2); len(got) != 2 || got[0].Line != 3 || got[1].Line != 4 {
		t.Errorf("Tail(2) = %+v", got)
	}
	if got := h.Range(0, 2, 3); len(got) != 1 || got[0].Input != "fmt.Println(a) // a/b" {
		t.Errorf("Range(0, 2, 3) = %+v", got)
	}
	if got := h.Range(2, 1, 0); len(got) != 0 {
		t.Errorf("Range of another session = %+v", got)
	}
	tests := []struct {
		pattern string
		n       int
		unique  bool
		want    int
	}{
		{"a*", 0, false, 3},
		{"a*", 0, true, 2},
		{"a*", 1, false, 1},
		{"*Println*", 0, false, 1},
		{"b*", 0, false, 0},
	}
	for _, tt := range tests {
		if got := h.Search(tt.pattern, tt.n, tt.unique); len(got) != tt.want {
			t.Errorf("Search(%q, %d, %v) = %d entries, want %d", tt.pattern, tt.n, tt.unique, len(got), tt.want)
		}
	}
}
