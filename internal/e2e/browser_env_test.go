package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// browserIdP is a SimpleSAMLphp of the browser tests' own (so they can read
// its access log) with a sandbox STS trusting it, and an X display (Xvfb)
// for the visible window.
type browserIdP struct {
	dir     string // IDP_DIR: its log is dir/log/php-server.log
	url     string // IdP-initiated SSO URL for AWS
	stsURL  string
	display string // ":N"
}

// requireBrowserLive brings up what the browser tests need, or skips
// loudly (fails under CI=true, where .ci/run installs it all).
func requireBrowserLive(t testing.TB) *browserIdP {
	t.Helper()
	skip := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true, so this is a failure)")
		}
		t.Skip(msg)
	}
	if env.missing != "" {
		skip("LIVE BROWSER TESTS NOT RUN: " + env.missing)
	}
	var miss []string
	for _, tool := range []string{"chromium", "Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			miss = append(miss, tool)
		}
	}
	if len(miss) > 0 {
		skip(fmt.Sprintf("LIVE BROWSER TESTS NOT RUN: missing %v; install: apt-get install -y --no-install-recommends chromium xvfb xdotool", miss))
	}
	if env.build != nil {
		t.Fatal(env.build)
	}
	env.ran.Add(1)

	b := &browserIdP{dir: filepath.Join(t.TempDir(), "idp")}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	script := func(name string) *exec.Cmd {
		c := exec.Command(filepath.Join(root, "testdata", "idp", name))
		c.Env = append(os.Environ(), "IDP_DIR="+b.dir, "IDP_PORT="+strconv.Itoa(port))
		return c
	}
	t.Cleanup(func() { _ = script("idp-down.sh").Run() })
	if out, err := script("idp-up.sh").CombinedOutput(); err != nil {
		t.Fatalf("idp-up.sh: %v\n%s", err, out)
	}
	b.url = fmt.Sprintf("http://127.0.0.1:%d/simplesaml/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices", port)
	cert, err := readCert(filepath.Join(b.dir, "cert", "idp.crt"))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Trust: []sandbox.Trust{{Name: "Corp", Cert: cert}}})
	if err != nil {
		t.Fatalf("start sandbox STS: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	b.stsURL = sb.STSURL
	b.display = startXvfb(t)
	return b
}

// startXvfb starts an X server on a display number it picks itself
// (-displayfd: it writes the number once it accepts connections) and
// returns ":N". It is stopped with SIGTERM, so that it removes its lock
// file and socket.
func startXvfb(t testing.TB) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 32)
		n, _ := r.Read(b)
		got <- strings.TrimSpace(string(b[:n]))
	}()
	select {
	case n := <-got:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb did not start (it said %q): %s", n, stderr.String())
		}
		d := ":" + n
		// Make sure it takes connections before a browser needs it.
		for i := 0; ; i++ {
			if _, err := xdotool(d, "getdisplaygeometry"); err == nil {
				return d
			} else if i == 100 {
				t.Fatalf("Xvfb on %s takes no connection: %v; %s", d, err, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Xvfb did not start within 20s: %s", stderr.String())
	}
	return ""
}

// passwordPosts counts the POSTs of SimpleSAMLphp's login form in its
// access log: the number of times a password reached the IdP.
func (b *browserIdP) passwordPosts(t testing.TB) int {
	t.Helper()
	log, err := os.ReadFile(filepath.Join(b.dir, "log", "php-server.log"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(log, []byte("]: POST /simplesaml/module.php/core/loginuserpass.php"))
}

// browserHome is a throw-away HOME whose account dev signs in through the
// browser provider at b.
func (b *browserIdP) home(t testing.TB, extra string) *home {
	t.Helper()
	h := newHome(t)
	cfg := fmt.Sprintf("[idp corp]\nprovider = browser\nurl = %s\nusername = alice\n%s\n"+
		"[account dev]\nidp = corp\nrole_arn = Dev\nsts_endpoint = %s\n", b.url, extra, b.stsURL)
	path := filepath.Join(h.dir, ".config", "awsfed", "config")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env, "AWS_SHARED_CREDENTIALS_FILE="+h.credentialsPath(), "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
	return h
}

// background is an awsfed started without waiting for it.
type background struct {
	cmd     *exec.Cmd
	stdout  syncBuffer
	stderr  syncBuffer
	done    chan struct{}
	started time.Time
}

func (h *home) start(t testing.TB, args ...string) *background {
	t.Helper()
	return h.startIn(t, "", args...)
}

// startIn is start with stdin.
func (h *home) startIn(t testing.TB, stdin string, args ...string) *background {
	t.Helper()
	bg := &background{done: make(chan struct{})}
	bg.cmd = exec.Command(env.bin, args...)
	bg.cmd.Env = h.env
	bg.cmd.Stdin = strings.NewReader(stdin)
	bg.cmd.Stdout, bg.cmd.Stderr = &bg.stdout, &bg.stderr
	bg.started = time.Now()
	if err := bg.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = bg.cmd.Wait(); close(bg.done) }()
	t.Cleanup(func() {
		select {
		case <-bg.done:
		default:
			_ = bg.cmd.Process.Kill()
			<-bg.done
		}
	})
	return bg
}

// syncBuffer is a bytes.Buffer that a test may read while the process
// writes into it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitOutput waits until the process's stderr holds text.
func (bg *background) waitOutput(t testing.TB, text string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(bg.stderr.String(), text) {
		select {
		case <-bg.done:
			t.Fatalf("awsfed ended (exit %d) before saying %q; stderr:\n%s", bg.cmd.ProcessState.ExitCode(), text, bg.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("awsfed did not say %q within %v; stderr:\n%s", text, limit, bg.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wait returns the exit code, failing the test after limit.
func (bg *background) wait(t testing.TB, limit time.Duration) int {
	t.Helper()
	select {
	case <-bg.done:
	case <-time.After(limit):
		_ = bg.cmd.Process.Kill()
		<-bg.done
		t.Fatalf("awsfed %v still running after %v; stderr:\n%s", bg.cmd.Args[1:], limit, bg.stderr.String())
	}
	return bg.cmd.ProcessState.ExitCode()
}

// xdotool runs xdotool on display and returns its output.
func xdotool(display string, args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return "", fmt.Errorf("xdotool %v: %w: %s", args, err, errOut.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// waitWindow waits for a visible window whose title matches name (a
// regular expression) and returns its id.
func waitWindow(t testing.TB, display, name string, bg *background, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-bg.done:
			t.Fatalf("awsfed ended (exit %d) before a window %q appeared; stderr:\n%s", bg.cmd.ProcessState.ExitCode(), name, bg.stderr.String())
		default:
		}
		if out, err := xdotool(display, "search", "--onlyvisible", "--name", name); err == nil && out != "" {
			return strings.Fields(out)[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no window %q within %v; stderr:\n%s", name, limit, bg.stderr.String())
	return ""
}

// typeLikeAPerson types into window id as a person at the keyboard would.
func typeLikeAPerson(t testing.TB, display, id string, steps ...[]string) {
	t.Helper()
	if _, err := xdotool(display, "windowactivate", "--sync", id); err != nil {
		// Without a window manager activation may be refused; focus instead.
		if _, err := xdotool(display, "windowfocus", "--sync", id); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range steps {
		if _, err := xdotool(display, s...); err != nil {
			t.Fatal(err)
		}
	}
}

// signInInTheWindow runs `awsfed login dev` on b's display and types
// alice's name and password into the window it opens, as a person would;
// it returns how long the login took.
func signInInTheWindow(t testing.TB, b *browserIdP, h *home) time.Duration {
	t.Helper()
	bg := h.start(t, "login", "dev")
	id := waitWindow(t, b.display, "Enter your username and password", bg, 30*time.Second)
	typeLikeAPerson(t, b.display, id,
		[]string{"type", "--delay", "40", "alice"},
		[]string{"key", "Tab"},
		[]string{"type", "--delay", "40", "alice-pass"},
		[]string{"key", "Return"})
	if code := bg.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("awsfed login: exit %d\n%s", code, bg.stderr.String())
	}
	return time.Since(bg.started)
}
