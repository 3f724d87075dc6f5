package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// maxTestHead is humm-mock's MaxHeaderBytes (cmd/humm-mock: maxHeaderBytes).
const maxTestHead = 64 << 10

// newFrontMock is newTestMock served as humm-mock serves it: the front
// before Go's server, on 127.0.0.1.
func newFrontMock(t *testing.T, cfg Config) *testMock {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	m, err := New(cfg)
	require.NoError(t, err)
	ts := newFrontServer(t, m, true)
	return &testMock{t: t, srv: m, url: ts.URL, profile: m.Profile(ts.URL)}
}

// newFrontServer serves h on 127.0.0.1 with humm-mock's head limit,
// behind the front or not.
func newFrontServer(t testing.TB, h http.Handler, front bool) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	if front {
		ts.Listener = UvicornListener(ts.Listener, maxTestHead)
	}
	ts.Config.MaxHeaderBytes = maxTestHead
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// echo is what echoHandler saw of a request, the front's records applied.
type echo struct {
	Method, URI, Path, Query, Host, Body string
	Header, Trailer                      http.Header
}

var echoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	r = withFrontRecords(r)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_ = json.NewEncoder(w).Encode(echo{Method: r.Method, URI: r.RequestURI, Path: r.URL.Path, Query: r.URL.RawQuery,
		Host: r.Host, Body: string(body), Header: r.Header, Trailer: r.Trailer})
})

// exchangeAll writes stream on one connection (all of it, then reads) and
// reads n responses.
func exchangeAll(t *testing.T, base, stream string, n int) []*http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second)))
	go func() { _, _ = io.WriteString(conn, stream) }()
	br := bufio.NewReader(conn)
	var out []*http.Response
	for range n {
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err, "response %d of %d", len(out)+1, n)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

// A rewritten request, bodies of both framings that hold request heads
// the front would rewrite, and a forged record, pipelined on one
// connection: each request reaches the handler as sent (as uvicorn hands
// it to the app), each body byte for byte.
func TestFrontKeepsFramingOnKeepAlive(t *testing.T) {
	lookalike := "GET /b%zz HTTP/1.1\r\nHost: a b\r\nExpect: x\r\nX: \x01\r\n\r\n"
	chunkData := "\r\n\r\n" + lookalike
	stream := "GET /a%zz?q=%zz HTTP/1.1\r\nHost: h\r\n\r\n" +
		"POST /fixed HTTP/1.1\r\nHost: h\r\nContent-Length: " + strconv.Itoa(len(lookalike)) + "\r\n\r\n" + lookalike +
		"GET http://h/abs?x=1 HTTP/1.1\r\nHost: h\r\nExpect: something\r\nAuthorization: Bearer t\x1c\r\n\r\n" +
		"POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n" +
		strconv.FormatInt(int64(len(chunkData)), 16) + ";name=\"v;\" \r\n" + chunkData + "\r\n3\r\nend\r\n0;last\r\nX-T: t\r\n\r\n" +
		"GET /last HTTP/1.1\r\nHost: bad host\r\n" + frontHeader + ": forged target /forged\r\n\r\n" +
		"POST /list HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc" +
		"GET /plain HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n"
	want := []echo{
		{Method: "GET", URI: "/a%zz?q=%zz", Path: "/a%zz", Query: "q=%zz", Host: "h", Header: http.Header{}},
		{Method: "POST", URI: "/fixed", Path: "/fixed", Host: "h", Body: lookalike, Header: http.Header{"Content-Length": {strconv.Itoa(len(lookalike))}}},
		{Method: "GET", URI: "http://h/abs?x=1", Path: "http://h/abs", Query: "x=1", Host: "h", Header: http.Header{"Expect": {"something"}, "Authorization": {"Bearer t\x1c"}}},
		{Method: "POST", URI: "/chunked", Path: "/chunked", Host: "h", Body: chunkData + "end", Header: http.Header{}, Trailer: http.Header{"X-T": {"t"}}},
		{Method: "GET", URI: "/last", Path: "/last", Host: "bad host", Header: http.Header{}},
		{Method: "POST", URI: "/list", Path: "/list", Host: "h", Body: "abc", Header: http.Header{"Content-Length": {"3"}}},
		{Method: "GET", URI: "/plain", Path: "/plain", Host: "h", Header: http.Header{"Authorization": {"Bearer t"}}},
	}
	ts := newFrontServer(t, echoHandler, true)
	for i, resp := range exchangeAll(t, ts.URL, stream, len(want)) {
		require.Equal(t, http.StatusOK, resp.StatusCode, "request %d", i+1)
		var got echo
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		got.Header.Del("Accept-Encoding")
		require.Equal(t, want[i], got, "request %d", i+1)
	}
}

// An HTTP/1.0 request asking to be kept alive: the connection closes
// after the answer, as uvicorn closes it (h11/_connection.py: _keep_alive;
// Go alone keeps it open), and the handler still sees the field.
func TestFrontClosesHTTP10AsH11(t *testing.T) {
	ts := newFrontServer(t, echoHandler, true)
	out := answers(t, ts.URL, "GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /two HTTP/1.0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(out)), nil)
	require.NoError(t, err)
	var got echo
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, "/one", got.Path)
	require.Equal(t, http.Header{"Connection": {"keep-alive"}}, got.Header)
	require.NotContains(t, out, "/two", "the connection closed after the first answer")
}

// What the front does not follow it passes on, with the rest of the
// connection: Go answers exactly as without it. Each stream ends with a
// request the front would rewrite had it still been reading.
func TestFrontLeavesAloneWhatItDoesNotFollow(t *testing.T) {
	then := "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n"
	big := strings.Repeat("a", maxTestHead+goHeadSlack)
	for _, row := range []struct{ name, stream string }{
		{"Content-Length and Transfer-Encoding", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + then},
		{"bare LF", "GET /x HTTP/1.1\nHost: h\n\n" + then},
		{"folded line", "GET /x HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n" + then},
		{"Upgrade", "GET /x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n" + then},
		{"head over the limit", "GET /x HTTP/1.1\r\nHost: h\r\nX: " + big + "\r\n\r\n" + then},
		{"chunk line Go refuses", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 ;x\r\nabc\r\n0\r\n\r\n" + then},
		{"chunk without its CRLF", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n" + then},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"},
	} {
		t.Run(row.name, func(t *testing.T) {
			require.Equal(t, answers(t, newFrontServer(t, echoHandler, false).URL, row.stream),
				answers(t, newFrontServer(t, echoHandler, true).URL, row.stream))
		})
	}
}

// A head both h11 and Go's server refuse gets uvicorn's 400 byte for
// byte, and ends the connection; what came before on it is answered as
// before. h11 frames the 400 by what it knows of the client
// (h11/_connection.py: _clean_up_response_headers_for_sending): on the
// first head, up to the close; after an HTTP/1.1 request, chunked. The
// bytes are those the probe recorded (mock/testdata/uvicorn-probe).
func TestFrontAnswersUvicorn400(t *testing.T) {
	const (
		first = "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received."
		later = "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\nInvalid HTTP request received.\r\n0\r\n\r\n"
		then  = "GET /after HTTP/1.1\r\nHost: h\r\n\r\n" // never answered: the connection is closed
	)
	m := newFrontMock(t, Config{})
	for _, row := range []struct{ name, head, cite string }{
		{"HTTP/1.1 without Host", "GET /x HTTP/1.1\r\n\r\n", "h11/_events.py: Request: Missing mandatory Host: header"},
		{"two Host fields", "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "h11/_events.py: Request: Found multiple Host: headers"},
		{"two Host fields on HTTP/1.0", "GET /x HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", "h11/_events.py: Request (any version)"},
		{"NUL in a value", "GET /x HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n", "h11/_abnf.py: field_vchar = [^\\x00\\s]"},
		{"VT in a value", "GET /x HTTP/1.1\r\nHost: h\r\nX: a\x0bb\r\n\r\n", "h11/_abnf.py: field_vchar"},
		{"FF in the Host value", "GET /x HTTP/1.1\r\nHost: a\x0cb\r\n\r\n", "h11/_abnf.py: field_vchar"},
		{"Content-Length list of two values", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", "h11/_headers.py: normalize_and_validate: conflicting Content-Length headers"},
		{"two Content-Length fields that differ", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "h11/_headers.py: normalize_and_validate"},
		{"CRLF before the request line", "\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n", "h11/_receivebuffer.py: maybe_extract_lines; h11/_readers.py: maybe_read_from_IDLE_client: no request line received"},
		{"LF before the request line", "\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n", "h11/_receivebuffer.py: maybe_extract_lines"},
	} {
		t.Run(row.name, func(t *testing.T) {
			require.Equal(t, first, answers(t, m.url, row.head+then), row.cite)
			out := answers(t, m.url, "GET /nope HTTP/1.1\r\nHost: h\r\n\r\n"+row.head+then)
			require.True(t, strings.HasSuffix(out, later), "%s\n%q", row.cite, out)
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(strings.TrimSuffix(out, later))), nil)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			require.Equal(t, `{"detail":"Not Found"}`, string(body), "the answer before it, intact")
		})
	}
	// A blank line after a POST's body, as old clients send: Go skips it
	// (net/http/server.go: readRequest, numLeadingCRorLF), h11 does not.
	out := answers(t, m.url, "POST /nope HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab\r\nGET /nope HTTP/1.1\r\nHost: h\r\n\r\n")
	require.True(t, strings.HasSuffix(out, later), "%q", out)
	require.Equal(t, 2, strings.Count(out, "HTTP/1.1 "), "the POST's answer, then uvicorn's 400, the GET not served: %q", out)
}

// The blank line is seen however the bytes arrive: a CR alone waits for
// the next byte.
func TestFrontRefusesABlankLineByteByByte(t *testing.T) {
	out := throughFront([]byte("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 1, 1024)
	require.Equal(t, "GET / HTTP/1.1\r\nHost: x\r\n"+frontHeader+": "+frontSecret+" refuse first\r\n\r\n", string(out))
}

var dateLine = regexp.MustCompile(`(?m)^Date: .*\r\n`)

// answers is all a server writes back to stream before it closes or goes
// quiet, Date lines left out.
func answers(t *testing.T, base, stream string) string {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	go func() {
		_, _ = io.WriteString(conn, stream)
		_ = conn.(*net.TCPConn).CloseWrite() // Go then closes once it has answered what it read
	}()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	out, err := io.ReadAll(conn)
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server went quiet: %q", out)
	return dateLine.ReplaceAllString(string(out), "")
}

// streamConn is a connection whose peer sent stream, handed over in reads
// of at most step bytes.
type streamConn struct {
	net.Conn
	stream []byte
	step   int
}

func (c *streamConn) Read(p []byte) (int, error) {
	if len(c.stream) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.step)], c.stream)
	c.stream = c.stream[n:]
	return n, nil
}

// throughFront is what Go's server reads of stream behind the front, in
// reads of alternating sizes (1 byte is Go's background read).
func throughFront(stream []byte, step, maxHead int) []byte {
	c := &uvicornConn{Conn: &streamConn{stream: stream, step: step}, maxHead: maxHead}
	var out []byte
	buf := make([]byte, 4096)
	for i := 0; ; i++ {
		p := buf[:1+(i*step)%len(buf)]
		n, err := c.Read(p)
		out = append(out, p[:n]...)
		if err != nil {
			return out
		}
	}
}

// goRequest is a request as Go's server reads it, body and trailer read;
// end is the offset in the stream where it ends.
type goRequest struct {
	req  *http.Request
	body []byte
	end  int
}

// goReads is the requests Go reads from stream, up to the first it
// refuses (its server would answer and close). Beyond http.ReadRequest,
// the server refuses (net/http/server.go: readRequest) an HTTP/1.1
// request without Host, and NUL, VT or FF in a value (any control byte,
// but the others the front rewrites into a request Go serves).
func goReads(stream []byte) []goRequest {
	src := bytes.NewReader(stream)
	br := bufio.NewReader(src)
	var out []goRequest
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return out
		}
		if _, hasHost := req.Header["Host"]; req.ProtoAtLeast(1, 1) && !hasHost && req.Method != http.MethodConnect {
			return out
		}
		for _, values := range req.Header {
			for _, v := range values {
				if strings.ContainsAny(v, "\x00\x0b\x0c") {
					return out
				}
			}
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return out
		}
		out = append(out, goRequest{req, body, len(stream) - src.Len() - br.Buffered()})
	}
}

// goTakesAsUvicorn: a request Go's server serves as uvicorn does, which
// the front must pass on as it is: origin-form, a Host Go takes, no
// Expect, no HTTP/1.0 keep-alive.
func goTakesAsUvicorn(r *http.Request) bool {
	keepAlive10 := r.ProtoMinor == 0 && hasGoToken(r.Header.Get("Connection"), "keep-alive")
	return strings.HasPrefix(r.RequestURI, "/") && validGoHost(r.Host) && len(r.Header["Expect"]) == 0 &&
		r.Method != http.MethodConnect && len(r.Header["Upgrade"]) == 0 && !keepAlive10
}

// FuzzFront: over any stream of bytes, the front never changes a request
// Go serves as uvicorn does (the same bytes out when Go takes them all),
// and never loses framing: every request Go reads from the stream as
// sent, it reads from the front's output too, with the same method and
// the same body and trailer byte for byte.
func FuzzFront(f *testing.F) {
	for _, seed := range []string{
		"GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET http://h/p HTTP/1.1\r\nHost: h\r\nExpect: x\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\nHost: a b\r\nX: \x01\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nabGET / HTTP/1.0\r\n\r\n",
		"PUT /y HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET / HTTP/1.1\nHost: h\n\n",
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\naGET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nX: a\x00b\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab\r\nPOST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd",
	} {
		f.Add([]byte(seed), uint8(7))
	}
	f.Fuzz(func(t *testing.T, stream []byte, step uint8) {
		if len(stream) > 1<<14 {
			return
		}
		out := throughFront(stream, int(step)%61+1, 1024)
		sent := goReads(stream)
		read := goReads(out)
		require.GreaterOrEqual(t, len(read), len(sent), "the front lost a request Go reads:\nin  %q\nout %q", stream, out)
		unchanged := 0 // the requests Go serves as uvicorn does, from the start
		for i, s := range sent {
			r := read[i]
			require.Equal(t, s.req.Method, r.req.Method, "request %d", i)
			require.Equal(t, s.body, r.body, "request %d body", i)
			require.Equal(t, s.req.Trailer, r.req.Trailer, "request %d trailer", i)
			if !goTakesAsUvicorn(s.req) {
				continue
			}
			require.Equal(t, s.req.RequestURI, r.req.RequestURI, "request %d", i)
			require.Equal(t, s.req.Header, r.req.Header, "request %d", i)
			if unchanged == i {
				unchanged++
			}
		}
		if unchanged > 0 {
			end := sent[unchanged-1].end
			require.Equal(t, string(stream[:end]), string(out[:min(end, len(out))]), "changed a request Go serves as uvicorn does")
		}
	})
}

// BenchmarkFront: one request on a keep-alive loopback connection, behind
// the front and not: the mock listing one member, and a handler that does
// nothing (the front's cost alone); then the front's reading of a head
// with no network.
func BenchmarkFront(b *testing.B) {
	m, err := New(Config{Seed: 1})
	require.NoError(b, err)
	p := m.Profile("http://x")
	list := "GET /api/organization/" + p.OrganizationID + "/member?page_size=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
		p.Tokens["org_admin"] + "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"
	empty := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, handler := range []struct {
		name string
		h    http.Handler
	}{{"mock", m}, {"empty", empty}} {
		for _, front := range []bool{false, true} {
			b.Run(handler.name+map[bool]string{false: "/go", true: "/front"}[front], func(b *testing.B) {
				ts := newFrontServer(b, handler.h, front)
				conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
				require.NoError(b, err)
				defer conn.Close()
				br := bufio.NewReader(conn)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := io.WriteString(conn, list); err != nil {
						b.Fatal(err)
					}
					resp, err := http.ReadResponse(br, nil)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
	}
	b.Run("head/front", func(b *testing.B) {
		stream := []byte(list)
		buf := make([]byte, 4096)
		b.ReportAllocs()
		for b.Loop() {
			c := &uvicornConn{Conn: &streamConn{stream: stream, step: len(stream)}, maxHead: maxTestHead}
			for {
				if _, err := c.Read(buf); err != nil {
					break
				}
			}
		}
	})
}

// partsConn hands over its parts one read each; an empty part is a
// timeout, as when Go aborts its background read with a past deadline.
type partsConn struct {
	net.Conn
	parts []string
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func (c *partsConn) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	part := c.parts[0]
	c.parts = c.parts[1:]
	if part == "" {
		return 0, timeoutError{}
	}
	return copy(p, part), nil
}

// A timeout mid-head reaches Go (it ignores the one it caused, net/http:
// connReader.backgroundRead) and the head read so far is kept: the head
// is still rewritten once complete.
func TestFrontKeepsAHeadAcrossATimeout(t *testing.T) {
	head := "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n"
	c := &uvicornConn{Conn: &partsConn{parts: []string{head[:12], "", head[12:]}}, maxHead: maxTestHead}
	buf := make([]byte, 1)
	n, err := c.Read(buf)
	require.Equal(t, 0, n)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "%v", err)
	out, err := io.ReadAll(c)
	require.NoError(t, err)
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(append(buf[:0], out...))))
	require.NoError(t, err, "%q", out)
	require.Equal(t, "/a%zz", withFrontRecords(r).URL.Path)
}

// Where Go's HTTP server and uvicorn/h11 part before the app: each row is
// a request as curl can send it (--path-as-is, --request-target, -H with
// raw bytes), sent to the mock behind the front as humm-mock serves it,
// and the answer uvicorn, h11 and Starlette give (cited; their side ran in
// mock/testdata/uvicorn-probe). BEHAVIOUR.md lists them.
func TestFramingAgainstUvicorn(t *testing.T) {
	m := newFrontMock(t, Config{})
	org := m.profile.OrganizationID
	tok := m.profile.Tokens["org_admin"]
	auth := "Authorization: Bearer " + tok + "\r\n"
	coll := "/api/organization/" + org + "/member"
	addr := strings.TrimPrefix(m.url, "http://")
	const (
		notFound      = `{"detail":"Not Found"}`
		uvicorn400    = "Invalid HTTP request received."
		citeUnquote   = "uvicorn/protocols/http/h11_impl.py: handle_events (path = unquote(raw_path)); Lib/urllib/parse.py: unquote keeps a % that opens no escape"
		citeFieldVchr = "h11/_abnf.py: field_vchar = [^\\x00\\s] (bytes: \\s is [ \\t\\n\\r\\f\\v])"
		citeBearer    = "fastapi/security/http.py: HTTPBearer.__call__; fastapi/security/utils.py: get_authorization_scheme_param; str.strip() strips U+001C-U+001F"
		citeHostURL   = "h11 takes any field value as Host; starlette/datastructures.py: URL.__init__ (_HOST_RE fails: scope[\"server\"])"
		citeExpect    = "h11/_headers.py: has_expect_100_continue (only 100-continue is read, only on HTTP/1.1); uvicorn serves the request"
		cite400       = "uvicorn/protocols/http/h11_impl.py: handle_events, send_400_response (Go alone: 400 Bad Request: <reason>)"
		citeTarget    = "h11/_abnf.py: request_target = vchar+; uvicorn/protocols/http/h11_impl.py: handle_events (the whole target before ? is the path); starlette/routing.py: Router.app (no route: 404); fastapi/exception_handlers.py: http_exception_handler"
	)
	uuidError := func(input string) string {
		msg := "invalid character: found `" + string([]rune(input)[:1]) + "` at 1"
		return `{"detail":[{"type":"uuid_parsing","loc":["path","organization_id"],"msg":"Input should be a valid UUID, ` + msg + `","input":"` + input + `","ctx":{"error":"` + msg + `"}}]}`
	}
	for _, row := range []struct {
		name, request string
		status        int
		body          string // the whole body; "" when it is the list (checked by status)
		location      string
		uvicorn       string
	}{
		{"bad escape in the path", "GET /api/organization/%zz/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, uuidError("%zz"), "", citeUnquote + " -> organization_id \"%zz\": 422 uuid_parsing"},
		{"bad escape after a cut-short UTF-8 escape", "GET /api/organization/%E2%82%zz/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, uuidError("\ufffd%zz"), "", citeUnquote + "; errors='replace': E2 82 is one U+FFFD"},
		{"bad escape in a path no route takes", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 404, notFound, "", citeUnquote + "; starlette/routing.py: Router.app: 404"},
		{"bad escape, trailing slash", "GET /api/organization/%zz/member/ HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 307, "", "http://x/api/organization/%zz/member", citeUnquote + "; starlette/responses.py: RedirectResponse (quote keeps %)"},
		{"bad escape in the query", "GET " + coll + "?page=%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 422, "", "", "Lib/urllib/parse.py: parse_qsl keeps %zz -> 422 int_parsing"},
		{"control byte after the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x1c\r\n\r\n", 200, "", "", citeFieldVchr + "; " + citeBearer},
		{"unit separator and DEL around the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x1f" + tok + "\x1f\r\n\r\n", 200, "", "", citeFieldVchr + "; " + citeBearer},
		{"control byte inside the token", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok[:4] + "\x01" + tok[4:] + "\r\n\r\n", 401, `{"detail":"Invalid authentication credentials"}`, "", citeFieldVchr + "; strip() leaves an inner byte: not a token the service knows"},
		{"control byte after the JSON content type", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\x1e\r\nContent-Length: 18\r\n\r\n{\"role\":\"ANALYST\"}", 200, "", "", citeFieldVchr + "; fastapi/routing.py: get_request_handler (email.message content type; _splitparam strips)"},
		{"host with a user part", "GET " + coll + " HTTP/1.1\r\nHost: user@api.example.com\r\n" + auth + "\r\n", 200, "", "", citeHostURL},
		{"host with a user part, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: user@api.example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeHostURL},
		{"host with a space, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: api example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeHostURL},
		{"host with a control byte, trailing slash", "GET " + coll + "/ HTTP/1.1\r\nHost: api\x01.example.com\r\n" + auth + "\r\n", 307, "", "http://" + addr + coll, citeFieldVchr + "; " + citeHostURL},
		{"Content-Length listing its value twice", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 18, 18\r\n\r\n{\"role\":\"ANALYST\"}", 200, "", "", "h11/_headers.py: normalize_and_validate ({length.strip() for length in value.split(b\",\")} is one value; Go alone: 400)"},
		{"an expectation other than 100-continue", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nExpect: something\r\n" + auth + "\r\n", 200, "", "", citeExpect},
		{"an expectation, then 100-continue", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nExpect: 100-continue\r\n" + auth + "\r\n", 200, "", "", citeExpect + " (h11/_headers.py: get_comma_header reads every Expect field)"},
		{"an expectation on HTTP/1.0", "GET " + coll + " HTTP/1.0\r\nExpect: something\r\n" + auth + "\r\n", 200, "", "", citeExpect},
		{"absolute-form target", "GET http://x" + coll + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"absolute-form target with a query", "GET http://x" + coll + "?page=2 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404, notFound, "", citeTarget + " (Go's server answers OPTIONS * itself)"},
		{"target without a leading slash", "GET api/organization/" + org + "/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 404, notFound, "", citeTarget},
		{"raw UTF-8 in the path", "GET /api/organization/\xc3\xa9/member HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_abnf.py: request_target = vchar+ -> LocalProtocolError; uvicorn/protocols/http/h11_impl.py: send_400_response"},
		{"HTTP/1.1 without Host", "GET " + coll + " HTTP/1.1\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_events.py: Request: Missing mandatory Host: header -> " + cite400},
		{"two Host headers", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nHost: y\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_events.py: Request: Found multiple Host: headers -> " + cite400},
		{"NUL in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x00\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"VT in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x0b\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"FF in a header value", "GET " + coll + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\x0c\r\n\r\n", 400, uvicorn400, "", citeFieldVchr + " -> " + cite400},
		{"Content-Length listing two values", "PUT " + coll + "/{member} HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 18, 19\r\n\r\n{\"role\":\"ANALYST\"}", 400, uvicorn400, "", "h11/_headers.py: normalize_and_validate: conflicting Content-Length headers -> " + cite400},
		{"blank line before the request line", "\r\nGET " + coll + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", 400, uvicorn400, "", "h11/_receivebuffer.py: maybe_extract_lines ([] for a leading CRLF); h11/_readers.py: maybe_read_from_IDLE_client: no request line received -> " + cite400},
	} {
		t.Run(row.name, func(t *testing.T) {
			request := strings.ReplaceAll(row.request, "{member}", m.plainMember().ID)
			resp, body := rawExchange(t, m.url, request, nil)
			require.Equal(t, row.status, resp.StatusCode, "uvicorn: %s\nbody: %.300s", row.uvicorn, body)
			if row.body != "" {
				require.Equal(t, row.body, string(body), row.uvicorn)
			}
			require.Equal(t, row.location, resp.Header.Get("Location"), row.uvicorn)
		})
	}
}
