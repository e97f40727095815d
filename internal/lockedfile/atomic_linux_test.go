package lockedfile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A writer killed before its rename leaves its temp file behind. While the
// temp file's content is being written and synced, which is when a kill
// most likely lands, it must be 0600 whatever the target's mode: the mode of
// a 0644 target may be given only once the content is complete, right before
// the rename. inotify shows the order of the writes and the mode change.
func TestTempFileTakesTheTargetsModeOnlyOnceWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("[default]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Skipf("no inotify: %v", err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_MODIFY|unix.IN_ATTRIB|unix.IN_MOVED_FROM); err != nil {
		t.Fatal(err)
	}

	l, err := Acquire(context.Background(), path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := l.WriteAtomic(path, bytes.Repeat([]byte("[default]\nregion = x\n"), 1000), old, old.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("target is %v (%v), want its 0644 kept", fi, err)
	}

	var seq []string
	buf := make([]byte, 64<<10)
	n, err := unix.Read(fd, buf)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off+unix.SizeofInotifyEvent <= n; {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
		name := string(bytes.TrimRight(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)], "\x00"))
		off += unix.SizeofInotifyEvent + int(ev.Len)
		if !strings.HasPrefix(name, ".config.tmp-") {
			continue
		}
		switch {
		case ev.Mask&unix.IN_CREATE != 0:
			seq = append(seq, "create")
		case ev.Mask&unix.IN_MODIFY != 0:
			if len(seq) == 0 || seq[len(seq)-1] != "write" {
				seq = append(seq, "write")
			}
		case ev.Mask&unix.IN_ATTRIB != 0:
			seq = append(seq, "chmod")
		case ev.Mask&unix.IN_MOVED_FROM != 0:
			seq = append(seq, "rename")
		}
	}
	if got, want := strings.Join(seq, " "), "create write chmod rename"; got != want {
		t.Errorf("the temp file saw %q, want %q: it must stay 0600 until its content is complete", got, want)
	}
}
