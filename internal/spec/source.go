package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// FetchTimeoutEnv bounds the fetch of a document named by an http(s) URL,
// as a Go duration (30s, 1m); DefaultFetchTimeout when unset. An
// environment variable rather than a flag: every command and subcommand
// that reads a spec honours it, and CI sets it once.
const FetchTimeoutEnv = "HUMM_SPEC_TIMEOUT"

// DefaultFetchTimeout is how long a fetch may take, from the request to
// the last byte of the body, when FetchTimeoutEnv is unset.
const DefaultFetchTimeout = 10 * time.Second

// maxDocumentBytes bounds a fetched document: FastAPI's for a large service
// is a few hundred KiB.
const maxDocumentBytes = 32 << 20

// SourceHelp describes a spec source for flag help texts.
const SourceHelp = "JSON or YAML, from a path or an http(s) URL such as http://127.0.0.1:8000/openapi.json (fetched within $" +
	FetchTimeoutEnv + ", default 10s)"

// IsURL reports whether source names a document by http(s) URL rather than
// by path.
func IsURL(source string) bool {
	lower := strings.ToLower(source)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// LoadSource loads the document at source, a path or an http(s) URL. Every
// error names source and is one line: unreachable, a status other than
// 2xx, no answer in time, a body that is neither JSON nor YAML, a document
// that is not OpenAPI 3.x, or what Load refuses.
func LoadSource(source string) (*Spec, error) {
	data, err := ReadSource(source)
	if err != nil {
		return nil, err
	}
	s, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return s, nil
}

// ReadSource reads the document at source, a path or an http(s) URL, and
// checks that it is an OpenAPI 3.x document in JSON or YAML, without
// loading it.
func ReadSource(source string) ([]byte, error) {
	var data []byte
	if IsURL(source) {
		timeout, err := FetchTimeout()
		if err != nil {
			return nil, err
		}
		if data, err = fetch(&http.Client{Timeout: timeout}, source, timeout); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
	} else {
		var err error
		if data, err = os.ReadFile(source); err != nil {
			return nil, err // names the path already
		}
	}
	if err := checkOpenAPI(data); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return data, nil
}

// FetchTimeout is the bound FetchTimeoutEnv sets, or DefaultFetchTimeout.
func FetchTimeout() (time.Duration, error) {
	value, ok := os.LookupEnv(FetchTimeoutEnv)
	if !ok || value == "" {
		return DefaultFetchTimeout, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 30s", FetchTimeoutEnv, value)
	}
	return d, nil
}

// fetch gets url's body: the errors say what went wrong in words a user
// acts on, without the client's repetition of the URL.
func fetch(client *http.Client, url string, timeout time.Duration) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, oneLine(err)
	}
	// FastAPI serves JSON; a static server may serve YAML.
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetchError(err, timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("the server answered %s, not a document", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
	if err != nil {
		return nil, fetchError(err, timeout)
	}
	if len(data) > maxDocumentBytes {
		return nil, fmt.Errorf("the document is larger than %d MiB", maxDocumentBytes>>20)
	}
	return data, nil
}

func fetchError(err error, timeout time.Duration) error {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("no answer within %s (set %s for longer)", timeout, FetchTimeoutEnv)
	}
	// *url.Error repeats the method and the URL the caller names already.
	var urlErr interface{ Unwrap() error }
	if errors.As(err, &urlErr) {
		if inner := urlErr.Unwrap(); inner != nil {
			err = inner
		}
	}
	return fmt.Errorf("unreachable: %w", oneLine(err))
}

// checkOpenAPI refuses, before the loader's longer errors, what is not an
// OpenAPI 3.x document: a body that parses as neither JSON nor YAML (an
// HTML page, a proxy's error), one that is not an object, one without an
// `openapi` key (Swagger 2.0, a JSON Schema, a service's JSON), one of
// another major version.
func checkOpenAPI(data []byte) error {
	var doc any
	err := yaml.Unmarshal(data, &doc)
	if trimmed := bytes.TrimSpace(data); err != nil && len(trimmed) > 0 && trimmed[0] == '{' {
		// What looks like JSON is judged as JSON: its error is the one a
		// user can act on.
		err = json.Unmarshal(trimmed, &doc)
	}
	if err != nil {
		return fmt.Errorf("parse openapi document: neither JSON nor YAML: %w", oneLine(err))
	}
	fields, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("parse openapi document: neither JSON nor YAML: the body is %s, not an object", describe(doc, data))
	}
	version, ok := fields["openapi"]
	if !ok {
		if swagger, ok := fields["swagger"]; ok {
			return fmt.Errorf("not an OpenAPI 3.x document: swagger %v (convert it to OpenAPI 3)", swagger)
		}
		return errors.New(`not an OpenAPI document: no "openapi" key`)
	}
	if v := fmt.Sprint(version); !strings.HasPrefix(v, "3.") {
		return fmt.Errorf("not an OpenAPI 3.x document: openapi %q", v)
	}
	return nil
}

// describe names what a document parsed as, for an error: a page of text
// parses as one YAML string.
func describe(doc any, data []byte) string {
	switch doc.(type) {
	case nil:
		if len(bytes.TrimSpace(data)) == 0 {
			return "empty"
		}
		return "null"
	case string:
		return "text"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", doc)
}

// oneLine keeps an error on one line: main prints each on its own.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.ContainsAny(msg, "\r\n") {
		return err
	}
	return errors.New(strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " "))
}
