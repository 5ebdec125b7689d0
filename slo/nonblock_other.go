//go:build !unix

package slo

// openNonblock is 0 where the system has no named pipes that block an
// open.
const openNonblock = 0
