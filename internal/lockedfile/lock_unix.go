//go:build unix

package lockedfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openLock opens path, creating it 0600, without following a symlink, and
// checks what it opened (by descriptor, so nothing can be swapped in
// between): a regular file of this user with no other name. Only then is
// writing the holder's id into it harmless. O_NONBLOCK keeps a planted pipe
// from hanging the open.
func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil {
			if fi.Mode()&fs.ModeSymlink != 0 {
				return nil, refuseLock(path, "is a symbolic link")
			}
			if !fi.Mode().IsRegular() {
				return nil, refuseLock(path, "is not a regular file")
			}
		}
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	why := ""
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		why = "is not a regular file"
	case int(st.Uid) != os.Geteuid():
		why = "belongs to user " + strconv.FormatUint(uint64(st.Uid), 10)
	case st.Nlink != 1:
		why = "has other names (hard links)"
	}
	if why != "" {
		f.Close()
		return nil, refuseLock(path, why)
	}
	return f, nil
}

// tryLock takes an exclusive flock without waiting. flock locks belong to
// the open file, so two goroutines of one process exclude each other too.
func tryLock(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EWOULDBLOCK), errors.Is(err, unix.EINTR):
		return false, nil
	}
	return false, err
}

func unlock(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }
