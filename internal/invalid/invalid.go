// Package invalid makes the errors by which the packages under slo/ report
// a misconfiguration: each reads as its package writes it ("slorules:
// objective 2 (checkout:availability): ..."), matches slo.ErrInvalid, the
// one sentinel of a misconfiguration under slo/, and keeps what it wraps,
// so that a bad target is also burnrate.ErrInvalid.
package invalid

import (
	"fmt"

	"github.com/journeyslo/journeyslo/slo"
)

// Errorf returns the error fmt.Errorf(format, args...) returns, which also
// matches slo.ErrInvalid with errors.Is.
func Errorf(format string, args ...any) error {
	return &invalidError{fmt.Errorf(format, args...)}
}

type invalidError struct{ err error }

func (e *invalidError) Error() string        { return e.err.Error() }
func (e *invalidError) Unwrap() error        { return e.err }
func (e *invalidError) Is(target error) bool { return target == slo.ErrInvalid }

// Prefix returns an error that reads pkg and matches slo.ErrInvalid, for
// a package to wrap first in its errors: fmt.Errorf("%w: no traffic",
// invalid.Prefix("slobacktest")) reads "slobacktest: no traffic" and
// matches slo.ErrInvalid, and so does every error that wraps it.
func Prefix(pkg string) error { return prefix(pkg) }

type prefix string

func (p prefix) Error() string        { return string(p) }
func (p prefix) Is(target error) bool { return target == slo.ErrInvalid }
