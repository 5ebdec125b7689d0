package slorisk

// position is where a node is written in a file.
type position struct{ line, column int }
