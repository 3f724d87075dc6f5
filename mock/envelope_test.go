package mock

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestListInAPageEnvelope: a list whose success is an object around its one
// array of members (testdata/specs/member-page-envelope.yaml: results,
// count, page, page_size) is still the member list: the array is the page
// the array-answering document gives, the properties named as query
// parameters carry the values read, and the one integer left counts the
// members the filters keep.
func TestListInAPageEnvelope(t *testing.T) {
	sp, err := spec.LoadFile("testdata/specs/member-page-envelope.yaml")
	require.NoError(t, err)
	require.Equal(t, "results", sp.Members().ListProperty)
	wrapped := newTestMock(t, Config{Spec: sp})
	plain := newTestMock(t, Config{})
	org := wrapped.profile.OrganizationID

	all := len(plain.allMembers(org, TokenOrgAdmin, ""))
	require.Greater(t, all, 3)
	// A needle some members match: the first listed member's email, whole.
	first := plain.do(http.MethodGet, plain.membersPath(org)+"?page_size=1", TokenOrgAdmin, nil).List(t)[0].(map[string]any)
	needle := first["user"].(map[string]any)["email"].(string)
	matching := len(plain.do(http.MethodGet, plain.membersPath(org)+"?page_size=100&query="+needle, TokenOrgAdmin, nil).List(t))

	for _, tc := range []struct {
		query          string
		page, pageSize float64
		count          int
	}{
		{"", 1, 50, all},
		{"?page=2&page_size=3", 2, 3, all},
		{"?page_size=2&query=" + needle, 1, 2, matching},
		{"?page=99", 99, 50, all},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := wrapped.do(http.MethodGet, wrapped.membersPath(org)+tc.query, TokenOrgAdmin, nil)
			require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
			envelope := got.Object(t)
			want := plain.do(http.MethodGet, plain.membersPath(org)+tc.query, TokenOrgAdmin, nil)
			var page []any
			require.NoError(t, json.Unmarshal(want.Body, &page))
			require.Equal(t, page, envelope["results"], "the page, as openapi.yaml's list answers it")
			require.Equal(t, tc.page, envelope["page"])
			require.Equal(t, tc.pageSize, envelope["page_size"])
			require.Equal(t, float64(tc.count), envelope["count"])
		})
	}
}
