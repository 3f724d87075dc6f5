package mock

import (
	"strings"
	"time"
)

// timeDefects are the defects of formats of times and ids (BEHAVIOUR.md: Time and ids).
var timeDefects = []*defect{
	{name: "enum-lowercase", rule: "create.defaults", description: "role rendered in lower case (analyst)",
		mutate: editJSON(func(_ memberOp, v map[string]any) {
			if r, ok := v["role"].(string); ok {
				v["role"] = strings.ToLower(r)
			}
		})},
	{name: "missing-created-at", rule: "format.timestamps", description: "list and update responses leave out the required created_at",
		mutate: editJSON(func(op memberOp, v map[string]any) {
			if op == opList || op == opUpdate {
				delete(v, "created_at")
			}
		})},
	{name: "offset-times", rule: "format.timestamps", description: "times end in +00:00 instead of Z (Python's isoformat)",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") + "+00:00" })},
	{name: "uuid1-ids", rule: "format.ids", description: "member ids are version 1 (time-based) uuids",
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
	{name: "naive-times", rule: "format.timestamps", description: "times carry no zone (a naive datetime: 2024-01-05T05:27:15.968563)",
		mutate: rewriteTimes(func(t string) string { return strings.TrimSuffix(t, "Z") })},
	{name: "server-local-time-as-utc", rule: "format.time-of-the-write", description: "times are the server's local wall time (UTC+2) written as UTC (datetime.now() where datetime.now(timezone.utc) was meant)",
		clock: func(utc func() time.Time) func() time.Time {
			return func() time.Time { return utc().Add(2 * time.Hour) }
		}},
}
