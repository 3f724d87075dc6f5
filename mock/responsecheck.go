package mock

// Every response is checked against the spec before it is sent. Checking a
// list of 50 members with kin-openapi on every read is the mock's
// bottleneck, so by default the guarantee is kept with less work:
//
//   - each member, as the list and the update return it, is encoded and
//     validated once per version (a version is an updated_at, which every
//     change moves), and kept;
//   - a response made of such members is checked only for what it adds:
//     status, content type and headers;
//   - any other response (errors, a create or delete) is checked whole,
//     and the verdict for a small body is remembered, since a response is
//     a function of the operation, status, headers and body.
//
// Config.FullValidation checks every response whole, every time; a test
// finds the same bytes and the same verdicts in both modes, and
// BenchmarkCachesPay shows what each cache saves with never-identical
// requests. The checker below owns them.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// encodedView is a member with its user, encoded once per version, with
// its verdicts against the list item schema and the update's response
// schema.
type encodedView struct {
	version                     Row // the member's values, the version encoded
	user                        *User
	body, userBody              []byte
	listViolation, putViolation error
}

// viewSchemas are the schemas a member view is returned under, from the
// spec: the list's items and the update's response. incremental is true
// when they are one plain object schema, whose verdict for a new version
// follows from the old one's and from its changed properties alone.
type viewSchemas struct {
	listItem, update *openapi3.Schema
	incremental      bool
	// options check a value as part of a response, built once.
	options []openapi3.SchemaValidationOption
}

// checker judges every response against the spec before it is sent. It
// owns the caches that pay (BenchmarkCachesPay, with never-identical
// requests): the verdicts of each member's versions (kept in the world's
// views, which die with it) and of small bodies (memo). full judges every
// response whole and keeps nothing; lenient sends a response that breaks
// the spec instead of a 500.
type checker struct {
	spec    *spec.Spec
	views   viewSchemas
	memo    verdictMemo
	full    bool
	lenient bool
	log     *slog.Logger
}

func newChecker(sp *spec.Spec, full, lenient bool, log *slog.Logger) *checker {
	return &checker{spec: sp, views: newViewSchemas(sp), full: full, lenient: lenient, log: log}
}

func newViewSchemas(sp *spec.Spec) viewSchemas {
	vs := viewSchemas{options: append(sp.SchemaOptions(), openapi3.VisitAsResponse(), openapi3.MultiErrors())}
	if list := sp.Members().ResponseSchema(opList); list != nil && list.Items != nil {
		vs.listItem = list.Items.Value
	}
	vs.update = sp.Members().ResponseSchema(opUpdate)
	if s := vs.listItem; s != nil && s == vs.update {
		vs.incremental = len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil &&
			s.MinProps == 0 && s.MaxProps == nil && s.Type.Is("object")
	}
	return vs
}

// viewOf returns the member's encoded view. A new version is encoded and
// validated once: whole the first time, and afterwards, when the schema
// allows it, only the properties that changed since the last version.
func (s *Server) viewOf(w *world, m *Membership) *encodedView {
	var prev *encodedView
	user := w.users[m.UserID()]
	if v, ok := w.views.Load(m.ID()); ok {
		prev = v.(*encodedView)
		if prev.user == user && sameValues(&prev.version, &m.Row) {
			return prev
		}
	}
	var userBody []byte
	var err error
	if prev != nil && prev.user == user {
		userBody = prev.userBody
	} else if userBody, err = encodeUser(user); err != nil {
		panic(err) // stored values came from JSON: they encode
	}
	body, err := encodeView(m, userBody)
	if err != nil {
		panic(err)
	}
	ev := &encodedView{version: m.Row.clone(), user: user, body: body, userBody: userBody}
	var changed []changedProperty
	incremental := prev != nil && s.check.views.incremental && prev.user == user && prev.listViolation == nil
	if incremental {
		changed, incremental = changedProperties(&prev.version, &m.Row)
	}
	if incremental {
		for _, c := range changed {
			if prop := s.check.views.listItem.Properties[c.name]; prop != nil && prop.Value != nil {
				if err := s.check.schema(prop.Value, c.value); err != nil {
					ev.listViolation = fmt.Errorf("property %q: %w", c.name, err)
					break
				}
			}
		}
		ev.putViolation = ev.listViolation
	} else {
		var value any
		_ = json.Unmarshal(ev.body, &value)
		ev.listViolation = s.check.schema(s.check.views.listItem, value)
		if s.check.views.update == s.check.views.listItem {
			ev.putViolation = ev.listViolation
		} else {
			ev.putViolation = s.check.schema(s.check.views.update, value)
		}
	}
	w.views.Store(m.ID(), ev)
	return ev
}

// changedProperties names the properties of a row that differ between two
// versions, with their new values; ok is false when the new version leaves
// out a property the old one had (a required one must be judged with the
// whole object).
func changedProperties(old, cur *Row) (changed []changedProperty, ok bool) {
	for i, k := range cur.kinds {
		if k == old.kinds[i] && cur.texts[i] == old.texts[i] && (k != kindOther || reflect.DeepEqual(old.rest.other[i], cur.rest.other[i])) {
			continue
		}
		if k == kindAbsent {
			return nil, false
		}
		changed = append(changed, changedProperty{cur.shape.names[i], cur.at(i)})
	}
	return changed, true
}

type changedProperty struct {
	name  string
	value any
}

func (c *checker) schema(schema *openapi3.Schema, value any) error {
	if schema == nil {
		return nil
	}
	return schema.VisitJSON(value, c.views.options...)
}

// listResponse assembles a list from encoded views.
func (s *Server) listResponse(w *world, members []*Membership) *response {
	views := make([]*encodedView, len(members))
	size := 2
	for i, m := range members {
		views[i] = s.viewOf(w, m)
		size += len(views[i].body) + 1
	}
	body := make([]byte, 0, size)
	body = append(body, '[')
	var violation error
	for i, v := range views {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, v.body...)
		if v.listViolation != nil && violation == nil {
			violation = fmt.Errorf("response body item %d: %w", i, v.listViolation)
		}
	}
	body = append(body, ']')
	return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body,
		partsChecked: true, partsViolation: violation}
}

// patchResponse is the member as the PATCH's success declares it: the
// update's view when it is the update's schema, the view judged whole
// against its own schema when that has the user, else the member alone.
func (s *Server) patchResponse(w *world, m *Membership) *response {
	schema := s.spec.Members().ResponseSchema(opPatch)
	switch {
	case schema == s.check.views.update:
		return s.viewResponse(w, m)
	case schema != nil && schema.Properties[memberUser] != nil:
		resp := s.viewResponse(w, m)
		resp.partsChecked, resp.partsViolation = false, nil
		return resp
	}
	return jsonResponse(http.StatusOK, m)
}

// deleteResponse is the delete's success as its schema declares it: the
// removed member (openapi.yaml), nothing (a 204: asDocumented), or another
// body (a message): the schema's example, else one generated from it.
func (s *Server) deleteResponse(x *exchange, m *Membership) *response {
	schema := s.spec.Members().ResponseSchema(opDelete)
	if schema == nil || spec.IsMember(schema) {
		return jsonResponse(http.StatusOK, m)
	}
	return s.specResponse(x, preference{code: successCode(x.route.Operation)})
}

// viewResponse is one member with its user, as the update returns it.
func (s *Server) viewResponse(w *world, m *Membership) *response {
	v := s.viewOf(w, m)
	return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: v.body,
		partsChecked: true, partsViolation: v.putViolation}
}

// checkResponse validates a response against the spec, status included. A
// violation becomes a 500 naming it, unless the mock is lenient (as it is
// when it runs a defect, a broken backend on purpose).
func (c *checker) response(x *exchange, resp *response) (*response, []string) {
	if resp.ownFailure {
		// The mock's own failure (a state it could not save): the spec
		// documents no 500, as FastAPI's does not, and the detail must reach
		// the client rather than be replaced by a complaint about it.
		return resp, nil
	}
	if spec.UndocumentedStackAnswer(x.route.Operation, resp.Status, resp.Header, resp.Body) {
		note := fmt.Sprintf("not in the spec: %s answered %d, which the service's stack raises without documenting it", x.operation, resp.Status)
		c.log.Info("answer not in the spec", "note", note)
		return resp, []string{note}
	}
	err := c.verdict(x, resp)
	if err == nil {
		return resp, nil
	}
	violation := fmt.Sprintf("%s answered %d: %v", x.operation, resp.Status, err)
	problems := []string{violation}
	if c.lenient {
		c.log.Warn("response breaks the spec", "violation", violation)
		return resp, problems
	}
	c.log.Error("response breaks the spec", "violation", violation)
	return errorResponse(errorf(http.StatusInternalServerError, "mock response breaks openapi.yaml: %s", violation)), problems
}

// memoBodyBytes bounds the bodies whose verdicts are remembered, and
// memoEntries how many are.
const (
	memoBodyBytes = 4 << 10
	memoEntries   = 8192
)

// verdict judges a response one of three ways: whole (full, or a large
// body), by its envelope when its body is made of judged parts, or through
// the memo for a small body.
func (c *checker) verdict(x *exchange, resp *response) error {
	ctx := x.incoming.Context()
	switch {
	case c.full:
		return c.spec.ValidateResponse(ctx, x.incoming, x.route, x.params, resp.Status, resp.Header, resp.Body)
	case resp.partsChecked:
		if err := c.spec.ValidateResponseEnvelope(ctx, x.incoming, x.route, x.params, resp.Status, resp.Header); err != nil {
			return err
		}
		return resp.partsViolation
	case len(resp.Body) <= memoBodyBytes:
		key := x.operation + "\x00" + strconv.Itoa(resp.Status) + "\x00" + resp.Header.Get("Content-Type") + "\x00" +
			resp.Header.Get("Www-Authenticate") + "\x00" + string(resp.Body)
		return c.memo.verdict(key, func() error {
			return c.spec.ValidateResponse(ctx, x.incoming, x.route, x.params, resp.Status, resp.Header, resp.Body)
		})
	default:
		return c.spec.ValidateResponse(ctx, x.incoming, x.route, x.params, resp.Status, resp.Header, resp.Body)
	}
}

// verdictMemo remembers verdicts of small requests and responses,
// forgetting them all when full (simpler than an LRU, and a refill is
// cheap).
type verdictMemo struct {
	m     sync.Map // key -> verdict
	count atomic.Int64
}

func (vm *verdictMemo) remember(key string, compute func() any) any {
	if v, ok := vm.m.Load(key); ok {
		return v
	}
	v := compute()
	if vm.count.Add(1) > memoEntries {
		vm.m.Clear()
		vm.count.Store(1)
	}
	vm.m.Store(key, v)
	return v
}

// verdict is remember for an error verdict.
func (vm *verdictMemo) verdict(key string, check func() error) error {
	v := vm.remember(key, func() any { return memoVerdict{check()} })
	return v.(memoVerdict).err
}

type memoVerdict struct{ err error }
