package okta

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/okta/oktatest"
)

const pw = "pässwört & co"

// run signs alice in at a fake made with opts (alice owns factors) and
// returns the fake, the answer and the error.
func run(t *testing.T, opts oktatest.Options, in *provider.Input, factors ...oktatest.Factor) (*oktatest.Server, *oktatest.Clock, string, error) {
	t.Helper()
	clk := oktatest.NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	opts.Now = clk.Now
	if opts.Users == nil {
		opts.Users = map[string]oktatest.User{"alice": {Password: pw, Factors: factors}}
	}
	fake := oktatest.New(opts)
	t.Cleanup(func() {
		fake.Close()
		for _, v := range fake.Violations() {
			t.Errorf("fake Okta: %s", v)
		}
	})
	if in == nil {
		in = &provider.Input{}
	}
	in.IdP = "ok"
	if in.URL == "" {
		in.URL = fake.EmbedLink()
	}
	if in.Username == "" {
		in.Username = "alice"
	}
	if in.Password == nil {
		in.Password = func(context.Context) (string, error) { return pw, nil }
	}
	if in.Prompt == nil {
		in.Prompt = &prompt.Stub{}
	}
	if in.HTTP == nil {
		c, err := httpx.NewClient(httpx.Options{Origin: in.URL, CookieJar: true})
		if err != nil {
			t.Fatal(err)
		}
		in.HTTP = c
	}
	p := NewWithClock(Clock{Now: clk.Now, Sleep: clk.Sleep})
	saml, err := p.Assertion(context.Background(), in)
	return fake, clk, saml, err
}

func TestPollHonoursTheRateLimit(t *testing.T) {
	push := oktatest.Factor{Type: "push", ApproveAtPoll: 3}
	fake, clk, saml, err := run(t, oktatest.Options{RateLimitPolls: 1, RateLimitReset: 30 * time.Second}, nil, push)
	if err != nil || saml != oktatest.Placeholder {
		t.Fatalf("%q, %v", saml, err)
	}
	if c := fake.Counts(); c.Pushes != 1 || c.Polls != 4 { // the 429, then three
		t.Errorf("counts %+v", c)
	}
	long := false
	for _, d := range clk.Sleeps() {
		long = long || d >= 29*time.Second
	}
	if !long {
		t.Errorf("no wait for the rate-limit window: %v", clk.Sleeps())
	}
}

// A rate limit that outlasts --mfa-timeout ends the wait with the hint.
func TestPollRateLimitBeyondTheTimeout(t *testing.T) {
	push := oktatest.Factor{Type: "push", ApproveAtPoll: 3}
	_, _, _, err := run(t, oktatest.Options{RateLimitPolls: 1, RateLimitReset: 10 * time.Minute}, &provider.Input{MFATimeout: time.Minute}, push)
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(se.What, "rate limit") || !strings.Contains(se.Hint, "try again in 10m") {
		t.Errorf("err %v (%+v)", err, se)
	}
}

// The authentication API follows no redirect: the password stays at the org.
func TestOktaFollowsNoRedirect(t *testing.T) {
	var got []string
	var mu sync.Mutex
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
	}))
	defer collector.Close()
	org := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, collector.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer org.Close()
	c, _ := httpx.NewClient(httpx.Options{Origin: org.URL, CookieJar: true})
	in := &provider.Input{IdP: "ok", URL: org.URL + "/home/amazon_aws/0oa1/272", Username: "alice", HTTP: c, Prompt: &prompt.Stub{},
		Password: func(context.Context) (string, error) { return pw, nil }}
	_, err := New().Assertion(context.Background(), in)
	var refused *httpx.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.What, "awsfed follows no redirect with credentials") {
		t.Errorf("err %v", err)
	}
	if len(got) != 0 {
		t.Errorf("the collector received %q", got)
	}
}

// Links in Okta's answers must point at the org.
func TestLinksElsewhereAreRefused(t *testing.T) {
	org := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"MFA_REQUIRED","stateToken":"00abcdefabcdef","_embedded":{"factors":[{"id":"sms1","factorType":"sms","provider":"OKTA",` +
			`"_links":{"verify":{"href":"https://evil.example/api/v1/authn/factors/sms1/verify"}}}]}}`))
	}))
	defer org.Close()
	c, _ := httpx.NewClient(httpx.Options{Origin: org.URL})
	in := &provider.Input{IdP: "ok", URL: org.URL + "/home/amazon_aws/0oa1/272", Username: "alice", HTTP: c, Prompt: &prompt.Stub{},
		Password: func(context.Context) (string, error) { return pw, nil }}
	_, err := New().Assertion(context.Background(), in)
	var up *provider.UnexpectedPageError
	if !errors.As(err, &up) || !strings.Contains(up.What, "points to https://evil.example:443, not to the org") {
		t.Errorf("err %v", err)
	}
}

// The kept session serves its own org and user only; a malformed file is
// ignored; the file is 0600.
func TestSessionFileIsBoundToOrgAndUser(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	fake, _, _, err := run(t, oktatest.Options{}, &provider.Input{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	path := SessionPath(dir, fake.EmbedLink(), "alice")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v %v", fi, err)
	}
	if SessionPath(dir, fake.EmbedLink(), "bob") == path || SessionPath(dir, "https://other.okta.com/home/amazon_aws/0oa1/272", "alice") == path {
		t.Error("the session file is shared between users or orgs")
	}
	// A file naming another user, put where alice's would be, is not used.
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), `"user":"alice"`, `"user":"mallory"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &flow{p: &Provider{clock: Clock{Now: time.Now}}, in: &provider.Input{CacheDir: dir, Username: "alice"},
		cfg: &config{embed: mustURL(fake.EmbedLink()), org: mustURL(fake.URL), keepSession: true}, http: http.DefaultClient}
	if _, ok := f.reuseSession(context.Background()); ok {
		t.Error("a session file of another user served")
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, ok := f.reuseSession(context.Background()); ok {
		t.Error("a malformed session file served")
	}
	if forgot, err := ForgetSession(context.Background(), dir, fake.EmbedLink(), "alice"); !forgot || err != nil {
		t.Errorf("ForgetSession = %v, %v", forgot, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the session file is still there: %v", err)
	}
}

func TestMatchFactor(t *testing.T) {
	all := []factor{
		{ID: "opf1", Type: "push", Provider: "OKTA", Profile: map[string]any{"name": "Alice's iPhone"}},
		{ID: "ost1", Type: "token:software:totp", Provider: "OKTA"},
		{ID: "gst1", Type: "token:software:totp", Provider: "GOOGLE"},
		{ID: "sms1", Type: "sms", Provider: "OKTA"},
		{ID: "clf1", Type: "call", Provider: "OKTA"},
		{ID: "ykf1", Type: "token:hardware", Provider: "YUBICO"},
		{ID: "rsa1", Type: "token", Provider: "RSA"},
	}
	for want, id := range map[string]string{
		"push": "opf1", "totp": "ost1", "google": "gst1", "GOOGLE": "gst1", "sms": "sms1", "voice": "clf1", "call": "clf1",
		"yubikey": "ykf1", "yubico": "ykf1", "rsa": "rsa1", "token": "ost1", "alice's iphone": "opf1", "ykf1": "ykf1", "okta": "opf1",
	} {
		fc, ok := matchFactor(all, want)
		if !ok || fc.ID != id {
			t.Errorf("mfa = %s: %s, %v; want %s", want, fc.ID, ok, id)
		}
	}
	if _, ok := matchFactor(all, "duo"); ok {
		t.Error("duo matched")
	}
}

func TestAppIDOfTheEmbedLink(t *testing.T) {
	for raw, want := range map[string]string{
		"https://acme.okta.com/home/amazon_aws/0oa1b2c3/272":         "0oa1b2c3",
		"https://login.acme.com/home/amazon_aws/0oa9/272?fromHome=1": "0oa9",
		"https://acme.okta.com/app/amazon_aws/exk1/sso/saml":         "",
	} {
		if got := appIDOf(mustURL(raw)); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}

// Newer documents spell the factors array "factor".
func TestFactorsUnderEitherName(t *testing.T) {
	for _, body := range []string{
		`{"status":"MFA_REQUIRED","_embedded":{"factors":[{"id":"a","factorType":"sms"}]}}`,
		`{"status":"MFA_REQUIRED","_embedded":{"factor":[{"id":"a","factorType":"sms"}]}}`,
	} {
		var tr transaction
		if err := tr.UnmarshalJSON([]byte(body)); err != nil || len(tr.factors()) != 1 || tr.factors()[0].ID != "a" {
			t.Errorf("%s: %v %+v", body, err, tr)
		}
	}
}

// The step-up page's state token, in the shapes Okta writes it.
func TestStepUpStateToken(t *testing.T) {
	for page, want := range map[string]string{
		`<script>var stateToken = '00Abc-def_ghijKLM';</script>`:       "00Abc-def_ghijKLM",
		`<script>var stateToken = '00Abc\x2Ddef_ghijKLM';</script>`:    "00Abc-def_ghijKLM",
		`<script>var config = {"stateToken":"02.id.abcdefghijk"};`:     "02.id.abcdefghijk",
		`<script>var stateToken = '';</script><p>Sign in</p>`:          "",
		`<input type="hidden" name="SAMLResponse" value="x"/><script>`: "",
	} {
		got := ""
		if m := stateTokenRE().FindStringSubmatch(page); m != nil {
			got = unescapeJS(m[1])
		}
		if got != want {
			t.Errorf("%s: %q, want %q", page, got, want)
		}
	}
}

// FuzzTransaction: no answer or page of Okta's makes the decoding panic.
func FuzzTransaction(f *testing.F) {
	f.Add([]byte(`{"status":"MFA_CHALLENGE","factorResult":"WAITING","_embedded":{"factor":{"id":"a","_embedded":{"challenge":{"correctAnswer":42}}}}}`))
	f.Add([]byte(`{"status":"MFA_REQUIRED","_embedded":{"factor":[{"id":"a"}]}}`))
	f.Add([]byte(`<script>var stateToken = '00ab\x2Dcd\u002Def\x';</script>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tr transaction
		_ = tr.UnmarshalJSON(b)
		_ = tr.factors()
		_ = number(&answer{status: 200, raw: b})
		if m := stateTokenRE().FindSubmatch(b); m != nil {
			_ = unescapeJS(string(m[1]))
		}
		_ = unescapeJS(string(b))
	})
}

func mustURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}

// The device flow opens the verification page (without the code, which
// argv would show to every user) where a browser can show.
func TestDeviceFlowOpensTheBrowser(t *testing.T) {
	clk := oktatest.NewClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	fake := oktatest.New(oktatest.Options{IdentityEngine: true, Now: clk.Now, Users: map[string]oktatest.User{"alice": {Password: pw}}})
	defer fake.Close()
	var opened []string
	p := NewWithClock(Clock{Now: clk.Now, Sleep: clk.Sleep}).(*Provider)
	p.open = func(_ context.Context, u string) error { opened = append(opened, u); return nil }
	c, _ := httpx.NewClient(httpx.Options{Origin: fake.URL, CookieJar: true})
	stub := &prompt.Stub{}
	saml, err := p.Assertion(context.Background(), &provider.Input{IdP: "ok", URL: fake.EmbedLink(), Username: "alice", HTTP: c, Prompt: stub,
		Settings: map[string]string{SettingOIDCClientID: fake.Options().ClientID}})
	if err != nil || saml != oktatest.Placeholder {
		t.Fatalf("%q, %v", saml, err)
	}
	if len(opened) != 1 || opened[0] != fake.URL+"/activate" {
		t.Errorf("opened %q", opened)
	}
	if v := fake.Violations(); len(v) != 0 {
		t.Errorf("violations %q", v)
	}
}

func TestSystemOpener(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if systemOpener("linux", env(nil)) != nil {
		t.Error("an opener without a display")
	}
	for _, goos := range []string{"linux", "darwin", "windows", "freebsd"} {
		if systemOpener(goos, env(map[string]string{"DISPLAY": ":0"})) == nil {
			t.Errorf("%s: no opener with a display", goos)
		}
	}
}

// BenchmarkSessionReuse is a sign-in served by the kept Okta session: one
// request to the org, no password, no prompt.
func BenchmarkSessionReuse(b *testing.B) {
	fake := oktatest.New(oktatest.Options{Users: map[string]oktatest.User{"alice": {Password: pw}}})
	defer fake.Close()
	dir := b.TempDir()
	newInput := func() *provider.Input {
		c, _ := httpx.NewClient(httpx.Options{Origin: fake.EmbedLink(), CookieJar: true})
		return &provider.Input{IdP: "ok", URL: fake.EmbedLink(), Username: "alice", CacheDir: dir, HTTP: c, Prompt: &prompt.Stub{},
			Password: func(context.Context) (string, error) { return pw, nil }}
	}
	if _, err := New().Assertion(context.Background(), newInput()); err != nil {
		b.Fatal(err)
	}
	before := fake.Counts().Requests()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := New().Assertion(context.Background(), newInput()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := fake.Counts().Requests() - before; n != b.N {
		b.Errorf("%d requests for %d sign-ins", n, b.N)
	}
}
