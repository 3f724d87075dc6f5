package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// credentialOf is where the step's operation takes its token, as the
// document's security scheme says (spec.Credential): the operation's, else
// the document's.
func (f *flow) credentialOf(route *routers.Route) spec.Credential {
	if route != nil {
		if cred, err := f.cfg.Spec.CredentialFor(route.Operation); err == nil {
			return cred
		}
	}
	cred, err := f.cfg.Spec.CredentialFor(nil)
	if err != nil {
		return spec.BearerCredential
	}
	return cred
}

// carryCredential moves what a step written for openapi.yaml's Bearer
// scheme sends in its own Authorization header to where the document's
// API key goes: a Bearer token, or an empty header (no key). Any other
// scheme has no API-key counterpart: the reason the step cannot be sent.
func carryCredential(req *request, cred spec.Credential) string {
	values, set := req.header["Authorization"]
	if cred.Bearer || !set {
		return ""
	}
	value := strings.Join(values, ", ")
	scheme, token, _ := strings.Cut(value, " ")
	if value != "" && (!strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "") {
		return fmt.Sprintf("the operation takes an API key (%s), and the step is about an Authorization header of another form (%q)", cred.Where(), value)
	}
	req.header.Del("Authorization")
	token = strings.TrimSpace(token)
	switch cred.In {
	case openapi3.ParameterInQuery:
		req.target += querySeparator(req.target) + url.QueryEscape(cred.Name) + "=" + url.QueryEscape(token)
	case openapi3.ParameterInCookie:
		req.header.Add("Cookie", cred.Name+"="+token)
	default:
		req.header[http.CanonicalHeaderKey(cred.Name)] = []string{token}
	}
	return ""
}

func querySeparator(target string) string {
	if strings.Contains(target, "?") {
		return "&"
	}
	return "?"
}

// putToken sends a profile token where cred says (a query token is in the
// URL already: tokenQuery).
func putToken(r *http.Request, cred spec.Credential, token string) {
	switch {
	case cred.Bearer:
		r.Header.Set("Authorization", "Bearer "+token)
	case cred.In == openapi3.ParameterInCookie:
		r.AddCookie(&http.Cookie{Name: cred.Name, Value: token})
	case cred.In == openapi3.ParameterInHeader:
		r.Header.Set(cred.Name, token)
	}
}

// tokenQuery is the query text that carries the step's token, for an API
// key in the query; "" otherwise.
func (r *request) tokenQuery(cred spec.Credential, tokens map[string]string) string {
	if cred.Bearer || cred.In != openapi3.ParameterInQuery || r.asRole == fixtures.NoToken {
		return ""
	}
	return querySeparator(r.target) + url.QueryEscape(cred.Name) + "=" + url.QueryEscape(tokens[r.asRole])
}

// onCredential is a step's expectation on the document's credential: the
// 401's challenge openapi.yaml's fixtures expect (Bearer) is the scheme's,
// and a URL a header spells out to its end (a redirect's Location) may
// carry a query API key after what the fixture wrote.
func onCredential(e fixtures.Expect, cred spec.Credential) fixtures.Expect {
	if cred.Bearer || len(e.Headers) == 0 {
		return e
	}
	headers := make([]fixtures.HeaderExpect, len(e.Headers))
	copy(headers, e.Headers)
	for i, h := range headers {
		p := h.Pattern
		literal, isLiteral := p.Value.(fixtures.Template)
		switch {
		case strings.EqualFold(h.Name, "WWW-Authenticate") && p.Kind == fixtures.Literal && isLiteral && literal.Source == "Bearer":
			challenge, _ := fixtures.ParseTemplate(cred.Challenge) // a word: no placeholder
			headers[i].Pattern = &fixtures.Pattern{Kind: fixtures.Literal, Value: challenge}
		case cred.In == openapi3.ParameterInQuery && p.Kind == fixtures.Match && p.Matcher.Regexp != nil &&
			strings.HasSuffix(p.Matcher.Regexp.String(), "$"):
			source := strings.TrimSuffix(p.Matcher.Regexp.String(), "$") + "(?:[?&]" + regexp.QuoteMeta(url.QueryEscape(cred.Name)) + "=[^&]*)?$"
			if re, err := regexp.Compile(source); err == nil {
				withKey := *p
				withKey.Matcher.Regexp = re
				headers[i].Pattern = &withKey
			}
		}
	}
	e.Headers = headers
	return e
}
