package contract

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

const (
	memberPath     = "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member/5ca1ab1e-0000-4000-8000-000000000002"
	collectionPath = "/api/organization/9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c/member"
)

func wordingVariant(name string) string {
	return filepath.Join("..", "mock", "testdata", "specs-wording", name)
}

// TestSpecValuesAreReadFromTheSpec shows what the runner fills in for
// openapi.yaml and for variants of it: the placeholders the suite writes
// in place of today's wording.
func TestSpecValuesAreReadFromTheSpec(t *testing.T) {
	openapi := filepath.Join("..", "openapi.yaml")
	tests := []struct {
		name         string
		spec         string
		method, path string
		placeholder  string
		want         any
		// gap, when set, is what the spec lacks: the case is skipped.
		gap string
	}{
		// Starlette answers a 405 from the first route declared for the
		// path, its Allow that route's methods (starlette/routing.py:
		// Router.app keeps the first partial match; Route.handle).
		{name: "wrong method on a member", spec: openapi, path: memberPath, placeholder: "{undeclared_method}", want: "PATCH"},
		{name: "wrong method on the collection", spec: openapi, path: collectionPath, placeholder: "{undeclared_method}", want: "DELETE"},
		{name: "a member's Allow", spec: openapi, path: memberPath, placeholder: "{allow}", want: "PUT"},
		{name: "the collection's Allow", spec: openapi, path: collectionPath, placeholder: "{allow}", want: "GET"},
		{name: "PATCH and POST declared on a member", spec: wordingVariant("methods-declared-31.yaml"), path: memberPath, placeholder: "{undeclared_method}", want: "GET"},
		{name: "DELETE declared on the collection", spec: wordingVariant("methods-declared-31.yaml"), path: collectionPath, placeholder: "{undeclared_method}", want: "PATCH"},
		{name: "PATCH declared first", spec: wordingVariant("methods-declared-31.yaml"), path: memberPath, placeholder: "{allow}", want: "PATCH"},
		{name: "no such path", spec: openapi, path: "/api/nothing", placeholder: "{undeclared_method}", gap: "the spec has no path /api/nothing"},

		{name: "an unknown query name", spec: openapi, method: "GET", path: collectionPath, placeholder: "{undeclared_query:utm_source}", want: "utm_source"},
		{name: "a name the list declares", spec: wordingVariant("list-declares-suite-names-30.yaml"), method: "GET", path: collectionPath, placeholder: "{undeclared_query:sort}", want: "x_sort"},

		// pydantic 2.13.4, run: an Enum of these members, validated with
		// None (probe: pydantic.create_model('M', role=(Role, ...))).
		{name: "the roles", spec: openapi, method: "PUT", path: memberPath, placeholder: "{enum_expected:body.role}",
			want: "'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN' or 'ANALYST'"},
		{name: "roles added around the others (3.1)", spec: wordingVariant("roles-and-states-added-31.yaml"), method: "PUT", path: memberPath, placeholder: "{enum_expected:body.role}",
			want: "'OWNER', 'SYSTEM_ADMIN', 'ORGANIZATION_ADMIN', 'ANALYST' or 'AUDITOR'"},
		{name: "roles reordered and one added (3.0, allOf)", spec: wordingVariant("roles-reordered-30.yaml"), method: "POST", path: collectionPath, placeholder: "{enum_expected:body.role}",
			want: "'ANALYST', 'ORGANIZATION_ADMIN', 'SYSTEM_ADMIN' or 'BILLING_VIEWER'"},
		{name: "not a role", spec: openapi, method: "POST", path: collectionPath, placeholder: "{not_in_enum:body.role=OWNER}", want: "OWNER"},
		{name: "OWNER is a role", spec: wordingVariant("roles-and-states-added-31.yaml"), method: "POST", path: collectionPath, placeholder: "{not_in_enum:body.role=OWNER}", want: "OWNER_X"},
		{name: "no enum there", spec: openapi, method: "POST", path: collectionPath, placeholder: "{enum_expected:body.user_id}",
			gap: "POST /api/organization/{organization_id}/member: body.user_id is no enum"},

		{name: "page_size's maximum", spec: openapi, method: "GET", path: collectionPath, placeholder: "{maximum:query.page_size}", want: 100.0},
		{name: "page's minimum", spec: openapi, method: "GET", path: collectionPath, placeholder: "{minimum:query.page}", want: 1.0},
		{name: "a raised maximum (3.1)", spec: wordingVariant("page-size-250-31.yaml"), method: "GET", path: collectionPath, placeholder: "{maximum:query.page_size}", want: 250.0},
		{name: "a lowered maximum (3.0)", spec: wordingVariant("page-size-80-30.yaml"), method: "GET", path: collectionPath, placeholder: "{maximum:query.page_size}", want: 80.0},
		{name: "no maximum", spec: wordingVariant("suite-needs-removed-31.yaml"), method: "GET", path: collectionPath, placeholder: "{maximum:query.page_size}",
			gap: "GET /api/organization/{organization_id}/member: query.page_size has no inclusive maximum"},
		{name: "query's length bounds", spec: openapi, method: "GET", path: collectionPath, placeholder: "{max_length:query.query}", want: 200.0},
		{name: "query's length bounds changed (3.0)", spec: wordingVariant("search-length-bounds-30.yaml"), method: "GET", path: collectionPath, placeholder: "{min_length:query.query}", want: 2.0},
		// pydantic 2.13.4, run: Optional[constr(min_length=n)] validated
		// with "" (the message's plural follows the bound).
		{name: "too short, in pydantic's words", spec: openapi, method: "GET", path: collectionPath, placeholder: "{pydantic_msg:query.query=}",
			want: "String should have at least 1 character"},
		{name: "too short for a bound of 2", spec: wordingVariant("search-length-bounds-30.yaml"), method: "GET", path: collectionPath, placeholder: "{pydantic_msg:query.query=}",
			want: "String should have at least 2 characters"},
		{name: "a valid value has no entry", spec: openapi, method: "GET", path: collectionPath, placeholder: "{pydantic_msg:query.query=abc}", gap: `"abc" is valid at query.query`},
		{name: "the default the case is written for", spec: openapi, method: "GET", path: collectionPath, placeholder: "{default:query.page_size=50}", want: 50.0},
		{name: "another default", spec: wordingVariant("default-page-size-20-30.yaml"), method: "GET", path: collectionPath, placeholder: "{default:query.page_size=50}",
			gap: "the case is written for query.page_size's default 50, the spec's is 20"},
		{name: "the role a create body leaves out", spec: openapi, method: "POST", path: collectionPath, placeholder: "{default:body.role=ANALYST}", want: "ANALYST"},
		{name: "a case written for another default role", spec: openapi, method: "PUT", path: memberPath, placeholder: "{default:body.role=VIEWER}",
			gap: "the case is written for body.role's default VIEWER, the spec's is ANALYST"},
		{name: "no default", spec: openapi, method: "GET", path: collectionPath, placeholder: "{default:query.query=x}",
			gap: "the case is written for query.query's default x, the spec gives none"},
		{name: "the member's path parameter", spec: openapi, method: "PUT", path: memberPath, placeholder: "{path_parameter:2}", want: "member_id"},
		{name: "a renamed path parameter", spec: wordingVariant("path-parameter-renamed-31.yaml"), method: "PUT", path: memberPath, placeholder: "{path_parameter:2}", want: "membership_id"},
		{name: "no third path parameter", spec: openapi, method: "PUT", path: memberPath, placeholder: "{path_parameter:3}", gap: "has no path parameter 3"},
		{name: "no operation", spec: openapi, method: "PATCH", path: memberPath, placeholder: "{maximum:query.page_size}",
			gap: "the spec has no operation PATCH " + memberPath},
	}
	loaded := map[string]*spec.Spec{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := loaded[tt.spec]
			if sp == nil {
				var err error
				sp, err = spec.LoadFile(tt.spec)
				require.NoError(t, err)
				loaded[tt.spec] = sp
			}
			tmpl, err := fixtures.ParseTemplate(tt.placeholder)
			require.NoError(t, err)
			ref, whole := tmpl.Whole()
			require.True(t, whole)
			got, err := stepSpec{sp: sp, method: tt.method, path: tt.path}.value(ref)
			if tt.gap != "" {
				var gap *specGap
				require.True(t, errors.As(err, &gap), "%v", err)
				require.Contains(t, gap.reason, tt.gap)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestCasesSkipWhatTheSpecLacks: a case runs on openapi.yaml, whatever it
// takes from the spec, and is skipped, naming what is missing, on a spec
// without it.
func TestCasesSkipWhatTheSpecLacks(t *testing.T) {
	suite, err := fixtures.Embedded()
	require.NoError(t, err)
	profile := &Profile{OrganizationID: "9a1f6c2e-5b7d-4e3a-8c1f-2d4e6f8a0b1c", OtherOrganizationID: "0f1e2d3c-4b5a-4968-8776-655443322110"}
	embedded, err := spec.Embedded()
	require.NoError(t, err)
	removed, err := spec.LoadFile(wordingVariant("suite-needs-removed-31.yaml"))
	require.NoError(t, err)
	byName := map[string]fixtures.Case{}
	for _, c := range suite.Cases {
		require.Empty(t, specLacks(embedded, profile, c, sameDocument), "%s runs on openapi.yaml", c.Name)
		byName[c.Name] = c
	}
	// A spec whose roles lack SYSTEM_ADMIN (the mock itself refuses to
	// start on it: its state holds such memberships).
	data, err := os.ReadFile(filepath.Join("..", "openapi.yaml"))
	require.NoError(t, err)
	withoutSystemAdmin, err := spec.Load(bytes.Replace(data, []byte("enum: [SYSTEM_ADMIN, ORGANIZATION_ADMIN, ANALYST]"), []byte("enum: [ORGANIZATION_ADMIN, ANALYST]"), 1))
	require.NoError(t, err)
	tests := []struct {
		name, want string
		sp         *spec.Spec
	}{
		{name: "only-system-admin-creates-system-admins", sp: withoutSystemAdmin,
			want: `step "org-admin-creates" takes from it: the request body of POST /api/organization/{organization_id}/member: role has no member SYSTEM_ADMIN`},
		{name: "body-fields-are-validated", sp: withoutSystemAdmin},
		{name: "access-context-parameters-are-uuids", want: `step "valid" takes from it: GET /api/organization/{organization_id}/member declares no query parameter job_id`},
		{name: "page-size-out-of-bounds-is-422", want: `step "over-the-maximum" takes from it: GET /api/organization/{organization_id}/member: query.page_size has no inclusive maximum`},
		{name: "wrong-method-is-405-with-allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.name]
			require.True(t, ok)
			sp := removed
			if tt.sp != nil {
				sp = tt.sp
			}
			got := specLacks(sp, profile, c, sameDocument)
			if tt.want == "" {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, tt.want)
		})
	}
}

// TestValidationEntriesFollowTheSpecsDeclarationOrder: FastAPI reports the
// path's, the query's, the headers' and the cookies' entries, then the
// body's (fastapi/dependencies/utils.py: solve_dependencies: errors +=
// path_errors + query_errors + header_errors + cookie_errors, then
// body_errors), the body's in the model's declaration order; the order is
// read from the spec, not from today's openapi.yaml.
func TestValidationEntriesFollowTheSpecsDeclarationOrder(t *testing.T) {
	openapi, err := spec.Embedded()
	require.NoError(t, err)
	reordered, err := spec.LoadFile(wordingVariant("update-body-reordered-31.yaml"))
	require.NoError(t, err)
	entries := func(locs ...[]any) []any {
		out := make([]any, len(locs))
		for i, loc := range locs {
			out[i] = map[string]any{"loc": loc}
		}
		return out
	}
	path, query := []any{"path", "member_id"}, []any{"query", "job_id"}
	userID, role := []any{"body", "user_id"}, []any{"body", "role"}
	tests := []struct {
		name    string
		sp      *spec.Spec
		entries []any
		want    string
	}{
		{name: "openapi.yaml: ids before role", sp: openapi, entries: entries(path, query, userID, role)},
		{name: "openapi.yaml: role first is out of order", sp: openapi, entries: entries(path, query, role, userID),
			want: `got ["body","role"] (entry 2) before ["body","user_id"] (entry 3)`},
		{name: "role declared first", sp: reordered, entries: entries(path, query, role, userID)},
		{name: "role declared first: ids first is out of order", sp: reordered, entries: entries(path, query, userID, role),
			want: `got ["body","user_id"] (entry 2) before ["body","role"] (entry 3)`},
		{name: "the body after the query", sp: openapi, entries: entries(path, userID, query),
			want: `got ["body","user_id"] (entry 1) before ["query","job_id"] (entry 2)`},
		{name: "the query after the path", sp: openapi, entries: entries(query, path),
			want: `got ["query","job_id"] (entry 0) before ["path","member_id"] (entry 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stepSpec{sp: tt.sp, method: "PUT", path: memberPath}.declarationOrder(tt.entries)
			if tt.want == "" {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, tt.want)
		})
	}
}

// sameDocument leaves a path as written: the variants here keep openapi.yaml's paths.
func sameDocument(path string) string { return path }
