package onelogin

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// sandboxAssertion returns an Assertion func handing out real signed
// responses, and the last one handed out.
func sandboxAssertion(t *testing.T) (func(string) (string, error), *string) {
	t.Helper()
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Users: []sandbox.User{{Name: testUser, Password: "unused", Roles: []string{"Dev"}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	last := new(string)
	return func(user string) (string, error) {
		r, err := sb.IssueResponse(sandbox.ResponseOptions{User: user})
		*last = r
		return r, err
	}, last
}

func TestLoginWithoutMFA(t *testing.T) {
	issue, last := sandboxAssertion(t)
	e := newEnv(t, onelogintest.Options{Assertion: issue})
	l := e.input()
	got, err := e.run(l)
	if err != nil {
		t.Fatal(err)
	}
	if got != *last || got == "" {
		t.Fatalf("assertion differs from the one OneLogin issued")
	}
	xml, err := base64.StdEncoding.DecodeString(got)
	if err != nil || !strings.Contains(string(xml), "samlp:Response") || !strings.Contains(string(xml), "Signature") {
		t.Fatalf("not a signed base64 samlp:Response (%v)", err)
	}
	c := e.fake.Counts()
	if c.Token != 1 || c.Assertion != 1 || c.Verify != 0 || l.pwCalls.Load() != 1 {
		t.Fatalf("counts %+v, password calls %d; want 1 token, 1 assertion, 1 password", c, l.pwCalls.Load())
	}
	body := e.bodies(pathAssertion)[0]
	want := map[string]string{"username_or_email": testUser, "password": testPW, "app_id": "123456", "subdomain": "acme"}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %#v, want %q", k, body[k], v)
		}
	}
	if len(l.stub.Asked) != 0 {
		t.Errorf("asked %q", l.stub.Asked)
	}
	log := e.log.String()
	for _, w := range []string{"POST", "/api/2/saml_assertion", "HTTP 200", "without MFA"} {
		if !strings.Contains(log, w) {
			t.Errorf("debug output lacks %q:\n%s", w, log)
		}
	}
	e.assertNoSecrets("debug output", log, got)
}

func TestPasswordsReachOneLoginExactly(t *testing.T) {
	for _, pw := range []string{
		`p&ss=w+rd %#'"x y`, `"double" 'single'`, `back\slash\\`, `ünï密🔑`, `<tag>&amp;</tag>`,
		"tab\tand\nnewline", `%25%2B+`, `{"json":true}`, "   spaces   ",
	} {
		e := newEnv(t, onelogintest.Options{Users: map[string]onelogintest.User{testUser: {Password: pw}}})
		l := e.input()
		l.in.Password = func(context.Context) (string, error) { return pw, nil }
		if _, err := e.run(l); err != nil {
			t.Errorf("password %q: %v", pw, err)
			continue
		}
		if got := e.bodies(pathAssertion)[0]["password"]; got != pw {
			t.Errorf("OneLogin got password %q, want %q", got, pw)
		}
	}
}

func TestPasswordNotUTF8(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Password = func(context.Context) (string, error) { return "caf\xe9", nil }
	_, err := e.run(l)
	var ie *provider.InputNeededError
	if !errors.As(err, &ie) || !strings.Contains(ie.What, "UTF-8") {
		t.Fatalf("error %v, want InputNeededError about UTF-8", err)
	}
	if c := e.fake.Counts(); c.Assertion != 0 {
		t.Fatalf("the password was sent mangled: %+v", c)
	}
}

func TestWrongPasswordIsNotRetried(t *testing.T) {
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Password = func(context.Context) (string, error) { l.pwCalls.Add(1); return "wrong " + testPW, nil }
	_, err := e.run(l)
	var re *provider.RejectedError
	if !errors.As(err, &re) || re.Username != testUser || !strings.Contains(re.Detail, "Invalid user credentials") {
		t.Fatalf("error %#v, want RejectedError for %s", err, testUser)
	}
	if c := e.fake.Counts(); c.Assertion != 1 || l.pwCalls.Load() != 1 {
		t.Fatalf("counts %+v, password calls %d: want one try", c, l.pwCalls.Load())
	}
	e.assertNoSecrets("error", err.Error(), "wrong "+testPW)
	e.assertNoSecrets("debug output", e.log.String(), "wrong "+testPW)
}

func TestSettingsNeeded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(in *provider.Input)
		want   []string
	}{
		{"no subdomain", func(in *provider.Input) { delete(in.Settings, SettingSubdomain) }, []string{"subdomain", "[idp test]", "acme.onelogin.com"}},
		{"host as subdomain", func(in *provider.Input) { in.Settings[SettingSubdomain] = "acme.onelogin.com" }, []string{"not a OneLogin subdomain", "first part"}},
		{"no app", func(in *provider.Input) { in.Settings[SettingAppID] = " " }, []string{"app_id"}},
		{"no client", func(in *provider.Input) { delete(in.Settings, SettingClientID) }, []string{"client_id", "API Credentials"}},
		{"no secret", func(in *provider.Input) { delete(in.Settings, SettingClientSecret) }, []string{EnvClientSecret, "client_secret"}},
		{"bad region", func(in *provider.Input) { delete(in.Settings, SettingURL); in.Settings[SettingRegion] = "asia" }, []string{"region", "us or eu"}},
		{"bad url", func(in *provider.Input) { in.URL = "ftp://x" }, []string{"not an http(s) URL"}},
		{"no user", func(in *provider.Input) { in.Username = "" }, []string{"username", "--username"}},
		{"no password func", func(in *provider.Input) { in.Password = nil }, []string{"password"}},
	} {
		e := newEnv(t, onelogintest.Options{})
		l := e.input()
		tc.change(l.in)
		_, err := e.run(l)
		var ie *provider.InputNeededError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %#v, want InputNeededError", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(ie.What+" "+ie.Hint, w) {
				t.Errorf("%s: %q / %q lacks %q", tc.name, ie.What, ie.Hint, w)
			}
		}
		if l.pwCalls.Load() != 0 || e.fake.Counts().API() != 0 {
			t.Errorf("%s: password asked or API called", tc.name)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct {
		inURL, url, region, want string
	}{
		{"", "", "", "https://acme.onelogin.com"},
		{"", "", "EU", "https://api.eu.onelogin.com"},
		{"", "", "us", "https://api.us.onelogin.com"},
		{"", "http://127.0.0.1:8080/prefix/", "eu", "http://127.0.0.1:8080/prefix"},
		{"https://acme.onelogin.com:8443", "http://other", "", "https://acme.onelogin.com:8443"},
	} {
		in := &provider.Input{IdP: "t", URL: tc.inURL, Settings: map[string]string{
			SettingSubdomain: "acme", SettingAppID: "1", SettingClientID: "c", SettingClientSecret: "s",
			SettingURL: tc.url, SettingRegion: tc.region}}
		c, err := parseConfig(in)
		if err != nil {
			t.Errorf("%+v: %v", tc, err)
			continue
		}
		if got := c.base.String(); got != tc.want {
			t.Errorf("%+v: base %s, want %s", tc, got, tc.want)
		}
	}
}
