package awsfiles

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// lockWait bounds how long an update waits for another writer. Writers hold
// the lock for milliseconds, so ten seconds means one of them is stuck.
const lockWait = 10 * time.Second

// fileLock is an exclusive lock on a lock file beside the file it guards.
// The lock file is never removed: removing it would let two writers lock two
// different files of the same name.
type fileLock struct{ f *os.File }

// acquireLock polls rather than blocks so that ctx and the time limit can
// end the wait; the OS releases the lock when its holder dies.
func acquireLock(ctx context.Context, path string, limit time.Duration) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	deadline := time.Now().Add(limit)
	pause := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			// Say who holds the lock, for the message of whoever waits.
			if f.Truncate(0) == nil {
				_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			}
			return &fileLock{f: f}, nil
		}
		if time.Now().After(deadline) {
			holder := ""
			if b, err := os.ReadFile(path); err == nil {
				if pid := string(bytes.TrimSpace(b)); pid != "" {
					holder = " (process " + pid + ")"
				}
			}
			f.Close()
			return nil, fmt.Errorf("lock %s: still held after %s; another awsfed%s may be stuck", path, limit, holder)
		}
		t := time.NewTimer(pause + rand.N(pause))
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("wait for lock %s: %w", path, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, 20*time.Millisecond)
	}
}

func (l *fileLock) release() {
	_ = unlock(l.f)
	l.f.Close()
}
