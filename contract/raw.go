package contract

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/heyhumm/humm-members-mock/fixtures"
)

// A raw step's connection lives at most the run's timeout for a request
// (rawTimeout without one), and at most rawReadLimit bytes are read from
// it: a target that never answers or never stops cannot hold the run.
const (
	rawTimeout   = 10 * time.Second
	rawReadLimit = 1 << 20
)

// runRawStep sends a raw step's bytes on a fresh connection to the target
// (BEHAVIOUR.md: "The HTTP server": requests net/http's client would not
// send as written) and checks the last of its responses, and the close.
// Only the target's host is dialled: the base URL's, whatever the bytes say.
func (f *flow) runRawStep(ctx context.Context, s fixtures.Step, cleanup bool) StepResult {
	sr := StepResult{Name: s.Name, Line: s.Line, Cleanup: cleanup, Method: s.Method}
	fail := func(format string, args ...any) StepResult {
		sr.Failures = append(sr.Failures, f.mask.Replace(fmt.Sprintf(format, args...)))
		return sr
	}
	base, err := url.Parse(f.cfg.Profile.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return fail("cannot build the request: the base URL %q is not http(s)://host", f.cfg.Profile.BaseURL)
	}
	if strings.Trim(base.Path, "/") != "" {
		// The bytes address the server's own targets: a prefix is a proxy's,
		// and the proxy is not what the rows are about.
		sr.NotInDocument = fmt.Sprintf("a raw request addresses the server's own targets, and the base URL has a path (%s)", base.Path)
		return sr
	}
	f.as = s.As
	path, err := f.expand(s.Path)
	if err != nil {
		return fail("cannot build the request: %v", err)
	}
	if onDoc := f.documents.path(path); onDoc != path {
		sr.NotInDocument = fmt.Sprintf("the raw request addresses %s, which the document names %s", path, onDoc)
		return sr
	}
	f.step = stepSpec{sp: f.cfg.Spec, path: path, method: s.Method}
	if carriesToken(s.Raw) {
		if cred := f.credentialOf(routeOf(f.cfg.Spec, s.Method, path)); !cred.Bearer {
			sr.NotInDocument = fmt.Sprintf("the operation takes an API key (%s), and the raw request sends a Bearer token", cred.Where())
			return sr
		}
	}
	if missing := requiredNotSent(routeOf(f.cfg.Spec, s.Method, path), s, s.Raw.Source); missing != "" {
		// The bytes are sent as written: a parameter the document requires
		// and they leave out would make the answer the document's 422.
		sr.NotInDocument = fmt.Sprintf("the operation requires %s, which the raw request does not send", missing)
		return sr
	}
	f.host = base.Host
	if base.Port() == "" {
		f.host = net.JoinHostPort(base.Hostname(), map[string]string{"http": "80", "https": "443"}[base.Scheme])
	}
	raw, err := f.expand(*s.Raw)
	if err != nil {
		return fail("cannot build the request: %v", err)
	}
	sr.URL = f.cfg.Profile.BaseURL + path
	sr.Curl = rawReplay(f.mask.Replace(raw), f.host, base.Scheme == "https")

	timeout := rawTimeout
	if f.cfg.Timeout > 0 {
		timeout = f.cfg.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dialTarget(ctx, base.Scheme, f.host, base.Hostname())
	if err != nil {
		return fail("no connection: %v", err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	f.sent = f.now()
	if _, err := io.WriteString(conn, raw); err != nil {
		return fail("sending the request: %v", err)
	}
	in := bufio.NewReader(io.LimitReader(conn, rawReadLimit))
	want := max(s.Expect.Responses, 1)
	var resp *http.Response
	var body []byte
	for i := range want {
		if resp, body, err = readFinalResponse(in); err != nil {
			return fail("response %d of %d: %v", i+1, want, err)
		}
	}
	f.received = f.now()
	sr.Status = resp.StatusCode
	sr.Body = f.mask.Replace(string(body))

	// A body that is not JSON (uvicorn's 400 is text) is matched as a string.
	var decoded any
	if json.Unmarshal(body, &decoded) != nil {
		decoded = string(body)
	}
	f.bodies[s.Name] = decoded
	for _, c := range s.Capture {
		if v, ok := resolvePointer(decoded, c.Pointer); ok {
			f.captured[c.Name] = captureText(v)
		} else {
			delete(f.captured, c.Name)
			f.missing[c.Name] = fmt.Sprintf("the response of step %q had no %s", s.Name, c.Pointer)
		}
	}
	sr.Failures = append(sr.Failures, f.checkResponse(f.documents.expect(s.Expect), resp, body, decoded, true)...)
	if s.Expect.Closed && len(sr.Failures) == 0 {
		if why := stillOpen(conn, in, raw); why != "" {
			sr.Failures = append(sr.Failures, "connection: expected the server to close it after its response, "+why)
		}
	}
	for i := range sr.Failures {
		sr.Failures[i] = f.mask.Replace(sr.Failures[i])
	}
	return sr
}

// carriesToken says whether a raw request carries the role's token.
func carriesToken(t *fixtures.Template) bool {
	for _, ref := range t.Refs() {
		if ref.Name == fixtures.Token {
			return true
		}
	}
	return false
}

// requiredNotSent names a query, header or cookie parameter the
// operation requires that the raw request does not carry, or "".
func requiredNotSent(route *routers.Route, s fixtures.Step, raw string) string {
	query, header := supplyRequired(route, s)
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	requestLine, fields, _ := strings.Cut(head, "\r\n")
	sends := func(name string) bool {
		return strings.Contains(strings.ToLower("\r\n"+fields), "\r\n"+strings.ToLower(name)+":")
	}
	for _, q := range query {
		name, _, _ := strings.Cut(q, "=")
		if !strings.Contains(requestLine, "?"+name+"=") && !strings.Contains(requestLine, "&"+name+"=") {
			return "query " + name
		}
	}
	for name := range header {
		if !sends(name) {
			return "header " + name
		}
	}
	return ""
}

// dialTarget connects to the target, with TLS for an https base URL.
func dialTarget(ctx context.Context, scheme, hostPort, serverName string) (net.Conn, error) {
	if scheme == "https" {
		d := &tls.Dialer{Config: &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}}
		return d.DialContext(ctx, "tcp", hostPort)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", hostPort)
}

// readFinalResponse reads the next final response and its body: an
// interim one (100 Continue) is read past.
func readFinalResponse(in *bufio.Reader) (*http.Response, []byte, error) {
	for {
		if _, err := in.Peek(1); errors.Is(err, io.EOF) {
			return nil, nil, errors.New("the server closed the connection before it")
		}
		resp, err := http.ReadResponse(in, nil)
		if err != nil {
			return nil, nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("reading the body: %w", err)
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			if resp.Close && resp.ProtoAtLeast(1, 1) && resp.Header.Get("Connection") == "" {
				// ReadResponse takes "Connection: close" out of the header
				// (net/http/transfer.go: shouldClose); on HTTP/1.1 only the
				// field sets Close, so the field is put back to be checked.
				resp.Header.Set("Connection", "close")
			}
			return resp, body, nil
		}
	}
}

// stillOpen sends the request again on the connection: a server that
// closed it answers nothing (the end of the stream, or a reset). What it
// answered instead, or "".
func stillOpen(conn net.Conn, in *bufio.Reader, raw string) string {
	_, _ = io.WriteString(conn, raw) // a closed connection may refuse it: then it is closed
	resp, err := http.ReadResponse(in, nil)
	switch {
	case err == nil:
		resp.Body.Close()
		return fmt.Sprintf("it answered the request sent again with %d", resp.StatusCode)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return ""
	default:
		return fmt.Sprintf("reading after it: %v", err)
	}
}

// rawReplay is a shell line that sends the bytes again, as $'...' quotes
// them.
func rawReplay(raw, hostPort string, tls bool) string {
	var b strings.Builder
	for _, c := range []byte(raw) {
		switch {
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	// A masked token, ${TOKEN_ROLE}, is expanded by the shell: outside
	// the $'...' quotes.
	quoted := tokenVariableRef.ReplaceAllString(b.String(), `'"$0"$$'`)
	host, port, _ := net.SplitHostPort(hostPort)
	send := "nc " + host + " " + port
	if tls {
		send = "openssl s_client -quiet -connect " + hostPort
	}
	return "printf '%s' $'" + quoted + "' | " + send
}

var tokenVariableRef = regexp.MustCompile(`\$\{TOKEN_[A-Z_]+\}`)
