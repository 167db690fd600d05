package cell

import (
	"go/ast"
	"slices"
)

// CallCycles returns the cycles of calls among the functions the cells
// declare, as lists of names that start and end with the same function
// (foo → boo → foo). Cycles through functions that entry calls, directly
// or not, come first; a later cell's declaration of a name replaces an
// earlier one. It is what an endless recursion most likely went round.
func CallCycles(cells []string, entry string) [][]string {
	calls := map[string][]string{} // function → functions it calls
	var order []string
	for _, src := range cells {
		items, err := Split(src)
		if err != nil {
			continue
		}
		for _, it := range items {
			if it.Kind != Decl {
				continue
			}
			f := parseItem(src, it)
			if f == nil {
				continue
			}
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || fd.Body == nil {
					continue
				}
				if _, seen := calls[fd.Name.Name]; !seen {
					order = append(order, fd.Name.Name)
				}
				calls[fd.Name.Name] = calledNames(fd.Body)
			}
		}
	}
	// The functions the entry cell's statements call come first.
	var roots []string
	if items, err := Split(entry); err == nil {
		for _, it := range items {
			if it.Kind == Stmt {
				if f := parseItem(entry, it); f != nil {
					roots = append(roots, calledNames(f)...)
				}
			}
		}
	}
	var cycles [][]string
	seen := map[string]bool{}
	for _, start := range append(roots, order...) {
		if _, ok := calls[start]; !ok || seen[start] {
			continue
		}
		if c := findCycle(calls, start); c != nil {
			key := slices.Clone(c[:len(c)-1])
			slices.Sort(key)
			k := ""
			for _, n := range key {
				k += n + "\x00"
			}
			if !seen["cycle:"+k] {
				seen["cycle:"+k] = true
				cycles = append(cycles, c)
			}
		}
		seen[start] = true
	}
	return cycles
}

// calledNames returns the names node calls as plain identifiers.
func calledNames(node ast.Node) []string {
	var names []string
	ast.Inspect(node, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok {
				names = append(names, id.Name)
			}
		}
		return true
	})
	return names
}

// findCycle returns the first cycle reachable from start, depth first.
func findCycle(calls map[string][]string, start string) []string {
	var path []string
	onPath := map[string]int{}
	done := map[string]bool{}
	var visit func(n string) []string
	visit = func(n string) []string {
		if i, ok := onPath[n]; ok {
			return append(slices.Clone(path[i:]), n)
		}
		if done[n] {
			return nil
		}
		if _, ok := calls[n]; !ok {
			return nil
		}
		onPath[n] = len(path)
		path = append(path, n)
		for _, m := range calls[n] {
			if c := visit(m); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		delete(onPath, n)
		done[n] = true
		return nil
	}
	return visit(start)
}
