package mock

// The front: a request head that uvicorn's h11 takes but Go's net/http
// refuses, or reads otherwise, is rewritten on the connection before Go
// parses it, and what the app must see travels with it in a private
// header the handler reads and removes (withFrontRecords). The cases are
// BEHAVIOUR.md's "The HTTP server" table: a bad escape or a target that is
// not origin-form, a control byte in a header value, a Host Go finds
// malformed, an Expect other than 100-continue, a Content-Length that
// lists its value again, an HTTP/1.0 keep-alive. A head both h11 and Go
// refuse (no Host on HTTP/1.1, two Hosts, NUL, VT or FF in a value,
// Content-Lengths that differ, a blank line first) becomes a request for
// uvicorn's own 400, and the connection ends there.
//
// To find the next head on a keep-alive connection the front follows the
// framing as Go does (Content-Length, chunked with extensions and
// trailers), passing body bytes on as they come. It reads only a strict
// subset of what Go accepts: anything else (a head over the limit, bare LF,
// folded lines, both Content-Length and Transfer-Encoding, an Upgrade or a
// CONNECT, a chunk line Go would refuse) is passed on untouched, and so is
// the rest of that connection: Go then answers it exactly as without the
// front.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/heyhumm/humm-members-mock/internal/stack"
)

// frontHeader carries what the front took out of a head. Only records
// opening with frontSecret count: a client cannot forge one, and every
// copy is removed before the mock reads the request.
const frontHeader = "X-Humm-Mock-Uvicorn"

var frontSecret = func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand.Read)
	return hex.EncodeToString(b)
}()

// UvicornListener puts the front before Go's HTTP server on every
// connection ln accepts. maxHeaderBytes is the server's MaxHeaderBytes:
// a head Go would find too large is passed on untouched (Go's 431), and no
// head is rewritten past that size.
func UvicornListener(ln net.Listener, maxHeaderBytes int) net.Listener {
	return &uvicornListener{Listener: ln, maxHead: maxHeaderBytes}
}

// Listener is UvicornListener for this mock: a defect of the HTTP server
// (defects_server.go) leaves its row of BEHAVIOUR.md's table to Go, as a
// backend served by Go's net/http does.
func (s *Server) Listener(ln net.Listener, maxHeaderBytes int) net.Listener {
	return &uvicornListener{Listener: ln, maxHead: maxHeaderBytes, goRows: s.goRows}
}

type uvicornListener struct {
	net.Listener
	maxHead int
	goRows  frontRows
}

func (l *uvicornListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &uvicornConn{Conn: c, maxHead: l.maxHead, goRows: l.goRows}, nil
}

// frontRows are rows of BEHAVIOUR.md's "The HTTP server" table, where
// uvicorn and Go's net/http part.
type frontRows uint16

const (
	rowRawTarget         frontRows = 1 << iota // raw non-ASCII bytes in the target (the handler's: h11RejectsTarget)
	rowBadEscape                               // a bad escape in the path
	rowOtherTargetForm                         // absolute-form, "*", no leading "/"
	rowControlByte                             // a control byte in a field value
	rowGoHost                                  // a Host Go finds malformed
	rowExpect                                  // an Expect Go answers otherwise
	rowContentLengthList                       // Content-Length: 3, 3
	rowHTTP10KeepAlive                         // HTTP/1.0 with Connection: keep-alive
	rowRefusal                                 // a head both refuse: uvicorn's 400, not Go's
	rowBlankLine                               // a blank line before a request
)

type frontMode int

const (
	frontHead    frontMode = iota // assembling the next request head
	frontFixed                    // passing on a Content-Length body
	frontChunked                  // passing on a chunked body
	frontPass                     // everything as it comes, to the end
	frontEnded                    // a head h11 refuses was handed on: nothing more
)

// goHeadSlack is what Go's server reads beyond MaxHeaderBytes before it
// gives up on a head (net/http/server.go: initialReadLimitSize).
const goHeadSlack = 4096

type uvicornConn struct {
	net.Conn
	maxHead  int
	mode     frontMode
	buf      []byte // in's backing array, reused once in is empty
	in       []byte // read from the connection, not yet handed on
	out      []byte // a head, ready to hand on
	searched int    // frontHead: how much of in holds no head end
	remain   int64  // frontFixed: body bytes still to come
	chunk    chunkScanner
	err      error // a read error, reported once in is handed on
	heads    int   // heads handed on so far
	// goRows are rows left to Go (a defect): a head they touch, and the
	// rest of its connection, are passed on untouched.
	goRows frontRows
}

// CloseWrite keeps Go's graceful close (net/http: closeWriteAndWait).
func (c *uvicornConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *uvicornConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if len(c.out) > 0 {
			n := copy(p, c.out)
			c.out = c.out[n:]
			return n, nil
		}
		switch c.mode {
		case frontPass:
			return c.fill(p)
		case frontEnded:
			return c.discard(p)
		case frontFixed:
			if c.remain == 0 {
				c.mode = frontHead
				continue
			}
			q := p
			if int64(len(q)) > c.remain {
				q = q[:c.remain]
			}
			n, err := c.fill(q)
			c.remain -= int64(n)
			return n, err
		case frontChunked:
			n, err := c.fill(p)
			if n == 0 {
				return 0, err
			}
			k := c.chunk.scan(p[:n])
			switch {
			case c.chunk.failed:
				c.mode = frontPass
			case c.chunk.done:
				c.mode = frontHead
				c.unread(p[k:n])
				if k < n && err != nil {
					c.err, err = err, nil // after the next head
				}
				n = k
			}
			if n == 0 {
				continue
			}
			return n, err
		case frontHead:
			if blankLineFirst(c.in) {
				if c.goRows&rowBlankLine != 0 {
					c.mode = frontPass
					continue
				}
				c.refuse() // h11/_receivebuffer.py: maybe_extract_lines returns [], and h11/_readers.py: maybe_read_from_IDLE_client: "no request line received"
				continue
			}
			if end := c.headEnd(); end > 0 {
				c.takeHead(end)
				continue
			}
			if c.err != nil || len(c.in) >= c.maxHead+goHeadSlack || len(c.in) > 1 && c.in[0] == '\r' {
				c.mode = frontPass // too large, cut short, or a CR alone first: Go's to answer
				continue
			}
			if progress, err := c.readMore(); err != nil || !progress {
				return 0, err // a timeout, or a read of nothing: the caller's to retry
			}
		}
	}
}

// discard reads the rest of the connection and drops it: none of it is
// a request, and bytes left unread would make the close a reset, which
// can lose uvicorn's answer at the client. It returns the read's error:
// the end, or the deadline Go sets to stop reading.
func (c *uvicornConn) discard(scratch []byte) (int, error) {
	c.in = nil
	for {
		if c.err != nil {
			err := c.err
			c.err = nil
			return 0, err
		}
		_, c.err = c.Conn.Read(scratch)
	}
}

// fill reads into q what was read already, else from the connection.
func (c *uvicornConn) fill(q []byte) (int, error) {
	if len(c.in) > 0 {
		n := copy(q, c.in)
		c.in = c.in[n:]
		return n, nil
	}
	if c.err != nil {
		err := c.err
		c.err = nil
		return 0, err
	}
	return c.Conn.Read(q)
}

// unread puts back bytes past a body's end: the next head starts there.
func (c *uvicornConn) unread(b []byte) {
	if len(b) == 0 {
		return
	}
	c.in = append(append(make([]byte, 0, len(b)+len(c.in)), b...), c.in...)
	c.buf = c.in
}

// readMore reads into in. A timeout with nothing read is returned and
// what is buffered kept (Go aborts its background read that way, then
// reads on); any other error is kept for after what is buffered.
func (c *uvicornConn) readMore() (progress bool, err error) {
	if len(c.in) == 0 && c.buf != nil {
		c.in = c.buf[:0]
	}
	if cap(c.in)-len(c.in) < 1024 {
		size := max(4096, 2*cap(c.in))
		grown := make([]byte, len(c.in), size)
		copy(grown, c.in)
		c.in, c.buf = grown, grown
	}
	n, err := c.Conn.Read(c.in[len(c.in):cap(c.in)])
	c.in = c.in[:len(c.in)+n]
	if err != nil {
		var ne net.Error
		if n == 0 && errors.As(err, &ne) && ne.Timeout() {
			return false, err
		}
		c.err = err
	}
	return n > 0 || err != nil, nil
}

// headEnd is the length of the head at the start of in, CRLF CRLF
// included; 0 while it is incomplete.
func (c *uvicornConn) headEnd() int {
	from := max(0, c.searched-3)
	if i := bytes.Index(c.in[from:], crlfcrlf); i >= 0 {
		c.searched = 0
		return from + i + 4
	}
	c.searched = len(c.in)
	return 0
}

var crlfcrlf = []byte("\r\n\r\n")

// takeHead hands on the head in[:end], rewritten where uvicorn and Go
// part, and sets up the body's framing; a head it cannot read turns the
// front off for the rest of the connection.
func (c *uvicornConn) takeHead(end int) {
	h, ok := parseHead(c.in[:end])
	if !ok || c.goRows&h.rows() != 0 {
		c.mode = frontPass
		return
	}
	if h.refused {
		if end > c.maxHead {
			c.mode = frontPass // Go's 431
			return
		}
		c.refuse()
		return
	}
	c.heads++
	out := h.rewrite()
	if out == nil || len(out) > c.maxHead {
		out = c.in[:end]
	}
	c.out, c.in = out, c.in[end:]
	switch {
	case h.chunked:
		c.mode, c.chunk = frontChunked, chunkScanner{}
	case h.length > 0:
		c.mode, c.remain = frontFixed, h.length
	default:
		c.mode = frontHead
	}
}

// blankLineFirst: in opens with an empty line, which h11 takes for a
// missing request line (h11/_receivebuffer.py: maybe_extract_lines),
// where Go skips up to 4 CR or LF bytes after a POST.
func blankLineFirst(in []byte) bool {
	return bytes.HasPrefix(in, []byte("\n")) || bytes.HasPrefix(in, []byte("\r\n"))
}

// refuse hands on, in place of what is left, a head Go takes whose record
// tells the handler to answer uvicorn's 400 (writeUvicornRefusal); what
// follows is dropped (discard): uvicorn closes the connection after that
// answer.
func (c *uvicornConn) refuse() {
	kind := "first"
	if c.heads > 0 {
		kind = "later"
	}
	c.out = []byte("GET / HTTP/1.1\r\nHost: x\r\n" + frontHeader + ": " + frontSecret + " refuse " + kind + "\r\n\r\n")
	c.in, c.mode = nil, frontEnded
}

// requestHead is a head as h11 reads it (h11/_readers.py:
// maybe_read_from_IDLE_client; h11/_abnf.py: request_line, header_field).
type requestHead struct {
	method, target, version string
	fields                  []headField
	chunked                 bool
	length                  int64
	lengthList              bool // a Content-Length field lists its value more than once
	refused                 bool // a head both h11 and Go's server refuse: uvicorn's 400 is due
}

type headField struct {
	line        string // as sent, CRLF left off
	name, value string // value without the surrounding spaces and tabs
}

// parseHead reads a head the front may pass on knowing its framing: CRLF
// lines, a request line and fields h11 takes, HTTP/1.0 or 1.1, the Host
// count h11 wants, and framing both Go and h11 read the same. ok false
// for anything else, and for CONNECT and Upgrade (left alone).
func parseHead(head []byte) (requestHead, bool) {
	var h requestHead
	text := string(head[:len(head)-2]) // every line ends with CRLF
	if strings.Count(text, "\r") != strings.Count(text, "\n") || strings.Count(text, "\r\n") != strings.Count(text, "\n") {
		return h, false // a bare CR or LF
	}
	requestLine, text, _ := strings.Cut(text, "\r\n")
	first, last := strings.IndexByte(requestLine, ' '), strings.LastIndexByte(requestLine, ' ')
	if first <= 0 || last == first {
		return h, false
	}
	h.method, h.target, h.version = requestLine[:first], requestLine[first+1:last], requestLine[last+1:]
	if !isToken(h.method) || h.target == "" || h11RejectsTarget(h.target) ||
		h.version != "HTTP/1.1" && h.version != "HTTP/1.0" || h.method == http.MethodConnect {
		return h, false
	}
	h.fields = make([]headField, 0, strings.Count(text, "\n"))
	var hosts, lengths, encodings int
	var length string
	var conflicting bool
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\r\n")
		name, value, found := strings.Cut(line, ":")
		if !found || !isToken(name) {
			return h, false // also a folded line: it opens with a space or tab
		}
		value = strings.Trim(value, " \t")
		if strings.ContainsAny(value, "\x00\x0b\x0c") {
			// not h11's field_vchar ([^\x00\s]: h11/_abnf.py); Go's
			// server refuses every control byte but tab
			// (net/http/server.go: readRequest, "invalid header value")
			h.refused = true
		}
		h.fields = append(h.fields, headField{line: line, name: name, value: value})
		switch {
		case strings.EqualFold(name, "host"):
			hosts++
		case strings.EqualFold(name, "upgrade"):
			return h, false
		case strings.EqualFold(name, "transfer-encoding"):
			encodings++
			h.chunked = strings.EqualFold(value, "chunked")
		case strings.EqualFold(name, "content-length"):
			// h11 takes a list of one value (h11/_headers.py:
			// normalize_and_validate: {length.strip() for length in
			// value.split(b",")}); Go only the value.
			for _, item := range strings.Split(value, ",") {
				item = strings.Trim(item, " \t")
				if lengths > 0 && item != length && isDigits(item) && isDigits(length) {
					// h11/_headers.py: normalize_and_validate: "conflicting
					// Content-Length headers"; Go: a comma is no number,
					// two fields must agree (net/http/transfer.go: fixLength)
					h.refused = true
				}
				if lengths > 0 && item != length || item == "" {
					conflicting = true
				}
				lengths++
				length = item
			}
			h.lengthList = h.lengthList || strings.Contains(value, ",")
		}
	}
	if hosts > 1 || hosts == 0 && h.version == "HTTP/1.1" {
		// h11/_events.py: Request: "Found multiple Host: headers",
		// "Missing mandatory Host: header"; Go's server: net/http/
		// request.go: readRequest, "too many Host headers";
		// net/http/server.go: readRequest, "missing required Host header"
		h.refused = true
	}
	if h.refused && encodings == 0 {
		return h, true
	}
	if h.refused || conflicting {
		return h, false
	}
	switch {
	case encodings > 0:
		// Go and h11 take one "chunked" on HTTP/1.1, without Content-Length
		// (net/http/transfer.go: parseTransferEncoding; h11/_headers.py:
		// normalize_and_validate).
		if encodings > 1 || !h.chunked || lengths > 0 || h.version != "HTTP/1.1" {
			return h, false
		}
	case lengths > 0:
		if length == "" || len(length) > 18 || strings.Trim(length, "0123456789") != "" {
			return h, false
		}
		for _, d := range length {
			h.length = h.length*10 + int64(d-'0')
		}
	}
	return h, true
}

// rewrite is the head Go is to read instead, nil when Go reads it as h11
// does: a target Go refuses or reads otherwise, a Host Go refuses, field
// values with control bytes, an Expect Go answers otherwise, a
// Content-Length list, an HTTP/1.0 keep-alive. What is taken out travels
// in frontHeader records.
func (h requestHead) rewrite() []byte {
	var records []string
	target := h.target
	if !strings.HasPrefix(target, "/") {
		// absolute-form, "*": uvicorn takes the whole target as the path
		records = append(records, "target "+frontEscape(target))
		target = "/"
	} else if strings.IndexByte(target, '%') >= 0 && !goParsesTarget(target) {
		// a bad escape (all Go refuses in an origin-form target of bytes
		// 21-7E): Go's 400; urllib's unquote keeps it as written
		records = append(records, "target "+frontEscape(target))
		target = escapeStrayPercents(target)
	}
	hostIndex, invalid := -1, false
	var expect, connection []string
	for i, f := range h.fields {
		switch {
		case strings.EqualFold(f.name, "host"):
			if !validGoHost(f.value) {
				records = append(records, "host "+frontEscape(f.value))
				hostIndex = i
			}
		case !validGoFieldValue(f.value):
			invalid = true
		}
		if strings.EqualFold(f.name, "expect") {
			expect = append(expect, f.value)
		}
		if strings.EqualFold(f.name, "connection") {
			connection = append(connection, f.value)
		}
	}
	h11Continue, goAnswersOtherwise := expectations(h.version, expect)
	// h11 keeps no HTTP/1.0 connection alive (h11/_connection.py:
	// _keep_alive); Go does when the first Connection field asks
	// (net/http: wantsHttp10KeepAlive).
	goKeepsAlive10 := h.version == "HTTP/1.0" && len(connection) > 0 && hasGoToken(connection[0], "keep-alive")
	if len(records) == 0 && !invalid && !goAnswersOtherwise && !h.lengthList && !goKeepsAlive10 {
		return nil // the common case, and nothing allocated
	}
	// Every field of a name is carried when one is, keeping their order.
	carried := map[string]bool{"expect": goAnswersOtherwise, "connection": goKeepsAlive10}
	for i, f := range h.fields {
		if i != hostIndex && !validGoFieldValue(f.value) {
			carried[strings.ToLower(f.name)] = true
		}
	}
	out := make([]byte, 0, 256)
	out = append(out, h.method+" "+target+" "+h.version+"\r\n"...)
	for i, f := range h.fields {
		switch name := strings.ToLower(f.name); {
		case i == hostIndex:
			out = append(out, "Host: \r\n"...)
		case name == "content-length" && h.lengthList:
			// the value alone, once: the framing both read
		case carried[name]:
			if !strings.EqualFold(f.name, frontHeader) {
				records = append(records, "field "+f.name+":"+frontEscape(f.value))
			}
		default:
			out = append(out, f.line+"\r\n"...)
		}
	}
	if h.lengthList {
		out = append(out, "Content-Length: "+strconv.FormatInt(h.length, 10)+"\r\n"...)
	}
	if carried["expect"] && h11Continue {
		out = append(out, "Expect: 100-continue\r\n"...)
	}
	for _, rec := range records {
		out = append(out, frontHeader+": "+frontSecret+" "+rec+"\r\n"...)
	}
	return append(out, "\r\n"...)
}

// rows are the rows of the table the head touches: where rewrite or
// refuse makes Go do as uvicorn does.
func (h requestHead) rows() frontRows {
	var rows frontRows
	switch {
	case h.refused:
		return rowRefusal
	case !strings.HasPrefix(h.target, "/"):
		rows |= rowOtherTargetForm
	case strings.IndexByte(h.target, '%') >= 0 && !goParsesTarget(h.target):
		rows |= rowBadEscape
	}
	var expect, connection []string
	for _, f := range h.fields {
		switch {
		case strings.EqualFold(f.name, "host"):
			if !validGoHost(f.value) {
				rows |= rowGoHost
			}
		case !validGoFieldValue(f.value):
			rows |= rowControlByte
		}
		if strings.EqualFold(f.name, "expect") {
			expect = append(expect, f.value)
		}
		if strings.EqualFold(f.name, "connection") {
			connection = append(connection, f.value)
		}
	}
	if _, goOtherwise := expectations(h.version, expect); goOtherwise {
		rows |= rowExpect
	}
	if h.lengthList {
		rows |= rowContentLengthList
	}
	if h.version == "HTTP/1.0" && len(connection) > 0 && hasGoToken(connection[0], "keep-alive") {
		rows |= rowHTTP10KeepAlive
	}
	return rows
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func goParsesTarget(target string) bool {
	_, err := url.ParseRequestURI(target)
	return err == nil
}

// expectations: whether h11 waits for 100-continue (h11/_headers.py:
// has_expect_100_continue: HTTP/1.1, "100-continue" among the
// comma-separated values of every Expect field), and whether Go answers
// otherwise: 417 for a first value without the token, a 100 Continue
// h11 would not send (net/http/server.go: expectsContinue, hasToken).
func expectations(version string, values []string) (h11Continue, goOtherwise bool) {
	if len(values) == 0 {
		return false, false
	}
	for _, v := range values {
		for _, item := range strings.Split(strings.ToLower(v), ",") {
			if strings.Trim(item, " \t") == "100-continue" {
				h11Continue = version == "HTTP/1.1"
			}
		}
	}
	goContinue := hasGoToken(values[0], "100-continue")
	switch {
	case !goContinue && values[0] != "":
		return h11Continue, true // Go's 417
	case version == "HTTP/1.1" && goContinue != h11Continue:
		return h11Continue, true
	}
	return h11Continue, false
}

// hasGoToken is net/http's hasToken: token, any case, bounded by the
// value's ends, spaces, tabs or commas.
func hasGoToken(v, token string) bool {
	for sp := 0; sp+len(token) <= len(v); sp++ {
		end := sp + len(token)
		if (sp == 0 || strings.IndexByte(" ,\t", v[sp-1]) >= 0) &&
			(end == len(v) || strings.IndexByte(" ,\t", v[end]) >= 0) &&
			strings.EqualFold(v[sp:end], token) {
			return true
		}
	}
	return false
}

// validGoHost is golang.org/x/net/http/httpguts.ValidHostHeader.
func validGoHost(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!$%&()*+,-.:;=[]'_~", c) >= 0) {
			return false
		}
	}
	return true
}

// validGoFieldValue is httpguts.ValidHeaderFieldValue: no control byte
// but tab.
func validGoFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// isToken is RFC 9110's token (h11/_abnf.py: token; Go's header names and
// methods are the same set).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// escapeStrayPercents writes a % that opens no escape as %25: Go decodes
// the path to what urllib's unquote leaves.
func escapeStrayPercents(target string) string {
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		if target[i] == '%' && !(i+2 < len(target) && isHexDigit(target[i+1]) && isHexDigit(target[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(target[i])
	}
	return b.String()
}

func hexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// frontEscape writes bytes outside 21-7E, and %, as %XX: a record is a
// field value Go takes.
func frontEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '%' {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func frontUnescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		if !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
			return "", false
		}
		b.WriteByte(hexValue(s[i+1])<<4 | hexValue(s[i+2]))
		i += 2
	}
	return b.String(), true
}

// withFrontRecords gives the handler the request as uvicorn hands it to
// the app, from the front's records: the target (scope path unquoted,
// query_string as sent: uvicorn/protocols/http/h11_impl.py:
// handle_events), the Host as sent, the fields taken out. Every copy of
// frontHeader goes, forged ones ignored.
func withFrontRecords(r *http.Request) *http.Request {
	values, ok := r.Header[frontHeader]
	if !ok {
		return r
	}
	out := r.Clone(r.Context())
	delete(out.Header, frontHeader)
	prefix := frontSecret + " "
	for _, v := range values {
		if len(v) < len(prefix) || subtle.ConstantTimeCompare([]byte(v[:len(prefix)]), []byte(prefix)) != 1 {
			continue
		}
		kind, data, _ := strings.Cut(v[len(prefix):], " ")
		switch kind {
		case "target":
			if target, ok := frontUnescape(data); ok {
				rawPath, query, _ := strings.Cut(target, "?")
				out.RequestURI = target
				out.URL = &url.URL{Path: stack.PyUnquote(rawPath), RawQuery: query}
			}
		case "host":
			if host, ok := frontUnescape(data); ok {
				out.Host = host
			}
		case "refuse":
			out = out.WithContext(context.WithValue(out.Context(), uvicornRefusalKey{}, data == "later"))
		case "field":
			name, escaped, _ := strings.Cut(data, ":")
			if value, ok := frontUnescape(escaped); ok {
				key := http.CanonicalHeaderKey(name)
				out.Header[key] = append(out.Header[key], value)
			}
		}
	}
	return out
}

// chunkScanner follows a chunked body as Go's reader does
// (net/http/internal/chunked.go: chunkedReader, readChunkLine,
// parseHexUint; net/http/transfer.go: body.readTrailer), accepting less:
// what it does not take, it calls failed.
type chunkScanner struct {
	state        chunkState
	line         []byte // the chunk-size line, or the trailer section, so far
	remain       uint64 // data bytes left in the chunk
	excess       int64
	done, failed bool
}

type chunkState int

const (
	chunkSize chunkState = iota
	chunkData
	chunkDataCR
	chunkDataLF
	chunkTrailer
)

const (
	maxChunkLine    = 1024 // Go: 4096
	maxTrailerBytes = 4000 // Go: what its 4096-byte buffer holds
)

// scan reads b and returns how many of its bytes are the body's: all of
// them until the body ends (done) or the scanner gives up (failed).
func (s *chunkScanner) scan(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch s.state {
		case chunkData:
			n := min(uint64(len(b)-i), s.remain)
			s.remain -= n
			i += int(n) - 1
			if s.remain == 0 {
				s.state = chunkDataCR
			}
		case chunkDataCR, chunkDataLF:
			want := byte('\r')
			if s.state == chunkDataLF {
				want = '\n'
			}
			if b[i] != want {
				s.failed = true
				return len(b)
			}
			if s.state == chunkDataCR {
				s.state = chunkDataLF
			} else {
				s.state = chunkSize
			}
		case chunkSize:
			s.line = append(s.line, b[i])
			if len(s.line) > maxChunkLine {
				s.failed = true
				return len(b)
			}
			if b[i] == '\n' && !s.sizeLine() {
				s.failed = true
				return len(b)
			}
		case chunkTrailer:
			s.line = append(s.line, b[i])
			if len(s.line) > maxTrailerBytes {
				s.failed = true
				return len(b)
			}
			if b[i] != '\n' {
				continue
			}
			if !bytes.HasSuffix(s.line, []byte("\r\n")) {
				s.failed = true // bare LF
				return len(b)
			}
			if string(s.line) == "\r\n" || bytes.HasSuffix(s.line, crlfcrlf) {
				if !validTrailer(s.line) {
					s.failed = true
					return len(b)
				}
				s.done = true
				return i + 1
			}
		}
	}
	return len(b)
}

// sizeLine reads a complete chunk-size line as Go does; false where Go
// would fail (or this scanner does not follow).
func (s *chunkScanner) sizeLine() bool {
	line := s.line
	s.line = s.line[:0]
	if len(line) < 2 || bytes.IndexByte(line, '\r') != len(line)-2 {
		return false // bare LF, or a CR before the end
	}
	p := line[:len(line)-2]
	s.excess += int64(len(p)) + 2
	p = bytes.TrimRight(p, " \t")
	p, _, _ = bytes.Cut(p, []byte(";"))
	if len(p) == 0 || len(p) > 16 {
		return false
	}
	var n uint64
	for _, c := range p {
		if !isHexDigit(c) {
			return false
		}
		n = n<<4 | uint64(hexValue(c))
	}
	if n > 1<<40 {
		return false
	}
	s.excess = max(0, s.excess-16-2*int64(n))
	if s.excess > 16*1024 {
		return false
	}
	if n == 0 {
		s.state = chunkTrailer
		return true
	}
	s.remain, s.state = n, chunkData
	return true
}

// validTrailer: fields Go's textproto takes (ReadMIMEHeader: a token, a
// colon, value bytes without control bytes but tab), no folded lines.
func validTrailer(section []byte) bool {
	for _, line := range strings.Split(strings.TrimSuffix(string(section), "\r\n"), "\r\n") {
		if line == "" {
			continue
		}
		name, value, found := strings.Cut(line, ":")
		if !found || !isToken(name) || !validGoFieldValue(value) {
			return false
		}
	}
	return true
}
