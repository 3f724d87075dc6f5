package spec

import (
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// StackStatuses are the statuses the service answers through FastAPI's
// HTTPException or its stack without documenting them: 401 from
// HTTPBearer (fastapi/security/http.py), 404 and 405 from Starlette's
// router, 422 from validation, and the rules' 400, 403, 404, 409 and 413.
// FastAPI publishes a route's 200 and 422 only (fastapi/openapi/utils.py:
// get_openapi_path), so any operation may answer these.
var StackStatuses = map[int]bool{400: true, 401: true, 403: true, 404: true, 405: true, 409: true, 413: true, 422: true}

// UndocumentedStackAnswer says whether a response is one the stack gives
// on any operation while the operation leaves its status out: a status of
// StackStatuses that the operation documents neither by code nor by a
// default, in the stack's own shape: a JSON object whose detail is a
// string (HTTPException), a list of entries for a 422, and for a 401 the
// WWW-Authenticate header HTTPBearer sends. Such an answer is no breach of
// the document; one in another shape is judged as any other.
func UndocumentedStackAnswer(op *openapi3.Operation, status int, header http.Header, body []byte) bool {
	if !StackStatuses[status] || op.Responses.Status(status) != nil || op.Responses.Default() != nil {
		return false
	}
	if header.Get("Content-Type") != "application/json" || (status == http.StatusUnauthorized && header.Get("Www-Authenticate") == "") {
		return false
	}
	var shape struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &shape) != nil || len(shape.Detail) == 0 {
		return false
	}
	want := byte('"')
	if status == http.StatusUnprocessableEntity {
		want = '['
	}
	return shape.Detail[0] == want
}
