package sloconfig

import (
	"github.com/journeyslo/journeyslo/internal/yamlpos"
	"github.com/journeyslo/journeyslo/slo"
)

// An Error is one problem of a config, at the place it is written. Every
// Error matches slo.ErrInvalid with errors.Is, and what it wraps (an error
// of package slo or burnrate, when those found the problem) with
// errors.Is and errors.As.
type Error struct {
	// File is the name the config was parsed from; empty for a Config
	// built in Go.
	File string
	// Line and Column are where the problem is written, from 1; zero when
	// File is empty.
	Line, Column int
	// Path is where the problem is in the config's structure, such as
	// "journeys[0].objectives[1].target".
	Path string
	// Err says what is wrong and what would be right.
	Err error
}

// Error writes "FILE:LINE:COLUMN: message", or the message alone for a
// Config built in Go (which names the journey and objective, or the path).
func (e *Error) Error() string { return yamlpos.Message(e.File, e.Line, e.Column, e.Err) }

// Unwrap returns the error that says what is wrong.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is slo.ErrInvalid: every problem of a config
// is an invalid objective or setting.
func (e *Error) Is(target error) bool { return target == slo.ErrInvalid }

// position is where a node is written in a file.
type position struct{ line, column int }
