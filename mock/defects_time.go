package mock

import (
	"strings"
	"time"
)

// timeDefects are the defects of formats of times and ids (BEHAVIOUR.md: Time and ids).
var timeDefects = []*defect{
	{name: "enum-lowercase",
		mutate: editJSON(func(_ memberOp, v map[string]any) {
			if r, ok := v["role"].(string); ok {
				v["role"] = strings.ToLower(r)
			}
		})},
	{name: "missing-created-at",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opList || op == opUpdate {
				delete(v, "created_at")
			}
		})},
	{name: "offset-times",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") + "+00:00" })},
	{name: "uuid1-ids",
		operation: func(s backend, inner operation) operation {
			return func(x *exchange) (*response, *apiError) {
				if id := s.memberID(x); len(id) == 36 && id[14] == '1' {
					return inner(s.at(x, s.orgID(x), id[:14]+"4"+id[15:]))
				}
				return inner(x)
			}
		},
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if id, ok := v["id"].(string); ok && len(id) == 36 && op != "" {
				v["id"] = id[:14] + "1" + id[15:]
			}
		})},
	{name: "naive-times",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") })},
	{name: "server-local-time-as-utc",
		clock: func(utc func() time.Time) func() time.Time {
			return func() time.Time { return utc().Add(2 * time.Hour) }
		}},
}
