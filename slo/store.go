package slo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A Store keeps a registry's latest snapshot where it outlives the process:
// a file on a persistent volume ([FileStore]), or anything else that can
// hold a few kilobytes per objective under one name (an object store
// bucket, a Kubernetes ConfigMap or Secret, a database row). The registry
// calls Load once, in [New], and Save from a goroutine of its own, one call
// at a time: a Store used by one registry needs no locking of its own. The
// bytes are the format of [Snapshot.WriteTo], which checks itself: a Store
// needs no checksum.
type Store interface {
	// Load returns the bytes of the last Save. When nothing has been saved
	// (a first start) it returns an error wrapping fs.ErrNotExist, which
	// New takes for an empty start rather than a failure.
	Load(ctx context.Context) ([]byte, error)
	// Save replaces what Load returns with data. It should be atomic: a
	// crash during Save leaves the previous snapshot or the new one. A torn
	// write is caught by the format's checksum, and then the registry
	// starts empty.
	Save(ctx context.Context, data []byte) error
}

// WithStore keeps the registry's counts in s so that a restart does not
// reset a 30-day budget: New restores what s.Load returns, and the
// registry saves a snapshot every `every` of its clock and a last time on
// Close. The default is no snapshot; [WithSnapshot] is WithStore with a
// [FileStore].
//
// A store never stalls the registry. Each Load and Save gets a context
// that ends after `every`, or after 10 seconds when that is longer; New
// waits no longer than that for Load, and starts empty when it does not
// return (a Load that ignores its context is left to return on its own
// goroutine). Saves run on a goroutine of their own, one at a time, which
// returns when no save waits: the advance that finds a snapshot due copies
// the counts, hands the copy over and goes on. A copy due while a save still runs waits for it, and a
// newer one due before it returns replaces it: one copy at most waits, and
// the one saved next is the newest, taken at its due time. A failed save
// is reported (see [OnError]), and the registry keeps advancing at every
// tick whatever its store does: a hung volume never shows as a stalled
// registry. Close waits for the save in flight, then saves a last time,
// each for at most that timeout (see [Registry.Close]). A test or a replay
// that advances faster than saves return sees fewer saves than periods.
//
// A snapshot that cannot be used never stops New: see [Registry.Restored]
// and [OnError]. A process killed without Close loses the events since the
// last save that returned: one period, and the time a save takes.
func WithStore(s Store, every time.Duration) Option {
	return func(cfg *config) {
		cfg.store, cfg.snapshotEvery = s, every
		cfg.storeErr = nil
		if s == nil || every <= 0 {
			name := "nil"
			if s != nil {
				name = storeName(s)
			}
			cfg.storeErr = fmt.Errorf("%w: WithStore(%s, %v): give a Store and a positive period, such as WithStore(slo.FileStore{Path: \"/var/lib/app/slo.snapshot\"}, time.Minute)", ErrInvalid, name, every)
		}
	}
}

// WithSnapshot keeps the registry's counts in the file at path: it is
// WithStore(FileStore{Path: path}, every). In a container the file must be
// on a volume that outlives the pod (see the package documentation under
// Restarts); otherwise every rollout starts with an empty budget.
func WithSnapshot(path string, every time.Duration) Option {
	return func(cfg *config) {
		WithStore(FileStore{Path: path}, every)(cfg)
		if path == "" || every <= 0 {
			cfg.storeErr = fmt.Errorf("%w: WithSnapshot(%q, %v): give a file path and a positive period, such as WithSnapshot(\"/var/lib/app/slo.snapshot\", time.Minute)", ErrInvalid, path, every)
		}
	}
}

// storeTimeout bounds one Load or Save: a snapshot period, at least
// minStoreTimeout.
func storeTimeout(every time.Duration) time.Duration { return max(every, minStoreTimeout) }

const minStoreTimeout = 10 * time.Second

// storeName names the store in errors: its String when it has a
// non-empty one (a FileStore's path), else its type, never its fields,
// which may hold credentials.
func storeName(s Store) string {
	if st, ok := s.(fmt.Stringer); ok && st.String() != "" {
		return st.String()
	}
	return fmt.Sprintf("%T", s)
}

// FileStore is a [Store] in one file, replaced atomically at every Save: a
// temporary file in the same directory (the file's name, ".tmp-" and
// digits), synced, renamed over the old one, and the directory synced. The
// file is created readable by its owner only. A temporary file that a
// process killed during a Save left behind is removed by the next Save.
// (Not by Load: while a rollout overlaps two processes, the old one may be
// writing its own.)
//
// Load reads the file only when it is a regular file: a named pipe, a
// device or a directory at the path is refused at once, without blocking.
//
// The zero value has no Path; its Load and Save fail with an error wrapping
// [ErrInvalid]. A FileStore holds no state: it is safe for concurrent use
// as long as no two Saves to one path run at once, which a registry never
// does. Two registries (two replicas) must never share one path.
type FileStore struct {
	// Path is the snapshot file. Its directory must exist.
	Path string
}

// Load reads the file, refusing one that is not a regular file or is
// larger than any snapshot a registry writes (64 MiB). A missing file is
// an error wrapping fs.ErrNotExist. When ctx ends first, Load returns its
// error and leaves the read, stuck on a hung volume, to finish on its own.
func (f FileStore) Load(ctx context.Context) ([]byte, error) {
	if f.Path == "" {
		return nil, errNoPath
	}
	return readRegularFile(ctx, f.Path, maxSnapshotBytes)
}

// Save replaces the file with data atomically: a reader sees the old file
// or the new one, never a part, and a crash leaves one of them on disk,
// and perhaps a temporary file, which the next Save removes. A Save whose
// ctx ends before the rename leaves the old file. Save refuses to replace
// anything but a regular file: a named pipe or a device at the path is
// left as it is.
func (f FileStore) Save(ctx context.Context, data []byte) error {
	if f.Path == "" {
		return errNoPath
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// A rename would replace a named pipe or a device node at the path
	// (as root, /dev/zero itself) with the snapshot.
	if fi, err := os.Stat(f.Path); err == nil && !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "replace", Path: f.Path, Err: notRegular(fi.Mode())}
	}
	removeTemps(f.Path)
	return writeFileAtomic(ctx, f.Path, data)
}

// String returns the path, to name the store in errors.
func (f FileStore) String() string { return f.Path }

var errNoPath = fmt.Errorf("%w: FileStore has no Path; set it to the snapshot file, such as FileStore{Path: \"/var/lib/app/slo.snapshot\"}", ErrInvalid)

// readRegularFile reads the regular file at path, of at most max bytes.
// It refuses any other kind of file at once: opening a named pipe for
// reading would wait for a writer, and a device such as /dev/zero never
// ends. It gives up when ctx ends, leaving a read stuck on a hung volume
// to return on its own goroutine.
func readRegularFile(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // the reader never waits for an abandoned call
	go func() {
		data, err := readRegular(path, max)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s: gave up: %w", path, context.Cause(ctx))
	}
}

// readRegular opens path without blocking, checks that it is a regular
// file of at most max bytes, and reads it.
func readRegular(path string, max int64) ([]byte, error) {
	// Refused before it is opened, where opening it would block; the file
	// opened is checked again, since the path may change in between.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fi.Mode())}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fi.Mode())}
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d any registry writes", path, fi.Size(), max)
	}
	data, err := readLimited(f, max)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// notRegular says what a file is instead of a regular file.
func notRegular(m fs.FileMode) error {
	kind := "not a regular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m.IsDir():
		kind = "a directory"
	}
	return fmt.Errorf("%s, not a regular file; a snapshot is a regular file", kind)
}

// readLimited reads r to its end, refusing more than max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes, more than any registry writes", max)
	}
	return data, nil
}

// tempPrefix is what the name of a temporary file of path starts with;
// os.CreateTemp puts decimal digits after it.
func tempPrefix(path string) string { return filepath.Base(path) + ".tmp-" }

// isTempOf reports whether name is a temporary file of the snapshot file
// named base: base, ".tmp-", and digits only, so that no other file of
// the directory (another store's, a backup) is ever taken for one.
func isTempOf(base, name string) bool {
	digits, ok := strings.CutPrefix(name, base+".tmp-")
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeTemps removes the temporary files of path's saves that a crash
// left: regular files in its directory named as writeFileAtomic names
// them. A registry runs one save at a time, so none of them is being
// written. It removes what it can and reports nothing: a file it cannot
// remove costs disk, not correctness.
func removeTemps(path string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		if !isTempOf(base, name) {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			os.Remove(p)
		}
	}
}

// writeFileAtomic replaces path with data: a reader sees the old file or
// the new one, never a part, and a crash leaves one of them on disk. It
// does not rename once ctx has ended, so that a save given up on never
// replaces a later one.
func writeFileAtomic(ctx context.Context, path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	// The rename is durable once the directory is.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// isNotExist reports whether a Store's Load found nothing saved.
func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
