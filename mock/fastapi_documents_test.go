package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/fastapi"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// TestFastAPIDocumentsAnswerAsOpenAPIYAML: the documents a real FastAPI
// app of this API publishes (internal/fastapi: OpenAPI 3.1.0, anyOf with
// null, default or explicit operationIds, 200 and 422 only) drive the
// mock to the same answers as openapi.yaml, byte for byte, the same seed
// giving the same world.
func TestFastAPIDocumentsAnswerAsOpenAPIYAML(t *testing.T) {
	want := memberSession(t, newTestMock(t, Config{Now: sessionClock}), "/api/organization/{org}/member")
	for name, doc := range map[string][]byte{"default operationIds": fastapi.DefaultIDs, "explicit operationIds": fastapi.ExplicitIDs} {
		t.Run(name, func(t *testing.T) {
			sp, err := spec.Load(doc)
			require.NoError(t, err)
			m := newTestMock(t, Config{Spec: sp, Now: sessionClock})
			got := memberSession(t, m, "/api/organization/{org}/member")
			for i := range want {
				require.Equal(t, want[i], got[i], "answer %d", i)
			}
		})
	}
}

// TestQAPageReadsFastAPIDocumentsAsOpenAPIYAML: what the QA page reads
// (its HTML, the enums, a page of members, the overview, the state, the
// scenario options' default operation) and a hand edit are the same on a
// mock driven by FastAPI's documents as on openapi.yaml.
func TestQAPageReadsFastAPIDocumentsAsOpenAPIYAML(t *testing.T) {
	reads := func(m *testMock) []string {
		var out []string
		for _, path := range []string{"/__mock/", "/__mock/enums", "/__mock/members?page_size=5&query=a", "/__mock/overview", "/__mock/profile"} {
			r := m.do(http.MethodGet, path, "", nil)
			require.Equal(t, http.StatusOK, r.Status, "%s: %s", path, r.Body)
			out = append(out, path+" "+strings.ReplaceAll(string(r.Body), m.url, "BASE"))
		}
		member := m.plainMember()
		r := m.do(http.MethodPatch, "/__mock/members/"+member.ID, "", map[string]any{"role": RoleOrgAdmin})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		out = append(out, "edit "+string(r.Body))
		r = m.do(http.MethodGet, "/__mock/state", "", nil)
		return append(out, "state "+string(r.Body))
	}
	want := reads(newTestMock(t, Config{Now: sessionClock}))
	for name, doc := range map[string][]byte{"default operationIds": fastapi.DefaultIDs, "explicit operationIds": fastapi.ExplicitIDs} {
		t.Run(name, func(t *testing.T) {
			sp, err := spec.Load(doc)
			require.NoError(t, err)
			m := newTestMock(t, Config{Spec: sp, Now: sessionClock})
			got := reads(m)
			for i := range want {
				require.Equal(t, want[i], got[i], "read %d", i)
			}
			var opts ScenarioOptions
			require.NoError(t, json.Unmarshal(m.do(http.MethodGet, "/__mock/scenarios/options", "", nil).Body, &opts))
			lists := 0
			for _, op := range opts.Operations {
				if op.Member == opList {
					lists++
					require.Equal(t, sp.Members().ID(opList), op.OperationID, "the page's default scenario operation")
				}
			}
			require.Equal(t, 1, lists)
		})
	}
}

// TestServesTheServiceDocumentBack: a mock started on FastAPI's document
// serves it at /openapi.json as FastAPI does: the document, compact
// (starlette/responses.py: JSONResponse.render, separators (",", ":"),
// ensure_ascii=False), keys in the document's order.
func TestServesTheServiceDocumentBack(t *testing.T) {
	for name, doc := range map[string][]byte{"default operationIds": fastapi.DefaultIDs, "explicit operationIds": fastapi.ExplicitIDs} {
		t.Run(name, func(t *testing.T) {
			sp, err := spec.Load(doc)
			require.NoError(t, err)
			m := newTestMock(t, Config{Spec: sp})
			r := m.do(http.MethodGet, "/openapi.json", "", nil)
			require.Equal(t, http.StatusOK, r.Status)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, doc))
			require.Equal(t, compact.String(), string(r.Body))
		})
	}
}
