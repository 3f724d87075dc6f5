package contract_test

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/heyhumm/humm-members-mock/contract"
)

// rawTarget serves each connection with serve, on 127.0.0.1; got receives
// what each connection's first read held, up to its head's end. The
// runner's reachability check (GET /) is answered 200.
func rawTarget(t *testing.T, serve func(c net.Conn)) (base string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	heads := make(chan string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				head := readHead(c)
				if strings.HasPrefix(head, "GET / ") {
					fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
					return
				}
				select {
				case heads <- head:
				default:
				}
				serve(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String(), heads
}

// readHead reads up to the end of a head (CRLF CRLF), or the end.
func readHead(c net.Conn) string {
	var b []byte
	buf := make([]byte, 512)
	for !bytes.Contains(b, []byte("\r\n\r\n")) {
		n, err := c.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			break
		}
	}
	return string(b)
}

// TestARawStepSendsItsBytesAndChecksTheLastResponse: a raw step's bytes
// go out as written, {host} and {token} filled in; the responses are read
// in turn (past a 100 Continue), the last checked, and closed holds only
// when the server answers nothing more; a silent target and an endless
// answer are cut off by the step's bounds. Its replay sends the same
// bytes, the token read from its variable.
func TestARawStepSendsItsBytesAndChecksTheLastResponse(t *testing.T) {
	const get = `"GET /echo HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n"`
	tests := []struct {
		name   string
		serve  func(c net.Conn)
		expect string
		// want is the step's failure, or "" for a pass.
		want string
	}{
		{name: "two responses, the last checked, then the close", serve: func(c net.Conn) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nrefused")
		}, expect: `{responses: 2, status: 400, headers: {Connection: close}, body: refused, closed: true}`},
		{name: "the first of two is not the one checked", serve: func(c net.Conn) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		}, expect: `{responses: 2, status: 200}`, want: "status: expected 200, got 400"},
		{name: "a 100 Continue is read past", serve: func(c net.Conn) {
			fmt.Fprint(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"a\": 1}")
		}, expect: `{status: 200, body: {a: 1}}`},
		{name: "a connection kept open is not closed", serve: func(c net.Conn) {
			for range 2 {
				fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
				if readHead(c) == "" {
					return
				}
			}
		}, expect: `{status: 200, closed: true}`, want: "connection: expected the server to close it after its response, it answered the request sent again with 200"},
		{name: "fewer responses than expected", serve: func(c net.Conn) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		}, expect: `{responses: 2, status: 200}`, want: "response 2 of 2: the server closed the connection before it"},
		{name: "a silent target meets the deadline", serve: func(c net.Conn) {
			_, _ = c.Read(make([]byte, 1)) // until the runner gives up
		}, expect: `{status: 200}`, want: "i/o timeout"},
		{name: "an endless answer is cut at the read limit", serve: func(c net.Conn) {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nX-Endless: ")
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}, expect: `{status: 200}`, want: "response 1 of 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, heads := rawTarget(t, tt.serve)
			profile := newDouble(bugNone).profile(base)
			suite := suiteOf(t, "cases:\n  - name: c\n    rules: [r]\n    steps:\n"+
				"      - {name: s, method: GET, path: /echo, as: analyst, raw: "+get+", expect: "+tt.expect+"}\n")
			report, out := run(t, suite, profile, func(c *contract.Config) { c.Timeout = 2 * time.Second })
			host := strings.TrimPrefix(base, "http://")
			require.Equal(t, "GET /echo HTTP/1.1\r\nHost: "+host+"\r\nAuthorization: Bearer "+profile.Tokens["analyst"]+"\r\n\r\n", <-heads,
				"the bytes as written, the host and the token filled in")
			c := report.Cases[0]
			require.Equal(t, `printf '%s' $'GET /echo HTTP/1.1\r\nHost: `+host+`\r\nAuthorization: Bearer '"${TOKEN_ANALYST}"$'\r\n\r\n' | nc 127.0.0.1 `+host[strings.LastIndexByte(host, ':')+1:],
				c.Steps[0].Curl, "the replay sends the bytes, the token from its variable")
			if tt.want == "" {
				require.True(t, c.Passed, out)
				return
			}
			require.False(t, c.Passed, out)
			require.NotEmpty(t, c.Steps[0].Failures, out)
			require.Contains(t, c.Steps[0].Failures[0], tt.want, out)
		})
	}
}
