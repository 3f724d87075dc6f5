package mock

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// withScheme is openapi.yaml whose operations all require one security
// scheme, as the document's components define it.
func withScheme(t *testing.T, scheme *openapi3.SecurityScheme) *spec.Spec {
	t.Helper()
	return editedSpec(t, func(doc *openapi3.T) {
		doc.Components.SecuritySchemes = openapi3.SecuritySchemes{"TheScheme": &openapi3.SecuritySchemeRef{Value: scheme}}
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				op.Security = &openapi3.SecurityRequirements{{"TheScheme": []string{}}}
			}
		}
	})
}

// TestCredentialsWhereTheSchemeSaysSo: the token is read where the
// operation's security scheme puts it, as FastAPI's dependency for that
// scheme reads it (fastapi/security/api_key.py: APIKeyHeader, APIKeyQuery,
// APIKeyCookie take the value whole; a missing one is 401 "Not
// authenticated" with WWW-Authenticate: APIKey, make_not_authenticated_error;
// OAuth2PasswordBearer and OpenIdConnect read a Bearer token as HTTPBearer).
func TestCredentialsWhereTheSchemeSaysSo(t *testing.T) {
	type sent struct {
		headers []string
		query   string
	}
	for _, tc := range []struct {
		name      string
		scheme    *openapi3.SecurityScheme
		good      sent
		challenge string
		tryIt     string
	}{
		{"api key header", &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Team-Key"},
			sent{headers: []string{"X-Team-Key", TokenOrgAdmin}}, "APIKey", `curl -H "X-Team-Key: $TOKEN_ORG_ADMIN" "$BASE/api/organization/$ORG/member"`},
		{"api key query", &openapi3.SecurityScheme{Type: "apiKey", In: "query", Name: "key"},
			sent{query: "?key=" + TokenOrgAdmin}, "APIKey", `curl "$BASE/api/organization/$ORG/member?key=$TOKEN_ORG_ADMIN"`},
		{"api key cookie", &openapi3.SecurityScheme{Type: "apiKey", In: "cookie", Name: "session"},
			sent{headers: []string{"Cookie", "session=" + TokenOrgAdmin}}, "APIKey", `curl -H "Cookie: session=$TOKEN_ORG_ADMIN" "$BASE/api/organization/$ORG/member"`},
		{"oauth2 password bearer", &openapi3.SecurityScheme{Type: "oauth2", Flows: &openapi3.OAuthFlows{Password: &openapi3.OAuthFlow{TokenURL: "token", Scopes: map[string]string{}}}},
			sent{headers: []string{"Authorization", "Bearer " + TokenOrgAdmin}}, "Bearer", `curl -H "Authorization: Bearer $TOKEN_ORG_ADMIN" "$BASE/api/organization/$ORG/member"`},
		{"openid connect", &openapi3.SecurityScheme{Type: "openIdConnect", OpenIdConnectUrl: "https://id.example.com/.well-known/openid-configuration"},
			sent{headers: []string{"Authorization", "Bearer " + TokenOrgAdmin}}, "Bearer", `curl -H "Authorization: Bearer $TOKEN_ORG_ADMIN" "$BASE/api/organization/$ORG/member"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Lenient: the document's 401 says Bearer; the answer is under test.
			m := newTestMock(t, Config{Spec: withScheme(t, tc.scheme), Lenient: true})
			list := m.membersPath(m.profile.OrganizationID)

			ok := m.do(http.MethodGet, list+tc.good.query, "", nil, tc.good.headers...)
			require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Body)

			missing := m.do(http.MethodGet, list, "", nil)
			require.Equal(t, http.StatusUnauthorized, missing.Status)
			require.Equal(t, tc.challenge, missing.Header.Get("WWW-Authenticate"))
			require.Equal(t, "Not authenticated", missing.Object(t)["detail"])

			unknown := sent{headers: slicesReplace(tc.good.headers, TokenOrgAdmin, "no-such-key"), query: strings.ReplaceAll(tc.good.query, TokenOrgAdmin, "no-such-key")}
			r := m.do(http.MethodGet, list+unknown.query, "", nil, unknown.headers...)
			require.Equal(t, http.StatusUnauthorized, r.Status)
			require.Equal(t, tc.challenge, r.Header.Get("WWW-Authenticate"))
			require.Equal(t, "Invalid authentication credentials", r.Object(t)["detail"])

			if tc.challenge == "APIKey" {
				bearer := m.do(http.MethodGet, list, TokenOrgAdmin, nil)
				require.Equal(t, http.StatusUnauthorized, bearer.Status, "an API-key route reads no Authorization header")
			}
			require.Equal(t, tc.tryIt, m.srv.TryIt())
		})
	}
	t.Run("a scheme without a token is refused at start", func(t *testing.T) {
		_, err := New(Config{Seed: 1, Spec: withScheme(t, &openapi3.SecurityScheme{Type: "http", Scheme: "basic"})})
		require.ErrorContains(t, err, `security scheme "TheScheme" (http basic) carries no token`)
	})
}

func slicesReplace(list []string, old, new string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ReplaceAll(s, old, new)
	}
	return out
}
