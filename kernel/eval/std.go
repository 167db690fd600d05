package eval

import (
	"context"
	"fmt"
	"strings"

	"github.com/golessons/golessons/kernel/rewrite"
)

// stdSources are the helpers standing in for generic functions and
// iterators of the standard library (see rewrite.StdCalls), by import
// path. Each is declared in a session the first time a cell uses it. The
// helpers are written with one type parameter per argument type, which
// the interpreter infers.
var stdSources = map[string]string{
	"slices": `
import (
	ǃsort "sort"
	ǃcmp "cmp"
)

func ǃslices_All[E any](s []E) func(func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

func ǃslices_Values[E any](s []E) func(func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

func ǃslices_BinarySearch[E ǃcmp.Ordered](s []E, target E) (int, bool) {
	i := ǃsort.Search(len(s), func(i int) bool { return s[i] >= target })
	return i, i < len(s) && s[i] == target
}

func ǃslices_Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

func ǃslices_Collect[E any](seq func(func(E) bool)) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	return out
}

func ǃslices_Compact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	i := 1
	for k := 1; k < len(s); k++ {
		if s[k] != s[k-1] {
			s[i] = s[k]
			i++
		}
	}
	return s[:i]
}

func ǃslices_Contains[E comparable](s []E, v E) bool { return ǃslices_Index(s, v) >= 0 }

func ǃslices_ContainsFunc[E any](s []E, f func(E) bool) bool { return ǃslices_IndexFunc(s, f) >= 0 }

func ǃslices_Delete[E any](s []E, i, j int) []E {
	_ = s[i:j:len(s)]
	return append(s[:i], s[j:]...)
}

func ǃslices_Equal[E comparable](a, b []E) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func ǃslices_Index[E comparable](s []E, v E) int {
	for i := range s {
		if s[i] == v {
			return i
		}
	}
	return -1
}

func ǃslices_IndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

func ǃslices_IsSorted[E ǃcmp.Ordered](s []E) bool {
	for i := 1; i < len(s); i++ {
		if s[i] < s[i-1] {
			return false
		}
	}
	return true
}

func ǃslices_Max[E ǃcmp.Ordered](s []E) E {
	if len(s) < 1 {
		panic("slices.Max: empty list")
	}
	m := s[0]
	for i := 1; i < len(s); i++ {
		if s[i] > m {
			m = s[i]
		}
	}
	return m
}

func ǃslices_Min[E ǃcmp.Ordered](s []E) E {
	if len(s) < 1 {
		panic("slices.Min: empty list")
	}
	m := s[0]
	for i := 1; i < len(s); i++ {
		if s[i] < m {
			m = s[i]
		}
	}
	return m
}

func ǃslices_Reverse[E any](s []E) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func ǃslices_Sort[E ǃcmp.Ordered](s []E) {
	ǃsort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
}

func ǃslices_SortFunc[E any](s []E, cmp func(a, b E) int) {
	ǃsort.Slice(s, func(i, j int) bool { return cmp(s[i], s[j]) < 0 })
}

func ǃslices_SortStableFunc[E any](s []E, cmp func(a, b E) int) {
	ǃsort.SliceStable(s, func(i, j int) bool { return cmp(s[i], s[j]) < 0 })
}

func ǃslices_Sorted[E ǃcmp.Ordered](seq func(func(E) bool)) []E {
	s := ǃslices_Collect(seq)
	ǃslices_Sort(s)
	return s
}
`,
	"maps": `
func ǃmaps_All[K comparable, V any](m map[K]V) func(func(K, V) bool) {
	return func(yield func(K, V) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

func ǃmaps_Clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func ǃmaps_Copy[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

func ǃmaps_DeleteFunc[K comparable, V any](m map[K]V, del func(K, V) bool) {
	for k, v := range m {
		if del(k, v) {
			delete(m, k)
		}
	}
}

func ǃmaps_Equal[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

func ǃmaps_Keys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func ǃmaps_Values[K comparable, V any](m map[K]V) func(func(V) bool) {
	return func(yield func(V) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}
`,
	"strings": `
import ǃstrings "strings"

func ǃstrings_LinesSlice(s string) []string {
	var lines []string
	for len(s) > 0 {
		i := ǃstrings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

func ǃstrings_SplitSeqSlice(s, sep string) []string { return ǃstrings.Split(s, sep) }

func ǃstrings_FieldsSeqSlice(s string) []string { return ǃstrings.Fields(s) }

func ǃstrings_seq(pieces []string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, p := range pieces {
			if !yield(p) {
				return
			}
		}
	}
}

func ǃstrings_Lines(s string) func(func(string) bool) { return ǃstrings_seq(ǃstrings_LinesSlice(s)) }

func ǃstrings_SplitSeq(s, sep string) func(func(string) bool) {
	return ǃstrings_seq(ǃstrings.Split(s, sep))
}

func ǃstrings_FieldsSeq(s string) func(func(string) bool) { return ǃstrings_seq(ǃstrings.Fields(s)) }
`,
}

// stdPackage returns the import path of the standard package name refers
// to in cells, if it is one with helpers and no declaration of the
// session hides it.
func (e *Interpreter) stdPackage(name string) string {
	if _, declared := e.kinds[name]; declared {
		return ""
	}
	for path := range rewrite.StdHelpers {
		local, ok := e.imports[path]
		if !ok {
			continue
		}
		if local == name || (local == "" && path == name) {
			return path
		}
	}
	return ""
}

// declareStd declares the helpers of the standard packages paths, once
// per interpreter.
func (e *Interpreter) declareStd(paths map[string]bool) error {
	for path := range paths {
		if e.stdDeclared[path] {
			continue
		}
		src, ok := stdSources[path]
		if !ok {
			continue
		}
		if _, err := e.run(context.Background(), "package main\n"+strings.TrimSpace(src), false); err != nil {
			return fmt.Errorf("declare the helpers of package %s: %w", path, err)
		}
		e.stdDeclared[path] = true
	}
	return nil
}
