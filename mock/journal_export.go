package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/heyhumm/humm-members-mock/fixtures"
)

// exportCaseName is the case a journal export holds, unless ?name= says
// otherwise.
const exportCaseName = "journal"

// journalFixture is GET /__mock/requests?format=fixture: the journal,
// oldest first, as a flow fixture with one case, converted as the
// recorder converts a session (fixtures.Record: the conversion lives
// there, apart from the suite, which the mock does not carry).
func (s *Server) journalFixture(r *http.Request) *response {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = exportCaseName
	}
	if !fixtures.Name.MatchString(name) {
		return errorResponse(errorf(http.StatusBadRequest, "name %q: use lowercase words joined by dashes", name))
	}
	exchanges, skipped := journalExchanges(s.journal.entries())
	if len(exchanges) == 0 {
		return errorResponse(errorf(http.StatusNotFound, "the journal holds no exchange to export"))
	}
	profile := s.Profile("")
	data, err := fixtures.Record(fixtures.Recording{
		Name:     name,
		Profile:  fixtures.ProfileIDs{OrganizationID: profile.OrganizationID, OtherOrganizationID: profile.OtherOrganizationID, CandidateUserIDs: s.exportCandidates(exchanges, profile.OrganizationID)},
		Comments: exportComments(len(exchanges), skipped),
	}, exchanges)
	if err != nil {
		return errorResponse(errorf(http.StatusInternalServerError, "export the journal: %v", err))
	}
	return &response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/yaml"}}, Body: data}
}

func exportComments(n, skipped int) []string {
	c := []string{fmt.Sprintf("The mock's journal, exported: %d exchanges, oldest first.", n)}
	if skipped > 0 {
		c = append(c, fmt.Sprintf("%d exchanges are left out: CORS preflights and scenario faults, which have no response to expect, and hand edits through the control API, which a target does not have.", skipped))
	}
	return append(c, "The journal keeps no headers (Prefer) and only JSON bodies: check steps that relied on either.")
}

// journalExchanges converts journal entries; CORS preflights and faults
// (no response) are skipped and counted.
func journalExchanges(entries []journalEntry) ([]fixtures.Exchange, int) {
	var out []fixtures.Exchange
	skipped := 0
	for _, e := range entries {
		if e.Method == http.MethodOptions || e.Status == 0 || e.Control {
			skipped++
			continue
		}
		x := fixtures.Exchange{Method: e.Method, Path: e.Path, RawQuery: e.Query, Operation: e.Operation,
			Member: string(e.member), As: e.As, Status: e.Status, ResponseBody: e.ResponseBody, Notes: noteProblems(e.Problems)}
		if x.As == "" {
			x.As = fixtures.NoToken
			// The journal names development tokens only: a refused token
			// is one the mock does not know.
			var body struct {
				Detail any `json:"detail"`
			}
			if json.Unmarshal(e.ResponseBody, &body) == nil && body.Detail == fixtures.DetailInvalidCredentials {
				x.UnknownToken = true
			}
		}
		if len(e.RequestBody) > 0 {
			x.ContentType, x.RequestBody = "application/json", e.RequestBody
		}
		out = append(out, x)
	}
	return out, skipped
}

func noteProblems(problems []string) []string {
	notes := make([]string, len(problems))
	for i, p := range problems {
		notes[i] = "spec: " + p
	}
	return notes
}

// exportCandidates are the users the export may turn into candidate
// placeholders: those free to add now, and those the journal added to the
// organization (no longer free, but free when the session began).
func (s *Server) exportCandidates(exchanges []fixtures.Exchange, orgID string) []string {
	var ids []string
	s.store.read(func(w *world) { ids = candidateUsers(w, orgID, len(w.userOrder)) })
	prefix := "/api/organization/" + orgID + "/"
	for _, x := range exchanges {
		if x.Member != string(opCreate) || x.Status/100 != 2 || !strings.HasPrefix(strings.ToLower(x.Path), prefix) {
			continue
		}
		var created struct {
			UserID string `json:"user_id"`
		}
		if json.Unmarshal(x.ResponseBody, &created) == nil && created.UserID != "" {
			ids = append(ids, created.UserID)
		}
	}
	return ids
}
