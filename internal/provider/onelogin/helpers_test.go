package onelogin

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
)

const (
	testUser = "alice@example.com"
	testPW   = `p&ss=w+rd %#'"x y`
)

// fakeClock advances only when the provider sleeps. A sleep first gives
// other goroutines (the Wait prompt) a moment of real time to end it, so
// that a code typed while waiting is seen before the fake time runs out.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Millisecond):
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

func testProvider(c *fakeClock) *Provider {
	return &Provider{now: c.now, sleep: c.sleep, pushFirst: pushFirstPoll, pushMax: pushMaxPoll}
}

// env is one fake OneLogin with a clock shared by provider and fake.
type env struct {
	t     *testing.T
	clock *fakeClock
	fake  *onelogintest.Server
	log   bytes.Buffer
}

// newEnv starts a fake with alice (password testPW) and the devices given.
func newEnv(t *testing.T, opts onelogintest.Options, devices ...onelogintest.Device) *env {
	t.Helper()
	e := &env{t: t, clock: newClock()}
	if opts.Users == nil {
		opts.Users = map[string]onelogintest.User{testUser: {Password: testPW, Devices: devices}}
	}
	opts.Now = e.clock.now
	e.fake = onelogintest.New(opts)
	t.Cleanup(func() {
		e.fake.Close()
		for _, v := range e.fake.Violations() {
			t.Errorf("fake OneLogin: %s", v)
		}
	})
	return e
}

// login is one Assertion call and what it asked.
type login struct {
	in      *provider.Input
	stub    *prompt.Stub
	pwCalls atomic.Int32
}

// input returns an Input for the fake with the prompt answers given.
func (e *env) input(answers ...string) *login {
	l := &login{stub: &prompt.Stub{Answers: answers}}
	o := e.fake.Options()
	l.in = &provider.Input{
		IdP:      "test",
		Username: testUser,
		Settings: map[string]string{
			SettingSubdomain: o.Subdomain, SettingAppID: o.AppID,
			SettingClientID: o.ClientID, SettingClientSecret: o.ClientSecret,
			SettingURL: e.fake.URL,
		},
		Password: func(context.Context) (string, error) {
			l.pwCalls.Add(1)
			return testPW, nil
		},
		HTTP:   &http.Client{Timeout: 10 * time.Second},
		Prompt: l.stub,
		Debug:  debug.New(&syncWriter{b: &e.log}),
	}
	return l
}

func (e *env) run(l *login) (string, error) {
	return testProvider(e.clock).Assertion(e.t.Context(), l.in)
}

// syncWriter lets the push goroutine and the test share the log buffer.
type syncWriter struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// bodies are the request bodies the fake received at the path.
func (e *env) bodies(path string) []map[string]any {
	var out []map[string]any
	for _, r := range e.fake.Requests() {
		if r.Path == path {
			out = append(out, r.Body)
		}
	}
	return out
}

// assertNoSecrets checks text for every secret the login handled.
func (e *env) assertNoSecrets(what, text string, extra ...string) {
	e.t.Helper()
	secrets := append([]string{testPW}, extra...)
	for _, r := range e.fake.Requests() {
		for _, k := range []string{"state_token", "otp_token", "password"} {
			if v, ok := r.Body[k].(string); ok && v != "" {
				secrets = append(secrets, v)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			e.t.Errorf("%s contains the secret %q:\n%s", what, s, text)
		}
	}
}

var (
	google  = onelogintest.Device{ID: 111, Type: "Google Authenticator", Code: "123456"}
	protect = onelogintest.Device{ID: 222, Type: "OneLogin Protect", Code: "654321"}
	sms     = onelogintest.Device{ID: 333, Type: "OneLogin SMS", Code: "777888"}
	otpSMS  = onelogintest.Device{ID: 444, Type: "OneLogin OTP SMS", Code: "999000"}
	yubikey = onelogintest.Device{ID: 555, Type: "Yubico YubiKey", Code: "cccccbhkevjlnrrfvbvfdtukbcrlfnjdrtkhtfnirujd"}
	duo     = onelogintest.Device{ID: 666, Type: "Duo Duo Security", Code: "24681357"}
)
