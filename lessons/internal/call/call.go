// Package call encodes calls of functions by name, with their arguments
// and results, so that another process can make them: the common ground
// of package procs (worker processes) and package tasks (workers over a
// message broker).
//
// Values are encoded with encoding/gob, each as the type the function
// declares, so that the two processes need not share Go types, only their
// shapes: a []int sent arrives as the worker's []int.
package call

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
)

var (
	anyType        = reflect.TypeFor[any]()
	errorType      = reflect.TypeFor[error]()
	gobEncoderType = reflect.TypeFor[gob.GobEncoder]()
)

// Args checks args against the parameters of the function called name, of
// type t, and encodes them.
func Args(name string, t reflect.Type, args []any) ([][]byte, error) {
	if n := t.NumIn(); len(args) != n && !(t.IsVariadic() && len(args) >= n-1) {
		return nil, fmt.Errorf("%s takes %d arguments, not %d", name, n, len(args))
	}
	var out [][]byte
	for i, a := range args {
		pt := paramType(t, i)
		v := reflect.ValueOf(a)
		switch {
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type().AssignableTo(pt):
		case v.Type().ConvertibleTo(pt) && v.Kind() != reflect.String && pt.Kind() != reflect.String:
			v = v.Convert(pt)
		default:
			return nil, fmt.Errorf("argument %d of %s is a %s, not %s", i+1, name, v.Type(), pt)
		}
		if why := unsendable(v.Type(), map[reflect.Type]bool{}); why != "" {
			return nil, fmt.Errorf("argument %d of %s (%s): %s", i+1, name, v.Type(), why)
		}
		data, err := encode(v, pt)
		if err != nil {
			return nil, fmt.Errorf("argument %d of %s (%s) cannot be sent to another process: %v", i+1, name, v.Type(), err)
		}
		out = append(out, data)
	}
	return out, nil
}

// Invoke calls fn, the function called name, with encoded args and
// returns its encoded results but a trailing error, and the text of that
// error or of the panic that ended the call, which panicked then reports.
func Invoke(name string, fn reflect.Value, args [][]byte) (results [][]byte, errMsg string, panicked bool) {
	t := fn.Type()
	in := make([]reflect.Value, len(args))
	for i, data := range args {
		v, err := decode(data, paramType(t, i))
		if err != nil {
			return nil, fmt.Sprintf("argument %d of %s: %v", i+1, name, err), false
		}
		in[i] = v
	}
	defer func() {
		if p := recover(); p != nil {
			results, errMsg, panicked = nil, fmt.Sprint(p), true
		}
	}()
	outs := fn.Call(in)
	if returnsError(t) {
		last := outs[len(outs)-1]
		outs = outs[:len(outs)-1]
		if !last.IsNil() {
			errMsg = last.Interface().(error).Error()
		}
	}
	for i, v := range outs {
		data, err := encode(v, t.Out(i))
		if err != nil {
			return nil, fmt.Sprintf("result %d of %s cannot be sent back: %v", i+1, name, err), false
		}
		results = append(results, data)
	}
	return results, errMsg, false
}

// Results decodes the results of a call of the function called name, of
// type t.
func Results(name string, t reflect.Type, data [][]byte) ([]any, error) {
	var out []any
	for i, d := range data {
		if i >= t.NumOut() {
			return nil, fmt.Errorf("%s: more results than it declares", name)
		}
		v, err := decode(d, t.Out(i))
		if err != nil {
			return nil, fmt.Errorf("result %d of %s: %w", i+1, name, err)
		}
		out = append(out, v.Interface())
	}
	return out, nil
}

// EncodeAny encodes a value of any type, known to gob without
// registration (numbers, strings, booleans and slices of them).
func EncodeAny(v any) ([]byte, error) {
	data, err := encode(reflect.ValueOf(v), anyType)
	if err != nil {
		return nil, fmt.Errorf("a %T cannot be sent to another process: %w", v, err)
	}
	return data, nil
}

// DecodeAny decodes what EncodeAny encoded.
func DecodeAny(data []byte) (any, error) {
	v, err := decode(data, anyType)
	if err != nil {
		return nil, err
	}
	return v.Interface(), nil
}

// encode encodes v as a value of type t.
func encode(v reflect.Value, t reflect.Type) ([]byte, error) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	var err error
	switch {
	case t.Kind() == reflect.Interface:
		// An interface travels with the name of its dynamic type.
		holder := reflect.New(t)
		if v.IsValid() {
			holder.Elem().Set(v)
		}
		err = enc.EncodeValue(holder)
	case !v.IsValid():
		return nil, nil
	default:
		err = enc.EncodeValue(v)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decode decodes data into a new value of type t.
func decode(data []byte, t reflect.Type) (reflect.Value, error) {
	v := reflect.New(t)
	if len(data) == 0 {
		return v.Elem(), nil
	}
	if err := gob.NewDecoder(bytes.NewReader(data)).DecodeValue(v); err != nil {
		return reflect.Value{}, err
	}
	return v.Elem(), nil
}

// paramType returns the type of argument i of a function of type t.
func paramType(t reflect.Type, i int) reflect.Type {
	if t.IsVariadic() && i >= t.NumIn()-1 {
		return t.In(t.NumIn() - 1).Elem()
	}
	return t.In(i)
}

// returnsError reports whether the last result of functions of type t is
// an error.
func returnsError(t reflect.Type) bool {
	return t.NumOut() > 0 && t.Out(t.NumOut()-1) == errorType
}

// unsendable returns why a value of type t cannot travel to another
// process, or "" when it may.
func unsendable(t reflect.Type, seen map[reflect.Type]bool) string {
	if seen[t] || t.Implements(gobEncoderType) || reflect.PointerTo(t).Implements(gobEncoderType) {
		return ""
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return fmt.Sprintf("a %s cannot be sent to another process", t.Kind())
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return unsendable(t.Elem(), seen)
	case reflect.Map:
		if why := unsendable(t.Key(), seen); why != "" {
			return why
		}
		return unsendable(t.Elem(), seen)
	case reflect.Struct:
		exported := 0
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			exported++
			if why := unsendable(f.Type, seen); why != "" {
				return fmt.Sprintf("field %s: %s", f.Name, why)
			}
		}
		if exported == 0 && t.NumField() > 0 {
			return fmt.Sprintf("%s has no exported fields to send", t)
		}
	}
	return ""
}
