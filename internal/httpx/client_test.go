package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
)

func newClient(t *testing.T, opts Options) *http.Client {
	t.Helper()
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// get fetches raw and returns the classified error, reading the whole body.
func get(ctx context.Context, c *http.Client, raw string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return Classify(err, raw)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return Classify(err, raw)
	}
	return nil
}

func wantUnreachable(t *testing.T, err error, whatPrefix string) *UnreachableError {
	t.Helper()
	var ue *UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("got %T %v, want *UnreachableError", err, err)
	}
	if !strings.HasPrefix(ue.What, whatPrefix) {
		t.Fatalf("What = %q, want prefix %q", ue.What, whatPrefix)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("message leaks the query: %q", err)
	}
	return ue
}

func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRefused(t *testing.T) {
	addr := closedAddr(t)
	err := get(t.Context(), newClient(t, Options{}), "http://"+addr+"/sso?SAMLRequest=secret")
	ue := wantUnreachable(t, err, "connection refused")
	if ue.Host+":"+ue.Port != addr {
		t.Fatalf("names %s:%s, want %s", ue.Host, ue.Port, addr)
	}
	if !strings.Contains(err.Error(), addr) {
		t.Fatalf("message %q does not name %s", err, addr)
	}
}

func writeCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()

	err := get(t.Context(), newClient(t, Options{}), srv.URL+"/?secret=1")
	ue := wantUnreachable(t, err, "TLS certificate not trusted: ")
	if !strings.Contains(ue.Hint, "ca_file") {
		t.Errorf("hint %q does not mention ca_file", ue.Hint)
	}

	trusted := newClient(t, Options{CAFile: writeCA(t, srv)})
	if err := get(t.Context(), trusted, srv.URL+"/"); err != nil {
		t.Fatalf("with ca_file: %v", err)
	}
}

func TestTLSMinVersion(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	srv.StartTLS()
	defer srv.Close()
	c := newClient(t, Options{CAFile: writeCA(t, srv)})
	if err := get(t.Context(), c, srv.URL); err == nil {
		t.Fatal("a TLS 1.1 server was accepted")
	}
}

func TestCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{missing, empty} {
		_, err := NewClient(Options{CAFile: file})
		if err == nil || !strings.Contains(err.Error(), file) {
			t.Errorf("NewClient(CAFile=%s) error = %v, want one naming the file", file, err)
		}
	}
}

func TestHTTPSToPlainServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	err := get(t.Context(), newClient(t, Options{}), strings.Replace(srv.URL, "http://", "https://", 1)+"/?secret=1")
	ue := wantUnreachable(t, err, "the server does not speak TLS")
	if !strings.Contains(ue.Hint, "http://") {
		t.Errorf("hint %q does not suggest http://", ue.Hint)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newClient(t, Options{Timeout: 200 * time.Millisecond})
	for _, path := range []string{"/headers", "/body"} {
		start := time.Now()
		err := get(t.Context(), c, srv.URL+path+"?secret=1")
		ue := wantUnreachable(t, err, "no answer within 200ms")
		if !strings.Contains(ue.Hint, "--timeout") {
			t.Errorf("%s: hint %q", path, ue.Hint)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: errors.Is(err, DeadlineExceeded) = false", path)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", path, d)
		}
	}
}

func TestDNS(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err := get(ctx, newClient(t, Options{Timeout: -1}), "https://awsfed-test.invalid/sso?secret=1")
	if ctx.Err() != nil {
		t.Skip("the resolver did not answer within 5s")
	}
	ue := wantUnreachable(t, err, "host name does not resolve")
	if ue.Host != "awsfed-test.invalid" || ue.Port != "443" {
		t.Errorf("host:port = %s:%s", ue.Host, ue.Port)
	}
}

func TestCancelKeepsItsKind(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := get(ctx, newClient(t, Options{}), srv.URL+"/?secret=1")
	var ue *UnreachableError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ue) {
		t.Fatalf("got %T %v, want context.Canceled", err, err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("message leaks the query: %q", err)
	}
}

func TestRedirectLimitAndDebug(t *testing.T) {
	var buf bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop?SAMLRequest=secret", http.StatusFound)
		case "/start":
			http.Redirect(w, r, "/end?RelayState=secret#frag", http.StatusFound)
		default:
			io.WriteString(w, "done")
		}
	}))
	defer srv.Close()
	c := newClient(t, Options{Debug: debug.New(&buf)})

	if err := get(t.Context(), c, srv.URL+"/start?SAMLRequest=secret"); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	wantLines := []string{
		"debug: GET http://" + u.Host + "/start -> 302 (Location http://" + u.Host + "/end)",
		"debug: GET http://" + u.Host + "/end -> 200",
	}
	for _, w := range wantLines {
		if !strings.Contains(buf.String(), w+"\n") {
			t.Errorf("debug output lacks %q:\n%s", w, buf.String())
		}
	}

	err := get(t.Context(), c, srv.URL+"/loop?SAMLRequest=secret")
	if err == nil || !strings.Contains(err.Error(), "20 redirects") {
		t.Fatalf("redirect loop: %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("message leaks the query: %q", err)
	}
	if n := strings.Count(buf.String(), "/loop -> 302"); n != 20 {
		t.Errorf("followed %d redirects, want 20", n)
	}

	_ = get(t.Context(), c, "http://"+closedAddr(t)+"/x?secret=1")
	if !strings.Contains(buf.String(), "-> failed: connection refused") {
		t.Errorf("debug output lacks the failure:\n%s", buf.String())
	}
	for _, bad := range []string{"secret", "?", "#"} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("debug output contains %q:\n%s", bad, buf.String())
		}
	}
}

func TestCookieJar(t *testing.T) {
	if newClient(t, Options{}).Jar != nil {
		t.Error("jar without CookieJar")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "s", Value: "v"})
			http.Redirect(w, r, "/check", http.StatusFound)
			return
		}
		if c, err := r.Cookie("s"); err != nil || c.Value != "v" {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer srv.Close()
	resp, err := newClient(t, Options{CookieJar: true}).Get(srv.URL + "/set")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cookie not sent back: status %d", resp.StatusCode)
	}
}

func TestProxyFailure(t *testing.T) {
	connectRefuser := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	defer connectRefuser.Close()
	tests := []struct {
		name, proxy, what string
	}{
		{"dial", "http://user:pw@" + closedAddr(t), "connection refused"},
		{"connect", connectRefuser.URL, "Proxy Authentication Required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{})
			pu, _ := url.Parse(tt.proxy)
			// Stands in for HTTPS_PROXY, which net/http reads once per process.
			c.Transport.(*transport).proxy.fn = func(*http.Request) (*url.URL, error) { return pu, nil }
			err := get(t.Context(), c, "https://idp.example.com/sso?secret=1")
			ue := wantUnreachable(t, err, "the proxy "+pu.Host+" failed: "+tt.what)
			if !strings.Contains(ue.Hint, "HTTPS_PROXY") && !strings.Contains(ue.Hint, "https_proxy") {
				t.Errorf("hint %q does not name the variable", ue.Hint)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("message leaks the proxy password: %q", err)
			}
			if ue.Host != "idp.example.com" {
				t.Errorf("Host = %q", ue.Host)
			}
		})
	}
}

// Calls made at once open a connection each; the calls made at once after
// them reuse every one of those connections, however many.
func TestConcurrentCallsKeepTheirConnections(t *testing.T) {
	const n = 20
	var conns atomic.Int32
	var inFlight sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight.Done()
		inFlight.Wait() // all n at once, so that none can reuse another's connection
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newClient(t, Options{})
	for round := range 2 {
		inFlight.Add(n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if err := get(context.Background(), c, srv.URL); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := conns.Load(); got != n {
			t.Fatalf("round %d: %d connections opened, want %d", round+1, got, n)
		}
	}
}
