package cmdutil

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// Once the IdP has rejected a password, no later sign-in of the same run
// (exec's endpoint is asked again and again) sends it, whatever its source.
func TestRejectedPasswordIsNeverSentAgain(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	// The rejection is recorded in the cache directory too.
	env := map[string]string{"AWSFED_PASSWORD": "wrong", "HOME": t.TempDir()}
	f := &factory.Factory{IO: io, Env: func(k string) string { return env[k] }}
	s, err := newSecrets(context.Background(), f, &config.Login{Account: "dev", Settings: map[string]string{}}, &LoginFlags{})
	if err != nil {
		t.Fatal(err)
	}
	stub := &prompt.Stub{Answers: []string{"typed"}}
	if pw, err := s.password(context.Background(), stub); pw != "wrong" || err != nil {
		t.Fatalf("first: %q, %v", pw, err)
	}
	rejected := &provider.RejectedError{Username: "alice"}
	if err := s.finish(context.Background(), rejected); !errors.Is(err, rejected) {
		t.Fatalf("finish = %v", err)
	}
	pw, err := s.password(context.Background(), stub)
	if pw != "" || !errors.Is(err, rejected) {
		t.Errorf("after a rejection: %q, %v; want the rejection again", pw, err)
	}
	if len(stub.Asked) != 0 {
		t.Errorf("asked %q after a rejection", stub.Asked)
	}
}

// The password and code lines are read one byte at a time, so that the
// rest of stdin is left for the command awsfed exec runs.
func TestReadStdinLeavesTheRest(t *testing.T) {
	r := strings.NewReader("p&ss w\r\n123456\nfor the child\n")
	pw, code, err := readStdin(r, &LoginFlags{PasswordStdin: true, MFACodeStdin: true})
	if err != nil || pw != "p&ss w" || code != "123456" {
		t.Fatalf("got %q, %q, %v", pw, code, err)
	}
	rest := make([]byte, 100)
	n, _ := r.Read(rest)
	if string(rest[:n]) != "for the child\n" {
		t.Errorf("left %q", rest[:n])
	}
	if _, _, err := readStdin(strings.NewReader(""), &LoginFlags{PasswordStdin: true}); err == nil {
		t.Error("empty stdin accepted")
	}
	if pw, _, err := readStdin(strings.NewReader("no newline"), &LoginFlags{PasswordStdin: true}); err != nil || pw != "no newline" {
		t.Errorf("last line without newline: %q, %v", pw, err)
	}
}

// newTestSecrets is one awsfed process's password source: env is its
// environment (HOME and XDG_CACHE_HOME shared between "processes").
func newTestSecrets(t *testing.T, env map[string]string, url string, settings map[string]string, lf *LoginFlags) *secrets {
	t.Helper()
	io, _, _, _ := iostreams.Test()
	f := &factory.Factory{IO: io, Env: func(k string) string { return env[k] }}
	if settings == nil {
		settings = map[string]string{}
	}
	l := &config.Login{Account: "dev", IdPName: "corp", URL: url, Username: "alice", Settings: settings}
	s, err := newSecrets(context.Background(), f, l, lf)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A password the IdP rejected is refused by every later process, whatever
// its source (environment, terminal), without asking the IdP; another
// password is sent, and a success forgets the rejection.
func TestRejectedPasswordIsRememberedAcrossProcesses(t *testing.T) {
	home := t.TempDir()
	const idp = "https://idp.example.com/sso"
	env := func(pw string) map[string]string {
		return map[string]string{"HOME": home, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "AWSFED_PASSWORD": pw}
	}
	ctx := context.Background()

	first := newTestSecrets(t, env("wrong"), idp, nil, &LoginFlags{})
	if pw, err := first.password(ctx, &prompt.Stub{}); pw != "wrong" || err != nil {
		t.Fatalf("first: %q, %v", pw, err)
	}
	rejected := &provider.RejectedError{Username: "alice"}
	if err := first.finish(ctx, rejected); !errors.Is(err, rejected) {
		t.Fatalf("finish = %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(home, "cache", "awsfed", "rejected-password-*.json"))
	if len(files) != 1 {
		t.Fatalf("records: %q", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("record %v, %v; want mode 0600", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(files[0]); strings.Contains(string(data), "wrong") {
		t.Errorf("the password is in the record:\n%s", data)
	}

	// Another process, the same password from the environment.
	_, err := newTestSecrets(t, env("wrong"), idp, nil, &LoginFlags{}).password(ctx, &prompt.Stub{})
	var earlier *PasswordRejectedEarlierError
	if !errors.As(err, &earlier) || earlier.File != files[0] {
		t.Fatalf("same password: %v; want it refused", err)
	}
	msg := err.Error() + "\n" + earlier.Hint()
	for _, want := range []string{"alice", "https://idp.example.com:443", "did not send it again", "rm " + files[0]} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "wrong") {
		t.Errorf("the password is in the message:\n%s", msg)
	}
	var service *provider.ServiceError
	if !errors.As(err, &service) || !service.Rejected || service.Hint != earlier.Hint() {
		t.Errorf("the error does not exit as a refusal with its hint: %#v", service)
	}

	// The same password typed at a terminal.
	typed := newTestSecrets(t, env(""), idp, nil, &LoginFlags{})
	stub := &prompt.Stub{Answers: []string{"wrong", "again"}}
	if _, err := typed.password(ctx, stub); !errors.As(err, &earlier) {
		t.Errorf("typed again: %v; want it refused", err)
	}
	if _, err := typed.password(ctx, stub); !errors.As(err, &earlier) || len(stub.Asked) != 1 {
		t.Errorf("asked %d times in one run after a refusal (%v)", len(stub.Asked), err)
	}

	// The same password for the same user over plain http, or for another
	// user, is another matter.
	if pw, err := newTestSecrets(t, env("wrong"), "http://idp.example.com/sso", nil, &LoginFlags{}).password(ctx, &prompt.Stub{}); pw != "wrong" || err != nil {
		t.Errorf("http origin: %q, %v; a rejection at https binds https only", pw, err)
	}

	// Another password goes; its success clears the record.
	right := newTestSecrets(t, env("right"), idp, nil, &LoginFlags{})
	if pw, err := right.password(ctx, &prompt.Stub{}); pw != "right" || err != nil {
		t.Fatalf("another password: %q, %v", pw, err)
	}
	if err := right.finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(files[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the record outlived a success: %v", err)
	}
	if pw, err := newTestSecrets(t, env("wrong"), idp, nil, &LoginFlags{}).password(ctx, &prompt.Stub{}); pw != "wrong" || err != nil {
		t.Errorf("after a success: %q, %v", pw, err)
	}
}

// A password in the keyring that the IdP rejected (under another [idp]
// section with the same URL and user) is not sent either.
func TestRejectedPasswordFromTheKeyringIsNotSent(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "XDG_DATA_HOME": filepath.Join(home, "data"),
		"AWSFED_KEYRING_BACKEND": "file", "AWSFED_KEYRING_PASSPHRASE": "ring pass"}
	const idp = "https://idp.example.com/sso"
	ctx := context.Background()
	s := newTestSecrets(t, env, idp, map[string]string{"store_password": "true"}, &LoginFlags{})
	ring, err := s.keyringStore()
	if err != nil {
		t.Fatal(err)
	}
	if err := ring.Set(ctx, s.key(), "wrong"); err != nil {
		t.Fatal(err)
	}
	r, err := s.rejections()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.add(ctx, "wrong"); err != nil {
		t.Fatal(err)
	}
	stub := &prompt.Stub{Answers: []string{"typed"}}
	var earlier *PasswordRejectedEarlierError
	if pw, err := s.password(ctx, stub); pw != "" || !errors.As(err, &earlier) {
		t.Errorf("keyring password rejected earlier: %q, %v", pw, err)
	}
	if len(stub.Asked) != 0 {
		t.Errorf("asked %q", stub.Asked)
	}
}

// A stored password is bound to the IdP's origin: scheme, host and port.
func TestKeyringKeyBindsTheOrigin(t *testing.T) {
	key := func(u string) string { return KeyringKey(&config.Login{IdPName: "corp", URL: u, Username: "alice"}) }
	if key("https://idp.example.com/a") != key("https://IDP.example.com:443/b?x=1") {
		t.Error("the same origin gives two keys")
	}
	for _, other := range []string{"http://idp.example.com/a", "https://idp.example.com:8443/a", "https://idp2.example.com/a"} {
		if key(other) == key("https://idp.example.com/a") {
			t.Errorf("%s shares the key of https://idp.example.com", other)
		}
	}
	tests := []struct{ in, want string }{
		{"https://IdP.Example.com/sso?a=b", "https://idp.example.com:443"},
		{"http://idp.example.com", "http://idp.example.com:80"},
		{"HTTPS://idp.example.com:8443/", "https://idp.example.com:8443"},
		{"http://[::1]/x", "http://[::1]:80"},
		{"http://127.0.0.1:4321/idp", "http://127.0.0.1:4321"},
		{"", ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		if got := httpx.OriginOf(tt.in); got != tt.want {
			t.Errorf("OriginOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
