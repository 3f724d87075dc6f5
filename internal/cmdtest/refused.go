package cmdtest

import (
	"strconv"
	"syscall"
	"testing"
)

// RefusedURL is http://127.0.0.1:PORT where every connection is refused
// until the test ends: the port is bound and never listened on, so no
// other server can take it meanwhile (a closed test server's port can be
// handed to the next one, and the "refused" case would then reach it).
func RefusedURL(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(sa.(*syscall.SockaddrInet4).Port)
}
