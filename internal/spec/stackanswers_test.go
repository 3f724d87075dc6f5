package spec

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// TestUndocumentedStackAnswers: which answers to an operation documenting
// 200 and 422 only (as FastAPI publishes) are the stack's own.
func TestUndocumentedStackAnswers(t *testing.T) {
	op := openapi3.NewOperation()
	op.Responses = openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: openapi3.NewResponse()}),
		openapi3.WithStatus(422, &openapi3.ResponseRef{Value: openapi3.NewResponse()}))
	jsonType := http.Header{"Content-Type": {"application/json"}}
	bearer := http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {"Bearer"}}
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		body   string
		want   bool
	}{
		{"HTTPBearer's 401 (fastapi/security/http.py)", 401, bearer, `{"detail":"Not authenticated"}`, true},
		{"a 401 without WWW-Authenticate is not HTTPBearer's", 401, jsonType, `{"detail":"Not authenticated"}`, false},
		{"an HTTPException 403", 403, jsonType, `{"detail":"Not enough permissions for this organization"}`, true},
		{"an HTTPException 404", 404, jsonType, `{"detail":"Member not found"}`, true},
		{"an HTTPException 409", 409, jsonType, `{"detail":"User is already a member of this organization"}`, true},
		{"a 404 whose detail is not a string", 404, jsonType, `{"detail":["x"]}`, false},
		{"a 404 without detail", 404, jsonType, `{"error":"x"}`, false},
		{"a 404 in plain text", 404, http.Header{"Content-Type": {"text/plain"}}, `Not Found`, false},
		{"a documented status is judged by the document", 422, jsonType, `{"detail":"x"}`, false},
		{"a status the stack never raises", 418, jsonType, `{"detail":"teapot"}`, false},
		{"a 500 is never the stack's documented answer", 500, jsonType, `{"detail":"x"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, UndocumentedStackAnswer(op, tc.status, tc.header, []byte(tc.body)))
		})
	}
}
