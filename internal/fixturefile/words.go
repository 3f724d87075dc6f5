// Package fixturefile writes fixture files: the words of the format (the
// profile's placeholders, the matchers, the rules and error details that
// writers name), the one writer that gen and recordings share, and the
// conversion of recorded exchanges into a flow case. It imports nothing of
// the suite, so that the mock can export its journal with the same
// conversion as the recorder; package fixtures reads what it writes.
package fixturefile

import "regexp"

// Name is the form of the names of cases and steps, lowercase words
// joined by dashes, so that --run patterns and reports stay simple.
var Name = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Profile values a template may name. candidate_user_ids is indexed and
// stands for the users the runner leased to the case, not the whole list.
const (
	OrganizationID      = "organization_id"
	OtherOrganizationID = "other_organization_id"
	CandidateUserIDs    = "candidate_user_ids"
)

// NoToken is the role of a step that sends no Authorization header of its
// own (none, or the literal one in its headers).
const NoToken = "none"

// Matcher names. Step-relative matchers compare with the value at the same
// JSON pointer in the response of an earlier step.
const (
	// MatchUUID: a lowercase canonical uuid (ids are lowercase).
	MatchUUID = "uuid"
	// MatchUUIDv4: a lowercase canonical uuid of version 4 (new rows).
	MatchUUIDv4 = "uuid-v4"
	// MatchDateTime: RFC 3339 in UTC, written with a `Z`.
	MatchDateTime = "date-time"
	// MatchString: a non-empty string.
	MatchString = "string"
	// MatchRegexp: a string that Regexp matches.
	MatchRegexp = "matches"
	// MatchUnchangedSince: equal to the value in Step's response.
	MatchUnchangedSince = "unchanged-since"
	// MatchLaterThan: a date-time strictly later than the one in Step's
	// response.
	MatchLaterThan = "later-than"
)

// The details BEHAVIOUR.md fixes for errors, as the service words them.
// The mock and the YAML suite hold copies, each pinned to these by a test.
const (
	DetailNotAuthenticated   = "Not authenticated"
	DetailInvalidCredentials = "Invalid authentication credentials"
	DetailOrgNotFound        = "Organization not found"
	DetailMemberNotFound     = "Member not found"
	DetailUserNotFound       = "User not found"
)

// The rules of fixtures/rules.yaml that gen and recordings name; a test
// pins each to the catalogue.
const (
	RuleNotAuthenticated     = "identity.not-authenticated"
	RuleInvalidToken         = "identity.invalid-token"
	RuleUnknownPath          = "route.unknown-path"
	RuleWrongMethod          = "route.wrong-method"
	RuleOrgNotFound          = "organization.not-found"
	RuleCreateUserNotFound   = "create.user-not-found"
	RuleCreateDuplicate      = "create.duplicate"
	RuleUpdateMemberNotFound = "update.member-not-found"
	RuleDeleteMemberNotFound = "delete.member-not-found"
	RuleBodyTooLarge         = "edge.body-too-large"
	RulePathParameter        = "validation.path-parameter"
	RuleQueryParameter       = "validation.query-parameter"
	RuleBodyField            = "validation.body-field"
	RuleBodyMissing          = "validation.body-missing"
	RuleBodyNotJSON          = "validation.body-not-json"
	RuleBodyContentType      = "validation.body-content-type"
	RuleOneEntry             = "validation.one-entry-per-problem"
	RuleEmptyQueryValue      = "edge.empty-query-value"
	RuleAccessContext        = "edge.access-context-uuids"
	RuleIDs                  = "format.ids"
)

// authzRule is the rule of the authorization table's cell for an
// operation (list, create, update, delete) and a profile role.
func authzRule(operation, role string) string {
	return "authz." + operation + "." + dashed(role)
}

func dashed(role string) string {
	b := []byte(role)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}

// Roles are the profile's tokens, by the caller's standing in the profile's
// organization.
var Roles = []string{"system_admin", "org_admin", "analyst", "suspended", "outsider"}

// NamedRules are every rule id a writer may name: the constants above and
// the authorization table's cells.
func NamedRules() []string {
	ids := []string{RuleNotAuthenticated, RuleInvalidToken, RuleUnknownPath, RuleWrongMethod, RuleOrgNotFound,
		RuleCreateUserNotFound, RuleCreateDuplicate, RuleUpdateMemberNotFound, RuleDeleteMemberNotFound, RuleBodyTooLarge,
		RulePathParameter, RuleQueryParameter, RuleBodyField, RuleBodyMissing, RuleBodyNotJSON, RuleBodyContentType,
		RuleOneEntry, RuleEmptyQueryValue, RuleAccessContext, RuleIDs}
	for _, op := range []string{"list", "create", "update", "delete"} {
		for _, role := range Roles {
			ids = append(ids, authzRule(op, role))
		}
	}
	return ids
}
