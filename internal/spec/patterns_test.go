package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUnreadablePatternIsNamedWhereItIs: a pattern Go's regexp cannot
// compile (RE2: no lookaround, no backreferences) refuses the document,
// naming where the pattern is; kin-openapi's own check names only the
// component.
func TestUnreadablePatternIsNamedWhereItIs(t *testing.T) {
	for _, tc := range []struct {
		name, doc, where string
	}{
		{"component property", `
components:
  schemas:
    Member:
      type: object
      properties:
        code: {type: string, pattern: '^(?=A)[A-Z]+$'}`, `the pattern of components.schemas.Member.properties.code, "^(?=A)[A-Z]+$"`},
		{"array items in a union", `
components:
  schemas:
    Tags:
      anyOf:
        - type: array
          items: {type: string, pattern: '(a)\1'}
        - type: string`, `the pattern of components.schemas.Tags.anyOf[0].items, "(a)\\1"`},
		{"query parameter", `
paths:
  /things:
    get:
      parameters:
        - {name: code, in: query, schema: {type: string, pattern: 'x(?!y)'}}
      responses:
        '200': {description: ok}`, `the pattern of GET /things parameter code, "x(?!y)"`},
		{"inline response", `
paths:
  /things:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string, pattern: '(?<=a)b'}}}`, `the pattern of GET /things response 200 application/json.properties.id, "(?<=a)b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
			if !strings.Contains(tc.doc, "paths:") {
				doc += "paths: {}\n"
			}
			_, err := Load([]byte(doc + tc.doc[1:] + "\n"))
			require.ErrorContains(t, err, tc.where)
			require.ErrorContains(t, err, "is no regular expression Go's regexp (RE2) reads")
		})
	}
}
