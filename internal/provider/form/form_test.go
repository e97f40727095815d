package form

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// input returns an Input whose Password answers pw and counts its calls.
func input(url, user, pw string, calls *atomic.Int32) *provider.Input {
	return &provider.Input{
		IdP: "test", URL: url, Username: user,
		Password: func(context.Context) (string, error) {
			calls.Add(1)
			return pw, nil
		},
		HTTP:   &http.Client{},
		Prompt: &prompt.Stub{},
	}
}

func TestPasswordArrivesExactly(t *testing.T) {
	var all strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		all.WriteByte(c)
	}
	passwords := []string{
		all.String(), " ", "two words", `"`, "'", "%", "%25", "+", "=", "&", "#", "?", ";", `\`,
		`p&ss=w+rd %#'"x y`, "pässwört", "密码", "🔑🦀", "trailing ", " leading", "a\tb",
	}
	for c := byte(0x20); c < 0x7f; c++ {
		passwords = append(passwords, string([]byte{c}))
	}
	for _, pw := range passwords {
		t.Run("", func(t *testing.T) {
			srv, rec := newSimpleSAMLphp(t, "alice", pw)
			var calls atomic.Int32
			got, err := New().Assertion(t.Context(), input(sspStart(srv), "alice", pw, &calls))
			rec.check(t)
			if err != nil {
				t.Fatalf("password %q: %v", pw, err)
			}
			if got != samlResponse {
				t.Fatalf("SAMLResponse = %q, want %q", got, samlResponse)
			}
			if rec.passwordPosts() != 1 {
				t.Fatalf("%d password POSTs, want 1", rec.passwordPosts())
			}
			if sent := rec.forms[0]["password"]; len(sent) != 1 || sent[0] != pw {
				t.Fatalf("the IdP decoded %q from %q, want %q", sent, rec.bodies[0], pw)
			}
			if calls.Load() != 1 {
				t.Fatalf("Password called %d times", calls.Load())
			}
		})
	}
}

func TestSimpleSAMLphp(t *testing.T) {
	srv, rec := newSimpleSAMLphp(t, "alice", "s3cret")
	var calls atomic.Int32
	got, err := New().Assertion(t.Context(), input(sspStart(srv), "alice", "s3cret", &calls))
	rec.check(t)
	if err != nil {
		t.Fatal(err)
	}
	if got != samlResponse || !strings.ContainsAny(got, "+/") {
		t.Fatalf("SAMLResponse = %q, want %q", got, samlResponse)
	}
}

func TestWrongPassword(t *testing.T) {
	srv, rec := newSimpleSAMLphp(t, "alice", "right")
	var calls atomic.Int32
	_, err := New().Assertion(t.Context(), input(sspStart(srv), "alice", "wrong", &calls))
	rec.check(t)
	var rej *provider.RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("got %T %v, want *provider.RejectedError", err, err)
	}
	if rec.passwordPosts() != 1 || calls.Load() != 1 {
		t.Fatalf("%d password POSTs and %d Password calls, want 1 and 1", rec.passwordPosts(), calls.Load())
	}
	if rej.IdP != "127.0.0.1" || rej.Username != "alice" {
		t.Errorf("IdP %q, Username %q", rej.IdP, rej.Username)
	}
	want := "Incorrect username or password Either no user with the given username could be found, or the password you gave was wrong. Please check the username and try aga…"
	if rej.Detail != want {
		t.Errorf("Detail = %q, want %q", rej.Detail, want)
	}
	if n := len([]rune(rej.Detail)); n != maxDetail {
		t.Errorf("Detail has %d runes, want it cut to %d", n, maxDetail)
	}
}

func TestExistingSessionNeedsNoPassword(t *testing.T) {
	fx := fixtures(t)
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse})
	})
	in := input(srv.URL+"/sso", "", "", nil)
	in.Password = func(context.Context) (string, error) {
		t.Error("Password called although the IdP asked for none")
		return "", errors.New("unexpected")
	}
	got, err := New().Assertion(t.Context(), in)
	if err != nil || got != samlResponse {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestDebugOutputHasNamesOnly(t *testing.T) {
	const password = "Pa55w0rd-very-secret"
	srv, rec := newSimpleSAMLphp(t, "alice", password)
	var buf bytes.Buffer
	log := debug.New(&buf)
	c, err := httpx.NewClient(httpx.Options{CookieJar: true, Debug: log})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	in := input(sspStart(srv), "alice", password, &calls)
	in.HTTP, in.Debug = c, log
	if _, err := New().Assertion(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	rec.check(t)
	out := buf.String()
	for _, want := range []string{"AuthState, password, username", "POST " + srv.URL + "/simplesaml/module.php/core/loginuserpass.php", "form: page 1:", "-> 303"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{password, samlResponse, "_4f0b0c8e1a", "spentityid", "cookieTime", "?", "s3ss"} {
		if strings.Contains(out, bad) {
			t.Errorf("debug output contains %q:\n%s", bad, out)
		}
	}
}

func httpServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func newTLSServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}
