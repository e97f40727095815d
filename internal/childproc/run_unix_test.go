//go:build unix

package childproc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shEnv is enough of an environment to find sh and the tools it calls.
func shEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH")}, extra...)
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\nexit 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	noShebang := filepath.Join(dir, "noshebang")
	if err := os.WriteFile(noShebang, []byte("\x00\x01not a program"), 0o755); err != nil {
		t.Fatal(err)
	}
	onlyPlainDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(onlyPlainDir, "tool"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		argv    []string
		env     []string
		want    int
		wantErr string // substring of the error; "" for none
	}{
		{"success", []string{"sh", "-c", "exit 0"}, shEnv(), 0, ""},
		{"failure code", []string{"sh", "-c", "exit 3"}, shEnv(), 3, ""},
		{"high code", []string{"sh", "-c", "exit 255"}, shEnv(), 255, ""},
		{"killed by TERM", []string{"sh", "-c", "kill -TERM $$"}, shEnv(), 128 + 15, ""},
		{"killed by KILL", []string{"sh", "-c", "kill -KILL $$"}, shEnv(), 128 + 9, ""},
		{"path with slash", []string{script}, shEnv(), 5, ""},
		{"found on the child's PATH", []string{"script"}, []string{"PATH=/nonexistent:" + dir}, 5, ""},
		{"missing", []string{"awsfed-no-such-command"}, shEnv(), 127, "command not found: awsfed-no-such-command"},
		{"missing path", []string{filepath.Join(dir, "gone")}, shEnv(), 127, "command not found: "},
		{"not on the child's PATH", []string{"sh"}, []string{"PATH=" + dir}, 127, "command not found: sh"},
		{"not executable, by path", []string{plain}, shEnv(), 126, "cannot run " + plain + ": permission denied"},
		{"not executable, on PATH", []string{"tool"}, []string{"PATH=" + onlyPlainDir}, 126, "cannot run tool: permission denied"},
		{"a directory", []string{dir}, shEnv(), 126, "is a directory"},
		{"not a program", []string{noShebang}, shEnv(), 126, "exec format error"},
		{"empty argv", nil, shEnv(), 1, "no command to run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code, err := Run(t.Context(), tt.argv, tt.env, nil, nil, &stderr)
			if code != tt.want {
				t.Errorf("exit code %d, want %d (err %v, stderr %q)", code, tt.want, err, stderr.String())
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
			var se *StartError
			if code >= 126 && code <= 127 && err != nil && (!errors.As(err, &se) || se.Code != code) {
				t.Errorf("error %v is not a *StartError with code %d", err, code)
			}
		})
	}
}

func TestNotFoundHasHint(t *testing.T) {
	_, err := Run(t.Context(), []string{"awsfed-no-such-command"}, shEnv(), nil, nil, nil)
	var se *StartError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, "PATH") {
		t.Fatalf("error %#v, want a StartError whose hint mentions PATH", err)
	}
}

func TestCancelledContextStartsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	marker := filepath.Join(t.TempDir(), "ran")
	code, err := Run(ctx, []string{"sh", "-c", "touch " + marker}, shEnv(), nil, nil, nil)
	if err == nil || !errors.Is(err, context.Canceled) || code == 0 {
		t.Errorf("Run = %d, %v; want a non-zero code and context.Canceled", code, err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran although the context had ended")
	}
}

func TestEnvAndStdio(t *testing.T) {
	env := Env(shEnv("AWS_PROFILE=dev", "AWS_ACCESS_KEY_ID=AKIAOLD", "KEEP=yes"),
		map[string]string{"AWS_REGION": "eu-west-1"},
		[]string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID"})
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(),
		[]string{"sh", "-c", `read line; printf '%s|%s|%s|%s|%s' "$line" "${AWS_PROFILE-unset}" "${AWS_ACCESS_KEY_ID-unset}" "$AWS_REGION" "$KEEP"; echo oops >&2`},
		env, strings.NewReader("from stdin\n"), &stdout, &stderr)
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v; stderr %q", code, err, stderr.String())
	}
	if got, want := stdout.String(), "from stdin|unset|unset|eu-west-1|yes"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if stderr.String() != "oops\n" {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestFileStdinPassedStraight checks that a file (a terminal, in real use)
// reaches the child as its own descriptor rather than through a pipe.
func TestFileStdinPassedStraight(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd/0"); err != nil {
		t.Skip("no /proc on this system")
	}
	name := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(name, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stdout bytes.Buffer
	if code, err := Run(t.Context(), []string{"readlink", "/proc/self/fd/0"}, shEnv(), f, &stdout, nil); code != 0 || err != nil {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := strings.TrimSpace(stdout.String()); got != name {
		t.Errorf("child's stdin is %q, want the file %q itself", got, name)
	}
}

// watched collects a child's output and lets a test wait for a line.
type watched struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *watched) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(w.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("child never printed %q; output so far %q", s, w.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// trapScript reports each signal it gets and exits 42 on TERM. The short
// foreground sleep lets sh run its traps promptly; the bounded loop ends the
// child on its own (exit 99) if a failed test never sends TERM.
const trapScript = `trap 'echo got-INT' INT; trap 'echo got-USR1' USR1; trap 'echo got-HUP' HUP; trap 'exit 42' TERM
echo ready
i=0
while [ $i -lt 750 ]; do sleep 0.02; i=$((i+1)); done
exit 99`

type result struct {
	code int
	err  error
}

// runTrap starts trapScript through run and waits until its traps are set.
// Run calls signal.Notify before it starts the child, so once "ready" shows,
// a signal sent to this test process is caught and passed on, not fatal.
func runTrap(t *testing.T, h hooks) (*watched, <-chan result) {
	t.Helper()
	out := &watched{}
	res := make(chan result, 1)
	go func() {
		code, err := run(context.Background(), []string{"sh", "-c", trapScript}, shEnv(), nil, out, out, h)
		res <- result{code, err}
	}()
	out.waitFor(t, "ready")
	return out, res
}

func waitResult(t *testing.T, res <-chan result) result {
	t.Helper()
	select {
	case r := <-res:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not exit")
		return result{}
	}
}

func TestForwardsSignalsToChild(t *testing.T) {
	out, res := runTrap(t, hooks{byTerminal: func(os.Signal, int) bool { return false }})

	for _, sig := range []struct {
		sig  syscall.Signal
		name string
	}{{syscall.SIGINT, "INT"}, {syscall.SIGUSR1, "USR1"}, {syscall.SIGHUP, "HUP"}} {
		if err := syscall.Kill(os.Getpid(), sig.sig); err != nil {
			t.Fatal(err)
		}
		out.waitFor(t, "got-"+sig.name)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := waitResult(t, res)
	if r.err != nil || r.code != 42 {
		t.Errorf("Run = %d, %v; want 42 from the child's TERM trap (output %q)", r.code, r.err, out.String())
	}
}

func TestForwardsTERMWithRealTerminalCheck(t *testing.T) {
	out, res := runTrap(t, hooks{}) // the real check: TERM never comes from a terminal
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if r := waitResult(t, res); r.err != nil || r.code != 42 {
		t.Errorf("Run = %d, %v; want 42 (output %q)", r.code, r.err, out.String())
	}
}

func TestTerminalSignalsNotSentTwice(t *testing.T) {
	var asked []os.Signal
	var mu sync.Mutex
	out, res := runTrap(t, hooks{byTerminal: func(sig os.Signal, pid int) bool {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, sig)
		return sig == syscall.SIGINT // as if Ctrl-C had reached the child already
	}})

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// USR1 is forwarded after INT has been dealt with: once the child reports
	// it, INT would have shown too had it been passed on.
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "got-USR1")
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if r := waitResult(t, res); r.code != 42 {
		t.Errorf("exit code %d, want 42", r.code)
	}
	if strings.Contains(out.String(), "got-INT") {
		t.Errorf("SIGINT was passed on although the terminal had sent it: %q", out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) == 0 || asked[0] != syscall.SIGINT {
		t.Errorf("terminal check saw %v, want SIGINT first", asked)
	}
}
