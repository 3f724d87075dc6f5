package mock

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// requireServesValidValues starts the mock on a document (every response
// checked whole) and asks it for what it generates: every page of the
// member list of the profile's organization and of another one, and every
// status of every operation with Prefer: dynamic=true. The mock checks
// each answer against the document before it sends it: an answer other
// than the one asked (a 500 "mock response breaks openapi.yaml") is its
// own data breaking the schema. Strings of a format are checked against
// the format's definition too.
func requireServesValidValues(t *testing.T, sp *spec.Spec, seed int64, what string) {
	t.Helper()
	m := newTestMock(t, Config{Spec: sp, Seed: seed, FullValidation: true})
	org, other := m.profile.OrganizationID, m.srv.store.export().OtherOrganizationID
	for _, list := range []struct{ org, token string }{{org, TokenAnalyst}, {other, TokenSystemAdmin}} {
		for page := 1; ; page++ {
			res := m.do(http.MethodGet, fmt.Sprintf("%s?page=%d&page_size=7", m.membersPath(list.org), page), list.token, nil)
			require.Equal(t, http.StatusOK, res.Status, "%s: page %d: %s", what, page, res.Body)
			if len(res.List(t)) == 0 {
				require.Greater(t, page, 1, "%s: the organization has members", what)
				break
			}
			route := sp.Members().Route(opList)
			requireFormatsHold(t, route.Operation.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Schema, res.JSON(t), what)
		}
	}
	member := m.plainMember().ID
	for path, item := range sp.Doc.Paths.Map() {
		target := strings.NewReplacer("{organization_id}", org, "{member_id}", member).Replace(path)
		for method, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				var body any
				if op.RequestBody != nil {
					body = map[string]any{"user_id": m.profile.CandidateUserIDs[0]}
				}
				res := m.do(method, target, TokenOrgAdmin, body, "Prefer", "code="+status+", dynamic=true")
				require.Equal(t, status, fmt.Sprint(res.Status), "%s: %s %s dynamic: %s", what, method, path, res.Body)
				if media := ref.Value.Content.Get("application/json"); media != nil {
					requireFormatsHold(t, media.Schema, res.JSON(t), what+" "+method+" "+path)
				}
			}
		}
	}
}

// TestRandomSchemasServeValidValues is the property: for random schemas of
// every kind (schemaMaker: patterns, bounds inclusive and exclusive,
// multipleOf, lengths, formats, enums, const, arrays, nested objects,
// dicts, unions, nullable) put on the member and the user, in OpenAPI
// 3.0's forms (openapi.yaml) and 3.1's (FastAPI's shapes), the seeded
// world and the dynamic answers pass the mock's own response check.
// Deterministic seeds, a bounded count.
func TestRandomSchemasServeValidValues(t *testing.T) {
	for _, version := range []string{"3.0", "3.1"} {
		base := baseSpec(t, version)
		for seed := uint64(1); seed <= 30; seed++ {
			maker := schemaMaker{r: rand.New(rand.NewPCG(seed, 20)), v31: version == "3.1"}
			member, memberRequired := maker.randomProperties("trait", 4)
			user, userRequired := maker.randomProperties("facet", 3)
			what := fmt.Sprintf("%s seed %d: member %v required %v, user %v required %v", version, seed, member, memberRequired, user, userRequired)
			sp, err := spec.Load(withExtraProperties(t, base, member, memberRequired, user, userRequired))
			require.NoError(t, err, what)
			requireServesValidValues(t, sp, int64(seed), what)
		}
	}
}
