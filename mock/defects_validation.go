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
	{name: "422-detail-string", rule: "validation.body-field", description: "validation errors carry detail as a string",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity {
				r.Body = []byte(`{"detail":"validation error"}`)
			}
		}},
	{name: "path-id-lookup-404", rule: "validation.path-parameter", description: "a member id that is not a uuid is looked up as it is: 404 instead of 422",
		mutate: func(_ backend, _ *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "path") }) {
				*r = *errorResponse(errorf(http.StatusNotFound, detailMemberNotFound))
			}
		}},
	{name: "query-length-unchecked", rule: "validation.query-parameter", description: "query has no max_length: a query over 200 characters is searched",
		mutate: func(s backend, x *exchange, r *response) {
			if allEntries(r, func(e map[string]any) bool { return locIs(e, "query", "query") && e["type"] == "string_too_long" }) {
				q := sentQuery(x)
				q.Set("query", q.Get("query")[:200])
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "first-error-only", rule: "validation.one-entry-per-problem", description: "a 422 reports only the first problem",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				setEntries(r, entries[:1])
			}
		}},
	{name: "validation-entries-sorted", rule: "validation.pydantic-entries", description: "422 entries sorted by loc instead of in declaration order",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) > 1 {
				sort.SliceStable(entries, func(i, j int) bool { return fmt.Sprint(entries[i]["loc"]) < fmt.Sprint(entries[j]["loc"]) })
				setEntries(r, entries)
			}
		}},
	{name: "pydantic-1-entries", rule: "validation.pydantic-entries", description: "422 entries in pydantic 1's shape: no input, no ctx",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); entries != nil {
				for _, e := range entries {
					delete(e, "input")
					delete(e, "ctx")
				}
				setEntries(r, entries)
			}
		}},
	{name: "500-on-malformed-json", rule: "validation.body-not-json", description: "a body that does not parse is a 500 with a plain-text page",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusUnprocessableEntity && bytes.Contains(r.Body, []byte(`"json_invalid"`)) {
				plainServerError(r)
			}
		}},
	{name: "json-invalid-without-position", rule: "validation.body-not-json", description: "json_invalid at [\"body\"], without the position where parsing failed",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "json_invalid" {
				entries[0]["loc"] = []string{"body"}
				setEntries(r, entries)
			}
		}},
	{name: "undecodable-body-500", rule: "validation.body-undecodable", description: "a body that cannot be decoded is a 500 (UnicodeDecodeError not handled)",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusBadRequest && detailIs(r, "There was an error parsing the body") {
				plainServerError(r)
			}
		}},
	{name: "content-type-ignored", rule: "validation.body-content-type", description: "a JSON body sent as text/plain is decoded anyway (FastAPI before 0.132)",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool { return locIs(e, "body") && e["type"] == "model_attributes_type" }) || !json.Valid(x.rawBody) {
				return
			}
			header := x.header.Clone()
			header.Set("Content-Type", "application/json")
			*r = *answerAgain(s, x, x.rawQuery, header)
		}},
	{name: "missing-body-400", rule: "validation.body-missing", description: "a missing body is 400 Request body required",
		mutate: func(_ backend, _ *exchange, r *response) {
			if entries := validationEntries(r); len(entries) == 1 && entries[0]["type"] == "missing" && locIs(entries[0], "body") && len(entries[0]["loc"].([]any)) == 1 {
				*r = *errorResponse(errorf(http.StatusBadRequest, "Request body required"))
			}
		}},
	// What real clients send (issue 22 point 4): JSON content types with
	// parameters and +json.
	{name: "json-content-type-exact", rule: "validation.body-json-media-types", description: `the body is decoded only when the content type is exactly application/json: a charset or another case leaves it undecoded (a 422)`,
		operation: refuseJSONBodyUnless(func(contentType string) bool { return contentType == "application/json" })},
	{name: "plus-json-undecoded", rule: "validation.body-json-media-types", description: "the body is decoded only as application/json (parameters dropped): an application/*+json body is left undecoded (a 422)",
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
