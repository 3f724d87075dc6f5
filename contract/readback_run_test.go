package contract_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// membersReadBack are the hand-written cases that read the member a
// delete answers (openapi.yaml's 200 with the removed row): the delete's
// own checks, and the "unchanged" checks after a refused write.
var membersReadBack = []string{
	"analyst-cannot-update", "suspended-cannot-update", "outsider-cannot-update",
	"system-admin-can-delete", "org-admin-can-delete",
	"analyst-cannot-delete", "suspended-cannot-delete", "outsider-cannot-delete",
	"uppercase-uuids-are-accepted", "update-with-other-ids-in-the-body-is-400",
	"delete-returns-the-row-then-it-is-gone", "member-of-another-organization-is-404-there",
}

// deleteWithoutMember are variants whose delete does not answer the
// member: a 204 without a body (FastAPI's status_code=204: fastapi/utils.py
// is_body_allowed_for_status_code, so fastapi/openapi/utils.py documents
// no content) and a confirmation object.
var deleteWithoutMember = []string{"documented-statuses-31.yaml", "delete-confirmation.yaml"}

func readBackVariant(t *testing.T, file string) *spec.Spec {
	t.Helper()
	sp, err := spec.LoadFile(filepath.Join("..", "mock", "testdata", "specs", file))
	require.NoError(t, err)
	return sp
}

// TestStepsReadTheMemberAnotherWay: on a document whose delete answers no
// member, the cases that read it run, and pass against the mock, each
// reading step naming the read it made; nothing is skipped.
func TestStepsReadTheMemberAnotherWay(t *testing.T) {
	only := regexp.MustCompile("^(" + strings.Join(membersReadBack, "|") + ")$")
	for _, file := range deleteWithoutMember {
		t.Run(file, func(t *testing.T) {
			sp := readBackVariant(t, file)
			report, out := run(t, embeddedSuite(t), serveMockWith(t, mock.Config{Seed: 1, Spec: sp}),
				func(c *contract.Config) { c.Spec, c.Run, c.Parallel = sp, only, 8 })
			require.Equal(t, len(membersReadBack), report.Passed, out)
			require.Zero(t, report.Skipped, out)
			for _, c := range report.Cases {
				read := 0
				for _, s := range c.Steps {
					if strings.Contains(s.Curl, "the member is read through the member list GET "+sp.Members().Collection) {
						read++
					}
				}
				require.Positive(t, read, "case %s: no step names the read it made", c.Name)
			}
		})
	}
}

// TestReadBackIsAProof: the read proves what the step's answer would
// have: a refused update that was written anyway, or a refused delete that
// was carried out, still fails on the documents whose delete answers no
// member.
func TestReadBackIsAProof(t *testing.T) {
	for _, file := range deleteWithoutMember {
		for _, tc := range []struct{ defect, failing, step, why string }{
			{"forbidden-after-commit", "analyst-cannot-update", "unchanged", `body /role: expected "ANALYST", got "ORGANIZATION_ADMIN"`},
			{"delete-forbidden-after-commit", "analyst-cannot-delete", "still-there", "no member"},
		} {
			t.Run(file+"/"+tc.defect, func(t *testing.T) {
				sp := readBackVariant(t, file)
				report, out := run(t, embeddedSuite(t), serveMockWith(t, mock.Config{Seed: 1, Spec: sp, Defect: tc.defect}),
					func(c *contract.Config) { c.Spec, c.Run = sp, regexp.MustCompile("^"+tc.failing+"$") })
				require.Equal(t, []string{tc.failing}, failedCases(report), out)
				var failures []string
				for _, s := range report.Cases[0].Steps {
					if s.Name == tc.step {
						failures = s.Failures
					}
				}
				require.NotEmpty(t, failures, out)
				require.Contains(t, failures[0], "read through the member list GET")
				require.Contains(t, failures[0], tc.why)
			})
		}
	}
}

// TestTheReferenceReadsNoMemberAnotherWay: openapi.yaml's delete answers
// the member: no step reads it another way.
func TestTheReferenceReadsNoMemberAnotherWay(t *testing.T) {
	only := regexp.MustCompile("^(" + strings.Join(membersReadBack, "|") + ")$")
	report, out := run(t, embeddedSuite(t), serveMockWith(t, mock.Config{Seed: 1}), func(c *contract.Config) { c.Run, c.Parallel = only, 8 })
	require.Equal(t, len(membersReadBack), report.Passed, out)
	for _, c := range report.Cases {
		for _, s := range c.Steps {
			require.NotContains(t, s.Curl, "read through", "%s %s", c.Name, s.Name)
		}
	}
}
