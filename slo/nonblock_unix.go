//go:build unix

package slo

import "syscall"

// openNonblock opens a named pipe without waiting for a writer, so that
// FileStore can refuse it at once; it changes nothing for a regular file.
const openNonblock = syscall.O_NONBLOCK
