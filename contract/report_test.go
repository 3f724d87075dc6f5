package contract_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./contract -run %s -update to create it", t.Name())
	require.Equal(t, string(want), string(got), "%s differs; if the change is intended, run with -update", path)
}

func TestJUnitReport(t *testing.T) {
	tests := []struct {
		name, bug, golden string
	}{
		{name: "all pass", bug: bugNone, golden: "junit-pass.golden.xml"},
		{name: "one fails", bug: bugCreate201, golden: "junit-fail.golden.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDouble(tt.bug)
			profile := d.serve(t)
			// One case at a time, on a stopped clock: the same report every
			// run.
			report, _ := run(t, loadSuite(t, "testdata/suite"), profile, func(c *contract.Config) {
				c.Parallel = 1
				c.Now = func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }
			})
			var buf bytes.Buffer
			require.NoError(t, report.WriteJUnit(&buf))
			// The double listens on a new port each run.
			golden(t, tt.golden, []byte(strings.ReplaceAll(buf.String(), profile.BaseURL, "http://target")))
		})
	}
}
