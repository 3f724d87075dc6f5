package contract

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"
)

const (
	memberCollection = "/api/organization/{organization_id}/member"
	memberItem       = "/api/organization/{organization_id}/member/{member_id}"
)

// listParameter edits the member list's query parameter name.
func listParameter(doc *openapi3.T, name string, edit func(p *openapi3.Parameter, s *openapi3.Schema)) {
	for _, ref := range doc.Paths.Value(memberCollection).Get.Parameters {
		if ref.Value.Name == name {
			edit(ref.Value, ref.Value.Schema.Value.AnyOf[0].Value)
		}
	}
}

// withoutListParameter drops the member list's query parameter name.
func withoutListParameter(doc *openapi3.T, name string) {
	get := doc.Paths.Value(memberCollection).Get
	var kept openapi3.Parameters
	for _, ref := range get.Parameters {
		if ref.Value.Name != name {
			kept = append(kept, ref)
		}
	}
	get.Parameters = kept
}

// TestMemberReadOf: how the runner reads a member whose step's answer
// does not carry it, by what the document says, never by names.
func TestMemberReadOf(t *testing.T) {
	getAnswering := func(ref *openapi3.ResponseRef) func(doc *openapi3.T) {
		return func(doc *openapi3.T) {
			doc.Paths.Value(memberItem).Get = &openapi3.Operation{OperationID: "read_one", Responses: openapi3.NewResponses(openapi3.WithStatus(200, ref))}
		}
	}
	memberAnswer := func(doc *openapi3.T) *openapi3.ResponseRef {
		return doc.Paths.Value(memberItem).Put.Responses.Status(200)
	}
	for _, tc := range []struct {
		name string
		edit func(doc *openapi3.T)
		// want is "item", "list" or "" (none: the step stays skipped).
		want, number, size string
		sizeValue          int
		whyNot             string
	}{
		{name: "openapi.yaml: the list, its page from 1 and its bounded page_size at its largest",
			edit: func(*openapi3.T) {}, want: "list", number: "page", size: "page_size", sizeValue: 100},
		{name: "a GET of one member answering a member comes first",
			edit: func(doc *openapi3.T) { getAnswering(memberAnswer(doc))(doc) }, want: "item"},
		{name: "a GET of the item answering something else is no read: the list",
			edit: getAnswering(&openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("ok").WithJSONSchema(openapi3.NewStringSchema())}),
			want: "list", number: "page", size: "page_size", sizeValue: 100},
		{name: "paging found by schema, not name: renamed parameters",
			edit: func(doc *openapi3.T) {
				listParameter(doc, "page", func(p *openapi3.Parameter, _ *openapi3.Schema) { p.Name = "p" })
				listParameter(doc, "page_size", func(p *openapi3.Parameter, _ *openapi3.Schema) { p.Name = "per" })
			}, want: "list", number: "p", size: "per", sizeValue: 100},
		{name: "a list without paging is read whole",
			edit: func(doc *openapi3.T) { withoutListParameter(doc, "page"); withoutListParameter(doc, "page_size") }, want: "list"},
		{name: "a page number without a size pages at the default size",
			edit: func(doc *openapi3.T) { withoutListParameter(doc, "page_size") }, want: "list", number: "page"},
		{name: "a bounded size without a page number cannot be paged through",
			edit: func(doc *openapi3.T) { withoutListParameter(doc, "page") }, whyNot: "no page number or offset"},
		{name: "a counter from 0 may be an offset or a page: unclear",
			edit: func(doc *openapi3.T) {
				listParameter(doc, "page", func(p *openapi3.Parameter, s *openapi3.Schema) {
					p.Schema.Value.Default, s.Min = 0.0, openapi3.Ptr(0.0)
				})
			}, whyNot: "starts at 0"},
		{name: "two bounded integers: which is the size is unclear",
			edit: func(doc *openapi3.T) {
				listParameter(doc, "page", func(_ *openapi3.Parameter, s *openapi3.Schema) { s.Max = openapi3.Ptr(9.0) })
			}, whyNot: "two bounded integer parameters"},
		{name: "a required parameter the runner has no value for",
			edit: func(doc *openapi3.T) {
				listParameter(doc, "query", func(p *openapi3.Parameter, _ *openapi3.Schema) { p.Required = true })
			}, whyNot: "requires query"},
		{name: "no list and no GET of one member",
			edit: func(doc *openapi3.T) { doc.Paths.Value(memberCollection).Get = nil }, whyNot: "no GET of one member and no member list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			read, whyNot := memberReadOf(editedReference(t, tc.edit))
			if tc.want == "" {
				require.Nil(t, read)
				require.Contains(t, whyNot, tc.whyNot)
				return
			}
			require.NotNil(t, read, whyNot)
			require.Equal(t, tc.want == "list", read.list)
			require.Equal(t, tc.number, read.number)
			require.Equal(t, tc.size, read.size)
			require.Equal(t, tc.sizeValue, read.sizeValue)
			require.Equal(t, http.MethodGet, read.route.Method)
		})
	}
}

// TestMemberOfPath: the member's id and its collection are read off the
// item path by the document's member parameter, trailing slash or not.
func TestMemberOfPath(t *testing.T) {
	sp := editedReference(t, moveMemberPaths)
	members := sp.Members()
	item := &routers.Route{Path: members.Item}
	for _, tc := range []struct {
		name, target, id, collection string
		ok                           bool
	}{
		{"the item path", "/api/v2/organizations/o1/members/m%201", "m 1", "/api/v2/organizations/o1/members", true},
		{"with a trailing slash and a query", "/api/v2/organizations/o1/members/m1/?x=1", "m1", "/api/v2/organizations/o1/members", true},
		{"another length", "/api/v2/organizations/o1/members", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, collection, ok := memberOfPath(members, item, tc.target)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.id, id)
			require.Equal(t, tc.collection, collection)
		})
	}
	_, _, ok := memberOfPath(members, &routers.Route{Path: members.Collection}, "/api/v2/organizations/o1/members/m1")
	require.False(t, ok, "a route other than the member item")
}
