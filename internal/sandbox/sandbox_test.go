package sandbox

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStartRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"IdP on all interfaces", Options{IdPAddr: "0.0.0.0:0"}, "not on loopback"},
		{"STS on a public name", Options{STSAddr: "example.com:0"}, "not on loopback"},
		{"no port", Options{IdPAddr: "127.0.0.1"}, "missing port"},
		{"max session too long", Options{MaxSession: 13 * time.Hour}, "outside 1h to 12h"},
		{"duplicate user", Options{Users: []User{{Name: "a"}, {Name: "a"}}}, "listed twice"},
		{"trust without cert", Options{Trust: []Trust{{Name: "Corp"}}}, "no certificate"},
		{"trust named like the sandbox", Options{Trust: []Trust{{Name: ProviderName}}}, "sandbox's own"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(context.Background(), tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func TestStartOnLocalhostAndFixedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := start(t, Options{IdPAddr: "localhost:0", STSAddr: addr})
	if !strings.HasPrefix(s.IdPURL, "http://127.0.0.1:") || s.STSURL != "http://"+addr+"/" {
		t.Errorf("URLs %s %s", s.IdPURL, s.STSURL)
	}
	if _, err := Start(context.Background(), Options{STSAddr: addr}); err == nil {
		t.Error("a second sandbox bound the same port")
	}
}

func TestContextEndStopsTheSandbox(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.STSURL); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := http.Get(s.STSURL)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still serving after the context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after the context ended: %v", err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestLogHasNoSecrets(t *testing.T) {
	var log syncBuffer
	const password = "s3cret-P@ss"
	s := start(t, Options{Log: &log, Users: []User{{Name: "alice", Password: password, Roles: []string{"Dev"}}}})
	c := newBrowser(t)
	p := getPage(t, c, s.IdPURL)
	f := loginForm(t, p)
	state := f.inputs["AuthState"].value
	p = submit(t, c, p, f, map[string]string{"username": "alice", "password": password})
	samlResponse := p.forms[0].inputs["SAMLResponse"].value
	r := postSTS(t, s, assumeForm(RoleARN("Dev"), ProviderARN(), samlResponse))
	postSTS(t, s, assumeForm(RoleARN("Admin"), ProviderARN(), samlResponse))
	var cookie string
	for _, ck := range c.Jar.Cookies(p.url) {
		cookie = ck.Value
	}
	got := log.String()
	for _, want := range []string{
		"sandbox: idp GET /idp/sso -> 302\n",
		"sandbox: idp POST /idp/login -> 200\n",
		"sandbox: sts POST / AssumeRoleWithSAML -> 200\n",
		"sandbox: sts POST / AssumeRoleWithSAML -> 403 AccessDenied\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	secrets := map[string]string{"password": password, "AuthState": state, "assertion": samlResponse[:32], "cookie": cookie}
	for _, tok := range []string{"<SecretAccessKey>", "<SessionToken>"} {
		i := strings.Index(r.body, tok) + len(tok)
		secrets[tok] = r.body[i : i+20]
	}
	for what, secret := range secrets {
		if secret == "" || strings.Contains(got, secret) {
			t.Errorf("log holds the %s (or it is empty)", what)
		}
	}
	if strings.Count(got, "\n") != 5 {
		t.Errorf("want one line per request, got:\n%s", got)
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
