package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNotRegularFiles checks that the verbs refuse a named pipe and a
// device at once, as problems of the file, rather than wait for a writer
// or read forever.
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "shop.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	shop := writeFile(t, dir, "ok.yaml", shopYAML)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", fifo}, fifo + ": open: it is a named pipe, not a regular file; give the path of a file\n"},
		{[]string{"validate", "/dev/zero"}, "/dev/zero: open: it is a character device, not a regular file; give the path of a file\n"},
		{[]string{"rules", "/dev/zero"}, "/dev/zero: open: it is a character device, not a regular file; give the path of a file\n"},
		{[]string{"backtest", "-config", shop, "-synthetic", fifo}, fifo + ": open: it is a named pipe, not a regular file; give the path of a file\n"},
		{[]string{"backtest", "-config", shop, "-synthetic", "/dev/zero"}, "/dev/zero: open: it is a character device, not a regular file; give the path of a file\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, exitInvalid)
		if res.stderr != tc.want {
			t.Errorf("journeyslo %s: stderr\n%s\nwant\n%s", strings.Join(tc.args, " "), res.stderr, tc.want)
		}
	}
}
