package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each planted call that stops a test off its goroutine is found, and the
// calls that are allowed (on the test's goroutine, in a subtest's body) are not.
func TestFindsCallsThatStopATestOffItsGoroutine(t *testing.T) {
	const src = `package x

func TestX(t *testing.T) {
	require.NoError(t, nil)                      // the test's goroutine: allowed
	go func() { require.NoError(t, nil) }()      // 5
	go func() { t.Fatalf("x") }()                // 6
	wg.Go(func() { t.FailNow() })                // 7
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Skip("x")                              // 9
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		assert.True(t, false)                    // reports and goes on: allowed
		t.Errorf("x")                            // allowed
	})
	t.Run("sub", func(t *testing.T) { require.True(t, true) }) // the subtest's goroutine: allowed
	go func() {
		t.Run("sub", func(t *testing.T) { t.SkipNow() })      // allowed
		t.Fatal("x")                                          // 18
	}()
	done <- func() error { return nil }()        // no goroutine: allowed
}

func (d *double) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	require.Equal(d.t, 1, 2)                     // 24
}

func TestHelpers(t *testing.T) {
	go func() {
		mustDecode(t, nil)                       // 29: stops, through decode
		m.object(t)                              // 30: a method that stops
		send(t)                                  // reports and goes on: allowed
		helpOffItsGoroutine(t)                   // stops only on a goroutine of its own: allowed
	}()
	mustDecode(t, nil)                           // the test's goroutine: allowed
}

func mustDecode(t *testing.T, b []byte) { decode(t, b) }
func decode(t *testing.T, b []byte)     { require.NotNil(t, b) }
func (m *mock) object(t *testing.T)     { t.Fatal("x") }
func send(t *testing.T)                 { t.Errorf("x") }
func helpOffItsGoroutine(t *testing.T)  { go func() { t.FailNow() }() } // 41
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "x_test.go", src, 0)
	require.NoError(t, err)
	var got []string
	for _, f := range checkFile(fset, file, stoppingHelpers([]*ast.File{file})) {
		got = append(got, f.Call+" in "+f.In+" at line "+strconv.Itoa(f.Pos.Line))
	}
	assert.Equal(t, []string{
		"require.NoError in go func at line 5",
		"t.Fatalf in go func at line 6",
		"t.FailNow in goroutine started by .Go at line 7",
		"t.Skip in HTTP handler at line 9",
		"t.Fatal in go func at line 18",
		"require.Equal in HTTP handler at line 24",
		"mustDecode (a helper that stops the test) in go func at line 29",
		"m.object (a helper that stops the test) in go func at line 30",
		"t.FailNow in go func at line 41",
	}, got)
}

// The module's tests keep to the rule (make lint runs the same check).
func TestTheModulesTestsStopOnlyOnTheirGoroutine(t *testing.T) {
	found, err := checkTree("../..")
	require.NoError(t, err)
	for _, f := range found {
		t.Error(f)
	}
}
