// Package boundedfile opens and reads the files that journeyslo is given
// by name (configs, OpenSLO documents, scenarios, risk catalogs, traffic),
// bounded: a file is opened only when it is a regular file, so that a
// named pipe or a device (/dev/zero, a terminal) is refused at once rather
// than blocking or streaming forever, and it is read to a size limit.
//
// It imports nothing of journeyslo's, so that any package may use it.
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Open opens the file at path for reading when it is a regular file of at
// most max bytes. It looks at the file before it opens it, so that opening
// a named pipe never waits for a writer, opens it without blocking, and
// looks again at what it opened, which may have been replaced meanwhile.
// The file's reads stop with an error past max bytes, should it grow.
// Errors are *fs.PathError naming path, with Op "open" or "read".
func Open(path string, max int64) (*File, error) {
	info, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // what the caller asked for
		}
		return nil, err
	}
	if err := check(path, info, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, err
	}
	info, err = f.Stat()
	if err == nil {
		err = check(path, info, max)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{f: f, path: path, left: max, max: max}, nil
}

// ReadFile reads the whole of the regular file at path, of at most max
// bytes (see [Open]).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// check refuses what is not a regular file, or is larger than max bytes.
func check(path string, info fs.FileInfo, max int64) error {
	if kind := kind(info.Mode()); kind != "" {
		return &fs.PathError{Op: "open", Path: path, Err: &problem{ErrNotRegular, "it is " + kind + ", not a regular file; give the path of a file"}}
	}
	if info.Size() > max {
		return &fs.PathError{Op: "read", Path: path, Err: tooLarge(info.Size(), max)}
	}
	return nil
}

// kind names what a file that is not regular is, or is "" for a regular
// file.
func kind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	}
	return "a device"
}

// ErrNotRegular is wrapped by the error of opening what is not a regular
// file: a directory, a named pipe, a socket or a device.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error of a file larger than its limit.
var ErrTooLarge = errors.New("file too large")

func tooLarge(size, max int64) error {
	if size < 0 {
		return &problem{ErrTooLarge, "it holds more than " + Bytes(max) + ", the most read of it"}
	}
	return &problem{ErrTooLarge, "it holds " + Bytes(size) + ", more than " + Bytes(max) + ", the most read of it"}
}

// A problem is an error that matches one of the package's sentinels, in
// words of its own.
type problem struct {
	sentinel error
	msg      string
}

func (p *problem) Error() string        { return p.msg }
func (p *problem) Is(target error) bool { return target == p.sentinel }

// Bytes writes a size for messages: "16 MiB", "512 KiB", "16777217 bytes".
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// A File is a regular file open for reading, which refuses to read past
// its limit.
type File struct {
	f    *os.File
	path string
	left int64
	max  int64
}

// Read reads from the file, failing once it has read more than the limit.
func (f *File) Read(p []byte) (int, error) {
	if f.left < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: tooLarge(-1, f.max)}
	}
	if int64(len(p)) > f.left+1 {
		p = p[:f.left+1]
	}
	n, err := f.f.Read(p)
	f.left -= int64(n)
	if f.left < 0 {
		return n + int(f.left), &fs.PathError{Op: "read", Path: f.path, Err: tooLarge(-1, f.max)}
	}
	return n, err
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
