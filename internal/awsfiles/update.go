package awsfiles

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
	"github.com/awsfed/awsfed/internal/lockedfile"
)

// lockWait bounds how long an update waits for another writer. Writers hold
// the lock for milliseconds, so ten seconds means one of them is stuck.
const lockWait = 10 * time.Second

// Update edits the INI file at path under an exclusive lock: it reads the file
// (a missing one is empty), refuses one the AWS CLI would refuse with a
// *FileError, lets fn edit the document, and, if fn changed anything, replaces
// the file atomically. A symlinked file is replaced at its target. New files
// are 0600 and new directories 0700; an existing file keeps its mode. The
// wait for another writer's lock ends with ctx or after 10 seconds.
func Update(ctx context.Context, path string, fn func(doc *inifile.Doc) error) error {
	_, err := update(ctx, path, lockWait, false, fn)
	return err
}

// update is Update with the lock's wait and, for a file that holds secret
// keys (private), a mode that lets no one else read it: a file others could
// read is made 0600, and rewritten for that even when fn changed nothing.
// It then returns the mode the file had; otherwise 0.
func update(ctx context.Context, path string, wait time.Duration, private bool, fn func(doc *inifile.Doc) error) (loose fs.FileMode, err error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("update %s: %w", path, err)
	}
	target, err := lockedfile.ResolveTarget(path)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return 0, fmt.Errorf("update %s: %w", path, err)
	}
	lock, err := lockedfile.Acquire(ctx, target+".lock", wait)
	if err != nil {
		return 0, fmt.Errorf("update %s: %w", path, err)
	}
	defer lock.Release()

	data, old, err := lockedfile.ReadTarget(target)
	if err != nil {
		return 0, err
	}
	doc, err := parseStrict(path, data)
	if err != nil {
		return 0, err
	}
	if err := fn(doc); err != nil {
		return 0, fmt.Errorf("update %s: %w", path, err)
	}
	if err := doc.Err(); err != nil {
		return 0, fmt.Errorf("update %s: %w", path, err)
	}
	perm := fs.FileMode(0o600)
	if old != nil {
		perm = old.Mode().Perm()
	}
	// Windows has no mode bits to tighten: Go reports every file as 0666.
	if private && perm&0o077 != 0 && runtime.GOOS != "windows" {
		loose, perm = perm, 0o600
	}
	out := doc.Bytes()
	if bytes.Equal(out, data) && loose == 0 {
		return 0, nil
	}
	// The edit API keeps documents valid; this guards the AWS CLI's view of
	// the file against a mistake in it all the same.
	if _, err := parseStrict(path, out); err != nil {
		return 0, fmt.Errorf("update %s: refusing to write a file the AWS CLI would reject: %w", path, err)
	}
	if err := lock.WriteAtomic(target, out, old, perm); err != nil {
		return 0, err
	}
	return loose, nil
}
