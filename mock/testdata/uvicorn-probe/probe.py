# The requests of mock/testdata/uvicorn-probe/output.txt (see app.py).
import socket, sys
def send(raw):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(raw)
    s.settimeout(3)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d: break
            out += d
            if b"\r\n\r\n" in out and (b"content-length: 0" in out.lower() or out.endswith(b"}") or out.endswith(b"0\r\n\r\n") or b"location" in out.lower()):
                break
    except socket.timeout:
        pass
    s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    keep = [l for l in lines[1:] if l.lower().startswith((b"location", b"content-type"))]
    return lines[0] + b" | " + b" ; ".join(keep) + b" | " + body[:160]
P = "/api/organization/x/member"
cases = [
 ("empty host", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost:\r\n\r\n"),
 ("http/1.0 no host", b"GET "+P.encode()+b"/ HTTP/1.0\r\n\r\n"),
 ("xfp https", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\r\n\r\n"),
 ("xfp https a0", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\xa0\r\n\r\n"),
 ("xfp last wins", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n\r\n"),
 ("xfp https,http", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-Proto: https, http\r\n\r\n"),
 ("ipv6 host", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
 ("user@host", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: user@api.example.com\r\n\r\n"),
 ("path E282 redirect", b"GET /api/organization/%E2%82/member/ HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("path E282", b"GET /api/organization/%E2%82/member HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("query EDA080", b"GET "+P.encode()+b"?page=%ED%A0%80&q=%E2%82A HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("bad escape path", b"GET /api/organization/%zz/member HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("raw utf8 path", b"GET /api/organization/\xc3\xa9/member HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("ctl in header", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer tok\x1c\r\n\r\n"),
 ("auth a0", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer tok\xa0\r\n\r\n"),
 ("expect other", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n"),
 ("no host 1.1", b"GET "+P.encode()+b" HTTP/1.1\r\n\r\n"),
 ("two hosts", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
 ("absolute form", b"GET http://h"+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("bad escape path redirect", b"GET /api/organization/%zz/member/ HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("bad escape and utf-8 escape", b"GET /api/organization/%E2%82%zz/member HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("ctl inside a header", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer to\x01k\r\n\r\n"),
 ("ctl and del in a header", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nAuthorization: \x7fBearer tok\x1f\r\n\r\n"),
 ("space in host", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api example.com\r\n\r\n"),
 ("ctl in host", b"GET "+P.encode()+b"/ HTTP/1.1\r\nHost: api\x01.example.com\r\n\r\n"),
 ("expect other, 1.0", b"GET "+P.encode()+b" HTTP/1.0\r\nExpect: something\r\n\r\n"),
 ("absolute form with query", b"GET http://h"+P.encode()+b"?page=2 HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("options star", b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("path without a slash", b"GET api/organization/x/member HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("content-length list", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab"),
 ("content-length list of two values", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 3\r\n\r\nab"),
 ("big head 20k", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nX-Big: "+b"a"*20000+b"\r\n\r\n"),
]
for name, raw in cases:
    print(name, "=>", send(raw))

# One connection, the requests pipelined: a rewritten request, a body of
# each framing between, a normal one last (TestFrontPipelineAsUvicorn).
def pipelined(raw):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(raw)
    s.settimeout(2)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d: break
            out += d
    except socket.timeout:
        pass
    s.close()
    import re
    return re.findall(rb"HTTP/1\.1 [0-9]{3}", out)
BODY = b"GET /api/organization/%zz/member HTTP/1.1\r\n\r\n"
print("pipelined =>", pipelined(
    b"GET /api/organization/%zz/member HTTP/1.1\r\nHost: h\r\n\r\n"
    b"POST "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY) +
    b"GET http://h"+P.encode()+b" HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n"
    b"POST "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"
    b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer tok\x1c\r\n\r\n"
    b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc"
    b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"))

# Heads h11 refuses: uvicorn's 400 as written, on a connection's first
# head and after a request (TestFrontAnswersUvicorn400), then the close.
def raw(data):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(data)
    s.settimeout(3)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d: break
            out += d
    except socket.timeout:
        out += b"<no close>"
    s.close()
    import re
    return re.sub(rb"date: [^\r]*\r\n", b"", out).replace(b"\r\n", b"\\r\\n")
FIRST = b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"
THEN = b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"
refused = [
 ("no host 1.1", b"GET "+P.encode()+b" HTTP/1.1\r\n\r\n"),
 ("two hosts", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
 ("two hosts, 1.0", b"GET "+P.encode()+b" HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"),
 ("NUL in a value", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n"),
 ("VT in a value", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nX: a\x0bb\r\n\r\n"),
 ("FF in the host", b"GET "+P.encode()+b" HTTP/1.1\r\nHost: a\x0cb\r\n\r\n"),
 ("content-length 3, 4", b"POST "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd"),
 ("content-length 3 then 4", b"POST "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
 ("CRLF first", b"\r\nGET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"),
 ("LF first", b"\nGET "+P.encode()+b" HTTP/1.1\r\nHost: h\r\n\r\n"),
]
for name, head in refused:
    print(name, "=>", raw(head + THEN))
    print(name, "after a request =>", raw(FIRST + head + THEN))
print("blank line after a POST body =>", raw(b"POST "+P.encode()+b" HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab\r\n" + THEN))
