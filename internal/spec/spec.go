// Package spec loads and checks the OpenAPI document once, and offers the
// two things every part of the project needs from it: a router and the
// request and response validators, configured the same way everywhere.
package spec

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	members "github.com/heyhumm/humm-members-mock"
)

// IsUUID accepts 8-4-4-4-12 hex digits of any version and either case, as
// pydantic's UUID does; values are compared in lower case by the service.
// A loop, not a regexp: it runs on every uuid of every request and response.
func IsUUID(s string) bool { return isUUIDText(s, true) }

// IsCanonicalUUID is a uuid as pydantic writes one: 8-4-4-4-12 lower-case
// hex digits.
func IsCanonicalUUID(s string) bool { return isUUIDText(s, false) }

func isUUIDText(s string, upperToo bool) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || upperToo && 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Spec is a loaded, validated document with its router.
type Spec struct {
	Doc    *openapi3.T
	Router routers.Router
	// Raw is the document's source, as loaded.
	Raw []byte
	// BrokenExamples names each example that breaks its own schema, and
	// why. Response examples among them are removed from Doc: the mock
	// never serves them.
	BrokenExamples []string

	// Validation options, built once: they are read-only.
	requestOptions, responseOptions, headerOptions *openapi3filter.Options
	schemaOptions                                  []openapi3.SchemaValidationOption
	order                                          declarationOrder
	// routed is the document routes name (see routedDocument).
	routed *openapi3.T

	membersOnce sync.Once
	members     *MemberOperations
	// listParams are the paging and search of each list operation
	// (ListParameters), found on first use.
	listParams sync.Map
}

// routedDocument is the document the router's routes name, which
// openapi3filter reads the OpenAPI version from: for a 3.1 document that
// readAs202012 prepared for kin-openapi's schema visitor, a copy that
// says 3.0.3, so that openapi3filter does not switch every request and
// response to the 2020-12 compiler (validate_request.go, validate_response.go:
// EnableJSONSchema2020 when route.Spec.IsOpenAPI31OrLater), which compiles
// the schema's closure on every call: a create and its delete took 0.5 ms
// instead of 0.07. The schemas, paths and operations are the document's
// own; Doc keeps its version.
func routedDocument(doc *openapi3.T, needsCompiler bool) *openapi3.T {
	if !doc.IsOpenAPI31OrLater() || needsCompiler {
		return doc
	}
	routed := *doc
	routed.OpenAPI = "3.0.3"
	return &routed
}

// Load parses and validates a document, registers the formats it knows on it
// (formats.go) and
// makes its servers relative, so that routing matches any host and port.
func Load(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse openapi document: %w", err)
	}
	registerFormats(doc)
	readDecimalPatterns(doc)
	if err := unreadablePattern(doc); err != nil {
		return nil, fmt.Errorf("invalid openapi document: %w", err)
	}
	// Formats are checked by unknownFormat, not by kin-openapi, which
	// knows JSON Schema's and refuses those pydantic adds (uuid4, path,
	// ipvanyaddress, ...). Examples are checked below, as a warning:
	// OpenAPI says an example SHOULD match its schema, and FastAPI
	// publishes a document whatever its examples say.
	if err := unknownFormat(doc); err != nil {
		return nil, fmt.Errorf("invalid openapi document: %w", err)
	}
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("invalid openapi document: %w", err)
	}
	needsCompiler := false
	if doc.IsOpenAPI31OrLater() {
		needsCompiler = readAs202012(doc)
	}
	// An example that breaks its schema (a property made required, the
	// example left as it was) does not stop the document: it is named in
	// BrokenExamples and, if a response's, removed so nothing serves it.
	brokenExamples, _ := exampleProblems(doc, schemaOptionsOf(doc, needsCompiler), true)
	// Relative servers: the router then matches the path alone, whatever the
	// scheme, host and port the mock or the target listens on.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	routed := routedDocument(doc, needsCompiler)
	router, err := gorillamux.NewRouter(routed)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	sp := &Spec{Doc: doc, Router: router, Raw: data, BrokenExamples: brokenExamples, schemaOptions: schemaOptionsOf(doc, needsCompiler),
		order: readDeclarationOrder(data, doc), routed: routed}
	// Every request: all problems at once, defaults written into the
	// request, authentication left to the caller (identity is checked
	// before validation).
	sp.requestOptions = &openapi3filter.Options{
		MultiError:              true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: sp.schemaOptions,
	}
	// Every response: an undocumented status is a violation too.
	sp.responseOptions = &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		SchemaValidationOptions: sp.schemaOptions,
	}
	headerOnly := *sp.responseOptions
	headerOnly.ExcludeResponseBody = true
	sp.headerOptions = &headerOnly
	return sp, nil
}

// LoadFile loads the document at path.
func LoadFile(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

var (
	embeddedOnce sync.Once
	embedded     *Spec
	embeddedErr  error
)

// Embedded returns the document shipped in the binary, loaded once.
func Embedded() (*Spec, error) {
	embeddedOnce.Do(func() { embedded, embeddedErr = Load(members.OpenAPI) })
	return embedded, embeddedErr
}

// FromFlag is the document named by a --spec flag, a path or an http(s)
// URL (see LoadSource), or the embedded one when the flag is empty.
func FromFlag(source string) (*Spec, error) {
	if source == "" {
		return Embedded()
	}
	return LoadSource(source)
}

// RequestOptions are the options every request is validated with.
func (s *Spec) RequestOptions() *openapi3filter.Options { return s.requestOptions }

// ResponseOptions are the options every response is validated with.
func (s *Spec) ResponseOptions() *openapi3filter.Options { return s.responseOptions }

// SchemaOptions validate a value against one of the document's schemas
// with its formats (uuid) on. The slice is full to capacity, so that a
// caller's append copies it rather than writing into the one every
// goroutine shares.
func (s *Spec) SchemaOptions() []openapi3.SchemaValidationOption {
	return s.schemaOptions[:len(s.schemaOptions):len(s.schemaOptions)]
}

// FindRoute routes a request. The error is routers.ErrPathNotFound or
// routers.ErrMethodNotAllowed when the document has no such operation.
func (s *Spec) FindRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	return s.Router.FindRoute(r)
}

// ValidateResponse checks one response to a routed request against the
// document: status documented for the operation, content type, headers and
// body schema.
func (s *Spec) ValidateResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, header http.Header, body []byte) error {
	return s.validateResponse(ctx, req, route, params, status, header, body, s.responseOptions)
}

// ValidateResponseEnvelope checks all but the body: the status is
// documented for the operation, the content type and headers are right.
// For a body whose parts were each validated already.
func (s *Spec) ValidateResponseEnvelope(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, header http.Header) error {
	if err := s.validateResponse(ctx, req, route, params, status, header, nil, s.headerOptions); err != nil {
		return err
	}
	// kin-openapi skips the content type along with the body.
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref != nil && ref.Value != nil && len(ref.Value.Content) > 0 && ref.Value.Content.Get(header.Get("Content-Type")) == nil {
		return fmt.Errorf("response header Content-Type has unexpected value: %q", header.Get("Content-Type"))
	}
	return nil
}

func (s *Spec) validateResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, status int, header http.Header, body []byte, options *openapi3filter.Options) error {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
		},
		Status:  status,
		Header:  header,
		Options: options,
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, input)
}

// Allow is a 405's Allow header for req, whose path the document has with
// other methods: the method of the first operation declared for the path
// (see FirstMethod); "" when no operation has the path.
func (s *Spec) Allow(req *http.Request) string {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := req.Clone(req.Context())
		probe.Method = m
		if route, _, err := s.Router.FindRoute(probe); err == nil {
			return s.FirstMethod(route.Path)
		}
	}
	return ""
}

// OperationByID is the route of an operation, for answering it without a
// request (scenarios); nil when the document has no such operation.
func (s *Spec) OperationByID(id string) *routers.Route {
	for path, item := range s.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == id {
				return &routers.Route{Spec: s.routed, Path: path, PathItem: item, Method: method, Operation: op}
			}
		}
	}
	return nil
}

// OperationIDs lists the document's operations, sorted.
func (s *Spec) OperationIDs() []string {
	var ids []string
	for _, item := range s.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	sort.Strings(ids)
	return ids
}

// OperationSchema is the JSON schema of an operation's response for a
// status (through the wrappers Underlying reads); nil when there is none.
func (s *Spec) OperationSchema(operationID string, status int) *openapi3.Schema {
	route := s.OperationByID(operationID)
	if route == nil {
		return nil
	}
	ref := route.Operation.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil
	}
	media := ref.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	core, _ := Underlying(media.Schema)
	return core
}
