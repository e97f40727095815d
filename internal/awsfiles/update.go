package awsfiles

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	return update(ctx, path, fn, lockWait)
}

func update(ctx context.Context, path string, fn func(doc *inifile.Doc) error, wait time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	target, err := lockedfile.ResolveTarget(path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	lock, err := lockedfile.Acquire(ctx, target+".lock", wait)
	if err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	defer lock.Release()

	data, old, err := lockedfile.ReadTarget(target)
	if err != nil {
		return err
	}
	doc, err := parseStrict(path, data)
	if err != nil {
		return err
	}
	if err := fn(doc); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	if err := doc.Err(); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	out := doc.Bytes()
	if bytes.Equal(out, data) {
		return nil
	}
	// The edit API keeps documents valid; this guards the AWS CLI's view of
	// the file against a mistake in it all the same.
	if _, err := parseStrict(path, out); err != nil {
		return fmt.Errorf("update %s: refusing to write a file the AWS CLI would reject: %w", path, err)
	}
	perm := fs.FileMode(0o600)
	if old != nil {
		perm = old.Mode().Perm()
	}
	return lock.WriteAtomic(target, out, old, perm)
}
