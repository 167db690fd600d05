package help

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/golessons/golessons/kernel/wire"
)

// Inspect answers an inspect_request: the declaration and documentation
// of the name at the cursor.
func (h *Help) Inspect(code string, cursorPos, detail int) wire.InspectReply {
	reply := wire.InspectReply{Status: "ok", Data: wire.MIMEBundle{}, Metadata: map[string]any{}}
	off := byteOffset(code, cursorPos)
	name := nameAt(code, off)
	if name == "" {
		return reply
	}
	before := code[:max(strings.LastIndex(code[:min(off, len(code))], name), 0)]
	if text, ok := h.describeIn(name, before, detail > 0); ok {
		reply.Found = true
		reply.Data["text/plain"] = text
		reply.Data["text/markdown"] = "```go\n" + text + "\n```"
	}
	return reply
}

// nameAt returns the (possibly qualified) name around byte offset off: the
// identifier the cursor is in or just after, with what it is selected from.
func nameAt(code string, off int) string {
	off = min(off, len(code))
	start, end := identBefore(code, off), identAfter(code, off)
	if start == end {
		// Just after a call's parenthesis: describe the function called.
		if off > 0 && code[off-1] == '(' {
			end = off - 1
			start = identBefore(code, end)
		}
		if start == end {
			return ""
		}
	}
	for start > 0 && code[start-1] == '.' {
		s := identBefore(code, start-1)
		if s == start-1 {
			break
		}
		start = s
	}
	return code[start:end]
}

// describe returns the declaration and doc of a name: a session
// declaration, a package, a package member (pkg.Name, pkg.Type.Method), or
// a method or field of a value or type of the session.
func (h *Help) describe(name string, full bool) (string, bool) {
	return h.describeIn(name, "", full)
}

// describeIn is describe for a name in a cell, after the code before,
// whose declarations tell the types of the cell's variables.
func (h *Help) describeIn(name, before string, full bool) (string, bool) {
	parts := strings.Split(name, ".")
	if len(parts) == 1 {
		if d, ok := h.lookupDecl(name); ok {
			return join(d.sig, d.doc), true
		}
	}
	if path := h.importPath(parts[0]); path != "" {
		p := h.docs.Package(path)
		if p == nil {
			return "", false
		}
		if len(parts) == 1 {
			doc := p.Synopsis
			if full {
				doc = p.Doc
			}
			return join(fmt.Sprintf("package %s // import %q", p.Name, p.Path), doc), true
		}
		m, ok := p.Members[strings.Join(parts[1:], ".")]
		if !ok {
			return "", false
		}
		text := join(m.Decl, m.Doc)
		if m.Kind == "type" && len(m.Methods) > 0 {
			text += "\nMethods: " + strings.Join(m.Methods, ", ")
		}
		return text, true
	}
	if len(parts) == 1 {
		if p := h.docs.Package("builtin"); p != nil {
			if m, ok := p.Members[name]; ok {
				return join(m.Decl, m.Doc), true
			}
		}
		return "", false
	}
	// value.Method, value.Field or Type.Method.
	typ := h.typeOf(strings.Join(parts[:len(parts)-1], "."), before)
	member := parts[len(parts)-1]
	h.mu.Lock()
	for _, list := range [][]decl{h.methods[typ], h.fields[typ]} {
		for _, m := range list {
			if m.name == member {
				h.mu.Unlock()
				return join(m.sig, m.doc), true
			}
		}
	}
	h.mu.Unlock()
	// A method of a package's type.
	if pkg, name, ok := strings.Cut(typ, "."); ok {
		if path := h.importPath(pkg); path != "" {
			if p := h.docs.Package(path); p != nil {
				if m, ok := p.Members[name+"."+member]; ok {
					return join(m.Decl, m.Doc), true
				}
			}
		}
	}
	return "", false
}

func join(decl, doc string) string {
	if doc == "" {
		return decl
	}
	return decl + "\n\n" + strings.TrimRight(doc, "\n")
}

var pageQuery = regexp.MustCompile(`^\s*(?:\?\s*([\p{L}\p{N}_.]+)|([\p{L}\p{N}_.]+)\s*\?\??)\s*$`)

// Page answers a cell that asks for documentation, `?name` or `name?`,
// with the bundle to show in the pager. It reports false for any other
// cell.
func (h *Help) Page(code string) (wire.MIMEBundle, bool) {
	m := pageQuery.FindStringSubmatch(code)
	if m == nil {
		return nil, false
	}
	name := m[1] + m[2]
	text, ok := h.describe(name, true)
	if !ok {
		text = fmt.Sprintf("No documentation found for %s.", name)
	}
	return wire.MIMEBundle{"text/plain": text}, true
}
