package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// apiError is the one error type that reaches clients: a status and a
// FastAPI `detail`, which is a string or, for a 422, a list of
// validationIssue.
type apiError struct {
	Status int
	Detail any
	Header http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %v", e.Status, e.Detail) }

// validationIssue is one entry of FastAPI's HTTPValidationError.
type validationIssue = stack.Issue

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Detail: fmt.Sprintf(format, args...)}
}

func validationFailed(issues ...validationIssue) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Detail: issues}
}

// errorResponse renders an apiError in the API's format; it is the only
// place error bodies are built.
func errorResponse(e *apiError) *response {
	// As Starlette's JSONResponse: no HTML escaping, compact.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Detail any `json:"detail"`
	}{e.Detail}); err != nil { // a detail is strings and issues: cannot fail
		panic(err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range e.Header {
		h[k] = v
	}
	return &response{Status: e.Status, Header: h, Body: body, ownFailure: e.Status == http.StatusInternalServerError}
}

// response is a buffered reply: validated before it is sent.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	// partsChecked: the body is made of parts validated already (see
	// responsecheck.go), with partsViolation their first problem.
	partsChecked   bool
	partsViolation error
	// ownFailure: the mock's own 500 (a state it could not save), sent as
	// it is: the spec documents no 500, as FastAPI's does not.
	ownFailure bool
	// keysAsWritten: the body's keys are in the order a defect wrote them
	// (a backend that serializes otherwise than its response model), and
	// inDeclaredOrder leaves them so.
	keysAsWritten bool
}

func jsonResponse(status int, v any) *response {
	body, err := json.Marshal(v)
	if err != nil {
		return errorResponse(errorf(http.StatusInternalServerError, "encode response: %v", err))
	}
	return &response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

// mustJSON encodes values the mock built itself, which always encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
