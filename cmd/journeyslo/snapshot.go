package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/journeyslo/journeyslo/burnrate"
	"github.com/journeyslo/journeyslo/slo"
	"github.com/journeyslo/journeyslo/window"
)

var snapshotVerb = &verb{
	synopsis: "snapshot [-config FILE]... SNAPSHOT",
	summary:  "show what a registry's snapshot file holds",
	help: `Snapshot reads a file written by a registry's WithSnapshot (or Snapshot.WriteTo)
and shows what it holds: the format version, when it was written, its rotation
tick, and for every objective its latency threshold, the events the writer
recorded since its start, and each ring's buckets, the time they span and the
good and bad events in them (up to the end of the step the snapshot was taken
in), then its episodes: when each started, its severity and the rule that set
it, when it ended (or "open"), the share of the budget it spent and its peak
burn rate. Each ring holds every event of the time its buckets cover, so the rings
read as the events of about the last 5 minutes, hour, 6 hours... up to the
period: what a restored registry evaluates its budgets and burn rates over,
counting the oldest bucket of a window in part.

With -config, the objectives of a journeyslo config file (or of OpenSLO v1
files, -config given once for each) are restored from the snapshot as a
registry's New restores them, evaluated at the time the snapshot was written,
and shown: which were restored and why the others were not, and each one's
state, SLI and budget left, or, while the period holds fewer events than the
objective's minimum for a budget, how many it holds ("not enough events: 12 of
1000"). The snapshot file is only read: a named pipe, a device or a directory is
refused, and so is a file larger than 64 MiB, more than any registry writes.
`,
	flags: flagsOf[snapshotOptions],
	run:   runSnapshot,
}

// snapshotOptions are the snapshot verb's flags.
type snapshotOptions struct {
	configs stringsFlag
}

func (o *snapshotOptions) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlags("snapshot", stderr)
	fs.Var(&o.configs, "config", "an objective `file` to restore the snapshot into and evaluate; repeat it for the files of one\nservice's OpenSLO documents")
	return fs
}

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	o, path, status, ok := parseOne[snapshotOptions]("snapshot", "snapshot file", args, stdout, stderr)
	if !ok {
		return status
	}
	var src *source // nil without -config: the snapshot is shown alone
	if len(o.configs) > 0 {
		if src, status, ok = loadService(stderr, "snapshot", o.configs, "a snapshot is one registry's, of one service"); !ok {
			return status
		}
	}
	data, err := readSnapshotFile(path)
	if err != nil {
		printErr(stderr, readErr(path, err))
		return exitInvalid
	}
	snap, err := slo.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return exitInvalid
	}
	writeSnapshot(stdout, path, snapshotFormatVersion(data), snap)
	if src == nil {
		return exitOK
	}
	if err := writeRestore(stdout, src, data, snap.Written); err != nil {
		printErr(stderr, fileErr(err, src.paths...))
		return exitInvalid
	}
	return exitOK
}

// writeRestore restores the snapshot data into a registry of src's
// objectives whose clock reads at, as New does at a start, and writes what
// it restored and how each objective stands.
func writeRestore(w io.Writer, src *source, data []byte, at time.Time) error {
	mock := clock.NewMock()
	mock.Set(at)
	reg, err := slo.New(src.objectives, slo.WithClock(mock), slo.WithManualAdvance(),
		slo.WithStore(readOnlyStore(data), time.Hour),
		slo.OnError(func(error) {})) // Restored says all of it, and nothing is logged
	if err != nil {
		return err
	}
	defer reg.Close()
	rep := reg.Restored()
	fmt.Fprintf(w, "\nRestored into the objectives of %s, evaluated at %s:\n", src.name(), instant(at))
	if rep.Err != nil {
		fmt.Fprintf(w, "  nothing restored: %v\n", rep.Err)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "  not restored: %s\n", s)
	}
	restored := map[string]bool{}
	for _, key := range rep.Objectives {
		restored[key] = true
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  objective\trestored\tstate\tgood\tbad\tSLI\tbudget left\tperiod")
	for _, st := range reg.Status() {
		key := slo.ObjectiveKey(st.Journey, st.Objective)
		yes := "no"
		if restored[key] {
			yes = "yes"
		}
		state := st.State.String()
		if st.Rule != "" {
			state += " (" + st.Rule + ")"
		}
		sli := "-"
		if !st.NoData {
			sli = strconv.FormatFloat(st.SLI, 'g', 6, 64)
		}
		// Too few events make no budget: say so, not a figure like -8233%.
		budget := st.Evidence()
		if budget == "" {
			budget = strconv.FormatFloat(st.BudgetRemaining*100, 'g', 4, 64) + "%"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", key, yes, state, st.Good, st.Bad, sli,
			budget, burnrate.FormatWindow(st.Period))
	}
	return tw.Flush()
}

// snapshotReadTimeout bounds the read of a snapshot file, on a volume that
// may hang.
const snapshotReadTimeout = 30 * time.Second

// readSnapshotFile reads the snapshot file at path as a registry's New
// does (slo.FileStore's Load): a named pipe, a device or a directory is
// refused at once rather than waited on or read without end, and a file is
// read to the size limit of the format, 64 MiB, within
// snapshotReadTimeout.
func readSnapshotFile(path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), snapshotReadTimeout)
	defer cancel()
	return slo.FileStore{Path: path}.Load(ctx)
}

// readOnlyStore is a snapshot's bytes as a Store that never writes: the
// registry that reads them saves on Close, and the command must leave the
// user's file as it was.
type readOnlyStore []byte

func (s readOnlyStore) Load(context.Context) ([]byte, error) { return s, nil }
func (readOnlyStore) Save(context.Context, []byte) error     { return nil }

// stringsFlag is a repeatable flag of strings.
type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ",") }
func (f *stringsFlag) Set(s string) error { *f = append(*f, s); return nil }

// snapshotFormatVersion returns the version of a file that slo.ReadSnapshot
// has read, which the format writes right after its 8-byte magic as a
// uvarint. The version a file was written in is the first thing to tell
// someone whose restore did not go as expected, and slo keeps it to itself.
func snapshotFormatVersion(data []byte) uint64 {
	const magicLen = len("JSLOSNAP")
	v, _ := binary.Uvarint(data[magicLen:])
	return v
}

// writeSnapshot writes the report on snap, read from path, to w.
func writeSnapshot(w io.Writer, path string, version uint64, snap slo.Snapshot) {
	objectives := 0
	for _, s := range snap.Series {
		if s.Objective != "" {
			objectives++
		}
	}
	stepStart := time.Unix(0, snap.Step*int64(snap.Tick))
	fmt.Fprintf(w, "%s: journeyslo snapshot, format version %d\n", path, version)
	fmt.Fprintf(w, "written:    %s\n", instant(snap.Written))
	fmt.Fprintf(w, "tick:       %s; counts as of step %d, %s to %s\n", burnrate.FormatWindow(snap.Tick), snap.Step,
		instant(stepStart), instant(stepStart.Add(snap.Tick)))
	fmt.Fprintf(w, "objectives: %d, and the events of undeclared journeys (%s)\n", objectives, slo.Unmatched)
	for _, s := range snap.Series {
		fmt.Fprintln(w)
		switch {
		case s.Objective == "":
			fmt.Fprintf(w, "%s: events of journeys no objective declares\n", s.Journey)
		case s.Latency > 0:
			fmt.Fprintf(w, "%s: latency, good when not bad and within %v\n", slo.ObjectiveKey(s.Journey, s.Objective), s.Latency)
		default:
			fmt.Fprintf(w, "%s: availability\n", slo.ObjectiveKey(s.Journey, s.Objective))
		}
		fmt.Fprintf(w, "  recorded by the writer since its start: %d good, %d bad (a restore starts these totals from zero)\n",
			s.Total.Good, s.Total.Bad)
		if len(s.Rings) == 0 {
			fmt.Fprintln(w, "  no windows: only the totals are kept")
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  ring\tbuckets\tfrom\tto\tgood\tbad\tbad share")
		for i, r := range s.Rings {
			n := int64(len(r.Buckets))
			from := time.Unix(0, (r.Last-n+1)*int64(r.Width))
			// The newest bucket ends after the snapshot was taken; it holds
			// no event later than the end of the snapshot's step.
			to := time.Unix(0, (r.Last+1)*int64(r.Width))
			if end := stepStart.Add(snap.Tick); end.Before(to) {
				to = end
			}
			sum := ringSum(r)
			fmt.Fprintf(tw, "  %d\t%d x %s\t%s\t%s\t%d\t%d\t%s\n", i+1, n, burnrate.FormatWindow(r.Width),
				instant(from), instant(to), sum.Good, sum.Bad, badShare(sum))
		}
		tw.Flush()
		writeEpisodes(w, s.Episodes)
	}
	fmt.Fprint(w, "\nA window of length d at time T counts the buckets after T-d whole, and the share of\n"+
		"the bucket T-d falls in that lies after T-d, as if its events were spread evenly.\n"+
		"A registry restores the rings of each objective it declares with the same journey,\n"+
		"name and latency threshold, unless the counts are more than an hour ahead of its\n"+
		"clock at New; Registry.Restored says what it restored, and why not.\n")
}

// writeEpisodes writes an objective's episode log, as the snapshot holds
// it and a restored registry's Episodes returns it: oldest first, an open
// one last.
func writeEpisodes(w io.Writer, episodes []slo.Episode) {
	if len(episodes) == 0 {
		fmt.Fprintln(w, "  episodes: none")
		return
	}
	fmt.Fprintf(w, "  episodes: %d, oldest first\n", len(episodes))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  start\tseverity\trule\tend\tbudget spent\tpeak burn")
	for _, e := range episodes {
		end := "open"
		if !e.Open() {
			end = instant(e.End)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s%%\t%sx\n", instant(e.Start), e.Severity, e.Rule, end,
			strconv.FormatFloat(e.BudgetSpent*100, 'g', 4, 64), strconv.FormatFloat(e.PeakBurn, 'g', 4, 64))
	}
	tw.Flush()
}

// ringSum returns the events in a ring's buckets, saturating like
// window.Counts.Total rather than wrapping.
func ringSum(r window.RingState) window.Counts {
	var sum window.Counts
	for _, c := range r.Buckets {
		sum.Good = addSat(sum.Good, c.Good)
		sum.Bad = addSat(sum.Bad, c.Bad)
	}
	return sum
}

func addSat(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}

// badShare writes the share of bad events as a percentage, and "-" when
// there are none at all, where a ratio would be 0/0.
func badShare(c window.Counts) string {
	total := c.Total()
	if total == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(c.Bad)/float64(total)*100, 'g', 4, 64) + "%"
}

// instant writes t in RFC 3339, in UTC, to the nanosecond when it has any.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
