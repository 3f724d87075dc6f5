package mock

// Hand edits: QA puts a member or a user into a state the API cannot reach
// (a suspended or pending membership, a user without a nickname) through
// the control API, PATCH /__mock/members/{id} and PATCH /__mock/users/{id}.
// Each property sent is checked against its schema in openapi.yaml; the
// ids and the times are the mock's. Edits are saved like any change and
// journaled as control changes.

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// maxEditBytes bounds an edit's body, as the API bounds its own.
const maxEditBytes = 1 << 20

// Properties an edit may not set: the member's ids and times, the user's
// id (the mock keeps them consistent).
var (
	memberFixed = []string{"id", "organization_id", "user_id", "created_at", "updated_at"}
	userFixed   = []string{"id"}
)

// editBody reads an edit: a JSON object of properties of the shape, each
// valid for its schema.
func editBody(data []byte, sh *shape, fixed []string) (map[string]any, *apiError) {
	var props map[string]any
	if err := json.Unmarshal(data, &props); err != nil || props == nil {
		return nil, errorf(http.StatusBadRequest, "edit: want a JSON object of the %s's properties", sh.what)
	}
	if len(props) == 0 {
		return nil, errorf(http.StatusBadRequest, "edit: no property to change")
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		i, ok := sh.slots[name]
		switch {
		case !ok || i == sh.join:
			return nil, errorf(http.StatusBadRequest, "edit: the %s has no property %q", sh.what, name)
		case slices.Contains(fixed, name):
			return nil, errorf(http.StatusBadRequest, "edit: %s is the mock's to set", name)
		}
		if prop := sh.props[i]; prop != nil && prop.Value != nil {
			if err := prop.Value.VisitJSON(props[name], sh.options...); err != nil {
				shown, _ := json.Marshal(props[name])
				return nil, errorf(http.StatusBadRequest, "edit: %s %s: %s", name, shown, firstLine(err))
			}
		}
	}
	return props, nil
}

// editMember changes a member's properties in place: the API's rules see
// the new role and state at once; updated_at moves.
func (s *Server) editMember(id string, body []byte) *response {
	props, aerr := editBody(body, s.vocab.member, memberFixed)
	if aerr != nil {
		return errorResponse(aerr)
	}
	var resp *response
	err := s.store.write(func(w *world) (bool, error) {
		m := w.members[strings.ToLower(id)]
		if m == nil {
			return false, errorf(http.StatusNotFound, detailMemberNotFound)
		}
		for name, v := range props {
			m.Set(name, v)
		}
		m.setRuled(memberUpdatedAt, laterThan(m.UpdatedAt(), s.cfg.Now()))
		w.touchMember(m.ID())
		resp = jsonResponse(http.StatusOK, w.view(m))
		return true, nil
	})
	return editResult(resp, err)
}

// editUser replaces a user with an edited copy (the cached views of its
// members compare users by address), and gives its memberships the new
// search text.
func (s *Server) editUser(id string, body []byte) *response {
	props, aerr := editBody(body, s.vocab.user, userFixed)
	if aerr != nil {
		return errorResponse(aerr)
	}
	var resp *response
	err := s.store.write(func(w *world) (bool, error) {
		old := w.users[strings.ToLower(id)]
		if old == nil {
			return false, errorf(http.StatusNotFound, detailUserNotFound)
		}
		u := &User{Row: old.Row.clone()}
		for name, v := range props {
			u.Set(name, v)
		}
		u.search = searchableText(u)
		w.users[u.ID()] = u
		w.touchUser(u.ID())
		for token, holder := range w.byToken {
			if holder == old {
				w.byToken[token] = u
			}
		}
		for _, org := range w.orgOrder {
			if m := w.byOrgUser[orgUserKey(org, u.ID())]; m != nil {
				m.search = u.search
				w.dropSearchIndex(org)
			}
		}
		resp = jsonResponse(http.StatusOK, &u.Row)
		return true, nil
	})
	return editResult(resp, err)
}

func editResult(resp *response, err error) *response {
	var aerr *apiError
	switch {
	case err == nil:
		return resp
	case errors.As(err, &aerr):
		return errorResponse(aerr)
	}
	return errorResponse(errorf(http.StatusInternalServerError, "%v", err))
}

// journalControl keeps a control change in the journal, marked as one: QA
// sees what was set by hand between the requests of the app.
func (s *Server) journalControl(start time.Time, r *http.Request, body []byte, resp *response) {
	s.journal.add(journalEntry{Time: start.UTC(), Method: r.Method, Path: r.URL.Path, Control: true,
		RequestBody: journalBody(http.Header{"Content-Type": {"application/json"}}, body),
		Status:      resp.Status, ResponseBody: journalBody(resp.Header, resp.Body),
		DurationMS: float64(time.Since(start).Microseconds()) / 1000})
}
