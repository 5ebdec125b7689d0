//go:build unix

package boundedfile

import "syscall"

// nonblock opens a file without waiting: a named pipe without a writer
// would otherwise block the open.
const nonblock = syscall.O_NONBLOCK
