package mock

// Resources the mock infers from the spec: a collection path with a GET
// (list) or a POST (create), and an item path below it, `…/{id}`, with GET,
// PUT, PATCH or DELETE. Their rows are kept in the shape of the spec's
// schema, per parent (the path's other parameters, such as the
// organization), with ids and timestamps filled by the mock. Their rows
// live in the world with the members (exported, imported, saved, seeded
// again on reset), and are served after the organization's rules
// (operateWithRights), under the store's lock.

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// seedRowsPerParent is how many rows an inferred resource starts with in
// each organization.
const seedRowsPerParent = 3

type resource struct {
	name             string // for "<Name> not found"
	collection, item string // path templates
	idParam          string // the item path's last parameter
	schema           *openapi3.Schema
	shape            *shape
	pageParams       bool // the list declares page and page_size
}

// inferResources finds the resources of the spec, by collection path;
// ruled are the operations the policy serves, which are not resources.
func inferResources(sp *spec.Spec, ruled func(*openapi3.Operation) bool) map[string]*resource {
	out := map[string]*resource{}
	for _, item := range sp.Doc.Paths.InMatchingOrder() {
		i := strings.LastIndex(item, "/")
		last := item[i+1:]
		if i <= 0 || !strings.HasPrefix(last, "{") || !strings.HasSuffix(last, "}") {
			continue
		}
		collection := item[:i]
		cItem, iItem := sp.Doc.Paths.Value(collection), sp.Doc.Paths.Value(item)
		if cItem == nil || iItem == nil || (cItem.Get == nil && cItem.Post == nil) {
			continue
		}
		if anyRuled(ruled, cItem, iItem) {
			continue
		}
		r := &resource{collection: collection, item: item, idParam: strings.Trim(last, "{}")}
		r.schema = rowSchema(cItem, iItem)
		if r.schema == nil {
			continue
		}
		r.name = r.schema.Title
		if r.name == "" {
			segment := collection[strings.LastIndex(collection, "/")+1:]
			r.name = strings.ToUpper(segment[:1]) + strings.TrimSuffix(segment[1:], "s")
		}
		if cItem.Get != nil {
			names := map[string]bool{}
			for _, p := range cItem.Get.Parameters {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					names[p.Value.Name] = true
				}
			}
			r.pageParams = names["page"] && names["page_size"]
		}
		r.shape, _ = newShape(sp, r.name, r.schema, nil, "") // no ruled properties: no error
		out[collection] = r
	}
	return out
}

func anyRuled(ruled func(*openapi3.Operation) bool, items ...*openapi3.PathItem) bool {
	for _, item := range items {
		for _, op := range item.Operations() {
			if ruled(op) {
				return true
			}
		}
	}
	return false
}

// rowSchema is the shape of a row: the item GET's response, else the
// create's, else the list's items.
func rowSchema(collection, item *openapi3.PathItem) *openapi3.Schema {
	body := func(op *openapi3.Operation) *openapi3.Schema {
		if op == nil {
			return nil
		}
		if ref := op.Responses.Status(successCode(op)); ref != nil && ref.Value != nil {
			if media := ref.Value.Content.Get("application/json"); media != nil && media.Schema != nil {
				return resolved(media.Schema)
			}
		}
		return nil
	}
	if s := body(item.Get); s != nil {
		return s
	}
	if s := body(collection.Post); s != nil {
		return s
	}
	if s := body(collection.Get); s != nil && s.Items != nil {
		return resolved(s.Items)
	}
	return nil
}

// parentKey names the rows' parent: the path's parameters but the id.
func (r *resource) parentKey(params map[string]string) string {
	var keys []string
	for k, v := range params {
		if k != r.idParam {
			keys = append(keys, k+"="+strings.ToLower(v))
		}
	}
	slices.Sort(keys)
	return strings.Join(keys, "&")
}

// newRow fills a row from a body: the id, timestamps and parent ids the
// schema has, and a generated value for each required property left.
func (r *resource) newRow(g func(name string, ref *openapi3.SchemaRef) any, id string, now time.Time, params map[string]string, body map[string]any) *Row {
	row := rowFrom(r.shape, body)
	ts := formatTime(now)
	for _, name := range r.shape.names {
		switch {
		case name == "id":
			row.Set(name, id)
		case name == "created_at" || name == "updated_at":
			row.Set(name, ts)
		case params[name] != "" && name != r.idParam:
			row.Set(name, strings.ToLower(params[name]))
		}
	}
	for _, name := range r.shape.required {
		i, known := r.shape.slots[name]
		if _, set := row.Get(name); known && !set {
			row.put(i, g(name, r.shape.props[i]))
		}
	}
	return &row
}

// seedRows gives each organization a few rows, the same for the same seed,
// by parent key.
func (r *resource) seedRows(seed int64, orgParam string, orgIDs []string) map[string][]Row {
	h := fnv.New64a()
	h.Write([]byte(r.collection))
	g := newFaker(seed ^ int64(h.Sum64()>>1))
	gen := func(name string, ref *openapi3.SchemaRef) any { return g.value(name, ref, true) }
	out := map[string][]Row{}
	for _, org := range orgIDs {
		params := map[string]string{orgParam: org}
		key := r.parentKey(params)
		var rows []*Row
		for i := 0; i < seedRowsPerParent; i++ {
			generated, _ := g.value(r.name, &openapi3.SchemaRef{Value: r.schema}, true).(map[string]any)
			created := seedEpoch.Add(time.Duration(g.f.Number(0, 540*24*3600)) * time.Second)
			rows = append(rows, r.newRow(gen, g.uuid4(), created, params, generated))
		}
		sortRows(rows)
		for _, row := range rows {
			out[key] = append(out[key], *row)
		}
	}
	return out
}

// operateResource carries out one operation on the resource, under the
// store's lock, and makes its response; it reports whether it changed the
// world.
func (s *Server) operateResource(w *world, r *resource, x *exchange) (*response, bool, *apiError) {
	key := r.parentKey(x.params)
	onItem := x.route.Path == r.item
	id := x.params[r.idParam] // canonical: lower case
	if w.resources[r.collection] == nil {
		w.resources[r.collection] = map[string][]*Row{}
	}
	rows := w.resources[r.collection]
	if x.route.Method != http.MethodGet {
		w.touchResource(r.collection, key) // logged only when it changed
	}
	// The validated body, its values as the store keeps them.
	body, _ := storable(x.body).(map[string]any)
	status := successCode(x.route.Operation)
	switch {
	case !onItem && x.route.Method == http.MethodGet:
		list := rows[key]
		if r.pageParams {
			start, end := x.list.window(len(list)) // the paging by role (paging.go)
			list = list[start:end]
		}
		if list == nil {
			list = []*Row{}
		}
		return jsonResponse(status, list), false, nil
	case !onItem && x.route.Method == http.MethodPost:
		row := r.newRow(s.generate, s.newRowID(), s.cfg.Now(), x.params, body)
		rows[key] = append(rows[key], row)
		sortRows(rows[key])
		return jsonResponse(status, row), true, nil
	case onItem:
		i := slices.IndexFunc(rows[key], func(row *Row) bool { return row.Text("id") == id })
		if i < 0 {
			return nil, false, errorf(http.StatusNotFound, "%s not found", r.name)
		}
		row := rows[key][i]
		switch x.route.Method {
		case http.MethodPut, http.MethodPatch:
			next := row.clone()
			for _, name := range r.writable(x.route.Operation) {
				v, sent := body[name]
				switch {
				case sent:
					next.Set(name, v)
				case x.route.Method == http.MethodPut:
					next.Set(name, schemaDefaultOf(r.schema.Properties[name])) // PUT replaces
				}
			}
			if _, ok := next.Get("updated_at"); ok {
				// Strictly later, as a member's (laterThan).
				next.Set("updated_at", laterThan(row.Text("updated_at"), s.cfg.Now()))
			}
			rows[key][i] = &next
			return jsonResponse(status, &next), true, nil
		case http.MethodDelete:
			rows[key] = slices.Delete(rows[key], i, i+1)
			if status == http.StatusNoContent {
				return &response{Status: status, Header: http.Header{}}, true, nil
			}
			return jsonResponse(status, row), true, nil
		}
		return jsonResponse(status, row), false, nil
	}
	return nil, false, errorf(http.StatusMethodNotAllowed, "Method Not Allowed")
}

// writable are the row's properties an operation's body may set.
func (r *resource) writable(op *openapi3.Operation) []string {
	var out []string
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	media := op.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	for name := range media.Schema.Value.Properties {
		if r.schema.Properties[name] != nil && name != "id" && name != "created_at" && name != "updated_at" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// newRowID is a new id for a row of an inferred resource, from the seed.
func (s *Server) newRowID() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.idGen.uuid4()
}

// resourceOf is the inferred resource a route belongs to, or nil.
func (s *Server) resourceOf(route *routers.Route) *resource {
	if r := s.resources[route.Path]; r != nil {
		return r
	}
	if i := strings.LastIndex(route.Path, "/"); i > 0 {
		if r := s.resources[route.Path[:i]]; r != nil && r.item == route.Path {
			return r
		}
	}
	return nil
}
