package eval

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/golessons/golessons/kernel/cell"
	"github.com/golessons/golessons/kernel/ctl"
	"github.com/golessons/golessons/kernel/rewrite"
)

// The interpreter keeps the first definition of a type and of a method
// however often they are declared again. So a cell that redefines a type
// or a method rebuilds the session: a fresh interpreter is given every
// declaration in force, the new ones in place of those they replace, as if
// they had been written that way from the start. Values that statements
// computed are carried over when their types do not depend on the old
// definitions; the others are lost, and named.

// Decl kinds.
const (
	declImport = "import"
	declDecl   = "decl"
	declVar    = "var"
)

// Names of the package holding the values carried into a rebuilt session.
const (
	carryPkg  = "golessons.kernel/carry"
	carryName = rewrite.Prefix + "carry"
)

// redefines reports whether decls declare a type or a method already
// declared, or a name that was a type: the cases the interpreter cannot
// handle in place.
func (e *Interpreter) redefines(decls []ctl.Decl) bool {
	for _, d := range decls {
		for name, tok := range definitions(d.Code) {
			old, ok := e.kinds[name]
			if ok && (tok == token.TYPE || old == token.TYPE || strings.Contains(name, ".")) {
				return true
			}
		}
	}
	return false
}

// record adds decls, just evaluated, to the session's declarations.
func (e *Interpreter) record(decls ...ctl.Decl) {
	for _, d := range decls {
		e.history = append(e.history, d)
		e.declare(d.Seq, d.Names)
		for name, tok := range definitions(d.Code) {
			e.kinds[name] = tok
		}
	}
	e.publish(decls)
}

// definitions returns the package-level names a declaration's source
// declares and what they are; methods are named "T.M".
func definitions(src string) map[string]token.Token {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	defs := map[string]token.Token{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					defs[s.Name.Name] = token.TYPE
				case *ast.ValueSpec:
					for _, n := range s.Names {
						defs[n.Name] = d.Tok
					}
				}
			}
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				name = cell.ReceiverType(d.Recv) + "." + name
			}
			defs[name] = token.FUNC
		}
	}
	return defs
}

// live returns the declarations of decls that no later one replaces. A
// declaration that replaces earlier ones takes the place of the first of
// them. Imports are never replaced.
func live(decls []ctl.Decl) []ctl.Decl {
	defs := make([]map[string]token.Token, len(decls))
	last := map[string]int{} // name → index of its last definition
	for i, d := range decls {
		if d.Kind == declImport {
			continue
		}
		defs[i] = definitions(d.Code)
		for name := range defs[i] {
			last[name] = i
		}
	}
	placed := make([]bool, len(decls))
	var out []ctl.Decl
	for i, d := range decls {
		if placed[i] {
			continue
		}
		replacedBy := -1
		for name := range defs[i] {
			if j := last[name]; j > i && (replacedBy < 0 || j < replacedBy) {
				replacedBy = j
			}
		}
		if replacedBy < 0 {
			out = append(out, d)
			placed[i] = true
			continue
		}
		// The replacement and whatever replaces it in turn go here.
		for j := replacedBy; j >= 0 && !placed[j]; {
			next := -1
			for name := range defs[j] {
				if k := last[name]; k > j && (next < 0 || k < next) {
					next = k
				}
			}
			if next < 0 {
				out = append(out, decls[j])
				placed[j] = true
			}
			j = next
		}
		placed[i] = true
	}
	return out
}

// rebuild replaces the interpreter by a fresh one holding the session's
// declarations and pending, which replace the earlier declarations of the
// same names. With keep, the values of variables are carried over where
// they can be, and a failing declaration leaves the session as it was;
// rebuild then returns the names of the values lost. Without keep (a
// restore), failing declarations are left out and reported together.
func (e *Interpreter) rebuild(ctx context.Context, pending []ctl.Decl, keep bool) (lost []string, err error) {
	decls := live(append(slices.Clone(e.history), pending...))
	old := e.in
	var values map[string]reflect.Value
	declared := map[string]bool{}
	for _, d := range decls {
		for _, n := range d.Names {
			declared[n] = true
		}
	}
	var ambiguous map[reflect.Type]bool
	if keep {
		ambiguous = e.cellTypes(ctx)
		values = map[string]reflect.Value{}
		for name, v := range old.Globals() {
			if !strings.HasPrefix(name, rewrite.Prefix) && v.IsValid() && e.kinds[name] != token.CONST {
				values[name] = v
			}
		}
	}
	// Values that statements computed (not declared by decls) go in
	// first: declarations may use them.
	var carried []string
	for name, v := range values {
		if !declared[name] && carryable(v, ambiguous) {
			carried = append(carried, name)
		}
	}
	sort.Strings(carried)

	failed, err := e.load(ctx, decls, values, carried, true)
	if err != nil {
		// Declarations that do not compile together may still compile one
		// by one, in order.
		failed, _ = e.load(ctx, decls, values, carried, false)
		if keep && len(failed) > 0 {
			e.in = old
			return nil, fmt.Errorf("%w\n(the new definitions do not fit code declared earlier: change that code too, or the new definitions; the session is unchanged)", err)
		}
	}
	if keep {
		carried = e.carriedNow(carried)
	}

	// The session now holds decls, less what failed.
	var errs []string
	kept := decls[:0:0]
	for i, d := range decls {
		if failed[i] != nil {
			errs = append(errs, e.pos.rewrite(failed[i].Error()))
			continue
		}
		kept = append(kept, d)
	}
	e.history, e.kinds = nil, map[string]token.Token{}
	e.globals = map[string]bool{}
	e.record(kept...)
	for _, d := range kept {
		if d.Kind == declImport {
			e.noteImport(d.Code)
		}
	}
	for _, name := range carried {
		e.globals[name] = true
	}

	if keep {
		// Variables declared again keep their values where the type is
		// unchanged.
		now := e.in.Globals()
		for name, ov := range values {
			if e.globals[name] {
				nv, ok := now[name]
				if !declared[name] {
					continue // carried
				}
				if ok && nv.CanSet() && nv.Type() == ov.Type() && carryable(ov, ambiguous) {
					nv.Set(ov)
					continue
				}
			}
			lost = append(lost, name)
		}
		sort.Strings(lost)
	}
	if len(errs) > 0 {
		return lost, errors.New(strings.Join(errs, "\n"))
	}
	return lost, nil
}

// load gives e a fresh interpreter and runs in it the imports of decls,
// the values named carry, then the other declarations: all together, or
// one by one. It returns the error of each declaration that failed, by
// index, and the first error.
func (e *Interpreter) load(ctx context.Context, decls []ctl.Decl, values map[string]reflect.Value, carry []string, together bool) (map[int]error, error) {
	if err := e.reset(); err != nil {
		return nil, err
	}
	failed := map[int]error{}
	var first error
	fail := func(i int, err error) {
		failed[i] = err
		if first == nil {
			first = err
		}
	}
	for i, d := range decls {
		if d.Kind == declImport {
			e.pos.restored(d.Seq, d.File)
			if _, err := e.run(ctx, d.Code, false); err != nil {
				fail(i, err)
			}
		}
	}
	if len(carry) > 0 {
		vals := make([]reflect.Value, len(carry))
		for i, name := range carry {
			vals[i] = values[name]
		}
		_ = e.defineValues(ctx, carry, vals) // what failed to come over is named as lost
	}
	if together {
		var src strings.Builder
		src.WriteString("package main;")
		n := 0
		for _, d := range decls {
			if d.Kind != declImport {
				e.pos.restored(d.Seq, d.File)
				src.WriteString(strings.TrimPrefix(d.Code, "package main;"))
				src.WriteString("\n")
				n++
			}
		}
		if n > 0 {
			if _, err := e.run(ctx, src.String(), false); err != nil {
				for i, d := range decls {
					if d.Kind != declImport {
						failed[i] = err
					}
				}
				return failed, err
			}
		}
		return failed, first
	}
	for i, d := range decls {
		if d.Kind != declImport {
			e.pos.restored(d.Seq, d.File)
			if _, err := e.run(ctx, d.Code, false); err != nil {
				fail(i, err)
			}
		}
	}
	return failed, first
}

// carriedNow returns the names of carry that the interpreter now holds.
func (e *Interpreter) carriedNow(carry []string) []string {
	now := e.in.Globals()
	var out []string
	for _, name := range carry {
		if _, ok := now[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// noteImport records the imports of an import declaration's source.
func (e *Interpreter) noteImport(src string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return
	}
	for _, s := range f.Imports {
		path, _ := strconv.Unquote(s.Path.Value)
		name := ""
		if s.Name != nil {
			name = s.Name.Name
		}
		e.imports[path] = name
	}
}

// cellTypes returns the types that represent the types declared in cells,
// or nil when they cannot be told. The interpreter represents a type such
// as `type Celsius float64` by its underlying type, so a float64 might be
// a Celsius whose methods only the interpreter knows.
func (e *Interpreter) cellTypes(ctx context.Context) map[reflect.Type]bool {
	var names []string
	for name, tok := range e.kinds {
		if tok == token.TYPE {
			names = append(names, "new("+name+")")
		}
	}
	if len(names) == 0 {
		return map[reflect.Type]bool{}
	}
	prog, err := e.compile("package main; func main() {"+resultName+".Raw("+strings.Join(names, ", ")+")}", true)
	if err != nil {
		return nil
	}
	v, err := e.execute(ctx, prog)
	if err != nil || !v.IsValid() || !v.CanInterface() {
		return nil
	}
	values, _ := v.Interface().([]any)
	types := map[reflect.Type]bool{}
	for _, x := range values {
		if t := reflect.TypeOf(x); t != nil && t.Kind() == reflect.Pointer {
			types[t.Elem()] = true
		}
	}
	return types
}

// carryable reports whether v can move to another interpreter: its type
// and any value it holds through an interface are built from the
// language's types and compiled packages' types only, and none of them
// may stand for a type declared in a cell (cellTypes; nil means any
// might). Values of types declared in cells, and functions, belong to the
// interpreter that made them.
func carryable(v reflect.Value, cellTypes map[reflect.Type]bool) bool {
	if v.Kind() == reflect.Interface {
		return v.IsNil() || carryable(v.Elem(), cellTypes)
	}
	return carryableType(v.Type(), cellTypes)
}

func carryableType(t reflect.Type, cellTypes map[reflect.Type]bool) bool {
	if cellTypes == nil {
		return t.Name() != "" && t.PkgPath() != ""
	}
	if cellTypes[t] {
		return false
	}
	if t.Name() != "" && t.PkgPath() != "" {
		return true // a compiled package's type
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return t.Name() != ""
	case reflect.Slice, reflect.Array, reflect.Pointer, reflect.Chan:
		return carryableType(t.Elem(), cellTypes)
	case reflect.Map:
		return carryableType(t.Key(), cellTypes) && carryableType(t.Elem(), cellTypes)
	}
	return false
}
