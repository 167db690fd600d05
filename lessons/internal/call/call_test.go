package call

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

type point struct{ X, Y int }

type hidden struct{ x int }

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   any
		args []any
		want []any
		err  string
	}{
		{"square", func(x int) int { return x * x }, []any{7}, []any{49}, ""},
		{"join", func(s []string, sep string) string { return strings.Join(s, sep) }, []any{[]string{"a", "b"}, "-"}, []any{"a-b"}, ""},
		{"swap", func(p point) (point, error) { return point{p.Y, p.X}, nil }, []any{point{1, 2}}, []any{point{2, 1}}, ""},
		{"fails", func(int) (int, error) { return 0, errors.New("bad") }, []any{1}, []any{0}, "bad"},
		{"sum", func(xs ...int) int {
			s := 0
			for _, x := range xs {
				s += x
			}
			return s
		}, []any{1, 2, 3}, []any{6}, ""},
		{"widen", func(x float64) float64 { return x / 2 }, []any{3}, []any{1.5}, ""},
		{"any", func(v any) any { return v }, []any{"text"}, []any{"text"}, ""},
		{"counts", func(m map[string]int) int { return m["a"] }, []any{map[string]int{"a": 3}}, []any{3}, ""},
	} {
		fn := reflect.ValueOf(tc.fn)
		args, err := Args(tc.name, fn.Type(), tc.args)
		if err != nil {
			t.Errorf("%s: Args: %v", tc.name, err)
			continue
		}
		data, msg, panicked := Invoke(tc.name, fn, args)
		if panicked || msg != tc.err {
			t.Errorf("%s: Invoke error %q (panicked %v), want %q", tc.name, msg, panicked, tc.err)
		}
		got, err := Results(tc.name, fn.Type(), data)
		if err != nil {
			t.Errorf("%s: Results: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: results %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBadArguments(t *testing.T) {
	square := reflect.TypeOf(func(int) int { return 0 })
	for _, tc := range []struct {
		fn   reflect.Type
		args []any
		want string
	}{
		{square, []any{"x"}, "argument 1 of f is a string, not int"},
		{square, []any{1, 2}, "f takes 1 arguments, not 2"},
		{reflect.TypeOf(func(chan int) {}), []any{make(chan int)}, "argument 1 of f (chan int): a chan cannot be sent to another process"},
		{reflect.TypeOf(func(func()) {}), []any{func() {}}, "a func cannot be sent"},
		{reflect.TypeOf(func(hidden) {}), []any{hidden{1}}, "has no exported fields"},
	} {
		_, err := Args("f", tc.fn, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Args(%v): %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestPanicIsReported(t *testing.T) {
	fn := reflect.ValueOf(func(s []int) int { return s[5] })
	args, err := Args("f", fn.Type(), []any{[]int{1}})
	if err != nil {
		t.Fatal(err)
	}
	_, msg, panicked := Invoke("f", fn, args)
	if !panicked || !strings.Contains(msg, "index out of range") {
		t.Errorf("Invoke: %q panicked %v", msg, panicked)
	}
}

func TestAny(t *testing.T) {
	for _, v := range []any{42, "s", 2.5, true, []int{1, 2}, []string{"a"}} {
		data, err := EncodeAny(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeAny(data)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%v: got %v, %v", v, got, err)
		}
	}
	if _, err := EncodeAny(point{1, 2}); err == nil {
		t.Error("an unregistered struct was encoded as any")
	}
}
