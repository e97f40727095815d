package awsfiles

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const writers = 50

func profileName(i int) string { return fmt.Sprintf("p%02d", i) }

// checkAllWritten asserts every writer's profile is present with its keys and
// that the foreign text before them is intact: new sections only ever go at
// the end, so the old file must be an exact prefix.
func checkAllWritten(t *testing.T, path string) {
	t.Helper()
	got := readFile(t, path)
	if !strings.HasPrefix(got, foreign+"\r\n") {
		t.Fatalf("foreign bytes changed:\n%q", got)
	}
	for i := range writers {
		p := profileName(i)
		k, ok, err := ReadCredentials(path, p)
		if err != nil || !ok || k != keysFor(p) {
			t.Errorf("profile %s: %+v, %v, %v", p, k, ok, err)
		}
	}
	if n := strings.Count(got, "\n[p"); n != writers {
		t.Errorf("%d writer sections, want %d", n, writers)
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o600)
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			p := profileName(i)
			errs[i] = WriteCredentials(context.Background(), path, p, keysFor(p))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	checkAllWritten(t, path)
}

func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o600)
	var wg sync.WaitGroup
	for i := range writers {
		cmd := child(t, "write", "AWSFILES_TEST_FILE="+path, "AWSFILES_TEST_PROFILE="+profileName(i))
		wg.Go(func() {
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("writer %d: %v: %s", i, err, out)
			}
		})
	}
	wg.Wait()
	checkAllWritten(t, path)
}
