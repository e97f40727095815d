//go:build unix

package lockedfile

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A lock file is created where others may have planted something first: a
// symlink or a hard link to a file of the user's, or a file of their own.
// Acquire must write into none of them, and must say which file to remove.
func TestAcquireRefusesPlantedLockFiles(t *testing.T) {
	const precious = "[default]\naws_secret_access_key = keep-me\n"
	tests := []struct {
		name  string
		plant func(t *testing.T, lock, victim string)
		want  string
	}{
		{"symlink to a file", func(t *testing.T, lock, victim string) {
			mustSymlink(t, victim, lock)
		}, "is a symbolic link"},
		{"symlink to a file not there yet", func(t *testing.T, lock, victim string) {
			mustSymlink(t, victim+".new", lock)
		}, "is a symbolic link"},
		{"hard link to a file", func(t *testing.T, lock, victim string) {
			if err := os.Link(victim, lock); err != nil {
				t.Fatal(err)
			}
		}, "has other names (hard links)"},
		{"directory", func(t *testing.T, lock, _ string) {
			if err := os.Mkdir(lock, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "is not a regular file"},
		{"named pipe", func(t *testing.T, lock, _ string) {
			if err := syscall.Mkfifo(lock, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a regular file"},
		{"another user's file", func(t *testing.T, lock, _ string) {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give a file away")
			}
			if err := os.WriteFile(lock, nil, 0o666); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(lock, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, "belongs to user 65534"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			if err := os.WriteFile(victim, []byte(precious), 0o644); err != nil {
				t.Fatal(err)
			}
			lock := filepath.Join(dir, "credentials.lock")
			tt.plant(t, lock, victim)

			l, err := Acquire(context.Background(), lock, 100*time.Millisecond)
			if err == nil {
				l.Release()
				t.Fatal("Acquire took a planted lock file")
			}
			for _, want := range []string{lock, tt.want, "remove it"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to contain %q", err, want)
				}
			}
			if b, err := os.ReadFile(victim); err != nil || string(b) != precious {
				t.Errorf("victim now holds %q (%v)", b, err)
			}
			if fi, err := os.Stat(victim); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("victim's mode changed: %v %v", fi, err)
			}
			if _, err := os.Lstat(victim + ".new"); err == nil {
				t.Error("Acquire created the file a dangling symlink points to")
			}
		})
	}
}

// The holder's process id is for the message of whoever waits; it is
// written over what an earlier holder wrote, never by truncating.
func TestAcquireNamesTheHolder(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "credentials.lock")
	// A longer id left by an earlier holder must not show through.
	if err := os.WriteFile(lock, []byte("4194304\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	held, err := Acquire(context.Background(), lock, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	_, err = Acquire(context.Background(), lock, 50*time.Millisecond)
	want := "(process " + strconv.Itoa(os.Getpid()) + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to name %s", err, want)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
