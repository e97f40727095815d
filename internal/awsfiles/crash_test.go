package awsfiles

import (
	"bufio"
	"bytes"
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
// one completed write, never older than the last one seen.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hundreds of processes")
	}
	const (
		minKills = 200
		lanes    = 2 // independent files, to use the time while children start
		budget   = 12 * time.Second
	)
	deadline := time.Now().Add(budget)
	var kills, leftovers atomic.Int64
	var wg sync.WaitGroup
	for lane := range lanes {
		wg.Go(func() {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			writeFile(t, path, foreign, 0o600)
			last := 0
			for kills.Load() < minKills && time.Now().Before(deadline) {
				if !killOnce(t, path, lane) {
					return
				}
				kills.Add(1)
				n, ok := checkCompleteWrite(t, path, last)
				if !ok {
					return
				}
				last = n
			}
			if last == 0 {
				t.Errorf("lane %d: no write ever completed", lane)
			}
			for _, name := range dirNames(t, dir) {
				if strings.Contains(name, ".tmp-") {
					leftovers.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if kills.Load() < minKills {
		t.Errorf("only %d kills in %v, want %d", kills.Load(), budget, minKills)
	}
	t.Logf("%d kills, %d temp files left behind", kills.Load(), leftovers.Load())
}

// killOnce starts a looping writer, waits until it has written once, lets it
// run for a random moment and kills it.
func killOnce(t *testing.T, path string, lane int) bool {
	cmd := child(t, "loop", "AWSFILES_TEST_FILE="+path)
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

// checkCompleteWrite reads the counter the file claims and compares the whole
// file with what that write produces from the original text.
func checkCompleteWrite(t *testing.T, path string, last int) (int, bool) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("after a kill the target is %v, %v", fi, err)
		return 0, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return 0, false
	}
	doc, err := parseStrict(path, data)
	if err != nil {
		t.Errorf("after a kill the file does not parse: %v", err)
		return 0, false
	}
	v, _ := doc.Get("crash", "counter")
	n, _ := strconv.Atoi(v)
	if n < last {
		t.Errorf("after a kill the counter went back from %d to %d", last, n)
		return 0, false
	}
	want, _ := inifile.Parse([]byte(foreign))
	if n > 0 {
		applyCount(want, n)
	}
	if !bytes.Equal(data, want.Bytes()) {
		t.Errorf("after a kill the file is not the complete write %d:\n%q", n, data)
		return 0, false
	}
	return n, true
}
