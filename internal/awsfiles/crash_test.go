package awsfiles

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
)

// TestCrashSafety kills writers with SIGKILL at random moments of their write
// loop. After every kill the file must parse and be exactly the content of
// one completed write, never older than the last one seen; the temp file a
// killed writer may leave must be readable by no one else while it holds
// anything the target's mode would not show, and the next write must remove
// it. One lane's file is 0600; one's is 0644 and keeps that mode (a config
// file), whose temp files must still be written 0600; one's is 0644 and holds
// keys (the credentials file of issue 9), so its first write makes it 0600
// and none of its temp files may ever be readable by others.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hundreds of processes")
	}
	const (
		minKills = 200
		// Enough for a loaded machine running -race; an idle one needs seconds.
		budget = 90 * time.Second
	)
	lanes := []struct { // several, to use the time while children start
		mode    fs.FileMode
		private bool
	}{{0o600, false}, {0o644, false}, {0o644, true}}
	deadline := time.Now().Add(budget)
	var kills, orphans atomic.Int64
	var wg sync.WaitGroup
	for lane, l := range lanes {
		wg.Go(func() {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			writeFile(t, path, foreign, l.mode)
			mode := l.mode
			if l.private {
				mode = 0o600
			}
			last := 0
			for kills.Load() < minKills && time.Now().Before(deadline) {
				if !killOnce(t, path, lane, l.private) {
					return
				}
				kills.Add(1)
				n, ok := checkCompleteWrite(t, path, mode, last)
				if !ok {
					return
				}
				last = n
				left, ok := checkTempFiles(t, path, lane, l.private)
				if !ok {
					return
				}
				orphans.Add(int64(left))
			}
			if last == 0 {
				t.Errorf("lane %d: no write ever completed", lane)
			}
			// The next write, under the lock, clears what the last kill left.
			if err := Update(context.Background(), path, func(doc *inifile.Doc) error { applyCount(doc, last+1); return nil }); err != nil {
				t.Errorf("lane %d: %v", lane, err)
			}
			if left := tempFiles(t, path); len(left) > 0 {
				t.Errorf("lane %d: the write after the kills left %q", lane, left)
			}
		})
	}
	wg.Wait()
	if kills.Load() < minKills {
		t.Errorf("only %d kills in %v, want %d", kills.Load(), budget, minKills)
	}
	t.Logf("%d kills left %d orphaned temp files, each removed by the next write", kills.Load(), orphans.Load())
}

// checkTempFiles looks at the temp files beside path after a kill: the
// writer that was killed may have left one, but every earlier one must have
// been removed by the next writer. A temp file may be readable by others only
// once it holds a complete write, in the moment between taking the target's
// mode and the rename; the file would show the same text a moment later. A
// private file's temp files are never readable by others.
func checkTempFiles(t *testing.T, path string, lane int, private bool) (int, bool) {
	names := tempFiles(t, path)
	if len(names) > 1 {
		t.Errorf("lane %d: %d temp files beside %s; the next write should have removed all but the last killed writer's: %q", lane, len(names), path, names)
		return 0, false
	}
	for _, name := range names {
		p := filepath.Join(filepath.Dir(path), name)
		fi, err := os.Lstat(p)
		if err != nil {
			continue // not a leftover: the rename it was waiting for happened
		}
		if fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if data, err := os.ReadFile(p); err == nil && !private {
			if _, complete := completeWrite(data); complete {
				continue
			}
		}
		t.Errorf("lane %d: temp file %s is %v, readable by others before it holds a complete write", lane, name, fi.Mode().Perm())
		return 0, false
	}
	return len(names), true
}

// tempFiles lists the temp files of path's writers in its directory.
func tempFiles(t *testing.T, path string) []string {
	var out []string
	for _, name := range dirNames(t, filepath.Dir(path)) {
		if strings.HasPrefix(name, "."+filepath.Base(path)+".tmp-") {
			out = append(out, name)
		}
	}
	return out
}

// killOnce starts a looping writer, waits until it has written once, lets it
// run for a random moment and kills it.
func killOnce(t *testing.T, path string, lane int, private bool) bool {
	cmd := child(t, "loop", "AWSFILES_TEST_FILE="+path, "AWSFILES_TEST_PRIVATE="+strconv.FormatBool(private))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Error(err)
		return false
	}
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return false
	}
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line == "ready\n"
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Wait()
			t.Errorf("lane %d: writer failed: %s", lane, stderr.String())
			return false
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Errorf("lane %d: writer never got ready: %s", lane, stderr.String())
		return false
	}
	time.Sleep(rand.N(3 * time.Millisecond))
	if err := cmd.Process.Kill(); err != nil {
		t.Error(err)
	}
	cmd.Wait()
	return true
}

// checkCompleteWrite checks that the file after a kill has the lane's mode,
// is a complete write and is not older than the last one seen.
func checkCompleteWrite(t *testing.T, path string, mode fs.FileMode, last int) (int, bool) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != mode {
		t.Errorf("after a kill the target is %v, %v; want a regular file, %v", fi, err, mode)
		return 0, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return 0, false
	}
	n, ok := completeWrite(data)
	if !ok {
		t.Errorf("after a kill the file is not a complete write:\n%q", data)
		return 0, false
	}
	if n < last {
		t.Errorf("after a kill the counter went back from %d to %d", last, n)
		return 0, false
	}
	return n, true
}

// completeWrite reads the counter data claims and compares all of data with
// what that write produces from the original text.
func completeWrite(data []byte) (int, bool) {
	doc, err := parseStrict("file", data)
	if err != nil {
		return 0, false
	}
	v, _ := doc.Get("crash", "counter")
	n, _ := strconv.Atoi(v)
	want, _ := inifile.Parse([]byte(foreign))
	if n > 0 {
		applyCount(want, n)
	}
	return n, bytes.Equal(data, want.Bytes())
}
