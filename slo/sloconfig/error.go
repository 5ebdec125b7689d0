package sloconfig

import "github.com/journeyslo/journeyslo/internal/yamlpos"

// An Error is one problem of a file at the place it is written, as
// "FILE:LINE:COLUMN: message": of a config, and of every other file the
// library reads (OpenSLO documents, backtest scenarios and traffic, risk
// catalogs), so that one errors.As finds the place of any of them:
//
//	var e *sloconfig.Error
//	if errors.As(err, &e) {
//		fmt.Println(e.File, e.Line, e.Column, e.Path)
//	}
//
// Every Error matches slo.ErrInvalid with errors.Is, and what it wraps (an
// error of package slo or burnrate, when those found the problem) with
// errors.Is and errors.As. For a Config built in Go, File is empty and
// Line and Column are 0, and the message alone is written.
type Error = yamlpos.Error

// position is where a node is written in a file.
type position struct{ line, column int }
