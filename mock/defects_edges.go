package mock

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// edgeDefects are the defects of edges of the request format (BEHAVIOUR.md: Edges of the request format).
var edgeDefects = []*defect{
	{name: "empty-query-value-ignored",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool { return locIs(e, "query") && e["input"] == "" }) {
				return
			}
			q := sentQuery(x)
			for name, values := range q {
				if slices.Contains(values, "") {
					q.Del(name)
				}
			}
			*r = *answerAgain(s, x, q.Encode(), nil)
		}},
	{name: "first-repeated-parameter-wins",
		mutate: func(s backend, x *exchange, r *response) {
			q := sentQuery(x)
			repeated := false
			for name, values := range q {
				if len(values) > 1 {
					q[name], repeated = values[:1], true
				}
			}
			if repeated && x.op == opList {
				*r = *answerAgain(s, x, q.Encode(), nil)
			}
		}},
	{name: "unknown-query-forbidden",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.route == nil || r.Status >= 300 {
				return
			}
			for name := range x.parsedQuery {
				if !declaresQueryParameter(x, name) {
					*r = *errorResponse(validationFailed(validationIssue{Type: "extra_forbidden", Loc: []any{"query", name}, Msg: "Extra inputs are not permitted", Input: mustJSON("")}))
					return
				}
			}
		}},
	{name: "access-context-unchecked",
		mutate: func(s backend, x *exchange, r *response) {
			if !allEntries(r, func(e map[string]any) bool {
				loc, _ := e["loc"].([]any)
				return locIs(e, "query") && len(loc) == 2 && slices.Contains(listParamsIgnore, fmt.Sprint(loc[1]))
			}) {
				return
			}
			q := sentQuery(x)
			for _, name := range listParamsIgnore {
				q.Del(name)
			}
			*r = *answerAgain(s, x, q.Encode(), nil)
		}},
	{name: "strict-integers",
		mutate: func(_ backend, x *exchange, r *response) {
			if x.op != opList || r.Status != http.StatusOK {
				return
			}
			var issues []validationIssue
			for _, name := range []string{"page", "page_size"} {
				if values := x.parsedQuery[name]; len(values) > 0 && !plainDigits.MatchString(values[len(values)-1]) {
					v := values[len(values)-1]
					issues = append(issues, validationIssue{Type: "int_parsing", Loc: []any{"query", name}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: mustJSON(v)})
				}
			}
			if len(issues) > 0 {
				*r = *errorResponse(validationFailed(issues...))
			}
		}},
	{name: "uuid-case-sensitive",
		operation: func(_ backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				if x.path != strings.ToLower(x.path) {
					return nil, errorf(http.StatusNotFound, detailOrgNotFound)
				}
				return inner(x)
			}
		}},
	{name: "uuid-dashed-form-only",
		mutate: func(s backend, x *exchange, r *response) {
			if x.route == nil || r.Status >= 300 {
				return
			}
			for _, segment := range strings.Split(x.path, "/") {
				if len(segment) >= 32 && !dashedUUID.MatchString(segment) {
					*r = *errorResponse(validationFailed(validationIssue{Type: "uuid_parsing", Loc: []any{"path", s.organizationParam()}, Msg: "Input should be a valid UUID", Input: mustJSON(segment)}))
					return
				}
			}
		}},
	{name: "body-limit-html",
		mutate: func(_ backend, _ *exchange, r *response) {
			if r.Status == http.StatusRequestEntityTooLarge {
				r.Body = []byte("<html><body><h1>413 Request Entity Too Large</h1></body></html>")
				r.Header = http.Header{"Content-Type": {"text/html"}}
			}
		}},
}

var (
	plainDigits = regexp.MustCompile(`^[0-9]+$`)
	dashedUUID  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// declaresQueryParameter: the request's operation declares this query
// parameter.
func declaresQueryParameter(x *exchange, name string) bool {
	for _, group := range []openapi3.Parameters{x.route.PathItem.Parameters, x.route.Operation.Parameters} {
		for _, ref := range group {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInQuery && p.Name == name {
				return true
			}
		}
	}
	return false
}
