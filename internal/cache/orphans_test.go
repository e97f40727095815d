package cache

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/lockedfile"
)

// A writer killed between its temp file and the rename leaves the keys
// behind. Every write of an entry holds the account's lock, Put's as much
// as Fetch's, so the next one removes what a killed writer left.
func TestWritesRemoveOrphanedTempFiles(t *testing.T) {
	c := newCache(t)
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(c.Dir, "."+entryName("dev", "Admin")+".tmp-42")
	plant := func() {
		if err := os.WriteFile(orphan, []byte(`{"secret_access_key":"s"}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gone := func(by string) {
		if _, err := os.Lstat(orphan); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left the orphaned temp file: %v", by, err)
		}
	}
	plant()
	if err := c.Put(entryFor("dev", "Admin")); err != nil {
		t.Fatal(err)
	}
	gone("Put")
	plant()
	var calls atomic.Int32
	if _, _, err := c.Fetch(context.Background(), "dev", "Admin", 2*time.Hour, counted(&calls, "x")); err != nil {
		t.Fatal(err)
	}
	gone("Fetch")
}

// Put takes the account's lock, so it waits for a Fetch under way in
// another process, and gives up after a while rather than hang a login.
func TestPutWaitsForTheLock(t *testing.T) {
	c := newCache(t)
	c.LockWait = 100 * time.Millisecond
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(c.Dir, lockName("dev"))
	held, err := lockedfile.Acquire(context.Background(), lock, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Put(entryFor("dev", "Admin"))
	held.Release()
	if err == nil || !strings.Contains(err.Error(), lock) {
		t.Errorf("err = %v, want it to name the lock held", err)
	}
	if _, ok, _ := c.Get("dev", "Admin"); ok {
		t.Error("Put wrote without the lock")
	}
}
