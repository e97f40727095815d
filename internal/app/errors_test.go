package app

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// Each failure a user can meet names what failed and where, says what to do
// next, and exits with the documented code — in at most a few lines.
func TestActionableErrors(t *testing.T) {
	s := startSandbox(t, sandbox.Options{Users: []sandbox.User{
		{Name: "demo", Password: "demo", Roles: []string{"Dev"}},
		// A role in another account than the SAML provider: AWS answers AccessDenied.
		{Name: "stranger", Password: "pw", Roles: []string{"arn:aws:iam::999999999999:role/Dev"}},
	}})

	// A port that accepts connections and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	tlsIdP := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsIdP.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	tlsIdP.StartTLS()
	defer tlsIdP.Close()
	errorPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("<html><head><title>Service unavailable</title></head><body><p class=error>Maintenance until 18:00</p></body></html>"))
	}))
	defer errorPage.Close()
	tlsHost := strings.TrimPrefix(tlsIdP.URL, "https://")
	pageHost := strings.TrimPrefix(errorPage.URL, "http://")

	tests := []struct {
		name   string
		user   string
		url    string
		extra  []string
		code   int
		stderr []string
		absent []string
	}{
		{"connect timeout", "demo", "http://" + silent.Addr().String() + "/sso", []string{"--timeout", "300ms"}, 1,
			[]string{"cannot reach " + silent.Addr().String() + ": no answer within 300ms", "hint: ", "HTTPS_PROXY"}, nil},
		{"name does not resolve", "demo", "https://idp.awsfed-test.invalid/sso", nil, 1,
			[]string{"cannot reach idp.awsfed-test.invalid:443: host name does not resolve", "VPN"}, nil},
		{"TLS not trusted", "demo", tlsIdP.URL + "/sso", nil, 1,
			[]string{"cannot reach " + tlsHost + ": TLS certificate not trusted", "ca_file"}, nil},
		{"IdP error page", "demo", errorPage.URL + "/sso?SAMLRequest=secret", nil, 1,
			[]string{"unexpected answer from the IdP at http://" + pageHost + "/sso (HTTP 500)", "Service unavailable", "hint: check that the URL is the IdP-initiated sign-on URL"},
			[]string{"SAMLRequest", "secret"}},
		{"AWS refuses", "stranger", s.IdPURL, []string{"--password-stdin"}, 4,
			[]string{"aws sts AssumeRoleWithSAML: AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML", "hint: "}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			stdin := "demo"
			if tt.user == "stranger" {
				stdin = "pw"
			}
			args := append([]string{"login", "dev", "--url", tt.url, "--sts-endpoint", s.STSURL, "--username", tt.user, "--password-stdin"}, tt.extra...)
			code, _, stderr := c.run(stdin, nil, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr contains %q:\n%s", bad, stderr)
				}
			}
			errLines := 0
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "awsfed: ") || strings.HasPrefix(l, "hint: ") {
					errLines++
				}
			}
			if errLines < 2 || errLines > 3 {
				t.Errorf("want an error line and a hint line, got %d:\n%s", errLines, stderr)
			}
		})
	}
}
