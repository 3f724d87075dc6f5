package contract

// A step written against openapi.yaml reads the member its success
// answers: a delete's removed row, a refused write's "unchanged" check
// (which deletes the member and compares the row). A document whose
// operation answers without that member (FastAPI's status_code=204 on a
// delete, or a confirmation object) would skip the case. The member is
// read instead through an operation of the document that answers it: a
// GET of one member when the document has one, else the member list,
// paged through until the member's id turns up. The step is then sent as
// the document answers it, its status and its answer checked against the
// document; its expectations and captures are on the member read.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// maxReadPages bounds the pages a list read goes through looking for one
// member: far beyond any organization's membership at the largest page.
const maxReadPages = 1000

// memberRead is how a document lets the runner read one member.
type memberRead struct {
	// route is the GET of one member, or the member list.
	route *routers.Route
	list  bool
	// number and size are the list's paging parameters: a page number
	// from 1 and a bounded page size, read at its largest (sizeValue).
	number, size     string
	sizeValue        int
	hasNumber, sized bool
}

// memberReadOf chooses how to read a member of sp: a GET on the member
// item path whose success is a member, else the member list when the
// runner can go through all of it (no paging, or a page number from 1 and
// a bounded page size it finds by their schemas, not their names). nil
// and why not when there is no such read: the step stays skipped (fail
// closed).
func memberReadOf(sp *spec.Spec) (*memberRead, string) {
	members := sp.Members()
	if members.Item != "" {
		if item := sp.Doc.Paths.Value(members.Item); item != nil && item.Get != nil {
			if s := successSchema(item.Get); s != nil && spec.IsMember(s) {
				return &memberRead{route: &routers.Route{Path: members.Item, PathItem: item, Method: http.MethodGet, Operation: item.Get}}, ""
			}
		}
	}
	list := members.Route(spec.MemberList)
	if list == nil {
		return nil, "the document has no GET of one member and no member list to read it from"
	}
	read := &memberRead{route: list, list: true}
	for _, group := range []openapi3.Parameters{list.PathItem.Parameters, list.Operation.Parameters} {
		for _, ref := range group {
			p := ref.Value
			if p == nil || p.In != openapi3.ParameterInQuery {
				continue
			}
			var core *openapi3.Schema
			if p.Schema != nil {
				core, _ = spec.Underlying(p.Schema)
			}
			isInteger := core != nil && core.Type.Is(openapi3.TypeInteger)
			switch {
			case isInteger && core.Max != nil:
				// A bounded integer is the page's size: the largest one
				// reads the fewest pages.
				if read.sized {
					return nil, fmt.Sprintf("the member list has two bounded integer parameters (%s, %s): which sets the page's size is unclear", read.size, p.Name)
				}
				read.size, read.sized, read.sizeValue = p.Name, true, int(math.Min(*core.Max, math.MaxInt32))
			case isInteger && (numberIs(core.Default, 1) || numberIs(core.Min, 1)):
				if read.hasNumber {
					return nil, fmt.Sprintf("the member list has two page numbers (%s, %s)", read.number, p.Name)
				}
				read.number, read.hasNumber = p.Name, true
			case isInteger && (numberIs(core.Default, 0) || numberIs(core.Min, 0)):
				// An offset, or a page number from 0: which, the schema
				// does not say.
				return nil, fmt.Sprintf("the member list's %s starts at 0: an offset or a page number from 0, the document does not say which", p.Name)
			case p.Required:
				return nil, fmt.Sprintf("the member list requires %s, which the runner has no value for", p.Name)
			}
		}
	}
	if read.sized && !read.hasNumber {
		return nil, fmt.Sprintf("the member list's page has a size (%s) and no page number or offset the runner can find: it cannot page through it", read.size)
	}
	return read, ""
}

// numberIs says whether a schema's default or bound is n.
func numberIs(v any, n float64) bool {
	switch v := v.(type) {
	case float64:
		return v == n
	case *float64:
		return v != nil && *v == n
	case int:
		return float64(v) == n
	case int64:
		return float64(v) == n
	}
	return false
}

// successStatus is a read's documented success, 200 when it has none.
func successStatus(route *routers.Route) int {
	for code := 200; route != nil && code < 300; code++ {
		if route.Operation.Responses.Status(code) != nil {
			return code
		}
	}
	return http.StatusOK
}

// successSchema is an operation's first 2xx JSON body schema, nil for none.
func successSchema(op *openapi3.Operation) *openapi3.Schema {
	for code := 200; code < 300; code++ {
		ref := op.Responses.Status(code)
		if ref == nil {
			continue
		}
		if ref.Value == nil {
			return nil
		}
		media := ref.Value.Content.Get("application/json")
		if media == nil || media.Schema == nil {
			return nil
		}
		core, _ := spec.Underlying(media.Schema)
		return core
	}
	return nil
}

// description names the read in a report.
func (m *memberRead) description() string {
	if !m.list {
		return "GET " + m.route.Path
	}
	return "the member list GET " + m.route.Path
}

// memberOfPath is the member id and the collection path in a request's
// path on the member item route; ok is false for another route.
func memberOfPath(members *spec.MemberOperations, route *routers.Route, target string) (id, collection string, ok bool) {
	if route == nil || members.Item == "" || route.Path != members.Item {
		return "", "", false
	}
	path, _, _ := strings.Cut(target, "?")
	path = strings.TrimSuffix(path, "/")
	template := strings.Split(members.Item, "/")
	segments := strings.Split(path, "/")
	if len(template) != len(segments) {
		return "", "", false
	}
	for i, s := range template {
		if s == "{"+members.MemberParam+"}" {
			id, err := url.PathUnescape(segments[i])
			return id, strings.Join(segments[:i], "/"), err == nil && id != ""
		}
	}
	return "", "", false
}

// readBack runs a step whose success the document answers without the
// member the step reads (why): the member is read another way, and the
// step sent as the document answers it. When the member can be read no
// way, the step is not sent: not in the document, why and why not.
func (f *flow) readBack(ctx context.Context, s fixtures.Step, route *routers.Route, target string, cleanup bool, why string) StepResult {
	members := f.cfg.Spec.Members()
	read, whyNot := memberReadOf(f.cfg.Spec)
	id, collection, onItem := memberOfPath(members, route, target)
	if read == nil || !onItem {
		if onItem {
			why += "; " + whyNot
		}
		return StepResult{Name: s.Name, Line: s.Line, Cleanup: cleanup, Method: s.Method, NotInDocument: why}
	}
	// The step as the document answers it: its status (a 204 for a 200)
	// and its answer against the document; nothing read from its body.
	sent := s
	sent.Expect.Body, sent.Expect.List, sent.Capture = nil, nil, nil
	var (
		sr               StepResult
		member           any
		readCurl         string
		readProblems     []string
		first, last      time.Time
		removesTheMember = members.Of(route.Operation) == spec.MemberDelete
	)
	readIt := func() {
		member, readCurl, readProblems = f.readMember(ctx, read, s.As, id, collection)
		if first.IsZero() {
			first = f.sent
		}
		last = f.received
	}
	if removesTheMember {
		// The delete removes it: read before, what it would have answered.
		readIt()
		if len(readProblems) > 0 {
			sr = StepResult{Name: s.Name, Line: s.Line, Cleanup: cleanup, Method: s.Method}
		} else {
			sr = f.runStep(ctx, sent, cleanup)
			last = f.received
		}
	} else {
		// An update's answer is the member after it: read after.
		sr = f.runStep(ctx, sent, cleanup)
		first = f.sent
		if len(sr.Failures) == 0 && sr.NotInDocument == "" {
			readIt()
		}
	}
	note := fmt.Sprintf("# %s; the member is read through %s, as %s:\n%s", why, read.description(), s.As, readCurl)
	sr.Curl = strings.TrimSuffix(note+"\n"+sr.Curl, "\n")
	for _, p := range readProblems {
		sr.Failures = append(sr.Failures, "read through "+read.description()+": "+p)
	}
	if len(sr.Failures) == 0 && sr.NotInDocument == "" && member == nil {
		// A read that proves nothing passes nothing.
		sr.Failures = append(sr.Failures, "read through "+read.description()+": no member in its answer")
	}
	if len(sr.Failures) > 0 || sr.NotInDocument != "" {
		return sr
	}
	// @now bounds the server's times by both exchanges.
	f.sent, f.received = first, last
	f.bodies[s.Name] = member
	for _, c := range s.Capture {
		if v, ok := resolvePointer(member, c.Pointer); ok {
			f.captured[c.Name] = captureText(v)
		} else {
			delete(f.captured, c.Name)
			f.missing[c.Name] = fmt.Sprintf("the member read for step %q through %s had no %s", s.Name, read.description(), c.Pointer)
		}
	}
	expect := f.documents.expect(fixtures.Expect{Status: []int{http.StatusOK}, Body: s.Expect.Body, List: s.Expect.List})
	for _, p := range f.checkResponse(expect, &http.Response{StatusCode: http.StatusOK}, nil, member, true) {
		sr.Failures = append(sr.Failures, "the member read through "+read.description()+": "+p)
	}
	return sr
}

// readMember reads the member id through read, as role: the member, the
// curl of each request made, and what went wrong.
func (f *flow) readMember(ctx context.Context, read *memberRead, role, id, collection string) (any, string, []string) {
	if !read.list {
		path := collection + "/" + url.PathEscape(id)
		decoded, curl, problems := f.readJSON(ctx, path, role)
		return decoded, curl, problems
	}
	var curls []string
	for page := 0; page < maxReadPages; page++ {
		query := url.Values{}
		if read.hasNumber {
			query.Set(read.number, strconv.Itoa(page+1))
		}
		if read.sized {
			query.Set(read.size, strconv.Itoa(read.sizeValue))
		}
		target := collection
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		decoded, curl, problems := f.readJSON(ctx, target, role)
		curls = append(curls, curl)
		if len(problems) > 0 {
			return nil, strings.Join(curls, "\n"), problems
		}
		items, ok := f.unwrapList(routeOf(f.cfg.Spec, http.MethodGet, collection), decoded).([]any)
		if !ok {
			return nil, strings.Join(curls, "\n"), []string{"the list's answer holds no array of members"}
		}
		for _, item := range items {
			if carriesID(item, id) {
				return item, strings.Join(curls, "\n"), nil
			}
		}
		if len(items) == 0 || !read.hasNumber || (read.sized && len(items) < read.sizeValue) {
			return nil, strings.Join(curls, "\n"), []string{fmt.Sprintf("no member %s in the list (%d page(s) read)", id, page+1)}
		}
	}
	return nil, strings.Join(curls, "\n"), []string{fmt.Sprintf("no member %s in the list's first %d pages", id, maxReadPages)}
}

// carriesID says whether a listed member is the one whose item path
// names id: one of its top-level values is id (a uuid in either case),
// whatever the property is called.
func carriesID(item any, id string) bool {
	m, ok := item.(map[string]any)
	if !ok {
		return false
	}
	for _, v := range m {
		if text, ok := v.(string); ok && (text == id || spec.IsUUID(id) && strings.EqualFold(text, id)) {
			return true
		}
	}
	return false
}

// readJSON sends a GET of target as role and returns its JSON answer, the
// curl that replays it, and what went wrong (not a 200, not JSON, not the
// document's answer).
func (f *flow) readJSON(ctx context.Context, target, role string) (any, string, []string) {
	req := &request{method: http.MethodGet, target: target, header: http.Header{}, asRole: role}
	req.route = routeOf(f.cfg.Spec, http.MethodGet, target)
	cred := f.credentialOf(req.route)
	curl := req.curl(f.cfg.Profile.BaseURL, cred)
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, f.cfg.Profile.BaseURL+target+req.tokenQuery(cred, f.cfg.Profile.Tokens), nil)
	if err != nil {
		return nil, curl, []string{"cannot build the request: " + err.Error()}
	}
	httpReq.Header = req.header.Clone()
	if role != fixtures.NoToken {
		putToken(httpReq, cred, f.cfg.Profile.Tokens[role])
	}
	f.sent = f.now()
	resp, err := f.client.Do(httpReq)
	if err != nil {
		return nil, curl, []string{"no response: " + f.mask.Replace(err.Error())}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	f.received = f.now()
	if err != nil {
		return nil, curl, []string{"reading the response: " + err.Error()}
	}
	var problems []string
	if want := successStatus(req.route); resp.StatusCode != want {
		problems = append(problems, fmt.Sprintf("status: expected %d, got %d: %s", want, resp.StatusCode, f.mask.Replace(shortBody(body))))
	}
	if violation := f.checkSpec(ctx, req, resp, body); violation != "" {
		problems = append(problems, "spec: "+f.mask.Replace(violation))
	}
	var decoded any
	if err := json.Unmarshal(body, &decoded); err != nil && len(problems) == 0 {
		problems = append(problems, "body: expected JSON, got a body that does not parse")
	}
	return decoded, curl, problems
}

// shortBody is a body as a failure quotes it.
func shortBody(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) > maxShownBody {
		return string(body[:maxShownBody]) + "…"
	}
	return string(body)
}
