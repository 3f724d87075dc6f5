// Package spec loads and checks the OpenAPI document once, and offers the
// two things every part of the project needs from it: a router and the
// request and response validators, configured the same way everywhere.
package spec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	members "github.com/heyhumm/humm-members-mock"
)

// uuidPattern accepts any version and either case, as pydantic's UUID does;
// values are compared in lower case by the service.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Spec is a loaded, validated document with its router.
type Spec struct {
	Doc    *openapi3.T
	Router routers.Router
	// Raw is the document's source, as loaded.
	Raw []byte
}

// Load parses and validates a document, registers the uuid format on it and
// makes its servers relative, so that routing matches any host and port.
func Load(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse openapi document: %w", err)
	}
	doc.SetStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		if !IsUUID(s) {
			return errors.New("not a valid uuid")
		}
		return nil
	}))
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("invalid openapi document: %w", err)
	}
	// kin-openapi checks examples without the document's formats: check
	// them again with the uuid format on.
	if problems, _ := ExampleProblems(doc); len(problems) > 0 {
		return nil, fmt.Errorf("invalid openapi document: example breaks its schema: %s", strings.Join(problems, "; "))
	}
	// Relative servers: the router then matches the path alone, whatever the
	// scheme, host and port the mock or the target listens on.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	return &Spec{Doc: doc, Router: router, Raw: data}, nil
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

// FromFlag is the document named by a --spec flag, or the embedded one when
// the flag is empty.
func FromFlag(path string) (*Spec, error) {
	if path == "" {
		return Embedded()
	}
	return LoadFile(path)
}

// RequestOptions are the options every request is validated with: all
// problems at once, defaults written into the request, and authentication
// left to the caller (identity is checked before validation).
func (s *Spec) RequestOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: s.Doc.GetSchemaValidationOptions(),
	}
}

// ResponseOptions make an undocumented status a violation too.
func (s *Spec) ResponseOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		SchemaValidationOptions: s.Doc.GetSchemaValidationOptions(),
	}
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
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
		},
		Status:  status,
		Header:  header,
		Options: s.ResponseOptions(),
	}
	input.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, input)
}

// AllowedMethods lists the methods the document defines for the path of
// req, for a 405's Allow header.
func (s *Spec) AllowedMethods(req *http.Request) []string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := req.Clone(req.Context())
		probe.Method = m
		if _, _, err := s.Router.FindRoute(probe); err == nil {
			methods = append(methods, m)
		}
	}
	return methods
}

// IsUUID reports whether s is a uuid as the document's uuid format accepts.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// OperationByID is the route of an operation, for answering it without a
// request (scenarios); nil when the document has no such operation.
func (s *Spec) OperationByID(id string) *routers.Route {
	for path, item := range s.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == id {
				return &routers.Route{Spec: s.Doc, Path: path, PathItem: item, Method: method, Operation: op}
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
