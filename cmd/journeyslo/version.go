package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

var versionVerb = &verb{
	synopsis: "version",
	summary:  "show the command's module version",
	help: `Version writes the journeyslo module's version the command was built from, as
the Go toolchain recorded it: v1.2.3 after go install ...@v1.2.3, "(devel)"
when built from a checkout without version control information, and the Go
version and platform it was built for.
`,
	run: runVersion,
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", stderr)
	if status, ok := parseFlags(fs, "version", args, stdout); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageErr(stderr, "version", "unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(stdout, "journeyslo %s %s %s/%s\n", moduleVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// moduleVersion returns the main module's version from the build
// information, or "(devel)" when there is none (a test binary, a build
// without module support).
func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
