package slo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// A Store keeps a registry's latest snapshot where it outlives the process:
// a file on a persistent volume ([FileStore]), or anything else that can
// hold a few kilobytes per objective under one name (an object store
// bucket, a Kubernetes ConfigMap or Secret, a database row). The registry
// calls Load once, in [New], and Save from the goroutine that advances it
// and from [Registry.Close], one call at a time; a Store used by one
// registry needs no locking of its own. The bytes are the format of
// [Snapshot.WriteTo], which checks itself: a Store needs no checksum.
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
// registry saves a snapshot every `every` of its clock (from Advance, so on
// the rotator's goroutine) and a last time on Close. Each Load and Save
// gets a context that ends after `every`, or after 10 seconds when that is
// longer, so that a stuck store delays the registry by a bounded time. A
// snapshot that cannot be used never stops New: see [Registry.Restored] and
// [OnError]. A process killed without Close loses at most `every` of
// events. The default is no snapshot; [WithSnapshot] is WithStore with a
// [FileStore].
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
func (r *Registry) storeTimeout() time.Duration { return max(r.snapshotEvery, minStoreTimeout) }

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
// temporary file in the same directory, synced, renamed over the old one,
// and the directory synced. The file is created readable by its owner only.
//
// The zero value has no Path; its Load and Save fail with an error wrapping
// [ErrInvalid]. A FileStore holds no state: it is safe for concurrent use
// as long as no two Saves run at once, which a registry never does.
type FileStore struct {
	// Path is the snapshot file. Its directory must exist.
	Path string
}

// Load reads the file, refusing one larger than any snapshot a registry
// writes (64 MiB). A missing file is an error wrapping fs.ErrNotExist.
func (f FileStore) Load(ctx context.Context) ([]byte, error) {
	if f.Path == "" {
		return nil, errNoPath
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return readFileLimited(f.Path, maxSnapshotBytes)
}

// Save replaces the file with data atomically: a reader sees the old file
// or the new one, never a part, and a crash leaves one of them on disk.
func (f FileStore) Save(ctx context.Context, data []byte) error {
	if f.Path == "" {
		return errNoPath
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeFileAtomic(f.Path, data)
}

// String returns the path, to name the store in errors.
func (f FileStore) String() string { return f.Path }

var errNoPath = fmt.Errorf("%w: FileStore has no Path; set it to the snapshot file, such as FileStore{Path: \"/var/lib/app/slo.snapshot\"}", ErrInvalid)

// readFileLimited reads a file of at most max bytes.
func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, max)
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

// writeFileAtomic replaces path with data: a reader sees the old file or
// the new one, never a part, and a crash leaves one of them on disk.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
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
