// Package httpx builds the HTTP clients awsfed uses (timeouts, proxy from
// the environment, private CAs, cookie jar, --debug request logging) and
// turns transport failures into UnreachableError, which names host and port,
// what happened and the likely fix. It knows nothing of SAML, IdPs or AWS,
// and it never logs or returns query strings, headers, cookies or bodies:
// they carry SAML requests, passwords and assertions.
package httpx

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
)

// maxRedirects is generous because SAML flows bounce between SP and IdP
// several times, yet small enough to stop a redirect loop quickly.
const maxRedirects = 20

// Options configure a client.
type Options struct {
	Timeout time.Duration // each request (each redirect hop), from connect to the end of the body; 0 means 30s, < 0 none
	CAFile  string        // extra PEM roots, for private CAs
	// CASetting names where CAFile came from ("ca_file", "AWS_CA_BUNDLE"),
	// for errors and for the hint of an untrusted certificate.
	CASetting string
	CookieJar bool          // keep cookies across requests (form IdPs need it)
	Debug     *debug.Logger // logs method, URL without query values, status, redirects

	// Origin is the URL the user configured: requests that carry a secret
	// go only to its scheme, host and port, or to AllowedHosts. Empty: no
	// origin check (redirects from https to http are refused all the same).
	Origin       string
	AllowedHosts []string // host, host:port or *.domain (allowed_hosts of [idp])
	Section      string   // where allowed_hosts is set, for hints ("[idp corp]")
	// NoRedirects makes every redirect an error: for APIs (vRO, OneLogin,
	// STS) whose calls all carry credentials.
	NoRedirects bool
}

// NewClient returns a client configured by opts. It honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY.
func NewClient(opts Options) (*http.Client, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.CASetting == "" {
		opts.CASetting = "ca_file"
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	var extra []*x509.Certificate
	if opts.CAFile != "" {
		var err error
		if extra, err = readCerts(opts.CAFile, opts.CASetting); err != nil {
			return nil, err
		}
	}
	pol, err := newPolicy(opts)
	if err != nil {
		return nil, err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	// A sign-in for many accounts calls STS once per account at once, then
	// tests every account's keys at once: keep all those connections for
	// the tests (the default keeps 2 per host and the rest would open anew,
	// each with its TLS handshake).
	base.MaxIdleConnsPerHost = base.MaxIdleConns
	proxy := newProxy()
	base.Proxy = proxy.forRequest
	base.TLSClientConfig = tlsConf

	c := &http.Client{
		Transport: &transport{base: base, timeout: opts.Timeout, proxy: proxy, debug: opts.Debug, policy: pol,
			roots: extra, caSetting: opts.CASetting},
		CheckRedirect: pol.checkRedirect,
	}
	if opts.CookieJar {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, fmt.Errorf("cookie jar: %w", err)
		}
		c.Jar = jar
	}
	return c, nil
}

// readCerts reads the PEM certificates of file. They are added to the
// system pool only when a request is made (see transport.trust): loading
// that pool costs milliseconds, which a credential-process served from the
// cache must not pay.
func readCerts(file, setting string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", setting, file, err)
	}
	var certs []*x509.Certificate
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s %s: no PEM certificate found in the file", setting, file)
	}
	return certs, nil
}

// systemPlus is the system pool with extra added, so that a private CA
// extends the trusted set instead of replacing it.
func systemPlus(extra []*x509.Certificate) *x509.CertPool {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range extra {
		pool.AddCert(c)
	}
	return pool
}
