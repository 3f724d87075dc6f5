package contract_test

// Probe (do not commit): every spec variant under mock/testdata/specs*/,
// served by the mock over HTTP, passes the hand-written suite plus gen's
// cases (what `humm-contract run --generated --spec FILE` runs).
// go test ./contract -run TestVariantsProbe -v 2>&1 | grep -E 'passed [0-9]+ failed'

import (
	"path/filepath"
	"testing"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/mock"
	"github.com/heyhumm/humm-members-mock/mock/spec"
)

func TestVariantsProbe(t *testing.T) {
	files, _ := filepath.Glob("/work/try-specs/delete-message.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			sp, err := spec.LoadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			suite := withGenerated(t, sp)
			profile := serveMockWith(t, mock.Config{Seed: 1, Spec: sp})
			report, out := run(t, suite, profile, func(c *contract.Config) { c.Parallel = 8; c.Spec = sp })
			t.Logf("%s: passed %d failed %d skipped %d: %v", file, report.Passed, len(failedCases(report)), report.Skipped, failedCases(report))
			if true {
				t.Log(out)
			}
		})
	}
}
