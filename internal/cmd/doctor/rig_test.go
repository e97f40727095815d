package doctor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider"
)

// rig is a home directory and an environment for one test: nothing of the
// real user's files or variables reaches the checks.
type rig struct {
	t    *testing.T
	home string
	env  map[string]string
	now  time.Time
}

func newRig(t *testing.T) *rig {
	home := t.TempDir()
	return &rig{t: t, home: home, now: time.Now(), env: map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_CACHE_HOME": filepath.Join(home, ".cache"), "XDG_DATA_HOME": filepath.Join(home, ".local", "share"),
	}}
}

// write puts text at rel (under home) with mode.
func (r *rig) write(rel, text string, mode os.FileMode) string {
	r.t.Helper()
	path := filepath.Join(r.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		r.t.Fatal(err)
	}
	return path
}

func (r *rig) config(text string) string { return r.write(".config/awsfed/config", text, 0o600) }

// stub is a provider that is never asked for an assertion: the doctor
// does not sign in.
type stub struct{ settings []provider.Setting }

func (s stub) Assertion(context.Context, *provider.Input) (string, error) { panic("doctor signed in") }
func (s stub) Settings() []provider.Setting                               { return s.settings }

func registry() provider.Registry {
	return provider.Registry{
		"form": func() provider.Provider { return stub{} },
		// The real browser provider's default is the browser it finds on
		// this machine: the stub finds none.
		"browser": func() provider.Provider {
			return stub{settings: []provider.Setting{{Key: "browser", EnvVar: "AWSFED_BROWSER"}}}
		},
		"api": func() provider.Provider {
			return stub{settings: []provider.Setting{
				{Key: "app_id", Label: "app id", Required: true},
				{Key: "client_secret", Label: "API secret", Required: true, Secret: true, EnvVar: "AWSFED_TEST_SECRET"},
			}}
		},
	}
}

func (r *rig) options() *Options {
	io, _, _, _ := iostreams.Test()
	f := &factory.Factory{IO: io, Env: func(k string) string { return r.env[k] }, Providers: registry(), Now: func() time.Time { return r.now }, Version: "test"}
	// Tests live in temporary directories, which the real locator refuses.
	loc := &setupprofile.Locator{LookPath: func(string) (string, error) { return "", os.ErrNotExist }, Executable: os.Executable}
	return &Options{F: f, Timeout: 5 * time.Second, KeyringTimeout: time.Second, Locator: loc}
}

func (r *rig) doctor() *doctor { return newDoctor(r.options()) }

// expect finds the result of subject's check and compares its verdict and
// the words its Found and Fix must hold.
func expect(t *testing.T, rs []Result, subject, check string, v Verdict, words ...string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Subject != subject || r.Check != check {
			continue
		}
		if r.Verdict != v {
			t.Errorf("%s %s: %s, want %s: %s — fix: %s", subject, check, r.Verdict, v, r.Found, r.Fix)
		}
		line := r.Found + " — fix: " + r.Fix
		for _, w := range words {
			if !strings.Contains(line, w) {
				t.Errorf("%s %s lacks %q: %s", subject, check, w, line)
			}
		}
		return r
	}
	t.Errorf("no %s %s check in:\n%s", subject, check, dump(rs))
	return Result{}
}

func dump(rs []Result) string {
	var b strings.Builder
	writeText(&b, rs)
	return b.String()
}

// A certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string // path of its PEM file
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Doctor Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: path}
}

// leaf issues a server certificate for names (IP addresses or DNS names)
// valid from notBefore to notAfter.
func (ca *testCA) leaf(t *testing.T, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
