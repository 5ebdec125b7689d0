package boundedfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/journeyslo/journeyslo/internal/boundedfile"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(path, []byte("service: shop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := boundedfile.ReadFile(path, 14)
	if err != nil || string(got) != "service: shop\n" {
		t.Errorf("ReadFile(a file of 14 bytes, 14) = %q, %v; want its text", got, err)
	}
	_, err = boundedfile.ReadFile(path, 13)
	if want := "read " + path + ": it holds 14 bytes, more than 13 bytes, the most read of it"; err == nil || err.Error() != want || !errors.Is(err, boundedfile.ErrTooLarge) {
		t.Errorf("ReadFile(a file of 14 bytes, 13) = %v; want %q, matching ErrTooLarge", err, want)
	}
	if _, err := boundedfile.ReadFile(filepath.Join(dir, "missing"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(a missing file) = %v; want an error matching os.ErrNotExist", err)
	}
}

// TestNotRegular checks that what is not a regular file is refused before
// anything is read: a named pipe without a writer, whose open would block,
// a device that never ends, a directory.
func TestNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{fifo, "open " + fifo + ": it is a named pipe, not a regular file; give the path of a file"},
		{"/dev/zero", "open /dev/zero: it is a character device, not a regular file; give the path of a file"},
		{dir, "open " + dir + ": it is a directory, not a regular file; give the path of a file"},
	} {
		_, err := boundedfile.ReadFile(tc.path, 1<<20)
		if err == nil || err.Error() != tc.want || !errors.Is(err, boundedfile.ErrNotRegular) {
			t.Errorf("ReadFile(%s) = %v; want %q, matching ErrNotRegular", tc.path, err, tc.want)
		}
	}
}

// TestGrows checks that a file that grows past the limit after it was
// opened is read to the limit and no further.
func TestGrows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "traffic.csv")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := boundedfile.Open(path, 16)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(strings.Repeat("x", 100)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, err := io.ReadAll(f)
	if len(got) != 16 || !errors.Is(err, boundedfile.ErrTooLarge) {
		t.Errorf("reading a file grown to 110 bytes with a limit of 16 = %d bytes, %v; want 16 bytes and ErrTooLarge", len(got), err)
	}
	if want := "read " + path + ": it holds more than 16 bytes, the most read of it"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{300: "300 bytes", 16 << 20: "16 MiB", 512 << 10: "512 KiB", 3<<20 + 1: "3145729 bytes", 1500: "1500 bytes"} {
		if got := boundedfile.Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
