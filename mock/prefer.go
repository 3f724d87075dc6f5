package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// preference is a Prefer header in Prism's syntax: code=404, example=NAME,
// dynamic=true, plus delay=MS.
type preference struct {
	code    int
	example string
	dynamic bool
	delay   time.Duration
}

func (p preference) forced() bool { return p.code != 0 || p.example != "" || p.dynamic }

func preferIssue(msg string) *apiError {
	return validationFailed(validationIssue{Loc: []any{"header", "Prefer"}, Msg: msg, Type: "prefer_invalid"})
}

// maxPreferDelay keeps a typo from hanging a client for hours.
const maxPreferDelay = 60 * time.Second

func parsePrefer(header string) (preference, *apiError) {
	var p preference
	for _, part := range strings.FieldsFunc(header, func(r rune) bool { return r == ',' || r == ';' }) {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		value = strings.Trim(strings.TrimSpace(value), `"`)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "code":
			code, err := strconv.Atoi(value)
			if err != nil || code < 100 || code > 599 {
				return p, preferIssue(fmt.Sprintf("code=%s is not an HTTP status code", value))
			}
			p.code = code
		case "example":
			p.example = value
		case "dynamic":
			p.dynamic = value == "true"
		case "delay":
			ms, err := strconv.Atoi(value)
			if err != nil || ms < 0 || time.Duration(ms)*time.Millisecond > maxPreferDelay {
				return p, preferIssue(fmt.Sprintf("delay=%s must be milliseconds between 0 and %d", value, maxPreferDelay.Milliseconds()))
			}
			p.delay = time.Duration(ms) * time.Millisecond
		}
		// Other preferences are ignored, as RFC 7240 asks.
	}
	return p, nil
}

// specResponse answers from the spec alone, as Prism does: the status
// asked for (or the one holding the named example, or 200), with the named
// example, a generated body (dynamic=true) or the first example. The store
// is not touched.
func (s *Server) specResponse(x *exchange, p preference) *response {
	responses := x.route.Operation.Responses
	codes := definedCodes(responses)
	code := p.code
	if code == 0 && p.example != "" {
		for _, c := range codes {
			if exampleNamed(responses.Status(c), p.example) != nil {
				code = c
				break
			}
		}
		if code == 0 {
			return errorResponse(preferIssue(fmt.Sprintf("no response of %s has an example named %q", x.operation, p.example)))
		}
	}
	if code == 0 {
		code = http.StatusOK
	}
	ref := responses.Status(code)
	if ref == nil || ref.Value == nil {
		return errorResponse(preferIssue(fmt.Sprintf("code=%d is not defined for %s; defined codes: %s", code, x.operation, joinInts(codes))))
	}
	def := ref.Value
	header := http.Header{}
	for name, h := range def.Headers {
		if h.Value != nil && h.Value.Schema != nil {
			header.Set(name, fmt.Sprint(s.generate(name, h.Value.Schema)))
		}
	}
	media := def.Content.Get("application/json")
	if media == nil {
		return &response{Status: code, Header: header}
	}
	header.Set("Content-Type", "application/json")
	var body any
	switch {
	case p.example != "":
		ex := exampleNamed(ref, p.example)
		if ex == nil {
			return errorResponse(preferIssue(fmt.Sprintf("response %d of %s has no example named %q; it has: %s", code, x.operation, p.example, strings.Join(exampleNames(media), ", "))))
		}
		body = ex
	case p.dynamic || len(media.Examples) == 0 && media.Example == nil:
		body = s.generate("", media.Schema)
	case len(media.Examples) > 0:
		body = media.Examples[exampleNames(media)[0]].Value.Value
	default:
		body = media.Example
	}
	b, err := json.Marshal(body)
	if err != nil {
		return errorResponse(errorf(http.StatusInternalServerError, "encode example: %v", err))
	}
	return &response{Status: code, Header: header, Body: b}
}

// generate makes a value for a schema from the server's seeded faker.
func (s *Server) generate(name string, schema *openapi3.SchemaRef) any {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.idGen.value(name, schema, true)
}

func exampleNamed(ref *openapi3.ResponseRef, name string) any {
	if ref == nil || ref.Value == nil {
		return nil
	}
	media := ref.Value.Content.Get("application/json")
	if media == nil {
		return nil
	}
	if ex := media.Examples[name]; ex != nil && ex.Value != nil {
		return ex.Value.Value
	}
	return nil
}

func exampleNames(media *openapi3.MediaType) []string {
	names := make([]string, 0, len(media.Examples))
	for n := range media.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func definedCodes(responses *openapi3.Responses) []int {
	var codes []int
	for k := range responses.Map() {
		if c, err := strconv.Atoi(k); err == nil {
			codes = append(codes, c)
		}
	}
	sort.Ints(codes)
	return codes
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ", ")
}
