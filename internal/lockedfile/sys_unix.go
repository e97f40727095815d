//go:build unix

package lockedfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// syncDir makes a rename durable. Some file systems cannot sync a
// directory; the rename is then as durable as they allow.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// keepOwner gives the new file the old one's owner when awsfed runs as
// another user (say, under sudo) and may do so; otherwise it changes nothing.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid()) {
		return
	}
	_ = f.Chown(int(st.Uid), int(st.Gid))
}
