package mock

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: a
// server, a scenario timer or a client connection that outlives its test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
