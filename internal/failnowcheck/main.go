// Command failnowcheck finds, in _test.go files, calls that stop a test
// (testify's require.*, t.Fatal, t.Fatalf, t.FailNow, t.Skip, t.Skipf,
// t.SkipNow, or a test helper of the same package that makes one) inside a
// `go func` literal, a func literal handed to x.Go (sync.WaitGroup.Go,
// errgroup), or an HTTP handler (a func literal or method taking an
// http.ResponseWriter first). Those run on another goroutine than the
// test's, where runtime.Goexit ends that goroutine and not the test
// (testing.T.FailNow: "FailNow must be called from the goroutine running the
// test"): the test goes on, or hangs. make lint runs it over the tree; it
// exits 1 naming each call.
//
// It reads syntax only: helpers are known by name within their directory's
// test files, a method by its name alone (two types' methods of one name are
// one helper: a false alarm is mended by naming them apart); a func literal
// handed to t.Run is on its subtest's own goroutine again.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// stoppers are the testing.TB methods that end the calling goroutine.
var stoppers = map[string]bool{
	"Fatal": true, "Fatalf": true, "FailNow": true,
	"Skip": true, "Skipf": true, "SkipNow": true,
}

// A finding is one call that stops a test from a goroutine not the test's.
type finding struct {
	Pos  token.Position
	Call string // e.g. "require.NoError", "t.Fatalf"
	In   string // where: "go func", "HTTP handler", ...
}

func (f finding) String() string {
	return fmt.Sprintf("%s: %s inside a %s: it runs off the test's goroutine (use assert/t.Error and return, or send the error to the test)", f.Pos, f.Call, f.In)
}

// checkFile returns the findings of one parsed file, in source order.
// stopping holds the package's test helpers that stop the test (stoppingHelpers).
func checkFile(fset *token.FileSet, file *ast.File, stopping map[string]bool) []finding {
	var found []finding
	var walk func(n ast.Node, in string)
	walk = func(n ast.Node, in string) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
					walk(lit.Body, "go func")
					for _, arg := range n.Call.Args {
						walk(arg, in)
					}
					return false
				}
			case *ast.FuncDecl:
				if n.Body != nil && isHandler(n.Type) {
					walk(n.Body, "HTTP handler")
					return false
				}
			case *ast.CallExpr:
				if lit := goCallBody(n); lit != nil {
					ast.Inspect(n.Fun, func(m ast.Node) bool { walk(m, in); return false })
					walk(lit.Body, "goroutine started by .Go")
					return false
				}
				if lit := subtestBody(n); lit != nil {
					ast.Inspect(n.Fun, func(m ast.Node) bool { walk(m, in); return false })
					walk(lit.Body, "")
					return false
				}
				if in != "" {
					if name, ok := stopperCall(n); ok {
						found = append(found, finding{Pos: fset.Position(n.Pos()), Call: name, In: in})
					} else if name, key := callee(n); stopping[key] {
						found = append(found, finding{Pos: fset.Position(n.Pos()), Call: name + " (a helper that stops the test)", In: in})
					}
				}
			case *ast.FuncLit:
				if isHandler(n.Type) {
					walk(n.Body, "HTTP handler")
					return false
				}
			}
			return true
		})
	}
	walk(file, "")
	sort.Slice(found, func(i, j int) bool { return found[i].Pos.Offset < found[j].Pos.Offset })
	return found
}

// callee names what call calls, as written and as a key of stoppingHelpers:
// "f" for a function, ".m" for a method (by name alone: syntax has no types).
func callee(call *ast.CallExpr) (written, key string) {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name, fn.Name
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok {
			return x.Name + "." + fn.Sel.Name, "." + fn.Sel.Name
		}
		return "." + fn.Sel.Name, "." + fn.Sel.Name
	}
	return "", ""
}

// stoppingHelpers returns the functions and methods declared in files that
// stop the test on the goroutine that calls them: a stopping call in their
// own body, or a call to another such helper (to a fixed point).
func stoppingHelpers(files []*ast.File) map[string]bool {
	calls := map[string][]string{} // key -> keys it calls on its own goroutine
	stopping := map[string]bool{}
	for _, file := range files {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key := fd.Name.Name
			if fd.Recv != nil {
				key = "." + key
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					return false
				case *ast.FuncLit:
					return !isHandler(n.Type)
				case *ast.CallExpr:
					if goCallBody(n) != nil || subtestBody(n) != nil {
						return false
					}
					if _, ok := stopperCall(n); ok {
						stopping[key] = true
					} else if _, k := callee(n); k != "" {
						calls[key] = append(calls[key], k)
					}
				}
				return true
			})
		}
	}
	for changed := true; changed; {
		changed = false
		for key, callees := range calls {
			if stopping[key] {
				continue
			}
			for _, c := range callees {
				if stopping[c] {
					stopping[key], changed = true, true
					break
				}
			}
		}
	}
	return stopping
}

// stopperCall reports whether call is require.<anything> or <x>.<stopper>(...).
func stopperCall(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	if x.Name == "require" || stoppers[sel.Sel.Name] {
		return x.Name + "." + sel.Sel.Name, true
	}
	return "", false
}

// goCallBody returns the func literal of x.Go(func() {...}): sync.WaitGroup.Go
// and errgroup.Group.Go run it on a new goroutine.
func goCallBody(call *ast.CallExpr) *ast.FuncLit {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Go" || len(call.Args) != 1 {
		return nil
	}
	lit, _ := call.Args[0].(*ast.FuncLit)
	return lit
}

// subtestBody returns the func literal of x.Run(name, func(t *testing.T) {...}):
// testing runs it on a goroutine of its own, where stopping is allowed.
func subtestBody(call *ast.CallExpr) *ast.FuncLit {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Run" || len(call.Args) != 2 {
		return nil
	}
	lit, ok := call.Args[1].(*ast.FuncLit)
	if !ok || lit.Type.Params == nil || len(lit.Type.Params.List) != 1 {
		return nil
	}
	if star, ok := lit.Type.Params.List[0].Type.(*ast.StarExpr); ok && isSelector(star.X, "testing", "T") {
		return lit
	}
	return nil
}

// isHandler reports whether a func type's first parameter is an http.ResponseWriter.
func isHandler(ft *ast.FuncType) bool {
	return ft.Params != nil && len(ft.Params.List) > 0 && isSelector(ft.Params.List[0].Type, "http", "ResponseWriter")
}

func isSelector(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == pkg
}

// checkTree parses every _test.go under root (testdata and hidden directories
// skipped, as the go tool does) and returns the findings. A directory's
// test helpers are known to each of its files.
func checkTree(root string) ([]finding, error) {
	byDir := map[string][]*ast.File{}
	var dirs []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if byDir[dir] == nil {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], file)
		return nil
	})
	var found []finding
	for _, dir := range dirs {
		stopping := stoppingHelpers(byDir[dir])
		for _, file := range byDir[dir] {
			found = append(found, checkFile(fset, file, stopping)...)
		}
	}
	return found, err
}

func main() {
	roots := os.Args[1:]
	if len(roots) == 0 {
		roots = []string{"."}
	}
	failed := false
	for _, root := range roots {
		found, err := checkTree(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, "failnowcheck:", err)
			os.Exit(2)
		}
		for _, f := range found {
			fmt.Println(f)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
