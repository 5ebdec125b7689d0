package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	res := runCmd(t, "help")
	res.wantStatus(t, exitOK)
	for _, n := range verbNames() {
		if line := "  journeyslo " + verbs[n].synopsis + "\n"; !strings.Contains(res.stdout, line) {
			t.Errorf("journeyslo help: no usage line %q in\n%s", line, res.stdout)
		}
	}
	if !strings.Contains(res.stdout, "\nExit status: 0 on success; 1 when a file is invalid") {
		t.Errorf("journeyslo help: the exit statuses are missing from\n%s", res.stdout)
	}
	// With no verb at all, the same help goes to stderr, with the usage
	// status.
	none := runCmd(t)
	none.wantStatus(t, exitUsage)
	if none.stderr != res.stdout || none.stdout != "" {
		t.Errorf("journeyslo: stdout %q, stderr %q; want the help on stderr alone", none.stdout, none.stderr)
	}
	for _, flag := range []string{"-h", "-help", "--help"} {
		if h := runCmd(t, flag); h.status != exitOK || h.stdout != res.stdout {
			t.Errorf("journeyslo %s: status %d, stdout %q; want 0 and the help", flag, h.status, h.stdout)
		}
	}
}

func TestHelpVerb(t *testing.T) {
	res := runCmd(t, "help", "snapshot")
	res.wantStatus(t, exitOK)
	flags := "\nFlags:\n  -config file\n    \tan objective file to restore the snapshot into and evaluate; repeat it for the files of one\n" +
		"    \tservice's OpenSLO documents\n"
	want := "usage: journeyslo snapshot [-config FILE]... SNAPSHOT\n\n" + snapshotVerb.help + flags + exitHelp
	if res.stdout != want {
		t.Errorf("journeyslo help snapshot:\n%s\nwant\n%s", res.stdout, want)
	}
	// -h on the verb writes its help and flags (without the exit statuses)
	// to stdout.
	h := runCmd(t, "snapshot", "-h")
	h.wantStatus(t, exitOK)
	if want := "usage: journeyslo snapshot [-config FILE]... SNAPSHOT\n\n" + snapshotVerb.help + flags; h.stdout != want {
		t.Errorf("journeyslo snapshot -h:\n%s\nwant\n%s", h.stdout, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"nope"}, `journeyslo: unknown verb "nope"; the verbs are ` + strings.Join(verbNames(), ", ") + " (journeyslo help lists them)\n"},
		{[]string{"help", "nope"}, `journeyslo help: unknown verb "nope"; the verbs are ` + strings.Join(verbNames(), ", ") + "\n"},
		{[]string{"help", "snapshot", "version"}, "journeyslo help: 2 verbs given (snapshot version); name one at most\nusage: journeyslo help [VERB]\nrun 'journeyslo help help' for more\n"},
		{[]string{"version", "now"}, "journeyslo version: unexpected argument \"now\"\nusage: journeyslo version\nrun 'journeyslo help version' for more\n"},
	} {
		res := runCmd(t, tc.args...)
		res.wantStatus(t, exitUsage)
		if res.stderr != tc.stderr || res.stdout != "" {
			t.Errorf("journeyslo %s: stdout %q, stderr\n%q\nwant nothing and\n%q", strings.Join(tc.args, " "), res.stdout, res.stderr, tc.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	res := runCmd(t, "version")
	res.wantStatus(t, exitOK)
	// A test binary carries no module version.
	want := "journeyslo (devel) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if res.stdout != want {
		t.Errorf("journeyslo version: %q, want %q", res.stdout, want)
	}
}

// TestEveryVerbHelp checks that every verb answers -h and help VERB with
// its usage line on stdout and status 0.
func TestEveryVerbHelp(t *testing.T) {
	for _, name := range verbNames() {
		for _, args := range [][]string{{name, "-h"}, {"help", name}} {
			if name == "help" && args[1] == "-h" {
				args = []string{"help", "help"} // help's own arguments are verbs
			}
			res := runCmd(t, args...)
			res.wantStatus(t, exitOK)
			if want := "usage: journeyslo " + verbs[name].synopsis + "\n\n"; !strings.HasPrefix(res.stdout, want) || res.stderr != "" {
				t.Errorf("journeyslo %s: stdout starts %.80q, stderr %q; want %q and nothing", strings.Join(args, " "), res.stdout, res.stderr, want)
			}
		}
	}
	if got := verbNames(); strings.Join(got, " ") != "validate rules dashboards convert openslo snapshot backtest risk serve help version" {
		t.Errorf("verbs %v, want validate rules dashboards convert openslo snapshot backtest risk serve help version", got)
	}
}
