package contract

import (
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// movedDocument is openapi.yaml with the member paths moved under
// /api/v2/organizations/{org}/members and its parameters renamed.
func movedDocument(t *testing.T) *spec.Spec {
	t.Helper()
	sp := editedReference(t, moveMemberPaths)
	require.Equal(t, "/api/v2/organizations/{org}/members", sp.Members().Collection)
	return sp
}

// editedReference is openapi.yaml, edited, loaded again as a document.
func editedReference(t *testing.T, edit func(doc *openapi3.T)) *spec.Spec {
	t.Helper()
	reference, err := spec.Embedded()
	require.NoError(t, err)
	data, err := reference.Doc.MarshalJSON()
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	edit(doc)
	data, err = doc.MarshalJSON()
	require.NoError(t, err)
	sp, err := spec.Load(data)
	require.NoError(t, err)
	return sp
}

// moveMemberPaths moves the member paths and renames their parameters.
func moveMemberPaths(doc *openapi3.T) {
	moves := map[string]string{
		"/api/organization/{organization_id}/member":             "/api/v2/organizations/{org}/members",
		"/api/organization/{organization_id}/member/{member_id}": "/api/v2/organizations/{org}/members/{membership}",
	}
	for from, to := range moves {
		item := doc.Paths.Value(from)
		doc.Paths.Delete(from)
		params := openapi3.Parameters{}
		for _, p := range item.Parameters {
			copied := *p.Value
			switch copied.Name {
			case "organization_id":
				copied.Name = "org"
			case "member_id":
				copied.Name = "membership"
			}
			params = append(params, &openapi3.ParameterRef{Value: &copied})
		}
		item.Parameters = params
		doc.Paths.Set(to, item)
	}
}

// TestFixturesFollowTheDocumentsPaths: the hand-written fixtures, written
// against openapi.yaml, call the member paths of the document the run
// checks, found by what they are, and read its parameter names in a loc and
// its paths in a Location.
func TestFixturesFollowTheDocumentsPaths(t *testing.T) {
	reference, err := spec.Embedded()
	require.NoError(t, err)
	require.Nil(t, newDocumentMap(reference, reference), "nothing to carry over on openapi.yaml")
	m := newDocumentMap(reference, movedDocument(t))
	require.NotNil(t, m)

	for _, tc := range []struct{ written, sent string }{
		{"/api/organization/0f1e/member", "/api/v2/organizations/0f1e/members"},
		{"/api/organization/0f1e/member/5ca1", "/api/v2/organizations/0f1e/members/5ca1"},
		{"/api/organization/0f1e/member/", "/api/v2/organizations/0f1e/members/"},
		{"/api/organization/0f1e/member/5ca1/", "/api/v2/organizations/0f1e/members/5ca1/"},
		{"/api/organization/0f1e/members", "/api/organization/0f1e/members"}, // an unknown path on purpose
		{"/api/no-such-resource", "/api/no-such-resource"},
	} {
		require.Equal(t, tc.sent, m.path(tc.written), tc.written)
	}

	loc := func(where, name string) *fixtures.Pattern {
		item := func(s string) *fixtures.Pattern {
			tpl, err := fixtures.ParseTemplate(s)
			require.NoError(t, err)
			return &fixtures.Pattern{Kind: fixtures.Literal, Value: tpl}
		}
		return &fixtures.Pattern{Kind: fixtures.Object, Fields: []fixtures.Field{{Key: "detail", Pattern: &fixtures.Pattern{Kind: fixtures.Array,
			Items: []*fixtures.Pattern{{Kind: fixtures.Object, Fields: []fixtures.Field{{Key: "loc", Pattern: &fixtures.Pattern{Kind: fixtures.Array,
				Items: []*fixtures.Pattern{item(where), item(name)}}}}}}}}}}
	}
	nameIn := func(p *fixtures.Pattern) string {
		return p.Fields[0].Pattern.Items[0].Fields[0].Pattern.Items[1].Value.(fixtures.Template).Source
	}
	require.Equal(t, "org", nameIn(m.expect(fixtures.Expect{Body: loc("path", "organization_id")}).Body))
	require.Equal(t, "membership", nameIn(m.expect(fixtures.Expect{Body: loc("path", "member_id")}).Body))
	require.Equal(t, "organization_id", nameIn(m.expect(fixtures.Expect{Body: loc("body", "organization_id")}).Body), "a body field keeps its name")

	location := &fixtures.Pattern{Kind: fixtures.Match, Matcher: fixtures.Matcher{Name: fixtures.MatchRegexp,
		Regexp: regexp.MustCompile(`^https?://[^/]+/api/organization/[0-9a-f-]{36}/member/5ca1$`)}}
	got := m.expect(fixtures.Expect{Headers: []fixtures.HeaderExpect{{Name: "Location", Pattern: location}}}).Headers[0].Pattern
	require.Equal(t, `^https?://[^/]+/api/v2/organizations/[0-9a-f-]{36}/members/5ca1$`, got.Matcher.Regexp.String())
}

// TestCasesCallingAnOperationTheDocumentLacksAreSkipped: a case that calls
// (in a step or in its cleanup) one of openapi.yaml's member operations the
// document lacks is skipped, naming it; the others run.
func TestCasesCallingAnOperationTheDocumentLacksAreSkipped(t *testing.T) {
	reference, err := spec.Embedded()
	require.NoError(t, err)
	target := editedReference(t, func(doc *openapi3.T) {
		doc.Paths.Value("/api/organization/{organization_id}/member/{member_id}").Delete = nil
	})
	m := newDocumentMap(reference, target)

	step := func(name, method, path string) fixtures.Step {
		tpl, err := fixtures.ParseTemplate(path)
		require.NoError(t, err)
		return fixtures.Step{Name: name, Method: method, Path: tpl}
	}
	list := step("list", "GET", "/api/organization/{organization_id}/member")
	remove := step("remove", "DELETE", "/api/organization/{organization_id}/member/{member_id|upper}")
	require.Empty(t, m.missing(fixtures.Case{Steps: []fixtures.Step{list}}))
	require.Equal(t, `the document has no member delete (openapi.yaml's DELETE /api/organization/{organization_id}/member/{member_id}), which step "remove" calls`,
		m.missing(fixtures.Case{Steps: []fixtures.Step{list}, Cleanup: []fixtures.Step{remove}}))
	require.Empty(t, newDocumentMap(reference, reference).missing(fixtures.Case{Steps: []fixtures.Step{remove}}))
}

// TestExpectedSuccessFollowsTheDocumentsStatus: a fixture's 200 on an
// operation the document answers with another success status is that
// status; a step that reads the body of a success without one cannot be
// sent there as written (readBack reads the member another way).
func TestExpectedSuccessFollowsTheDocumentsStatus(t *testing.T) {
	sp, err := spec.LoadFile("../mock/testdata/specs/documented-statuses-31.yaml")
	require.NoError(t, err)
	create := sp.Members().Route(spec.MemberCreate)
	remove := sp.Members().Route(spec.MemberDelete)
	list := sp.Members().Route(spec.MemberList)
	body := &fixtures.Pattern{Kind: fixtures.Object}
	for _, tc := range []struct {
		name     string
		route    *routers.Route
		step     fixtures.Step
		expected []int
		status   []int
		why      string
	}{
		{"create answers 201", create, fixtures.Step{Name: "create", Capture: []fixtures.Capture{{Name: "id", Pointer: "/id"}}}, []int{200}, []int{201}, ""},
		{"a cleanup's 200 or 404", remove, fixtures.Step{Name: "cleanup"}, []int{200, 404}, []int{204, 404}, ""},
		{"a delete read for its row", remove, fixtures.Step{Name: "delete", Expect: fixtures.Expect{Body: body}}, []int{200}, []int{204},
			`the document's DELETE /api/organization/{organization_id}/member/{member_id} answers 204 without a body, which step "delete" reads`},
		{"the list keeps its 200", list, fixtures.Step{Name: "list"}, []int{200}, []int{200}, ""},
		{"a 422 is a 422", create, fixtures.Step{Name: "bad"}, []int{422}, []int{422}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.step.Expect.Status = tc.expected
			got, why, readable := onSuccess(sp, nil, tc.route, tc.step, tc.step.Expect)
			require.Equal(t, tc.why, why)
			// What the answer lacks, the runner may read another way
			// (readBack); nothing else is.
			require.Equal(t, tc.why != "", readable)
			require.Equal(t, tc.status, got.Status)
		})
	}
}
