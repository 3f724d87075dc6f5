package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
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

// withMemberGET is documented-statuses-31.yaml (a 204 delete) with a GET
// of one member on the item path, answering the update's member.
func withMemberGET(t *testing.T) *spec.Spec {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(readBackVariant(t, "documented-statuses-31.yaml").Raw)
	require.NoError(t, err)
	item := doc.Paths.Value(readBackVariant(t, "documented-statuses-31.yaml").Members().Item)
	item.Get = &openapi3.Operation{OperationID: "get_organization_member", Security: item.Put.Security,
		Responses: openapi3.NewResponses(openapi3.WithStatus(200, item.Put.Responses.Status(200)))}
	data, err := doc.MarshalJSON()
	require.NoError(t, err)
	sp, err := spec.Load(data)
	require.NoError(t, err)
	return sp
}

// serveMemberGET serves the mock, with a GET of one member on the item
// path that answers the member as the mock's list does (or 404).
func serveMemberGET(t *testing.T, cfg mock.Config) *contract.Profile {
	t.Helper()
	m, err := mock.New(cfg)
	require.NoError(t, err)
	members := cfg.Spec.Members()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		segments := strings.Split(r.URL.Path, "/")
		if r.Method != http.MethodGet || len(segments) != len(strings.Split(members.Item, "/")) {
			m.ServeHTTP(w, r)
			return
		}
		collection, id := strings.Join(segments[:len(segments)-1], "/"), segments[len(segments)-1]
		for page := 1; page < 100; page++ {
			list := httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s?page=%d&page_size=100", collection, page), nil)
			list.Header = r.Header.Clone()
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, list)
			var items []map[string]any
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &items) != nil || len(items) == 0 {
				break
			}
			for _, item := range items {
				if strings.EqualFold(fmt.Sprint(item["id"]), id) {
					w.Header().Set("Content-Type", "application/json")
					assert.NoError(t, json.NewEncoder(w).Encode(item))
					return
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Member not found"}`))
	})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
	require.NoError(t, err)
	return profile
}

// TestStepsReadTheMemberThroughItsGET: a document with a GET of one member
// is read through it, not the list; the proof holds there too.
func TestStepsReadTheMemberThroughItsGET(t *testing.T) {
	sp := withMemberGET(t)
	only := regexp.MustCompile("^(" + strings.Join(membersReadBack, "|") + ")$")
	report, out := run(t, embeddedSuite(t), serveMemberGET(t, mock.Config{Seed: 1, Spec: sp}),
		func(c *contract.Config) { c.Spec, c.Run, c.Parallel = sp, only, 8 })
	require.Equal(t, len(membersReadBack), report.Passed, out)
	for _, c := range report.Cases {
		for _, s := range c.Steps {
			require.NotContains(t, s.Curl, "the member list", "%s %s", c.Name, s.Name)
		}
	}
	var named int
	for _, c := range report.Cases {
		for _, s := range c.Steps {
			if strings.Contains(s.Curl, "the member is read through GET "+sp.Members().Item) {
				named++
			}
		}
	}
	require.GreaterOrEqual(t, named, len(membersReadBack), out)
	failing, out := run(t, embeddedSuite(t), serveMemberGET(t, mock.Config{Seed: 1, Spec: sp, Defect: "delete-forbidden-after-commit"}),
		func(c *contract.Config) { c.Spec, c.Run = sp, regexp.MustCompile("^analyst-cannot-delete$") })
	require.Equal(t, []string{"analyst-cannot-delete"}, failedCases(failing), out)
	var failures []string
	for _, s := range failing.Cases[0].Steps {
		if s.Name == "still-there" {
			failures = s.Failures
		}
	}
	require.NotEmpty(t, failures, out)
	require.Contains(t, failures[0], "read through GET "+sp.Members().Item+": status: expected 200, got 404")
}

// TestAMemberReadNoWayStaysSkipped: on a 204 document whose list the
// runner cannot page through (a bounded page size, no page number) and
// without a GET of one member, the cases stay skipped, saying why and why
// the member cannot be read another way (fail closed).
func TestAMemberReadNoWayStaysSkipped(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(readBackVariant(t, "documented-statuses-31.yaml").Raw)
	require.NoError(t, err)
	list := doc.Paths.Value(readBackVariant(t, "documented-statuses-31.yaml").Members().Collection).Get
	var kept openapi3.Parameters
	for _, p := range list.Parameters {
		if p.Value.Name != "page" {
			kept = append(kept, p)
		}
	}
	list.Parameters = kept
	data, err := doc.MarshalJSON()
	require.NoError(t, err)
	sp, err := spec.Load(data)
	require.NoError(t, err)
	only := regexp.MustCompile("^(" + strings.Join(membersReadBack, "|") + ")$")
	report, out := run(t, embeddedSuite(t), serveMockWith(t, mock.Config{Seed: 1, Spec: sp}),
		func(c *contract.Config) { c.Spec, c.Run, c.Parallel = sp, only, 8 })
	require.Equal(t, len(membersReadBack), report.Skipped, out)
	for _, c := range report.Cases {
		require.Regexp(t, `^not in the document: the document's DELETE \S+ answers 204 without a body, which step "[^"]+" reads; the member list's page has a size \(page_size\) and no page number`, c.Skipped)
	}
}
