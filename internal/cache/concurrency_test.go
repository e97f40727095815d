package cache

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests fail if Fetch refreshes without the lock or does not read
// again once it holds it: every waiter would then sign in in turn.
const fetchers = 20

func TestConcurrentFetchGoroutines(t *testing.T) {
	c := newCache(t)
	var calls atomic.Int32
	refresh := func(context.Context) (*Entry, error) {
		calls.Add(1)
		time.Sleep(100 * time.Millisecond)
		return newKeys("g"), nil
	}
	keys := make([]string, fetchers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range fetchers {
		wg.Go(func() {
			<-start
			e, _, err := c.Fetch(context.Background(), "shared", "Admin", time.Minute, refresh)
			if err != nil {
				t.Errorf("fetcher %d: %v", i, err)
				return
			}
			keys[i] = e.AccessKeyID
		})
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	checkSameKeys(t, keys)
}

func TestConcurrentFetchProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	tmp := t.TempDir()
	dir, goFile, countFile := filepath.Join(tmp, "awsfed"), filepath.Join(tmp, "go"), filepath.Join(tmp, "count")
	cmds := make([]*exec.Cmd, fetchers)
	outs := make([]*bufio.Scanner, fetchers)
	for i := range fetchers {
		cmds[i], outs[i] = startChild(t, "CACHE_TEST_DIR="+dir, "CACHE_TEST_GO="+goFile, "CACHE_TEST_COUNT="+countFile)
	}
	for i, out := range outs {
		if !out.Scan() || out.Text() != "ready" {
			t.Fatalf("child %d: %q instead of ready", i, out.Text())
		}
	}
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, fetchers)
	for i, out := range outs {
		if out.Scan() {
			keys[i] = out.Text()
		}
		if err := cmds[i].Wait(); err != nil {
			t.Errorf("child %d: %v", i, err)
		}
	}
	count, err := os.ReadFile(countFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(count), "\n"); n != 1 {
		t.Errorf("%d refreshes (by pids %q), want 1", n, count)
	}
	checkSameKeys(t, keys)
}

func checkSameKeys(t *testing.T, keys []string) {
	t.Helper()
	for i, k := range keys {
		if k == "" || k != keys[0] {
			t.Errorf("fetcher %d got %q, fetcher 0 %q", i, k, keys[0])
		}
	}
}
