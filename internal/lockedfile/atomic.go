package lockedfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
// directory, fsync, rename, fsync the directory. The temp file goes on any
// error. old, when the file exists, gives the mode (and owner) to keep.
func WriteAtomic(path string, data []byte, old fs.FileInfo) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
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
	mode := fs.FileMode(0o600)
	if old != nil {
		mode = old.Mode().Perm()
		keepOwner(tmp, old)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write %s: the file is in place but its directory did not sync: %w", path, err)
	}
	return nil
}
