package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/heyhumm/humm-members-mock/contract"
	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// driftBase is a small OpenAPI 3.0 document written the way openapi.yaml
// is: path-level parameters, global security, allOf around a $ref to put a
// default or nullable beside it, 401/403/404 documented. Each row of
// TestDriftCountsOnlyWhatClientsSee rewrites a part of it.
const driftBase = `openapi: 3.0.3
info: {title: Things, version: '1'}
security:
  - bearer: []
paths:
  /things/{thing_id}:
    parameters:
      - {name: thing_id, in: path, required: true, schema: {type: string, format: uuid}}
    put:
      operationId: put_thing
      summary: Put a thing
      description: Replaces the thing.
      parameters:
        - {name: page, in: query, required: false, schema: {type: integer, minimum: 1, default: 1, nullable: true}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingIn'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '401':
          description: No token
          headers:
            WWW-Authenticate: {required: true, schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HTTPError'}
        '403': {description: Not allowed}
        '404': {description: No such thing}
        '422': {description: Validation Error}
    delete:
      operationId: delete_thing
      responses:
        '200': {description: OK}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Kind: {type: string, enum: [a, b, c]}
    Owner:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
    HTTPError:
      type: object
      required: [detail]
      properties:
        detail: {type: string}
    ThingIn:
      type: object
      required: [name]
      properties:
        name: {type: string}
        note: {type: string, maxLength: 10, nullable: true}
        kind:
          allOf: [{$ref: '#/components/schemas/Kind'}]
          default: a
        owner:
          allOf: [{$ref: '#/components/schemas/Owner'}]
          nullable: true
        extra: {nullable: true}
    Thing:
      type: object
      required: [id, name, kind]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        note: {type: string, nullable: true}
        kind: {$ref: '#/components/schemas/Kind'}
        owner:
          allOf: [{$ref: '#/components/schemas/Owner'}]
          nullable: true
        holder:
          anyOf: [{$ref: '#/components/schemas/Owner'}, {type: string}]
`

// edit sets the value at a JSON pointer (RFC 6901: ~1 is a slash in a key)
// to a value written in YAML; "" deletes it.
type edit struct{ pointer, value string }

const (
	put     = "/paths/~1things~1{thing_id}/put"
	del     = "/paths/~1things~1{thing_id}/delete"
	thingIn = "/components/schemas/ThingIn/properties"
	thing   = "/components/schemas/Thing/properties"
)

var (
	to31     = edit{"/openapi", "3.1.0"}
	weight30 = edit{thingIn + "/weight", "{type: number, minimum: 0, exclusiveMinimum: true}"}
)

// editedDoc is driftBase with edits applied, as JSON.
func editedDoc(t *testing.T, edits []edit) []byte {
	t.Helper()
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(driftBase), &doc))
	for _, e := range edits {
		keys := strings.Split(strings.TrimPrefix(e.pointer, "/"), "/")
		parent := doc
		for _, k := range keys[:len(keys)-1] {
			parent = child(t, parent, unescapePointer(k), e.pointer)
		}
		last := unescapePointer(keys[len(keys)-1])
		switch p := parent.(type) {
		case map[string]any:
			if e.value == "" {
				require.Contains(t, p, last, e.pointer)
				delete(p, last)
				continue
			}
			var v any
			require.NoError(t, yaml.Unmarshal([]byte(e.value), &v), e.value)
			p[last] = v
		default:
			t.Fatalf("%s: %T is not an object", e.pointer, parent)
		}
	}
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	return data
}

func child(t *testing.T, node any, key, pointer string) any {
	t.Helper()
	m, ok := node.(map[string]any)
	require.True(t, ok, "%s: %s is under a %T", pointer, key, node)
	next, ok := m[key]
	require.True(t, ok, "%s: no %s", pointer, key)
	return next
}

func unescapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~")
}

func loadSpec(t *testing.T, data []byte) *spec.Spec {
	t.Helper()
	sp, err := spec.Load(data)
	require.NoError(t, err)
	return sp
}

// TestDriftCountsOnlyWhatClientsSee: a change of representation alone
// (OpenAPI 3.0 against 3.1, FastAPI's shapes against hand-written ones) is
// no change at all; a change a client sees is still reported, in either
// form.
func TestDriftCountsOnlyWhatClientsSee(t *testing.T) {
	suite := &fixtures.Suite{}
	tests := []struct {
		name     string
		old, new []edit
		// breaking is the oasdiff rule id the change must raise as an
		// error; "" means no change at all, not even a warning, from old
		// to new nor back.
		breaking string
	}{
		// Representation only.
		{name: "openapi 3.0.3 vs 3.1.0", new: []edit{to31}},
		{name: "request property: nullable: true (3.0) vs anyOf [X, {type: null}] (3.1)",
			new: []edit{to31, {thingIn + "/note", "{anyOf: [{type: string, maxLength: 10}, {type: 'null'}]}"}}},
		{name: "request property: nullable: true (3.0) vs type [X, null] (3.1)",
			new: []edit{to31, {thingIn + "/note", "{type: [string, 'null'], maxLength: 10}"}}},
		{name: "response property: nullable: true (3.0) vs anyOf [X, {type: null}] (3.1)",
			new: []edit{to31, {thing + "/note", "{anyOf: [{type: string}, {type: 'null'}]}"}}},
		{name: "nullable $ref: allOf [$ref] + nullable (3.0) vs anyOf [$ref, {type: null}] (3.1)",
			new: []edit{to31,
				{thing + "/owner", "{anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}"},
				{thingIn + "/owner", "{anyOf: [{$ref: '#/components/schemas/Owner'}, {type: 'null'}]}"}}},
		{name: "$ref with a default: allOf [$ref] + default (3.0) vs $ref with a default beside it (3.1, pydantic 2)",
			new: []edit{to31, {thingIn + "/kind", "{$ref: '#/components/schemas/Kind', default: a}"}}},
		{name: "query parameter: nullable with a default (3.0) vs anyOf-null with the default beside (FastAPI)",
			new: []edit{to31, {put + "/parameters", "[{name: page, in: query, required: false, schema: {anyOf: [{type: integer, minimum: 1}, {type: 'null'}], default: 1, title: Page}}]"}}},
		{name: "path parameter: uuid (3.0) vs uuid | null, as FastAPI documents it (a path segment is never null)",
			new: []edit{to31, {"/paths/~1things~1{thing_id}/parameters", "[{name: thing_id, in: path, required: true, schema: {anyOf: [{type: string, format: uuid}, {type: 'null'}]}}]"}}},
		{name: "exclusive minimum: minimum + exclusiveMinimum: true (3.0) vs numeric exclusiveMinimum (3.1)",
			old: []edit{weight30},
			new: []edit{to31, {thingIn + "/weight", "{type: number, exclusiveMinimum: 0}"}}},
		{name: "any value: nullable: true without a type (3.0) vs the empty schema (3.1)",
			new: []edit{to31, {thingIn + "/extra", "{title: Extra}"}}},
		{name: "titles, descriptions and summaries",
			new: []edit{
				{thingIn + "/name", "{type: string, title: Name, description: What people call it.}"},
				{"/components/schemas/Thing/title", "Thing"},
				{put + "/summary", "Update Thing"}, {put + "/description", ""},
				{put + "/responses/200/description", "Successful Response"}}},
		{name: "example (3.0) vs examples (3.1), in schemas and media types",
			old: []edit{{"/components/schemas/Owner/example", "{id: 3c90c3cc-0d44-4b50-8888-8dd25736052a}"}},
			new: []edit{to31, {"/components/schemas/Owner/examples", "[{id: 3c90c3cc-0d44-4b50-8888-8dd25736052a}]"},
				{put + "/requestBody/content/application~1json/examples", "{one: {value: {name: x}}}"}}},
		{name: "a component renamed, its shape kept",
			new: []edit{
				{"/components/schemas/Owner", ""},
				{"/components/schemas/User", "{type: object, required: [id], properties: {id: {type: string, format: uuid}}}"},
				{thing + "/owner", "{allOf: [{$ref: '#/components/schemas/User'}], nullable: true}"},
				{thingIn + "/owner", "{allOf: [{$ref: '#/components/schemas/User'}], nullable: true}"},
				{thing + "/holder", "{anyOf: [{$ref: '#/components/schemas/User'}, {type: string}]}"}}},
		{name: "401, 403 and 404 undocumented, as FastAPI publishes them (the stack answers them anyway)",
			new: []edit{{put + "/responses/401", ""}, {put + "/responses/403", ""}, {put + "/responses/404", ""}}},
		{name: "401, 403 and 404 newly documented",
			old: []edit{{put + "/responses/401", ""}, {put + "/responses/403", ""}, {put + "/responses/404", ""}}},
		{name: "security: global (3.0 hand-written) vs per operation (FastAPI)",
			new: []edit{{"/security", ""}, {put + "/security", "[{bearer: []}]"}, {del + "/security", "[{bearer: []}]"}}},
		{name: "parameters: on the path vs on each operation (FastAPI)",
			new: []edit{{"/paths/~1things~1{thing_id}/parameters", ""},
				{put + "/parameters", "[{name: thing_id, in: path, required: true, schema: {type: string, format: uuid}}, {name: page, in: query, schema: {type: integer, minimum: 1, default: 1, nullable: true}}]"},
				{del + "/parameters", "[{name: thing_id, in: path, required: true, schema: {type: string, format: uuid}}]"}}},
		{name: "operationIds renamed (FastAPI's default ids)",
			new: []edit{{put + "/operationId", "put_thing_things__thing_id__put"}, {del + "/operationId", "delete_thing_things__thing_id__delete"}}},

		// Real changes, written the 3.1 way where that is the new form.
		{name: "an operation removed", new: []edit{to31, {del, ""}}, breaking: "api-removed-without-deprecation"},
		{name: "a request enum narrowed", new: []edit{to31, {"/components/schemas/Kind/enum", "[a, b]"}}, breaking: "request-property-enum-value-removed"},
		{name: "a request property newly required", new: []edit{to31, {"/components/schemas/ThingIn/required", "[name, note]"}},
			breaking: "request-property-became-required"},
		{name: "a request property no longer nullable (3.0 nullable vs 3.1 without null)",
			new: []edit{to31, {thingIn + "/note", "{type: string, maxLength: 10}"}}, breaking: "request-property-became-not-nullable"},
		{name: "a response property newly nullable (3.1 type [X, null])",
			new: []edit{to31, {thing + "/name", "{type: [string, 'null']}"}}, breaking: "response-property-became-nullable"},
		{name: "a response property newly nullable (3.1 anyOf with null around a $ref)",
			new: []edit{to31, {thing + "/kind", "{anyOf: [{$ref: '#/components/schemas/Kind'}, {type: 'null'}]}"}}, breaking: "response-property-became-nullable"},
		{name: "an exclusive minimum raised (3.0 boolean vs 3.1 numeric)",
			old: []edit{weight30}, new: []edit{to31, {thingIn + "/weight", "{type: number, exclusiveMinimum: 1}"}}, breaking: "request-property-min-increased"},
		{name: "a 401 both document loses its required header", new: []edit{{put + "/responses/401/headers", ""}},
			breaking: "required-response-header-removed"},
		{name: "security added to an operation that had none",
			old: []edit{{del + "/security", "[]"}}, breaking: "api-security-anonymous-access-removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSpec, newSpec := loadSpec(t, editedDoc(t, tt.old)), loadSpec(t, editedDoc(t, tt.new))
			drift, err := contract.Diff(oldSpec, newSpec, "old", "new", suite)
			require.NoError(t, err)
			if tt.breaking == "" {
				require.Empty(t, drift.Changes, "a change of representation alone")
				back, err := contract.Diff(newSpec, oldSpec, "new", "old", suite)
				require.NoError(t, err)
				require.Empty(t, back.Changes, "a change of representation alone, undone")
				return
			}
			var ids []string
			for _, c := range drift.Changes {
				if c.Level == "error" {
					ids = append(ids, c.ID)
				}
			}
			require.Contains(t, ids, tt.breaking, "%+v", drift.Changes)
		})
	}
}

func TestDriftIgnoresKeyOrderAndTheFormat(t *testing.T) {
	asJSON := editedDoc(t, nil)
	require.NotEqual(t, driftBase, string(asJSON))
	require.False(t, strings.HasPrefix(string(asJSON), `{"openapi"`), "encoding/json sorts the keys: the order differs from the YAML's")
	drift, err := contract.Diff(loadSpec(t, []byte(driftBase)), loadSpec(t, asJSON), "old.yaml", "new.json", &fixtures.Suite{})
	require.NoError(t, err)
	require.Empty(t, drift.Changes)
}

// TestDriftFromOpenAPIYAMLToFastAPIs: openapi.yaml against the document a
// FastAPI service of this API publishes (3.1, anyOf-null, titles,
// "Successful Response", per-operation parameters and security, default
// operationIds, no 401/403/404) is no drift in either direction: the
// model in testdata and the two documents the real FastAPI app of
// internal/fastapi generates (openapi.yaml says what the service
// publishes). A 3.1 document with an operation removed, an enum narrowed
// and a field newly required is drift, with the cases each change touches
// named by openapi.yaml's operationIds.
func TestDriftFromOpenAPIYAMLToFastAPIs(t *testing.T) {
	committed := loadSpec(t, readTestdata(t, "../openapi.yaml"))
	suite := embeddedSuite(t)

	for _, published := range []string{
		"testdata/diff/fastapi-3.1.json",
		"../internal/fastapi/openapi-explicit-ids.json",
		"../internal/fastapi/openapi-default-ids.json",
	} {
		fastapi := loadSpec(t, readTestdata(t, published))
		for _, pair := range [][2]*spec.Spec{{committed, fastapi}, {fastapi, committed}} {
			drift, err := contract.Diff(pair[0], pair[1], "old", "new", suite)
			require.NoError(t, err)
			require.Empty(t, drift.Changes, published)
		}
	}

	drift, err := contract.Diff(committed, loadSpec(t, readTestdata(t, "testdata/diff/fastapi-3.1-breaking.json")), "openapi.yaml", "fastapi-3.1-breaking.json", suite)
	require.NoError(t, err)
	byID := map[string][]string{}
	for _, c := range drift.Changes {
		require.Equal(t, "error", c.Level, "%+v", c)
		byID[c.ID] = append(byID[c.ID], c.OperationID)
		require.NotEmpty(t, c.Affected, "the cases are found through openapi.yaml's operationIds: %+v", c)
	}
	require.Equal(t, map[string][]string{
		"api-removed-without-deprecation":               {"delete_organization_member"},
		"request-property-enum-value-removed":           {"create_organization_member", "update_organization_member"},
		"request-property-became-required-with-default": {"create_organization_member"},
	}, byID)
}

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(path))
	require.NoError(t, err)
	return data
}
