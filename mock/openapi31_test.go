package mock

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// fastAPIShapes is openapi.yaml restated as OpenAPI 3.1.0 in the shapes
// FastAPI 0.141 / pydantic 2.13 publish (anyOf with null for every
// Optional, the path's organization_id included; $ref with a default;
// the empty schema of ValidationError.input; titles; examples arrays),
// with a type array, a const and a numeric exclusive bound where they
// change no answer.
const fastAPIShapes = "testdata/specs31/fastapi-shapes.json"

func loadFastAPIShapes(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.LoadFile(fastAPIShapes)
	require.NoError(t, err)
	require.True(t, sp.Doc.IsOpenAPI31OrLater())
	return sp
}

// TestAnswersAsFastAPIDoesOn31 puts every request of TestAnswersAsFastAPIDoes
// to a mock serving the 3.1 document: the same answers.
func TestAnswersAsFastAPIDoesOn31(t *testing.T) {
	sp := loadFastAPIShapes(t)
	for _, row := range stackRows {
		t.Run(row.name, func(t *testing.T) {
			m := newTestMock(t, Config{Spec: sp})
			w := newStackWorld(m)
			row.check(t, w, w.send(t, row.req))
		})
	}
}

// openAPIYAML30 is openapi.yaml as it was in OpenAPI 3.0.3 (nullable,
// allOf around a defaulted $ref, a required uuid for the path's
// organization_id), kept so that a whole 3.0 document stays covered.
const openAPIYAML30 = "testdata/specs/openapi-3.0.yaml"

// TestThe31DocumentServesAsOpenAPIYAMLDoes puts the same requests, in the
// same order, to mocks of the same seed, one serving openapi.yaml (3.1)
// and others its restatements: as it was in 3.0, and in FastAPI's shapes
// with a type array, a const and an exclusive bound. List, create, update,
// delete and their 422s come back with the same status and the same bytes
// (ids included: new ids come from the seed too; one clock for all), and
// the worlds stay the same.
func TestThe31DocumentServesAsOpenAPIYAMLDoes(t *testing.T) {
	on30Spec, err := spec.LoadFile(openAPIYAML30)
	require.NoError(t, err)
	require.False(t, on30Spec.Doc.IsOpenAPI31OrLater())
	for name, other := range map[string]*spec.Spec{"3.0": on30Spec, "FastAPI's shapes": loadFastAPIShapes(t)} {
		t.Run(name, func(t *testing.T) { requireSameAnswers(t, other) })
	}
}

func requireSameAnswers(t *testing.T, other *spec.Spec) {
	// One stopped clock for both (an update still advances updated_at:
	// policy.go moves it past the last one).
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	ours := newTestMock(t, Config{Seed: 1, Now: now})
	require.True(t, ours.srv.spec.Doc.IsOpenAPI31OrLater(), "openapi.yaml is 3.1")
	theirs := newTestMock(t, Config{Seed: 1, Now: now, Spec: other})
	requireSameState(t, exportedState(t, ours), exportedState(t, theirs), "the seeded worlds")
	p := ours.profile
	org, member, candidate := p.OrganizationID, p.AnalystMemberID, p.CandidateUserIDs[0]
	coll := ours.membersPath(org)
	one := ours.memberPath(org, member)
	type request struct {
		method, path, token string
		body                any
	}
	var created string
	requests := []request{
		{http.MethodGet, coll, TokenOrgAdmin, nil},
		{http.MethodGet, coll + "?page=2&page_size=3", TokenOrgAdmin, nil},
		{http.MethodGet, coll + "?query=a&page_size=100", TokenOrgAdmin, nil},
		{http.MethodGet, coll + "?page=0&source_id=zz", TokenOrgAdmin, nil},
		{http.MethodGet, coll + "?page_size=101&query=&job_id=zz&resource_id=" + strings.ToUpper(candidate), TokenOrgAdmin, nil},
		{http.MethodGet, "/api/organization/zz/member", TokenOrgAdmin, nil},
		{http.MethodGet, coll, "", nil},
		{http.MethodPost, coll, TokenOrgAdmin, map[string]any{"user_id": candidate}},
		{http.MethodPost, coll, TokenOrgAdmin, map[string]any{"user_id": candidate}},
		{http.MethodPost, coll, TokenOrgAdmin, map[string]any{}},
		{http.MethodPost, coll, TokenOrgAdmin, map[string]any{"user_id": "zz", "organization_id": nil, "role": "boss"}},
		{http.MethodPost, coll, TokenOrgAdmin, map[string]any{"user_id": nil, "organization_id": 5}},
		{http.MethodPost, coll, TokenOrgAdmin, `{"user_id":`},
		{http.MethodPost, coll, TokenOrgAdmin, nil},
		{http.MethodPut, one, TokenOrgAdmin, map[string]any{"role": "ORGANIZATION_ADMIN"}},
		{http.MethodPut, one, TokenOrgAdmin, map[string]any{}},
		{http.MethodPut, one, TokenOrgAdmin, map[string]any{"role": nil, "user_id": nil, "organization_id": nil}},
		{http.MethodPut, one, TokenOrgAdmin, map[string]any{"role": "analyst", "user_id": "zz"}},
		{http.MethodPut, ours.memberPath(org, "zz"), TokenOrgAdmin, map[string]any{}},
		{http.MethodDelete, one, TokenOrgAdmin, nil},
		{http.MethodDelete, one, TokenOrgAdmin, nil},
		{http.MethodGet, coll + "?page_size=100", TokenOrgAdmin, nil},
	}
	for _, r := range requests {
		a := ours.do(r.method, r.path, r.token, r.body)
		b := theirs.do(r.method, r.path, r.token, r.body)
		what := r.method + " " + r.path
		require.Equal(t, a.Status, b.Status, "%s: %s | %s", what, a.Body, b.Body)
		require.Equal(t, string(a.Body), string(b.Body), what)
		require.Equal(t, a.Header.Get("Content-Type"), b.Header.Get("Content-Type"), what)
		require.Equal(t, a.Header.Get("WWW-Authenticate"), b.Header.Get("WWW-Authenticate"), what)
		require.NotEqual(t, http.StatusInternalServerError, b.Status, "%s: %s", what, b.Body)
		if r.method == http.MethodPost && a.Status == http.StatusOK {
			created = a.Object(t)["id"].(string)
		}
	}
	require.NotEmpty(t, created, "a member was created")
	requireSameState(t, exportedState(t, ours), exportedState(t, theirs), "the worlds after the same requests")
}

// TestThe31DocumentAnswersTheIssuesRequestWithPydanticsEntries is the
// request of issue 19: on FastAPI's 3.1 document the mock answered it with
// a 500 (its entries fell back to kin-openapi, input null, which 3.0's
// rules refused on the empty schema of ValidationError.input).
func TestThe31DocumentAnswersTheIssuesRequestWithPydanticsEntries(t *testing.T) {
	m := newTestMock(t, Config{Seed: 1, Spec: loadFastAPIShapes(t)})
	res := m.do(http.MethodGet, m.membersPath(m.profile.OrganizationID)+"?page=0&source_id=zz", TokenOrgAdmin, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%s", res.Body)
	require.JSONEq(t, `{"detail":[
		{"type":"uuid_parsing","loc":["query","source_id"],"msg":"Input should be a valid UUID, invalid character: found `+"`z`"+` at 1","input":"zz","ctx":{"error":"invalid character: found `+"`z`"+` at 1"}},
		{"type":"greater_than_equal","loc":["query","page"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}`, string(res.Body))
}

// TestEnumOfReadsEveryShapeOfAnEnumProperty: the roles and states the
// rules read come through every way a document wraps an enum.
func TestEnumOfReadsEveryShapeOfAnEnumProperty(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Role: {type: string, title: Role, enum: [SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST]}
    T:
      type: object
      properties:
        ref: {$ref: '#/components/schemas/Role'}
        refDefault: {$ref: '#/components/schemas/Role', default: ANALYST}
        allOf: {allOf: [{$ref: '#/components/schemas/Role'}], default: ANALYST}
        orNull: {anyOf: [{$ref: '#/components/schemas/Role'}, {type: 'null'}]}
        typeArray: {type: [string, 'null'], enum: [a, b, null]}
        const: {type: string, const: only}
        plain: {type: string}
`
	sp, err := spec.Load([]byte(doc))
	require.NoError(t, err)
	props := sp.Doc.Components.Schemas["T"].Value.Properties
	roles := []string{"SYSTEM_ADMIN", "ORGANIZATION_ADMIN", "ANALYST"}
	for name, want := range map[string][]string{
		"ref": roles, "refDefault": roles, "allOf": roles, "orNull": roles,
		"typeArray": {"a", "b"}, "const": {"only"}, "plain": nil,
	} {
		require.Equal(t, want, enumOf(props[name]), name)
	}
}
