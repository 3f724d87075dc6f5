package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// exchangeResult is what a client sees of one exchange.
type exchangeResult struct {
	status int
	body   string
}

// randomSession drives a mock with a random but seeded sequence of
// operations and returns what each request got.
func randomSession(t *testing.T, cfg Config, seed int64, steps int) []exchangeResult {
	t.Helper()
	clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	srv, err := New(cfg)
	require.NoError(t, err)
	p := srv.Profile("http://mock")
	rnd := rand.New(rand.NewSource(seed))
	tokens := []string{TokenSystemAdmin, TokenOrgAdmin, TokenAnalyst, TokenOutsider}
	roles := []string{RoleAnalyst, RoleOrgAdmin, RoleSystemAdmin, "analyst"}
	orgs := []string{p.OrganizationID, p.OtherOrganizationID}
	var memberIDs []string
	srv.store.read(func(w *world) {
		for _, m := range w.byOrg[p.OrganizationID] {
			memberIDs = append(memberIDs, m.ID())
		}
	})
	var out []exchangeResult
	for i := 0; i < steps; i++ {
		org := orgs[rnd.Intn(len(orgs))]
		base := "/api/organization/" + org + "/member"
		var method, path, body string
		switch rnd.Intn(4) {
		case 0:
			method = http.MethodGet
			path = fmt.Sprintf("%s?page=%d&page_size=%d", base, 1+rnd.Intn(3), 1+rnd.Intn(60))
			if rnd.Intn(3) == 0 {
				path += "&query=" + []string{"a", "AN", "example.org", "zz"}[rnd.Intn(4)]
			}
		case 1:
			method, path = http.MethodPost, base
			body = fmt.Sprintf(`{"user_id":%q,"role":%q}`, p.CandidateUserIDs[rnd.Intn(len(p.CandidateUserIDs))], roles[rnd.Intn(len(roles))])
		case 2:
			method, path = http.MethodPut, base+"/"+memberIDs[rnd.Intn(len(memberIDs))]
			body = fmt.Sprintf(`{"role":%q}`, roles[rnd.Intn(len(roles))])
		case 3:
			method, path = http.MethodDelete, base+"/"+memberIDs[rnd.Intn(len(memberIDs))]
		}
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens[rnd.Intn(len(tokens))])
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if method == http.MethodPost && rec.Code == http.StatusOK {
			var created memberRow
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &created))
			memberIDs = append(memberIDs, created.ID)
		}
		out = append(out, exchangeResult{rec.Code, rec.Body.String()})
	}
	return out
}

func TestBothValidationModesGiveTheSameBytesAndVerdicts(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		fast := randomSession(t, Config{Seed: 1}, seed, 300)
		full := randomSession(t, Config{Seed: 1, FullValidation: true}, seed, 300)
		require.Equal(t, full, fast, "seed %d", seed)
	}
}

func TestBothValidationModesRefuseTheSameResponses(t *testing.T) {
	// A spec that the mock's members break: every list and update of a
	// member must be refused in both modes; the rest must agree too.
	broken := editedSpec(t, func(doc *openapi3.T) {
		s := doc.Components.Schemas["OrganizationMemberResponse"].Value
		narrowed := *s.Properties["role"].Value // a copy: requests keep the whole enum
		narrowed.Enum = []any{"ORGANIZATION_ADMIN"}
		s.Properties["role"] = &openapi3.SchemaRef{Value: &narrowed}
	})
	for seed := int64(1); seed <= 3; seed++ {
		fast := randomSession(t, Config{Seed: 1, Spec: broken}, seed, 200)
		full := randomSession(t, Config{Seed: 1, Spec: broken, FullValidation: true}, seed, 200)
		require.Len(t, fast, len(full))
		refused := 0
		for i := range full {
			require.Equal(t, full[i].status, fast[i].status, "seed %d step %d: %s | %s", seed, i, full[i].body, fast[i].body)
			if full[i].status == http.StatusInternalServerError {
				refused++
				require.Contains(t, fast[i].body, "breaks openapi.yaml")
			} else {
				require.Equal(t, full[i].body, fast[i].body)
			}
		}
		require.NotZero(t, refused, "seed %d: the broken spec refused nothing", seed)
	}
}

func TestAnUpdateThatBreaksTheSpecIsCaughtAfterAGoodVersion(t *testing.T) {
	// The incremental check: a member validated whole once, then changed
	// into something the spec forbids, is refused.
	sp := editedSpec(t, func(doc *openapi3.T) {
		s := doc.Components.Schemas["OrganizationMemberResponse"].Value
		narrowed := *s.Properties["role"].Value // a copy: requests keep the whole enum
		narrowed.Enum = []any{"ANALYST", "ORGANIZATION_ADMIN"}
		s.Properties["role"] = &openapi3.SchemaRef{Value: &narrowed}
	})
	m := newTestMock(t, Config{Spec: sp})
	org := m.profile.OrganizationID
	target := m.plainMember()
	require.Equal(t, http.StatusOK, m.do(http.MethodPut, m.memberPath(org, target.ID), TokenOrgAdmin, map[string]any{"role": RoleAnalyst}).Status)
	r := m.do(http.MethodPut, m.memberPath(org, target.ID), TokenSystemAdmin, map[string]any{"role": RoleSystemAdmin})
	require.Equal(t, http.StatusInternalServerError, r.Status)
	require.True(t, bytes.Contains(r.Body, []byte("role")), "%s", r.Body)
}

func TestSearchSeesEveryChangeAndNeverMatchesAcrossMembers(t *testing.T) {
	m := newTestMock(t, Config{Members: 300})
	org := m.profile.OrganizationID
	search := func(q string) []any {
		r := m.do(http.MethodGet, m.membersPath(org)+"?page_size=100&query="+url.QueryEscape(q), TokenOrgAdmin, nil)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		return r.List(t)
	}
	user := m.profile.CandidateUserIDs[0]
	var email string
	m.srv.store.read(func(w *world) { email = w.users[user].Email() })
	require.Empty(t, search(email), "not a member yet")
	created := m.do(http.MethodPost, m.membersPath(org), TokenOrgAdmin, map[string]any{"user_id": user}).Object(t)
	require.Equal(t, []any{created["id"]}, ids(search(strings.ToUpper(email))), "found once created")
	require.Equal(t, http.StatusOK, m.do(http.MethodDelete, m.memberPath(org, created["id"].(string)), TokenOrgAdmin, nil).Status)
	require.Empty(t, search(email), "gone once deleted")

	// The end of one member's text and the start of the next never make a
	// match together.
	var first, second string
	m.srv.store.read(func(w *world) { first, second = w.byOrg[org][0].search, w.byOrg[org][1].search })
	require.Empty(t, search(first[len(first)-3:]+second[:3]))
	require.Empty(t, search("a\x00b"))

	// Pages of a search tile its results.
	all := search("a")
	require.Len(t, all, 100)
	page2 := m.do(http.MethodGet, m.membersPath(org)+"?page=2&page_size=50&query=a", TokenOrgAdmin, nil).List(t)
	require.Equal(t, ids(all[50:]), ids(page2))
}
