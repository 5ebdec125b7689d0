//go:build !unix

package slo

import "testing"

// mkfifo skips the test: the system has no named pipes to make.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	t.Skip("no named pipes on this system")
	return path
}
