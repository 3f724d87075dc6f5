package mock

import (
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// corsHeaders are what a preflight allows and a response exposes: the
// methods the document declares, the headers its requests carry (its
// header parameters, an API key's header) and those its responses declare,
// besides the ones every answer uses. Read from the spec once.
type corsHeaders struct {
	methods, allow, expose string
}

func corsHeadersOf(sp *spec.Spec, credentials map[*openapi3.Operation]spec.Credential) corsHeaders {
	methods := []string{http.MethodOptions}
	allow := []string{"Authorization", "Content-Type", "Prefer"}
	expose := []string{"WWW-Authenticate", "Allow", "Content-Length"}
	add := func(list *[]string, name string) {
		name = http.CanonicalHeaderKey(name)
		if !slices.ContainsFunc(*list, func(have string) bool { return strings.EqualFold(have, name) }) {
			*list = append(*list, name)
		}
	}
	for _, item := range sp.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !slices.Contains(methods, method) {
				methods = append(methods, method)
			}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
					add(&allow, p.Value.Name)
				}
			}
			if c := credentials[op]; !c.Bearer && c.In == openapi3.ParameterInHeader {
				add(&allow, c.Name)
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value != nil {
					for name := range resp.Value.Headers {
						add(&expose, name)
					}
				}
			}
		}
	}
	slices.Sort(methods[1:])
	slices.Sort(allow[3:])
	slices.Sort(expose[3:])
	return corsHeaders{methods: strings.Join(methods, ", "), allow: strings.Join(allow, ", "), expose: strings.Join(expose, ", ")}
}

// cors lets a frontend on another origin call the mock. It answers a
// preflight itself (and reports true); for other requests it only adds the
// headers. AllowedOrigins empty means any origin.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	allowed := len(s.cfg.AllowedOrigins) == 0 || slices.Contains(s.cfg.AllowedOrigins, origin)
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if allowed {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", s.corsHeaders.expose)
	}
	if !preflight {
		return false
	}
	if allowed {
		h.Set("Access-Control-Allow-Methods", s.corsHeaders.methods)
		h.Set("Access-Control-Allow-Headers", s.corsHeaders.allow)
		h.Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}
