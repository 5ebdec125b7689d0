package slorisk

import "fmt"

// An Error is one problem of a catalog file, at the place it is written.
// Every Error matches [ErrInvalid] with errors.Is, and what it wraps (an
// error of package burnrate, when that found the problem) with errors.Is
// and errors.As.
type Error struct {
	// File is the name the catalog was parsed from.
	File string
	// Line and Column are where the problem is written, from 1.
	Line, Column int
	// Path is where the problem is in the file's structure, such as
	// "risks[1].impact".
	Path string
	// Err says what is wrong and what would be right.
	Err error
}

// Error writes "FILE:LINE:COLUMN: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

// Unwrap returns the error that says what is wrong.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid: every problem of a catalog makes
// it invalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// position is where a node is written in a file.
type position struct{ line, column int }
