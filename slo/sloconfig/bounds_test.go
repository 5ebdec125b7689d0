package sloconfig_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/slo/sloconfig"
)

// TestHugeValue checks that a value of several megabytes is refused with
// an error of a few hundred bytes, quoting 40 bytes of it.
func TestHugeValue(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	for _, src := range []string{
		"service: " + huge + "\njourneys: [{name: a, objectives: [{target: 99.9%}]}]\n",
		"service: shop\njourneys: [{name: a, objectives: [{target: " + huge + "}]}]\n",
		"service: shop\njourneys: [{name: a, objectives: [{target: 99.9%, labels: {team: " + huge + "}}]}]\n",
		"service: shop\njourneys: [{name: a, objectives: [{target: 99.9%, runbook: " + huge + "}]}]\n",
	} {
		_, err := sloconfig.Parse("f.yaml", []byte(src))
		var e *sloconfig.Error
		if !errors.As(err, &e) || !errors.Is(err, slo.ErrInvalid) || len(err.Error()) > 400 || !strings.Contains(err.Error(), `"`+strings.Repeat("x", 40)+`"… (5242880 bytes)`) {
			t.Errorf("Parse of a 5 MB value: %d bytes of error starting %.200q; want a short *Error quoting 40 bytes", len(err.Error()), err)
		}
	}
	// The YAML library refuses a key that long, without repeating it.
	_, err := sloconfig.Parse("f.yaml", []byte("service: shop\n"+huge+": 1\n"))
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("Parse of a 5 MB key: %d bytes of error; want a short one", len(err.Error()))
	}
}

// TestLoadNotRegular checks that Load refuses a named pipe and a device at
// once, and a file over 16 MiB.
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "shop.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 16<<20+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		fifo:        "open " + fifo + ": it is a named pipe, not a regular file; give the path of a file",
		"/dev/zero": "open /dev/zero: it is a character device, not a regular file; give the path of a file",
		big:         "read " + big + ": it holds 16777217 bytes, more than 16 MiB, the most read of it",
	} {
		if _, err := sloconfig.Load(path); err == nil || err.Error() != want {
			t.Errorf("Load(%s) = %v; want %q", path, err, want)
		}
	}
}
