package lockedfile

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// A writer holding the lock removes the temp files that killed writers of
// the same target left, and nothing else; a writer without the lock removes
// none, since another writer's may be in use.
func TestWriteAtomicUnderTheLockRemovesOrphans(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	orphans := []string{".credentials.tmp-1", ".credentials.tmp-4294967295"}
	others := []string{
		"credentials.tmp-1",        // not hidden: not a name CreateTemp gave
		".credentials.tmp-",        // no random part
		".credentials.tmp-12x",     // not CreateTemp's digits
		".credentials.tmp-1.bak",   // someone's copy
		".credentials.lock.tmp-1",  // another target's
		".credentials2.tmp-1",      // another target's
		".xcredentials.tmp-1",      // another target's
		".credentials.tmp-9.tmp-1", // the temp file of a file named like a temp file
	}
	for _, name := range append(slices.Clone(orphans), others...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".credentials.tmp-77"), 0o700); err != nil {
		t.Fatal(err)
	}
	others = append(others, ".credentials.tmp-77") // not a file CreateTemp made

	l, err := Acquire(context.Background(), path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := l.WriteAtomic(path, []byte("b"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	want := append([]string{"credentials", "credentials.lock"}, others...)
	slices.Sort(want)
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after a write under the lock the directory holds\n%q\nwant\n%q", got, want)
	}
	if b, _ := os.ReadFile(path); string(b) != "b" {
		t.Errorf("target holds %q", b)
	}
}

// The lock must be one that guards path: a lock file in another directory
// cannot be, and cleaning up under it could remove a live writer's file.
func TestWriteAtomicRefusesALockFromElsewhere(t *testing.T) {
	l, err := Acquire(context.Background(), filepath.Join(t.TempDir(), "x.lock"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	path := filepath.Join(t.TempDir(), "credentials")
	err = l.WriteAtomic(path, []byte("a"), nil, 0o600)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "does not guard") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("written anyway")
	}
}

// perm decides the new file's mode, whatever the old one's was.
func TestWriteAtomicMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(context.Background(), path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	for _, perm := range []os.FileMode{0o600, 0o640, 0o600} {
		old, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.WriteAtomic(path, []byte("new"), old, perm); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != perm {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), perm)
		}
	}
}

// A failed write leaves no temp file.
func TestWriteAtomicRemovesTempFileOnError(t *testing.T) {
	dir := t.TempDir()
	// Renaming a file over a non-empty directory fails after the temp file is written.
	target := filepath.Join(dir, "credentials")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(context.Background(), target+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := l.WriteAtomic(target, []byte("[a]\n"), nil, 0o600); err == nil {
		t.Fatal("no error")
	}
	if got := names(t, dir); strings.Join(got, " ") != "credentials credentials.lock" {
		t.Errorf("directory holds %q, want no temp file", got)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// WriteAtomicNoSync leaves out only the fsyncs: it too replaces the file
// whole with the mode asked for, removes the orphans of killed writers,
// and refuses a lock that does not guard the file.
func TestWriteAtomicNoSync(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "entry.json")
	for name, content := range map[string]string{"entry.json": "old", ".entry.json.tmp-12": "secret"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := Acquire(context.Background(), path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := l.WriteAtomicNoSync(path, []byte("new"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"entry.json", "entry.json.lock"}) {
		t.Errorf("the directory holds %q", got)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	elsewhere := filepath.Join(t.TempDir(), "entry.json")
	if err := l.WriteAtomicNoSync(elsewhere, []byte("x"), nil, 0o600); err == nil || !strings.Contains(err.Error(), "does not guard") {
		t.Errorf("a lock from elsewhere: %v", err)
	}
}
