package onelogin

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
)

func TestServiceErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     onelogintest.Options
		change   func(l *login)
		rejected bool
		pwCalls  int32
		want     []string // in What + Hint
	}{
		{"bad client secret", onelogintest.Options{}, func(l *login) { l.in.Settings[SettingClientSecret] = "nope" }, false, 0,
			[]string{"OneLogin rejected the API credentials (client_id client-id)", "Developers → API Credentials", `"Authentication Only"`, EnvClientSecret}},
		{"subdomain", onelogintest.Options{}, func(l *login) { l.in.Settings[SettingSubdomain] = "acme2" }, false, 1,
			[]string{`subdomain "acme2"`, "Invalid subdomain", "check subdomain in [idp test]"}},
		{"app", onelogintest.Options{}, func(l *login) { l.in.Settings[SettingAppID] = "999" }, false, 1,
			[]string{"OneLogin has no app 999", "App could not be found", "check app_id in [idp test]"}},
		{"locked", onelogintest.Options{Users: map[string]onelogintest.User{testUser: {Password: testPW, Locked: true}}}, nil, true, 1,
			[]string{"is locked", "administrators", "did not retry"}},
		{"ip", onelogintest.Options{IPNotAllowed: true}, nil, true, 1,
			[]string{"from this network", "current IP address", "VPN"}},
		{"permission", onelogintest.Options{InsufficientPermission: true}, nil, false, 1,
			[]string{"client_id client-id", "Insufficient Permission", `"Authentication Only" or higher`}},
		{"rate limit", onelogintest.Options{RateLimited: true, RateWindow: 12 * time.Minute}, nil, false, 1,
			[]string{"rate limit", "5000 calls per hour", "try again in 12m"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts)
			l := e.input()
			if tc.change != nil {
				tc.change(l)
			}
			_, err := e.run(l)
			var se *provider.ServiceError
			if !errors.As(err, &se) {
				t.Fatalf("error %#v, want ServiceError", err)
			}
			if se.Rejected != tc.rejected {
				t.Errorf("Rejected %v, want %v", se.Rejected, tc.rejected)
			}
			for _, w := range tc.want {
				if !strings.Contains(se.What+"\n"+se.Hint, w) {
					t.Errorf("%q / %q lacks %q", se.What, se.Hint, w)
				}
			}
			if l.pwCalls.Load() != tc.pwCalls {
				t.Errorf("password calls %d, want %d", l.pwCalls.Load(), tc.pwCalls)
			}
			if c := e.fake.Counts(); c.Assertion > 1 {
				t.Errorf("counts %+v: retried", c)
			}
			e.assertNoSecrets("error", se.What+se.Hint)
		})
	}
}

// stubAPI is OneLogin with a fixed answer to saml_assertion.
func stubAPI(t *testing.T, status int, body string, header http.Header) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.URL.Path == pathToken {
			io.WriteString(w, `{"access_token":"tok-secret","expires_in":36000,"token_type":"bearer"}`)
			return
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUnknownAnswers(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   []string
	}{
		{500, `{"statusCode":500,"name":"Internal Server Error","message":"Something broke\nat line 3"}`, []string{"HTTP 500", "Something broke"}},
		{400, `{"status":{"error":true,"code":400,"type":"bad request","message":"username_or_email is invalid"}}`, []string{"HTTP 400", "username_or_email is invalid"}},
		{502, `<html>gateway</html>`, []string{"HTTP 502", "without an explanation"}},
		{200, `{"message":"Success"}`, []string{"neither a SAML response nor an MFA request"}},
		{200, `not json`, []string{"not the expected JSON"}},
		{400, `{"message":` + jsonString("echo: "+testPW) + `}`, []string{"echo: ***"}},
	} {
		srv := stubAPI(t, tc.status, tc.body, nil)
		e := newEnv(t, onelogintest.Options{})
		l := e.input()
		l.in.Settings[SettingURL] = srv.URL
		_, err := e.run(l)
		var ue *provider.UnexpectedPageError
		if !errors.As(err, &ue) || ue.Status != tc.status {
			t.Errorf("HTTP %d %s: error %#v, want UnexpectedPageError", tc.status, tc.body, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if strings.Contains(err.Error(), "line 3") || strings.Contains(err.Error(), testPW) || strings.Contains(err.Error(), "tok-secret") {
			t.Errorf("error %q", err)
		}
	}
}

func TestRateLimitedWithRetryAfter(t *testing.T) {
	srv := stubAPI(t, 429, `{"statusCode":429,"name":"Too Many Requests","message":"Rate limit exceeded"}`,
		http.Header{"Retry-After": {"45"}, "X-Ratelimit-Reset": {"3000"}, "X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"0"}})
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Settings[SettingURL] = srv.URL
	_, err := e.run(l)
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, "try again in 45s") {
		t.Fatalf("error %#v, want a rate limit saying 45s", err)
	}
}

func TestFreshTokenRefused(t *testing.T) {
	srv := stubAPI(t, 401, `{"statusCode":401,"name":"Unauthorized","message":"Authentication Failure"}`, nil)
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Settings[SettingURL] = srv.URL
	_, err := e.run(l)
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(se.What, "refused a new API access token") {
		t.Fatalf("error %#v", err)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := newEnv(t, onelogintest.Options{})
	l := e.input()
	l.in.Settings[SettingURL] = "http://" + addr
	_, err = e.run(l)
	var ue *httpx.UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("error %#v, want UnreachableError naming %s", err, addr)
	}
	if l.pwCalls.Load() != 0 {
		t.Error("password asked before the API was reached")
	}
}

// TestSecretsNeverShown runs logins that handle every kind of secret and
// checks errors and debug output.
func TestSecretsNeverShown(t *testing.T) {
	issue, last := sandboxAssertion(t)
	e := newEnv(t, onelogintest.Options{Assertion: issue}, google, protect)
	dir := t.TempDir()
	runs := []struct {
		answers []string
		ok      bool
	}{
		{[]string{"1", "000000", google.Code}, true},
		{[]string{"2", "", "111111", "222222", "333333"}, false},
		{[]string{"2", protect.Code}, true},
	}
	for i, r := range runs {
		l := e.input(r.answers...)
		l.in.CacheDir = dir
		got, err := e.run(l)
		if (err == nil) != r.ok {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if err != nil {
			e.assertNoSecrets("error", err.Error(), *last)
		}
		_ = got
	}
	_, tf := cacheFile(t, dir)
	e.assertNoSecrets("debug output", e.log.String(), *last, tf.AccessToken, "000000", "111111", "222222", "333333")
	if !strings.Contains(e.log.String(), "callback host") {
		t.Errorf("debug output lacks the callback host")
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
