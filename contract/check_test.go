package contract_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/internal/spec"
	"github.com/heyhumm/humm-members-mock/mock"
)

// TestADeclaredResponseHeaderMissingFailsTheStep: BEHAVIOUR.md's
// Responses says a success sends the response headers it declares.
// openapi.yaml declares none, so no case proves it there; on a document
// that does (documented-statuses-31.yaml: a required X-Page-Count on the
// list), the runner checks every answer's headers against the document,
// and a target that leaves the header out fails the step that reads the
// list, as a spec violation.
func TestADeclaredResponseHeaderMissingFailsTheStep(t *testing.T) {
	sp, err := spec.LoadFile("../mock/testdata/specs/documented-statuses-31.yaml")
	require.NoError(t, err)
	m, err := mock.New(mock.Config{Seed: 1, Spec: sp})
	require.NoError(t, err)
	for _, tt := range []struct {
		name   string
		drop   bool
		passed bool
	}{
		{name: "the header sent", drop: false, passed: true},
		{name: "the header left out", drop: true, passed: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.drop {
					w = headerDropper{ResponseWriter: w, name: "X-Page-Count"}
				}
				m.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			profile, err := contract.FetchMockProfile(context.Background(), srv.Client(), srv.URL)
			require.NoError(t, err)
			report, out := run(t, embeddedSuite(t), profile, func(c *contract.Config) {
				c.Spec = sp
				c.Run = regexp.MustCompile("^list-is-ordered-and-carries-users$")
			})
			require.Len(t, report.Cases, 1, out)
			c := report.Cases[0]
			require.Equal(t, tt.passed, c.Passed, out)
			if !tt.passed {
				require.Contains(t, strings.Join(c.Steps[0].Failures, "\n"), "spec: GET /api/organization/{organization_id}/member -> 200: response header \"X-Page-Count\" missing", out)
			}
		})
	}
}

// headerDropper leaves one header out of what a handler writes.
type headerDropper struct {
	http.ResponseWriter
	name string
}

func (d headerDropper) WriteHeader(status int) {
	d.ResponseWriter.Header().Del(d.name)
	d.ResponseWriter.WriteHeader(status)
}
