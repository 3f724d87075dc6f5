package spec

import (
	"fmt"
	"regexp"

	"github.com/getkin/kin-openapi/openapi3"
)

// patternCodepoint is how kin-openapi rewrites a pattern's \uXXXX for Go's
// regexp (openapi3/schema_pattern.go: patRewriteCodepoints, intoGoRegexp).
var patternCodepoint = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

// GoPattern is a schema's pattern as kin-openapi hands it to Go's regexp.
func GoPattern(p string) string { return patternCodepoint.ReplaceAllString(p, `\x{${code}}`) }

// unreadablePattern names the first pattern of the document, by where it
// is (components.schemas.Member.properties.code), that Go's regexp cannot
// compile: RE2 has no lookaround and no backreferences. kin-openapi's
// own check refuses the document too, but names only the component.
func unreadablePattern(doc *openapi3.T) error {
	return walkSchemas(doc, func(where string, s *openapi3.Schema) error {
		if s.Pattern != "" {
			if _, err := regexp.Compile(GoPattern(s.Pattern)); err != nil {
				return fmt.Errorf("the pattern of %s, %q, is no regular expression Go's regexp (RE2) reads, which has no lookaround and no backreferences: %v", where, s.Pattern, err)
			}
		}
		return nil
	})
}
