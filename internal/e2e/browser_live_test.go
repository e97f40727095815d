package e2e

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// credentialProcess runs `awsfed credential-process dev` with the cached
// keys removed, so that it must sign in, and returns its keys' id.
func credentialProcess(t *testing.T, h *home, args ...string) (int, string, string, time.Duration) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(h.dir, ".cache", "awsfed")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, stdout, stderr := h.run(t, "", env.bin, append([]string{"credential-process", "dev"}, args...)...)
	return code, stdout, stderr, time.Since(start)
}

func keyID(t *testing.T, stdout string) string {
	t.Helper()
	var out struct {
		Version     int
		AccessKeyId string
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Version != 1 || out.AccessKeyId == "" {
		t.Fatalf("credential-process output %q: %v", stdout, err)
	}
	return out.AccessKeyId
}

// The first `awsfed login` opens a visible Chromium at the IdP's login page,
// where the user types name and password; the keys land in the profile and
// the AWS CLI uses them. Later, with the cached keys gone and no display,
// credential-process signs in silently (the IdP's login form is never posted
// to again), also when the IdP's page opens the sign-in in a new tab, and the
// AWS CLI gets keys through credential_process.
func TestBrowserLiveFirstLoginThenSilentRefresh(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "")
	h.setenv("DISPLAY", b.display)

	firstLogin := signInInTheWindow(t, b, h)
	if n := b.passwordPosts(t); n != 1 {
		t.Fatalf("%d password POSTs to the IdP after the first login, want 1", n)
	}
	arn := parseARN(t, h.mustRun(t, awsCLI, "--profile", "dev", "sts", "get-caller-identity", "--endpoint-url", b.stsURL, "--output", "json"))
	if !strings.Contains(arn, "assumed-role/Dev/alice@example.com") {
		t.Errorf("the AWS CLI with the written profile is %q, want role Dev of alice", arn)
	}
	profileDir := filepath.Join(h.dir, ".local", "share", "awsfed", "browser", "corp")
	if fi, err := os.Stat(profileDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("browser profile %s: %v (want mode 0700)", profileDir, err)
	}
	if fi, err := os.Stat(filepath.Join(profileDir, "cookies.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved cookies: %v (want mode 0600)", err)
	}

	// No display from here on: a window could not be shown.
	h.unsetenv("DISPLAY")
	code, stdout, stderr, silent := credentialProcess(t, h)
	if code != 0 {
		t.Fatalf("credential-process without a display: exit %d\n%s", code, stderr)
	}
	keyID(t, stdout)
	if stderr != "" {
		t.Errorf("credential-process wrote to stderr, which the AWS tool shows: %q", stderr)
	}
	if n := b.passwordPosts(t); n != 1 {
		t.Errorf("%d password POSTs after the silent refresh, want still 1", n)
	}
	t.Logf("first login (visible window, typed with xdotool): %v; silent credential-process (no display, no cache): %v",
		firstLogin.Round(time.Millisecond), silent.Round(time.Millisecond))

	// The IdP's portal opens the AWS app in a new tab: still caught, still silent.
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><a href="%s" target="_blank">AWS</a><script>window.open(%q, '_blank')</script></body></html>`, html.EscapeString(b.url), b.url)
	}))
	defer portal.Close()
	code, stdout, stderr, _ = credentialProcess(t, h, "--url", portal.URL+"/portal")
	if code != 0 {
		t.Fatalf("credential-process through a portal that opens a new tab: exit %d\n%s", code, stderr)
	}
	keyID(t, stdout)

	// The AWS CLI through credential_process, with nothing cached.
	h.mustRun(t, env.bin, "setup-profile", "dev")
	if err := os.RemoveAll(filepath.Join(h.dir, ".cache", "awsfed")); err != nil {
		t.Fatal(err)
	}
	arn = parseARN(t, h.mustRun(t, awsCLI, "--profile", "dev", "sts", "get-caller-identity", "--endpoint-url", b.stsURL, "--output", "json"))
	if !strings.Contains(arn, "assumed-role/Dev/") {
		t.Errorf("the AWS CLI through credential_process is %q", arn)
	}
	if n := b.passwordPosts(t); n != 1 {
		t.Errorf("%d password POSTs in all, want 1", n)
	}
}

// With no IdP session and no display, credential-process fails at once
// with one line saying to run awsfed login on a desktop session (exit 2).
func TestBrowserLiveNoDisplayNoSession(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "")
	h.unsetenv("DISPLAY")
	code, stdout, stderr, took := credentialProcess(t, h)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "awsfed login dev") || !strings.Contains(stderr, "desktop") {
		t.Errorf("stdout %q stderr %q: want one line naming awsfed login dev on a desktop session", stdout, stderr)
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 1 {
		t.Errorf("stderr has %d lines:\n%s", n+1, stderr)
	}
	if n := b.passwordPosts(t); n != 0 {
		t.Errorf("%d password POSTs", n)
	}
	t.Logf("gave up after %v", took.Round(time.Millisecond))
}

// A sign-in page nobody completes ends with the timeout message (exit 1).
func TestBrowserLiveTimeout(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "")
	h.setenv("DISPLAY", b.display)
	bg := h.start(t, "login", "dev", "--browser-timeout", "4s")
	waitWindow(t, b.display, "Enter your username and password", bg, 30*time.Second)
	code := bg.wait(t, 60*time.Second)
	stderr := bg.stderr.String()
	if code != 1 || !strings.Contains(stderr, "no sign-in in the browser window within 4s") || !strings.Contains(stderr, "--browser-timeout") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 with the timeout and the flag", code, stderr)
	}
}

// Closing the window cancels the sign-in: exit 130, nothing written.
func TestBrowserLiveClosedWindow(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "")
	h.setenv("DISPLAY", b.display)
	bg := h.start(t, "login", "dev")
	id := waitWindow(t, b.display, "Enter your username and password", bg, 30*time.Second)
	typeLikeAPerson(t, b.display, id, []string{"key", "ctrl+w"})
	code := bg.wait(t, 30*time.Second)
	if code != 130 || !strings.Contains(bg.stderr.String(), "closed") {
		t.Fatalf("exit %d, stderr:\n%s\nwant 130 saying the window was closed", code, bg.stderr.String())
	}
	if _, err := os.Stat(h.credentialsPath()); err == nil {
		t.Error("a credentials file was written")
	}
}

// autofill = username types the configured username into the IdP's form;
// the person types only the password, which awsfed never sees.
func TestBrowserLiveAutofillUsername(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "autofill = username\n")
	h.setenv("DISPLAY", b.display)
	bg := h.start(t, "--debug", "login", "dev")
	id := waitWindow(t, b.display, "Enter your username and password", bg, 30*time.Second)
	bg.waitOutput(t, "browser: autofill: filled 1 field(s)", 30*time.Second)
	typeLikeAPerson(t, b.display, id, []string{"type", "--delay", "40", "alice-pass"}, []string{"key", "Return"})
	if code := bg.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("awsfed login: exit %d\n%s", code, bg.stderr.String())
	}
	if n := b.passwordPosts(t); n != 1 {
		t.Errorf("%d password POSTs, want 1", n)
	}
	if strings.Contains(bg.stderr.String(), "alice-pass") {
		t.Errorf("--debug output shows the password:\n%s", bg.stderr.String())
	}
}

// autofill = password (with store_password) types the stored password too:
// the first login takes it from --password-stdin and stores it, a later one
// (the IdP session gone) from the keyring; the person only presses Enter.
func TestBrowserLiveAutofillPassword(t *testing.T) {
	b := requireBrowserLive(t)
	h := b.home(t, "autofill = password\nstore_password = true\n")
	h.setenv("DISPLAY", b.display)
	h.setenv("AWSFED_KEYRING_BACKEND", "file")
	h.setenv("AWSFED_KEYRING_PASSPHRASE", "keyring-pass")
	login := func(stdin string, args ...string) {
		t.Helper()
		bg := h.startIn(t, stdin, append([]string{"--debug", "login", "dev"}, args...)...)
		id := waitWindow(t, b.display, "Enter your username and password", bg, 30*time.Second)
		bg.waitOutput(t, "browser: autofill: filled 2 field(s)", 30*time.Second)
		typeLikeAPerson(t, b.display, id, []string{"key", "Return"})
		if code := bg.wait(t, 60*time.Second); code != 0 {
			t.Fatalf("awsfed login: exit %d\n%s", code, bg.stderr.String())
		}
		if strings.Contains(bg.stderr.String(), "alice-pass") {
			t.Errorf("the output shows the password:\n%s", bg.stderr.String())
		}
	}
	login("alice-pass\n", "--password-stdin", "--store-password")

	// The IdP session is gone (no browser profile), the keys too.
	for _, dir := range []string{filepath.Join(h.dir, ".local", "share", "awsfed", "browser"), filepath.Join(h.dir, ".cache", "awsfed")} {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	login("")
	if n := b.passwordPosts(t); n != 2 {
		t.Errorf("%d password POSTs, want 2", n)
	}
}
