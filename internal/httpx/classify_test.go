package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestClassifyTable(t *testing.T) {
	const raw = "https://idp.example.com/sso?SAMLRequest=SECRET"
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: raw, Err: err} }
	dial := func(errno error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
	}
	tests := []struct {
		name     string
		err      error
		what     string // "" means not an UnreachableError
		hintPart string
	}{
		{"refused", wrap(dial(syscall.ECONNREFUSED)), "connection refused", "nothing is listening"},
		{"dns", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "idp.example.com", IsNotFound: true}}), "host name does not resolve", "corporate network or VPN"},
		{"dns timeout", wrap(&net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}), "host name lookup timed out", "host name"},
		{"net unreachable", wrap(dial(syscall.ENETUNREACH)), "network unreachable", "VPN"},
		{"host unreachable", wrap(dial(syscall.EHOSTUNREACH)), "host unreachable", "VPN"},
		{"deadline", wrap(context.DeadlineExceeded), "timed out", "HTTPS_PROXY"},
		{"own timeout", wrap(&timeoutError{d: 3 * time.Second}), "no answer within 3s", "--timeout"},
		{"unknown authority", wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), "TLS certificate not trusted: certificate signed by unknown authority", "ca_file"},
		{"hostname", wrap(&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"other.example.com"}}, Host: "idp.example.com"}}), "TLS certificate not trusted: certificate is valid for other.example.com, not idp.example.com", "right host"},
		{"expired", wrap(x509.CertificateInvalidError{Reason: x509.Expired, Detail: "current time is after"}), "TLS certificate not trusted: certificate has expired or is not yet valid: current time is after", "ca_file"},
		{"record header", wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), "the server does not speak TLS", "try http://"},
		{"proxy", wrap(&proxyError{proxy: "proxy.corp:3128", variable: "HTTPS_PROXY", err: &net.OpError{Op: "proxyconnect", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}), "the proxy proxy.corp:3128 failed: connection refused", "check HTTPS_PROXY"},
		{"proxy status", wrap(&proxyError{proxy: "proxy.corp:3128", variable: "https_proxy", err: errors.New("407 Proxy Authentication Required")}), "the proxy proxy.corp:3128 failed: 407 Proxy Authentication Required", "check https_proxy"},
		{"other", wrap(errors.New("stopped after 20 redirects")), "", ""},
		{"canceled", wrap(context.Canceled), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.err, raw)
			if strings.Contains(got.Error(), "SECRET") {
				t.Errorf("message leaks the query: %q", got)
			}
			var ue *UnreachableError
			if tt.what == "" {
				if errors.As(got, &ue) {
					t.Fatalf("got UnreachableError %q, want the error's own kind", got)
				}
				if !errors.Is(got, errors.Unwrap(tt.err)) {
					t.Errorf("lost the cause: %v", got)
				}
				return
			}
			if !errors.As(got, &ue) {
				t.Fatalf("got %T %q, want *UnreachableError", got, got)
			}
			if ue.What != tt.what {
				t.Errorf("What = %q, want %q", ue.What, tt.what)
			}
			if !strings.Contains(ue.Hint, tt.hintPart) {
				t.Errorf("Hint = %q, want it to mention %q", ue.Hint, tt.hintPart)
			}
			if strings.Contains(ue.What+ue.Hint, "\n") {
				t.Errorf("What/Hint span lines: %q / %q", ue.What, ue.Hint)
			}
			if ue.Host != "idp.example.com" || ue.Port != "443" {
				t.Errorf("host:port = %s:%s", ue.Host, ue.Port)
			}
			if !errors.Is(got, errors.Unwrap(tt.err)) {
				t.Errorf("lost the cause: %v", got)
			}
		})
	}
}

func TestClassifyNilAndIdempotent(t *testing.T) {
	if Classify(nil, "https://x") != nil {
		t.Fatal("Classify(nil) != nil")
	}
	first := Classify(fmt.Errorf("x: %w", syscall.ECONNREFUSED), "http://h/")
	if again := Classify(first, "http://other/"); again != first {
		t.Fatalf("reclassified: %v", again)
	}
	var ue *UnreachableError
	if !errors.As(first, &ue) || ue.Port != "80" {
		t.Fatalf("http port not defaulted to 80: %+v", first)
	}
}

func TestClassifyNamesTheHostThatFailed(t *testing.T) {
	// After a redirect the url.Error names the hop that failed.
	err := &url.Error{Op: "Get", URL: "https://idp.corp:8443/login?x=1", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	var ue *UnreachableError
	if !errors.As(Classify(err, "https://sp.example.com/start"), &ue) {
		t.Fatal("not classified")
	}
	if ue.Host != "idp.corp" || ue.Port != "8443" {
		t.Fatalf("host:port = %s:%s, want idp.corp:8443", ue.Host, ue.Port)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://idp.example.com/sso?SAMLRequest=abc&RelayState=x#frag", "https://idp.example.com/sso"},
		{"https://user:pw@idp.example.com:8443/a/b", "https://idp.example.com:8443/a/b"},
		{"http://h", "http://h"},
		{"https://h/p%20q?x", "https://h/p%20q"},
		{"://bad", ""},
	}
	for _, tt := range tests {
		if got := RedactString(tt.in); got != tt.want {
			t.Errorf("RedactString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
