package lockedfile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// Lock is an exclusive lock on a lock file beside the file it guards.
// The lock file is never removed: removing it would let two writers lock two
// different files of the same name.
type Lock struct{ f *os.File }

// Acquire takes the lock on path (created 0600). It polls rather than blocks so that ctx and the time limit can
// end the wait; the OS releases the lock when its holder dies.
func Acquire(ctx context.Context, path string, limit time.Duration) (*Lock, error) {
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
			return &Lock{f: f}, nil
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

func (l *Lock) Release() {
	_ = unlock(l.f)
	l.f.Close()
}
