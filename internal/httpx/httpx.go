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
	Timeout   time.Duration // each request (each redirect hop), from connect to the end of the body; 0 means 30s, < 0 none
	CAFile    string        // extra PEM roots, for private CAs
	CookieJar bool          // keep cookies across requests (form IdPs need it)
	Debug     *debug.Logger // logs method, URL without query values, status, redirects
}

// NewClient returns a client configured by opts. It honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY.
func NewClient(opts Options) (*http.Client, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CAFile != "" {
		pool, err := loadRoots(opts.CAFile)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	proxy := newProxy()
	base.Proxy = proxy.forRequest
	base.TLSClientConfig = tlsConf

	c := &http.Client{
		Transport: &transport{base: base, timeout: opts.Timeout, proxy: proxy, debug: opts.Debug},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects: the server is redirecting in a loop", maxRedirects)
			}
			return nil
		},
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

// loadRoots adds the certificates of file to the system pool, so that a
// private CA extends the trusted set instead of replacing it.
func loadRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("ca_file %s: %w", file, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificate found in the file", file)
	}
	return pool, nil
}
