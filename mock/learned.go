package mock

// What the mock learned from the spec, which humm-mock's banner says (issue
// 20, point 5): how each property no rule reads is generated, with
// examples drawn the way the seed draws them, and what each list filter
// does. The banner's operations table comes from Operations().

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// learnedSamples is how many example values a start-up line shows.
const learnedSamples = 3

// Learned are the lines humm-mock's banner prints: one per generated
// property of the member and of its user, one per list filter, one per
// example of the document that breaks its own schema.
func (s *Server) Learned() []string {
	var out []string
	// A faker of its own: the world and the ids keep their sequences.
	g := newFaker(s.cfg.Seed ^ 0x1ea7)
	for _, sh := range []*shape{s.vocab.member, s.vocab.user} {
		for i, name := range sh.names {
			if i == sh.join || slices.Contains(sh.ruled, i) {
				continue
			}
			out = append(out, fmt.Sprintf("%s property %s: generated %s", sh.what, name, describeGenerated(g, name, sh.props[i], slices.Contains(sh.required, name))))
		}
	}
	for _, f := range s.listFilters {
		how := "equals it exactly"
		if f.fold {
			how = "equals it, case-insensitively"
		}
		out = append(out, fmt.Sprintf("list filter ?%s=: keeps the members whose %s %s", f.param, f.param, how))
	}
	for _, broken := range s.spec.BrokenExamples {
		out = append(out, "example that breaks its schema, never served: "+broken)
	}
	return out
}

// TryIt is a curl that lists the organization's members, as the spec has
// the list (its path, where its security puts the token), for the banner:
// the shell variables are the profile's (Profile.WriteShell).
func (s *Server) TryIt() string {
	route := s.members.Route(opList)
	if route == nil {
		return ""
	}
	path := strings.ReplaceAll(route.Path, "{"+s.members.OrganizationParam+"}", "$ORG")
	cred := s.credentials[route.Operation]
	switch {
	case cred.Bearer:
		return `curl -H "Authorization: Bearer $TOKEN_ORG_ADMIN" "$BASE` + path + `"`
	case cred.In == openapi3.ParameterInQuery:
		return `curl "$BASE` + path + "?" + cred.Name + `=$TOKEN_ORG_ADMIN"`
	case cred.In == openapi3.ParameterInCookie:
		return `curl -H "Cookie: ` + cred.Name + `=$TOKEN_ORG_ADMIN" "$BASE` + path + `"`
	}
	return `curl -H "` + cred.Name + `: $TOKEN_ORG_ADMIN" "$BASE` + path + `"`
}

// describeGenerated says what a property's schema asks of its values and
// shows a few drawn as the seed draws them.
func describeGenerated(g *faker, name string, ref *openapi3.SchemaRef, required bool) string {
	core, nullable := spec.Underlying(ref)
	var asks []string
	if core != nil {
		if core.Type != nil && len(core.Type.Slice()) > 0 {
			asks = append(asks, strings.Join(core.Type.Slice(), " or "))
		}
		if core.Format != "" {
			asks = append(asks, "format "+core.Format)
		}
		if core.Pattern != "" {
			asks = append(asks, "pattern "+core.Pattern)
		}
		if len(core.Enum) > 0 {
			asks = append(asks, fmt.Sprintf("one of %d values", len(core.Enum)))
		}
		if core.Min != nil || core.Max != nil {
			asks = append(asks, "bounded")
		}
		if core.MinLength > 0 || core.MaxLength != nil {
			asks = append(asks, "length-bounded")
		}
	}
	if nullable {
		asks = append(asks, "nullable")
	}
	if !required {
		asks = append(asks, "optional")
	}
	samples := make([]string, 0, learnedSamples)
	for range learnedSamples {
		g.newPerson() // each example of another person, as rows are
		b, err := json.Marshal(jsonValue(g.value(name, ref, required)))
		if err != nil {
			b = []byte("?")
		}
		samples = append(samples, string(b))
	}
	what := "from its schema"
	if len(asks) > 0 {
		what += " (" + strings.Join(asks, ", ") + ")"
	}
	return what + ", e.g. " + strings.Join(samples, ", ")
}
