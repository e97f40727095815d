package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/provider"
)

// testEnv is an environment with a throw-away HOME and no display.
func testEnv(t *testing.T, extra ...string) (func(string) string, string) {
	t.Helper()
	home := t.TempDir()
	m := map[string]string{"HOME": home}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }, home
}

func input(f *fakeIdP, path string, settings map[string]string) *provider.Input {
	s := map[string]string{SettingACSURL: f.acs.URL + "/saml"}
	for k, v := range settings {
		s[k] = v
	}
	return &provider.Input{IdP: "corp", URL: f.srv.URL + path, Username: "alice", Settings: s,
		Password: func(context.Context) (string, error) {
			return "", errors.New("the browser provider asked for a password")
		}}
}

// saveSession writes the cookies file a previous sign-in would have left:
// the IdP's session-only cookie.
func saveSession(t *testing.T, env func(string) string, f *fakeIdP, id string) {
	t.Helper()
	f.addSession(id)
	p := testProfile(t, env, "corp")
	defer p.close()
	u, _ := url.Parse(f.srv.URL)
	c := &network.Cookie{Name: "sess", Value: id, Domain: u.Hostname(), Path: "/", HTTPOnly: true, Session: true, Expires: -1}
	if err := p.saveCookies([]*network.Cookie{c}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// testProfile opens the profile of [idp name]; the caller closes it.
func testProfile(t *testing.T, env func(string) string, idp string) *profile {
	t.Helper()
	dir, err := profileDir(env, idp)
	if err != nil {
		t.Fatal(err)
	}
	p, err := openProfile(context.Background(), dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSilentSignInWithTheSavedSessionCookie(t *testing.T) {
	exe := needBrowser(t)
	f := newFakeIdP(t)
	env, home := testEnv(t)
	saveSession(t, env, f, "s-earlier")
	p := &Provider{Env: env}
	in := input(f, "/start?token=query-secret", map[string]string{SettingBrowser: exe})
	var log bytes.Buffer
	in.Debug = debug.New(&log)
	start := time.Now()
	got, err := p.Assertion(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	// --debug names pages by origin and path, never cookies, query values
	// or the assertion.
	if !strings.Contains(log.String(), "browser: page "+f.srv.URL+"/start (+") {
		t.Errorf("--debug does not name the start page:\n%s", log.String())
	}
	for _, secret := range []string{"s-earlier", "query-secret", fakeSAML, fakeSAML[:20]} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("--debug output shows %q:\n%s", secret, log.String())
		}
	}
	t.Logf("silent sign-in took %v\n%s", time.Since(start).Round(time.Millisecond), log.String())
	if got != fakeSAML {
		t.Errorf("assertion = %q, want %q", got, fakeSAML)
	}
	if n := f.acsHits.Load(); n != 0 {
		t.Errorf("the ACS received %d requests; the assertion must never leave the browser", n)
	}
	if n := f.passPosts.Load(); n != 0 {
		t.Errorf("%d password posts; a silent sign-in posts none", n)
	}
	dir := filepath.Join(home, ".local", "share", "awsfed", "browser", "corp")
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("profile dir %s: %v, mode %v; want 0700", dir, err, fi.Mode().Perm())
	}
	fi, err := os.Stat(filepath.Join(dir, "cookies.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cookies file: %v, want mode 0600", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "cookies.json"))
	var saved savedCookies
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range saved.Cookies {
		if c.Name == "sess" && c.Value == "s-earlier" && c.Session {
			found = true
		}
	}
	if !found {
		t.Errorf("the session-only cookie was not kept for the next run: %s", b)
	}
}

func TestNewTabIsCaptured(t *testing.T) {
	exe := needBrowser(t)
	f := newFakeIdP(t)
	env, _ := testEnv(t)
	saveSession(t, env, f, "s-popup")
	p := &Provider{Env: env}
	got, err := p.Assertion(context.Background(), input(f, "/popup", map[string]string{SettingBrowser: exe}))
	if err != nil {
		t.Fatal(err)
	}
	if got != fakeSAML {
		t.Errorf("assertion = %q, want %q", got, fakeSAML)
	}
	if n := f.acsHits.Load(); n != 0 {
		t.Errorf("the ACS received %d requests", n)
	}
}

func TestNoDisplayMeansRunLoginOnADesktop(t *testing.T) {
	exe := needBrowser(t)
	f := newFakeIdP(t)
	env, _ := testEnv(t)
	p := &Provider{Env: env, GOOS: "linux"}
	start := time.Now()
	_, err := p.Assertion(context.Background(), input(f, "/start", map[string]string{SettingBrowser: exe}))
	var in *provider.InputNeededError
	if !errors.As(err, &in) {
		t.Fatalf("err = %v (%T), want InputNeededError", err, err)
	}
	t.Logf("gave up after %v: %v / %s", time.Since(start).Round(time.Millisecond), err, in.Hint)
	if !strings.Contains(in.Hint, "awsfed login") || !strings.Contains(in.What, "DISPLAY") {
		t.Errorf("error %q / hint %q should name the missing display and say to run awsfed login", in.What, in.Hint)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
	if n := f.passPosts.Load(); n != 0 {
		t.Errorf("%d password posts", n)
	}
}

func TestBrowserNotFound(t *testing.T) {
	f := newFakeIdP(t)
	env, _ := testEnv(t, "PATH", "")
	p := &Provider{Env: env}
	_, err := p.Assertion(context.Background(), input(f, "/start", map[string]string{SettingBrowser: "/nonexistent/chrome"}))
	var nf *NotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "/nonexistent/chrome") || !strings.Contains(err.Error(), "browser = PATH") {
		t.Fatalf("err = %v, want a NotFoundError naming the path and the setting", err)
	}
}

func TestAutofillPasswordNeedsStorePassword(t *testing.T) {
	_, err := autofillOf(map[string]string{SettingAutofill: "password"})
	var in *provider.InputNeededError
	if !errors.As(err, &in) || !strings.Contains(in.What, "store_password") {
		t.Fatalf("err = %v, want InputNeededError about store_password", err)
	}
	if a, err := autofillOf(map[string]string{SettingAutofill: "password", "store_password": "true"}); err != nil || !a.password || !a.username {
		t.Errorf("autofill = %+v, %v", a, err)
	}
	if a, err := autofillOf(map[string]string{SettingAutofill: "username"}); err != nil || a.password || !a.username {
		t.Errorf("autofill = %+v, %v", a, err)
	}
	if _, err := autofillOf(map[string]string{SettingAutofill: "everything"}); err == nil {
		t.Error("autofill = everything accepted")
	}
}

func TestUnreachableIdPIsOneLine(t *testing.T) {
	exe := needBrowser(t)
	f := newFakeIdP(t)
	env, _ := testEnv(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	p := &Provider{Env: env}
	in := input(f, "/start", map[string]string{SettingBrowser: exe})
	in.URL = closed.URL + "/sso?x=1"
	_, err := p.Assertion(context.Background(), in)
	var page *provider.UnexpectedPageError
	if !errors.As(err, &page) || !strings.Contains(strings.ToLower(strings.ReplaceAll(err.Error(), "_", "")), "connectionrefused") || strings.Contains(err.Error(), "x=1") {
		t.Fatalf("err = %v, want an UnexpectedPageError naming ERR_CONNECTION_REFUSED and no query", err)
	}
}

// A display that cannot be used (a stale DISPLAY over SSH) is the same as
// none: exit 2 saying to sign in on a desktop session.
func TestUnusableDisplayMeansRunLoginOnADesktop(t *testing.T) {
	exe := needBrowser(t)
	f := newFakeIdP(t)
	env, _ := testEnv(t, "DISPLAY", ":4242")
	t.Setenv("DISPLAY", ":4242") // the browser reads the process environment
	p := &Provider{Env: env, GOOS: "linux"}
	_, err := p.Assertion(context.Background(), input(f, "/start", map[string]string{SettingBrowser: exe}))
	var in *provider.InputNeededError
	if !errors.As(err, &in) || !in.Desktop || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v (%T), want a one-line InputNeededError for a desktop session", err, err)
	}
	t.Log(err)
}
