package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// validationDefects are the defects of request validation (BEHAVIOUR.md: Request validation).
var validationDefects = []*defect{
	{name: "422-detail-string",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity {
				r.Body = []byte(`{"detail":"validation error"}`)
			}
		}},
	{name: "path-id-lookup-404",
		mutate: func(_ backend, _ *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "path") }) {
				*r = *errorResponse(errorf(http.StatusNotFound, detailMemberNotFound))
			}
		}},
	{name: "query-length-unchecked",
		mutate: func(s backend, x *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "query", "query") && e["type"] == "string_too_long" }) {
				q := sentQuery(x)
				q.Set("query", q.Get("query")[:200])
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "first-error-only",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				setEntries(r, entries[:1])
			}
		}},
	{name: "validation-entries-sorted",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				sort.SliceStable(entries, func(i, j int) bool { return fmt.Sprint(entries[i]["loc"]) < fmt.Sprint(entries[j]["loc"]) })
				setEntries(r, entries)
			}
		}},
	{name: "pydantic-1-entries",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); entries != nil {
				for _, e := range entries {
					delete(e, "input")
					delete(e, "ctx")
				}
				setEntries(r, entries)
			}
		}},
	{name: "500-on-malformed-json",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity && bytes.Contains(r.Body, []byte(`"json_invalid"`)) {
				plainServerError(r)
			}
		}},
	{name: "json-invalid-without-position",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "json_invalid" {
				entries[0]["loc"] = []string{"body"}
				setEntries(r, entries)
			}
		}},
	{name: "undecodable-body-500",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusBadRequest && detailIs(r, "There was an error parsing the body") {
				plainServerError(r)
			}
		}},
	{name: "content-type-ignored",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool { return locIs(e, "body") && e["type"] == "model_attributes_type" }) || !json.Valid(x.rawBody) {
				return
			}
			header := x.header.Clone()
			header.Set("Content-Type", "application/json")
			*r = *answerAgain(s, x, x.rawQuery, header)
		}},
	{name: "missing-body-400",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "missing" && locIs(entries[0], "body") && len(entries[0]["loc"].([]any)) == 1 {
				*r = *errorResponse(errorf(http.StatusBadRequest, "Request body required"))
			}
		}},
	// What real clients send (issue 22 point 4): JSON content types with
	// parameters and +json.
	{name: "json-content-type-exact",
		operation: refuseJSONBodyUnless(func(contentType string) bool { return contentType == "application/json" })},
	{name: "plus-json-undecoded",
		operation: refuseJSONBodyUnless(func(contentType string) bool {
			mediaType, _, _ := strings.Cut(contentType, ";")
			return strings.EqualFold(strings.TrimSpace(mediaType), "application/json")
		})},
}

// refuseJSONBodyUnless answers a JSON body (as FastAPI reads the content
// type: stack.IsJSONContentType) whose content type decodes does not
// accept as the service answers a body it did not decode: the request
// again, sent as text/plain. Nothing is written.
func refuseJSONBodyUnless(decodes func(contentType string) bool) func(backend, operation) operation {
	return func(s backend, inner operation) operation {
		return func(x *exchange) (*response, *apiError) {
			contentType := x.header.Get("Content-Type")
			if len(x.rawBody) == 0 || !stack.IsJSONContentType(contentType) || decodes(contentType) {
				return inner(x)
			}
			header := x.header.Clone()
			header.Set("Content-Type", "text/plain")
			return answerAgain(s, x, x.rawQuery, header), nil
		}
	}
}
