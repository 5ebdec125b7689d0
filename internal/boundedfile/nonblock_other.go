//go:build !unix

package boundedfile

// nonblock is 0 where opening a file has no non-blocking mode.
const nonblock = 0
