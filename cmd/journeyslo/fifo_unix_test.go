//go:build unix

package main

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path, or skips the test when it cannot.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipe: %v", err)
	}
	return path
}
