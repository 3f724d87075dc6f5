package contract

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// maxResponseBytes bounds what is read of a response: the API's largest
// page is far below it.
const maxResponseBytes = 8 << 20

// flow is one case being run: its leased candidates, the values its steps
// captured and the bodies they received.
type flow struct {
	*runner
	c          fixtures.Case
	candidates []string
	captured   map[string]string
	// missing explains, by name, why a value declared by a step that ran
	// was not captured.
	missing map[string]string
	bodies  map[string]any
	// step reads the spec values of the step being run.
	step stepSpec
	// as is the role the step being run acts as ({token} is its token).
	as string
	// host is the target's host:port ({host} in a raw step's request).
	host string
	// sent and received bound the step's exchange on the runner's clock:
	// @now compares the server's times with them.
	sent, received time.Time
}

func (r *runner) runCase(ctx context.Context, c fixtures.Case) CaseResult {
	start := r.now()
	f := &flow{runner: r, c: c, captured: map[string]string{}, missing: map[string]string{}, bodies: map[string]any{}}
	if c.Candidates > 0 {
		f.candidates = r.pool.acquire(c.Candidates)
		defer r.pool.release(f.candidates)
	}
	res := CaseResult{Name: c.Name, File: c.File, Line: c.Line, Rules: c.Rules, Passed: true}
	for _, s := range c.Steps {
		sr := f.runStep(ctx, s, false)
		res.Steps = append(res.Steps, sr)
		if sr.NotInDocument != "" {
			res.Passed, res.Skipped = false, fmt.Sprintf("not in the document: %s (step %q)", sr.NotInDocument, sr.Name)
			break
		}
		if sr.NoData != "" {
			// The target's data cannot prove the case's rules: what is
			// left would check nothing, and passing it would claim a proof.
			// Skipped, like a precondition not met.
			res.Passed, res.Skipped = false, fmt.Sprintf("no data: %s (step %q)", sr.NoData, sr.Name)
			break
		}
		if len(sr.Failures) > 0 {
			// Later steps build on this one: running them would only add
			// noise to the report.
			res.Passed = false
			if s.Precondition != "" {
				// The target lacks the data the case proves its rules
				// with: unproven there, not broken.
				res.Skipped = fmt.Sprintf("no data: %s (step %q: %s)", s.Precondition, s.Name, sr.Failures[0])
			}
			break
		}
	}
	// Cleanup runs even when the run is interrupted: rows left behind on a
	// shared target would outlive the run. Each request is still bounded
	// by the client's timeout.
	cleanupCtx := context.WithoutCancel(ctx)
	for _, s := range c.Cleanup {
		sr := f.runStep(cleanupCtx, s, true)
		res.Steps = append(res.Steps, sr)
		if len(sr.Failures) > 0 {
			res.Passed, res.Skipped = false, ""
		}
	}
	res.Duration = r.now().Sub(start)
	return res
}

// errNotCaptured marks a placeholder whose value no step saved.
var errNotCaptured = errors.New("not captured")

// lookup gives a placeholder's value.
func (f *flow) lookup(ref fixtures.Ref) (string, error) {
	if fixtures.IsSpecValue(ref.Name) {
		v, err := f.step.value(ref)
		return specText(v), err
	}
	switch ref.Name {
	case fixtures.OrganizationID:
		return f.cfg.Profile.OrganizationID, nil
	case fixtures.OtherOrganizationID:
		return f.cfg.Profile.OtherOrganizationID, nil
	case fixtures.CandidateUserIDs:
		return f.candidates[ref.Index], nil
	case fixtures.Token:
		return f.cfg.Profile.Tokens[f.as], nil
	case fixtures.Host:
		return f.host, nil
	}
	v, ok := f.captured[ref.Name]
	if !ok {
		return "", fmt.Errorf("%w: %s: %s", errNotCaptured, ref, cmp.Or(f.missing[ref.Name], "step "+strconv.Quote(f.capturer(ref.Name))+" did not run"))
	}
	return v, nil
}

// capturer names the step that declares a capture.
func (f *flow) capturer(name string) string {
	for _, s := range slices.Concat(f.c.Steps, f.c.Cleanup) {
		for _, c := range s.Capture {
			if c.Name == name {
				return s.Name
			}
		}
	}
	return ""
}

func (f *flow) expand(t fixtures.Template) (string, error) { return t.Expand(f.lookup) }

// request is a step's request, resolved.
type request struct {
	method string
	// target is the path and query, as routed by the spec.
	target string
	header http.Header
	body   []byte
	padded int
	asRole string
	// tokenInHeader says the step wrote its own Authorization header
	// around its role's token ({token}): sent as written.
	tokenInHeader bool
	// route is the document's route of the step (nil for none), found once.
	route *routers.Route
}

func (f *flow) runStep(ctx context.Context, s fixtures.Step, cleanup bool) StepResult {
	if s.Raw != nil {
		return f.runRawStep(ctx, s, cleanup)
	}
	sr := StepResult{Name: s.Name, Line: s.Line, Cleanup: cleanup, Method: s.Method}
	req, err := f.resolve(s)
	if err != nil {
		if cleanup && errors.Is(err, errNotCaptured) {
			// Nothing was created for this cleanup step to remove.
			sr.Skipped = err.Error()
			return sr
		}
		sr.Failures = append(sr.Failures, "cannot build the request: "+err.Error())
		return sr
	}
	sr.Method = req.method
	route := req.route
	expect, why, readable := onSuccess(f.cfg.Spec, f.documents.source(), route, s, s.Expect)
	if why != "" && readable {
		return f.readBack(ctx, s, route, req.target, cleanup, why)
	}
	if why != "" {
		sr.NotInDocument = why
		return sr
	}
	cred := f.credentialOf(route)
	if why := carryCredential(req, cred); why != "" {
		sr.NotInDocument = why
		return sr
	}
	sr.URL = f.cfg.Profile.BaseURL + req.target
	sr.Curl = req.curl(f.cfg.Profile.BaseURL, cred)
	tokenQuery := req.tokenQuery(cred, f.cfg.Profile.Tokens)
	if token := f.cfg.Profile.Tokens[req.asRole]; req.tokenInHeader && token != "" {
		// The header as written, the token a variable the shell expands
		// (the header is in single quotes).
		shown := *req
		shown.asRole = fixtures.NoToken
		sr.Curl = strings.ReplaceAll(shown.curl(f.cfg.Profile.BaseURL, cred), token, `'"${`+tokenVariable(req.asRole)+`}"'`)
		tokenQuery = ""
	}

	httpReq, err := http.NewRequestWithContext(ctx, req.method, sr.URL+tokenQuery, bytes.NewReader(req.body))
	if err != nil {
		sr.Failures = append(sr.Failures, "cannot build the request: "+err.Error())
		return sr
	}
	httpReq.Header = req.header
	if req.asRole != fixtures.NoToken && !req.tokenInHeader {
		putToken(httpReq, cred, f.cfg.Profile.Tokens[req.asRole])
	}
	f.sent = f.now()
	resp, err := f.client.Do(httpReq)
	if err != nil {
		sr.Failures = append(sr.Failures, "no response: "+f.mask.Replace(err.Error()))
		return sr
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	f.received = f.now()
	if err != nil {
		sr.Failures = append(sr.Failures, "reading the response: "+err.Error())
		return sr
	}
	sr.Status = resp.StatusCode
	sr.Body = f.mask.Replace(string(body))

	var decoded any
	isJSON := json.Unmarshal(body, &decoded) == nil
	decoded = f.unwrapList(route, decoded)
	f.bodies[s.Name] = decoded
	for _, c := range s.Capture {
		if v, ok := resolvePointer(decoded, c.Pointer); ok && isJSON {
			f.captured[c.Name] = captureText(v)
		} else {
			delete(f.captured, c.Name)
			f.missing[c.Name] = fmt.Sprintf("the response of step %q had no %s", s.Name, c.Pointer)
		}
	}
	sr.Failures = append(sr.Failures, f.checkResponse(onCredential(f.documents.expect(expect), cred), resp, body, decoded, isJSON)...)
	if violation := f.checkSpec(ctx, req, resp, body); violation != "" {
		sr.Failures = append(sr.Failures, "spec: "+f.mask.Replace(violation))
	}
	if len(sr.Failures) == 0 {
		sr.NoData = f.requireData(s, decoded)
	}
	return sr
}

// requireData checks what a step requires of the target's data and takes
// its pick; what the target lacks to prove the case, or "".
func (f *flow) requireData(s fixtures.Step, body any) string {
	items, _ := body.([]any)
	if s.Requires != nil && len(items) < s.Requires.Items {
		return fmt.Sprintf("the list has %s, the case needs at least %s", itemCount(len(items)), itemCount(s.Requires.Items))
	}
	if s.Pick == nil {
		return ""
	}
	for _, item := range items {
		field, _ := resolvePointer(item, s.Pick.Field)
		text, _ := field.(string)
		var elsewhere []string
		for _, p := range s.Pick.Elsewhere {
			if v, ok := resolvePointer(item, p); ok {
				if other, ok := v.(string); ok {
					elsewhere = append(elsewhere, other)
				}
			}
		}
		needle := searchNeedle(text, elsewhere, s.Pick.NonASCII)
		if needle == "" {
			continue
		}
		f.captured[s.Pick.Needle] = needle
		for _, c := range s.Pick.Capture {
			if v, ok := resolvePointer(item, c.Pointer); ok {
				f.captured[c.Name] = captureText(v)
			}
		}
		return ""
	}
	return fmt.Sprintf("no item of the %s has a %s with %s", itemCount(len(items)), s.Pick.Field, pickNeed(s.Pick))
}

// pickNeed says which part of its field a pick looks for.
func pickNeed(p *fixtures.Pick) string {
	need := "a part that"
	if p.NonASCII {
		need += " holds a lower-case letter outside ASCII (such as é, whose upper case is É) and"
	}
	need += " is not its start, its end or a whole word"
	if len(p.Elsewhere) > 0 {
		need += " and appears in none of " + strings.Join(p.Elsewhere, ", ")
	}
	return need
}

// needleLength is the length of a search needle, in letters: long enough
// to be rare among other members, short enough to fit inside most names.
const needleLength = 4

// searchNeedle is the first part of text, needleLength ASCII letters,
// digits or spaces with at least one letter, that starts after a letter or
// digit and ends before one (so it is neither a prefix, nor a suffix, nor
// a whole word of text), and that neither it nor any wildcard pattern made
// of it appears in text's other fields or, for a pattern, in text itself,
// case ignored. nonASCII takes letters and digits of any script instead,
// and demands a foldsBothWays letter outside ASCII. "" when text has none.
func searchNeedle(text string, elsewhere []string, nonASCII bool) string {
	wordChar := func(c rune) bool {
		if c < utf8.RuneSelf {
			return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		}
		return nonASCII && (unicode.IsLetter(c) || unicode.IsDigit(c))
	}
	runes := []rune(text)
	lowerElsewhere := strings.ToLower(strings.Join(elsewhere, "\x00"))
next:
	for start := 1; start+needleLength < len(runes); start++ {
		end := start + needleLength
		if !wordChar(runes[start-1]) || !wordChar(runes[end]) {
			continue
		}
		candidate := runes[start:end]
		hasLetter, hasFolding := false, false
		for _, c := range candidate {
			if !wordChar(c) && c != ' ' {
				continue next
			}
			if nonASCII && !sameLowerOnBothStacks(c) {
				continue next
			}
			hasLetter = hasLetter || unicode.IsLetter(c)
			hasFolding = hasFolding || (c >= utf8.RuneSelf && foldsBothWays(c))
		}
		lower := strings.ToLower(string(candidate))
		if !hasLetter || (nonASCII && !hasFolding) || strings.Contains(lowerElsewhere, lower) {
			continue
		}
		for _, w := range fixtures.Wildcards {
			pattern := fixtures.Filter(w, lower)
			if strings.Contains(lowerElsewhere, pattern) || strings.Contains(strings.ToLower(text), pattern) {
				continue next
			}
		}
		return string(candidate)
	}
	return ""
}

// foldsBothWays: c is a lower-case letter whose upper case lower-cases
// back to it, and no third letter shares its case (é and É; not ß, which
// has no one-letter upper case, nor σ and ς, which share Σ: Python
// lower-cases Σ to ς at a word's end, Objects/unicodeobject.c: do_lower's
// handle_capital_sigma).
func foldsBothWays(c rune) bool {
	upper := unicode.ToUpper(c)
	return unicode.IsLower(c) && upper != c && unicode.ToLower(upper) == c &&
		unicode.SimpleFold(c) == upper && unicode.SimpleFold(upper) == c
}

// sameLowerOnBothStacks: c, and c upper-cased, lower-case to one letter
// whatever the stack: ASCII, a letter without case, or a pair that folds
// both ways. A needle of such letters sent in upper case matches as
// stored for Go's strings.ToLower and Python's str.lower alike.
func sameLowerOnBothStacks(c rune) bool {
	switch {
	case c < utf8.RuneSelf:
		return true
	case unicode.IsUpper(c):
		return foldsBothWays(unicode.ToLower(c))
	case unicode.IsLower(c):
		return foldsBothWays(c)
	}
	return unicode.ToUpper(c) == c && unicode.ToLower(c) == c && unicode.SimpleFold(c) == c
}

// resolve fills in a step's templates.
func (f *flow) resolve(s fixtures.Step) (*request, error) {
	req := &request{header: http.Header{}, asRole: s.As}
	f.as = s.As
	path, err := f.expand(s.Path)
	if err != nil {
		return nil, err
	}
	// The fixture's path on the document the run checks; its spec values
	// are read for that path, then for the step's method.
	written := path
	path = f.documents.path(path)
	f.step = stepSpec{sp: f.cfg.Spec, path: path}
	if req.method, err = f.expand(s.MethodTemplate); err != nil {
		return nil, err
	}
	f.step.method = req.method
	var query []string
	for _, p := range s.Query {
		name, err := f.expand(p.Name)
		if err != nil {
			return nil, err
		}
		for _, t := range p.Values {
			v, err := f.expand(t)
			if err != nil {
				return nil, err
			}
			query = append(query, url.QueryEscape(name)+"="+url.QueryEscape(v))
		}
	}
	// What the spec requires and the step does not name (a case written
	// before the spec required it) is sent valid.
	req.route = routeOf(f.cfg.Spec, req.method, path)
	extraQuery, extraHeader := supplyRequired(req.route, s)
	query = append(query, extraQuery...)
	maps.Copy(req.header, extraHeader)
	req.target = path
	if len(query) > 0 {
		// In the fixture's order: which of a repeated parameter comes last
		// is what some cases are about.
		req.target += "?" + strings.Join(query, "&")
	}
	switch {
	case s.Body.JSON != nil:
		v, err := f.expandJSON(s.Body.JSON)
		if err != nil {
			return nil, err
		}
		v = supplyRequiredBody(f.cfg.Spec, f.documents.source(), req.route, s, written, v)
		if req.body, err = json.Marshal(v); err != nil {
			return nil, err
		}
		req.header.Set("Content-Type", "application/json")
	case s.Body.Raw != nil:
		raw, err := f.expand(*s.Body.Raw)
		if err != nil {
			return nil, err
		}
		req.body = []byte(raw)
	case s.Body.PaddedBytes > 0:
		req.padded = s.Body.PaddedBytes
		req.body = paddedJSON(s.Body.PaddedBytes)
		req.header.Set("Content-Type", "application/json")
	}
	for _, h := range s.Headers {
		if h.Absent {
			continue
		}
		v, err := f.expand(h.Value)
		if err != nil {
			return nil, err
		}
		req.header[http.CanonicalHeaderKey(h.Name)] = []string{v}
		if strings.EqualFold(h.Name, "Authorization") && s.As != fixtures.NoToken {
			req.tokenInHeader = true
		}
	}
	return req, nil
}

// expandJSON fills in the templates of a fixture's JSON body.
func (f *flow) expandJSON(v any) (any, error) {
	switch v := v.(type) {
	case fixtures.Template:
		return f.expand(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			x, err := f.expandJSON(item)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			x, err := f.expandJSON(item)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return v, nil
}

// paddedJSON is `{"pad":"aaa…"}`, exactly n bytes long.
func paddedJSON(n int) []byte {
	const open, closing = `{"pad":"`, `"}`
	return []byte(open + strings.Repeat("a", n-len(open)-len(closing)) + closing)
}

// captureText is a captured value as placeholders insert it: strings as
// they are, anything else as JSON.
func captureText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// checkSpec validates a response against the operation the request routes
// to. A request the spec does not route (a 404 or 405 case) is checked
// against the fixture alone.
// unwrapList is the members of a list answer that the target's document
// puts in an envelope (spec.MemberOperations.ListProperty): the fixtures
// are written against openapi.yaml, whose list answers the array itself.
// Anything else is returned as it is.
func (f *flow) unwrapList(route *routers.Route, decoded any) any {
	members := f.cfg.Spec.Members()
	envelope, ok := decoded.(map[string]any)
	if members.ListProperty == "" || !ok || route == nil || members.Of(route.Operation) != spec.MemberList {
		return decoded
	}
	if items, ok := envelope[members.ListProperty]; ok {
		return items
	}
	return decoded
}

func (f *flow) checkSpec(ctx context.Context, req *request, resp *http.Response, body []byte) string {
	routed, err := http.NewRequestWithContext(ctx, req.method, req.target, nil)
	if err != nil {
		return err.Error()
	}
	routed.Header = req.header
	route, params, err := f.cfg.Spec.FindRoute(routed)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		return ""
	}
	if err != nil {
		return err.Error()
	}
	if spec.UndocumentedStackAnswer(route.Operation, resp.StatusCode, resp.Header, body) {
		return "" // FastAPI never documents these: the fixture judges them
	}
	if err := f.cfg.Spec.ValidateResponse(ctx, routed, route, params, resp.StatusCode, resp.Header, body); err != nil {
		return fmt.Sprintf("%s %s -> %d: %s", route.Method, route.Path, resp.StatusCode, violationText(err))
	}
	return ""
}

// maxViolations bounds the schema errors quoted for one response: a list
// tends to repeat one fault in every item.
const maxViolations = 3

// violationText is kin-openapi's error on one line: each schema error as
// its JSON pointer and reason, without the schema and value dumps that
// the response body and the spec already show.
func violationText(err error) string { return strings.Join(violations(err), "; ") }

func violations(err error) []string {
	switch e := err.(type) {
	case openapi3.MultiError:
		var parts []string
		for _, inner := range e {
			parts = append(parts, violations(inner)...)
		}
		if len(parts) > maxViolations {
			parts = append(parts[:maxViolations], fmt.Sprintf("and %d more", len(parts)-maxViolations))
		}
		return parts
	case *openapi3filter.ResponseError:
		if e.Err == nil {
			return []string{e.Reason}
		}
		return []string{e.Reason + ": " + violationText(e.Err)}
	case *openapi3.SchemaError:
		if e.Origin == nil {
			return []string{"/" + strings.Join(e.JSONPointer(), "/") + ": " + cmp.Or(e.Reason, "does not match the schema's "+e.SchemaField)}
		}
	}
	return []string{err.Error()}
}
