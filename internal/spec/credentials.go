package spec

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Credential is where an operation's caller puts the token, as the
// security scheme the operation requires says, and how FastAPI's matching
// dependency reads it (fastapi/security):
//   - http bearer (HTTPBearer), oauth2 (OAuth2PasswordBearer) and
//     openIdConnect (OpenIdConnect): `Authorization: Bearer <token>`, the
//     401's challenge `Bearer`;
//   - apiKey (APIKeyHeader, APIKeyQuery, APIKeyCookie): the header, query
//     parameter or cookie the scheme names, its value whole, the 401's
//     challenge `APIKey` (fastapi/security/api_key.py:
//     APIKeyBase.make_not_authenticated_error).
type Credential struct {
	// Bearer: the token comes as `Authorization: Bearer <token>`; else In
	// (header, query or cookie) and Name say where.
	Bearer   bool
	In, Name string
	// Challenge is the 401's WWW-Authenticate.
	Challenge string
}

// BearerCredential is the Authorization header with a Bearer token.
var BearerCredential = Credential{Bearer: true, In: openapi3.ParameterInHeader, Name: "Authorization", Challenge: "Bearer"}

// Where says where the token goes, for people: `Authorization: Bearer
// <token>`, `header X-API-Key: <token>`, `query api_key=<token>`.
func (c Credential) Where() string {
	switch {
	case c.Bearer:
		return "Authorization: Bearer <token>"
	case c.In == openapi3.ParameterInQuery:
		return "query " + c.Name + "=<token>"
	}
	return c.In + " " + c.Name + ": <token>"
}

// Token is the token a request carries where c says, and whether one is
// there at all. For a Bearer credential the header is read as FastAPI
// reads it (the caller passes the scheme check); the others are taken
// whole, as APIKeyHeader, APIKeyQuery and APIKeyCookie take them.
func (c Credential) Token(r *http.Request, bearer func(authorization string) (string, bool)) (string, bool) {
	switch {
	case c.Bearer:
		return bearer(r.Header.Get("Authorization"))
	case c.In == openapi3.ParameterInQuery:
		v := r.URL.Query().Get(c.Name)
		return v, v != ""
	case c.In == openapi3.ParameterInCookie:
		cookie, err := r.Cookie(c.Name)
		if err != nil {
			return "", false
		}
		return cookie.Value, cookie.Value != ""
	}
	v := r.Header.Get(c.Name)
	return v, v != ""
}

// CredentialFor is the credential an operation's security asks for (its
// own, else the document's): the first scheme of its first requirement
// with one; BearerCredential when it asks for none. A scheme that carries
// no token (http basic, mutual TLS) is an error: Credentials refuses it at
// start.
func (s *Spec) CredentialFor(op *openapi3.Operation) (Credential, error) {
	reqs := s.Doc.Security
	if op != nil && op.Security != nil {
		reqs = *op.Security
	}
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		slices.Sort(names)
		if len(names) > 0 {
			return s.credentialOf(names[0])
		}
	}
	return BearerCredential, nil
}

func (s *Spec) credentialOf(name string) (Credential, error) {
	var ref *openapi3.SecuritySchemeRef
	if s.Doc.Components != nil {
		ref = s.Doc.Components.SecuritySchemes[name]
	}
	if ref == nil || ref.Value == nil {
		return Credential{}, fmt.Errorf("security scheme %q is not in components.securitySchemes", name)
	}
	scheme := ref.Value
	switch {
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"), scheme.Type == "oauth2", scheme.Type == "openIdConnect":
		return BearerCredential, nil
	case scheme.Type == "apiKey" && scheme.Name != "" &&
		slices.Contains([]string{openapi3.ParameterInHeader, openapi3.ParameterInQuery, openapi3.ParameterInCookie}, scheme.In):
		return Credential{In: scheme.In, Name: scheme.Name, Challenge: "APIKey"}, nil
	}
	return Credential{}, fmt.Errorf("security scheme %q (%s %s) carries no token the mock can map to its identities: use http bearer, oauth2, openIdConnect or apiKey", name, scheme.Type, scheme.Scheme)
}

// Credentials checks every operation's credential once, at start, and
// returns the document's (what its default security asks for).
func (s *Spec) Credentials() (Credential, error) {
	for _, path := range sortedPaths(s.Doc) {
		for _, op := range s.Doc.Paths.Value(path).Operations() {
			if _, err := s.CredentialFor(op); err != nil {
				return Credential{}, err
			}
		}
	}
	return s.CredentialFor(nil)
}
