package spec

// A list's paging and search are found by what they are, not by their
// names: the reference calls them page, page_size and query, another
// version of the document may call them offset and limit, per_page or
// search. What stays is the shape of each (BEHAVIOUR.md#list, *choice*):
//
//   - the page size: an integer with a maximum (pydantic's le=, the one
//     bound a page size needs to keep a page cheap);
//   - the page number: an integer with minimum 1 and no maximum;
//   - the offset: an integer with minimum 0 and no maximum;
//   - the search: a free string (no format, no enum), which a uuid is not.
//
// A query parameter that names a property of the listed items is a filter
// (mock/policy.go: listFiltersOf), never one of these. A parameter spelled
// as the reference spells a role (page, page_size, query; offset) plays it
// when its type fits, whatever its bounds; the shape finds the roles no
// name took. Two parameters of one shape leave the role to neither: both
// are named in Unclear (the start-up WARN) and validated, then ignored.

import (
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// ListRole is what a query parameter does to a list.
type ListRole string

const (
	ListPage   ListRole = "page number"
	ListSize   ListRole = "page size"
	ListOffset ListRole = "offset"
	ListSearch ListRole = "search"
)

// listRoleSpelling is the reference's name of each role (openapi.yaml):
// the one that wins when two parameters have the shape of a role.
var listRoleSpelling = map[ListRole]string{ListPage: "page", ListSize: "page_size", ListOffset: "offset", ListSearch: "query"}

// ListParameters are the names of the query parameters that page and
// search a list, "" for a role no parameter plays.
type ListParameters struct {
	Page, Size, Offset, Search string
	// SizeDefault is the page size's default, 0 when it has none.
	SizeDefault int
	// Unclear says, per parameter that has a role's shape but shares it
	// with another, why it got no role.
	Unclear map[string]string
}

// Ruled says whether name is one of the list's paging or search parameters.
func (p ListParameters) Ruled(name string) bool {
	return name != "" && (name == p.Page || name == p.Size || name == p.Offset || name == p.Search)
}

// ListParameters are the paging and search parameters of the list route
// answers, found once per operation: the member list's items are its
// members (in their envelope or not), any other list's the items of its
// success array. A route that answers no array has none.
func (s *Spec) ListParameters(route *routers.Route) ListParameters {
	if route == nil || route.Operation == nil {
		return ListParameters{}
	}
	if p, ok := s.listParams.Load(route.Operation); ok {
		return p.(ListParameters)
	}
	var items *openapi3.Schema
	memberList := s.Members().Of(route.Operation) == MemberList
	if memberList {
		if list := s.Members().ResponseSchema(MemberList); list != nil && list.Items != nil {
			items = unwrap(list.Items)
		}
	} else if body := jsonSchema(successResponse(route.Operation)); body != nil && body.Items != nil {
		items = unwrap(body.Items)
	}
	if items == nil && !memberList {
		s.listParams.Store(route.Operation, ListParameters{})
		return ListParameters{}
	}
	p := ListParametersOf(queryParameters(route), items)
	s.listParams.Store(route.Operation, p)
	return p
}

// queryParameters are a route's query parameters, the path item's first,
// an operation's own replacing one of the same name.
func queryParameters(route *routers.Route) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	var groups []openapi3.Parameters
	if route.PathItem != nil {
		groups = append(groups, route.PathItem.Parameters)
	}
	groups = append(groups, route.Operation.Parameters)
	for _, group := range groups {
		for _, ref := range group {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInQuery {
				out = slices.DeleteFunc(out, func(q *openapi3.Parameter) bool { return q.Name == p.Name })
				out = append(out, p)
			}
		}
	}
	return out
}

// ListParametersOf finds, among a list's query parameters, the ones that
// page and search it; items is the listed items' schema (nil when not
// known: then no parameter is taken for a filter).
func ListParametersOf(params []*openapi3.Parameter, items *openapi3.Schema) ListParameters {
	var out ListParameters
	names := map[ListRole]string{}
	var rest []*openapi3.Parameter
	for _, p := range params {
		if items != nil && items.Properties[p.Name] != nil {
			continue // a filter
		}
		rest = append(rest, p)
	}
	// The reference's spelling first, when its type fits the role: a
	// page_size without a maximum is still the page size.
	for _, role := range listRoles {
		i := slices.IndexFunc(rest, func(p *openapi3.Parameter) bool { return p.Name == listRoleSpelling[role] && fitsRole(p, role) })
		if i >= 0 {
			names[role] = rest[i].Name
			out.setRole(role, rest[i])
			rest = slices.Delete(rest, i, i+1)
		}
	}
	// Then the shape, for the roles no name took.
	candidates := map[ListRole][]*openapi3.Parameter{}
	for _, p := range rest {
		if role := listRoleOf(p); role != "" && names[role] == "" {
			candidates[role] = append(candidates[role], p)
		}
	}
	for _, role := range listRoles {
		found := candidates[role]
		switch len(found) {
		case 0:
		case 1:
			out.setRole(role, found[0])
		default:
			if out.Unclear == nil {
				out.Unclear = map[string]string{}
			}
			var names []string
			for _, p := range found {
				names = append(names, p.Name)
			}
			for _, p := range found {
				out.Unclear[p.Name] = fmt.Sprintf("has the shape of the %s, as %d parameters do (%v), none named %s", role, len(found), names, listRoleSpelling[role])
			}
		}
	}
	return out
}

var listRoles = []ListRole{ListPage, ListSize, ListOffset, ListSearch}

// setRole gives p the role.
func (out *ListParameters) setRole(role ListRole, p *openapi3.Parameter) {
	switch role {
	case ListPage:
		out.Page = p.Name
	case ListSize:
		out.Size = p.Name
		if core, _ := Underlying(p.Schema); core != nil {
			out.SizeDefault = positiveInteger(core.Default)
		}
	case ListOffset:
		out.Offset = p.Name
	case ListSearch:
		out.Search = p.Name
	}
}

// fitsRole: p's type is the role's (an integer for the paging, a free
// string for the search).
func fitsRole(p *openapi3.Parameter, role ListRole) bool {
	core, _ := Underlying(p.Schema)
	if core == nil || core.Type == nil {
		return false
	}
	if role == ListSearch {
		return isFreeString(core)
	}
	return core.Type.Is(openapi3.TypeInteger)
}

func isFreeString(core *openapi3.Schema) bool {
	return core.Type.Is(openapi3.TypeString) && core.Format == "" && len(core.Enum) == 0
}

// listRoleOf is the role a query parameter's shape gives it, "" for none.
func listRoleOf(p *openapi3.Parameter) ListRole {
	core, _ := Underlying(p.Schema)
	if core == nil || core.Type == nil {
		return ""
	}
	switch {
	case core.Type.Is(openapi3.TypeInteger):
		switch {
		case core.Max != nil:
			return ListSize
		case core.Min != nil && *core.Min == 1:
			return ListPage
		case core.Min != nil && *core.Min == 0:
			return ListOffset
		}
	case isFreeString(core):
		return ListSearch
	}
	return ""
}

// positiveInteger is a default that is a whole number of at least 1, else 0.
func positiveInteger(v any) int {
	switch n := v.(type) {
	case float64:
		if n >= 1 && n == float64(int(n)) {
			return int(n)
		}
	case int:
		if n >= 1 {
			return n
		}
	}
	return 0
}
