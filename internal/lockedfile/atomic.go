package lockedfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ResolveTarget follows symlinks so that a linked file is replaced where it
// lives and the link stays a link. A link to a file not yet written resolves
// to where that file will be.
func ResolveTarget(path string) (string, error) {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", path, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", path, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", fmt.Errorf("resolve %s: too many symbolic links", path)
}

// ReadTarget returns the file's content and mode; a missing file is empty
// and will be created 0600.
func ReadTarget(path string) (data []byte, fi fs.FileInfo, err error) {
	fi, err = os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		// Replacing a device such as /dev/null by rename would be a disaster.
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, fi, nil
}

// WriteAtomic replaces path with data so that a reader, or a crash, sees the
// old content or the new one and never a mix: temp file in the same
// directory, fsync, rename, fsync the directory. The new file gets mode
// perm; old, when the file exists, gives the owner to keep. The temp file
// goes on any error, and stays 0600 until its content is complete.
//
// l must be the lock that every writer of path takes. Holding it, no other
// writer is between creating its temp file and renaming it, so every temp
// file of path is one a writer killed on the way left behind, maybe holding
// secrets: WriteAtomic removes them first.
func (l *Lock) WriteAtomic(path string, data []byte, old fs.FileInfo, perm fs.FileMode) error {
	return l.writeAtomic(path, data, old, perm, true)
}

// WriteAtomicNoSync is WriteAtomic without its two fsyncs, for a file that
// is only a cache (its loss costs a new fetch, nothing the user wrote):
// readers still see the old content or the new and never a mix, since the
// rename is atomic, but a crash of the machine soon after may leave the old
// file, none, an empty one or one cut short. Every reader of such a file
// must take all of those for missing. It saves two waits for the disk.
func (l *Lock) WriteAtomicNoSync(path string, data []byte, old fs.FileInfo, perm fs.FileMode) error {
	return l.writeAtomic(path, data, old, perm, false)
}

func (l *Lock) writeAtomic(path string, data []byte, old fs.FileInfo, perm fs.FileMode, durable bool) error {
	// A lock in another directory guards some other file; cleaning up under
	// it could remove a live writer's temp file.
	if d := filepath.Dir(path); d != filepath.Dir(l.path) {
		return fmt.Errorf("write %s: lock %s does not guard it (not in %s)", path, l.path, d)
	}
	removeOrphans(path)
	return writeAtomic(path, data, old, perm, durable)
}

// tempPattern names a temp file of the file base: hidden, so that listings
// skip it, and CreateTemp puts decimal digits for the '*'.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// removeOrphans removes the temp files of path that writers left. It is best
// effort: one that cannot be removed now will be at the next write, and the
// write itself must not fail for it.
func removeOrphans(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix, _, _ := strings.Cut(tempPattern(base), "*")
	for _, de := range des {
		rest, ok := strings.CutPrefix(de.Name(), prefix)
		if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" || !de.Type().IsRegular() {
			continue
		}
		_ = os.Remove(filepath.Join(dir, de.Name()))
	}
}

func writeAtomic(path string, data []byte, old fs.FileInfo, perm fs.FileMode, durable bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// CreateTemp makes the file 0600: a writer killed before the rename
	// leaves it behind, so it must be private while it holds the content.
	tmp, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name, closed := tmp.Name(), false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	// Owner and mode come last, right before the rename, so that a kill
	// leaves a file readable by others only once it holds no more than the
	// target will show. (A crash may lose them: the file is then 0600.)
	if old != nil {
		keepOwner(tmp, old)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !durable {
		return nil
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write %s: the file is in place but its directory did not sync: %w", path, err)
	}
	return nil
}
