package mock

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/internal/fastapi"
	"github.com/heyhumm/humm-members-mock/mock/spec"
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
