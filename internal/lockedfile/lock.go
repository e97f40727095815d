package lockedfile

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// Lock is an exclusive lock on a lock file beside the file it guards.
// The lock file is never removed: removing it would let two writers lock two
// different files of the same name.
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the lock on path (created 0600). It polls rather than blocks so that ctx and the time limit can
// end the wait; the OS releases the lock when its holder dies.
//
// The lock file may have been planted by someone else before awsfed first
// ran: Acquire refuses a symlink, a file with other names (hard links),
// anything but a regular file, and a file of another user, rather than
// write into it. The refusal names the file and says to remove it.
func Acquire(ctx context.Context, path string, limit time.Duration) (*Lock, error) {
	f, err := openLock(path)
	if err != nil {
		return nil, err
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
			// Say who holds the lock, for the message of whoever waits. A
			// fixed-width record overwrites the last holder's without
			// truncating.
			_, _ = f.WriteAt(fmt.Appendf(nil, "%-*d\n", holderWidth-1, os.Getpid()), 0)
			return &Lock{f: f, path: path}, nil
		}
		if time.Now().After(deadline) {
			holder := ""
			if pid := readHolder(f); pid != "" {
				holder = " (process " + pid + ")"
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

// holderWidth fits any process id, with room to spare, and a newline.
const holderWidth = 20

// readHolder reads the holder's record through the file awsfed opened and
// checked, not by path: the path may have been replaced since.
func readHolder(f *os.File) string {
	b := make([]byte, holderWidth)
	n, _ := f.ReadAt(b, 0)
	line, _, _ := bytes.Cut(b[:n], []byte("\n"))
	return string(bytes.TrimSpace(line))
}

func (l *Lock) Release() {
	_ = unlock(l.f)
	l.f.Close()
}

// refuseLock is the error for a lock file awsfed will not use.
func refuseLock(path, why string) error {
	return fmt.Errorf("lock file %s %s, which awsfed will not write into: remove it (awsfed makes a new one)", path, why)
}
