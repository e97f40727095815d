package httpx

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The rule every client of this package enforces, for every provider now and
// later: a request that carries a secret (a password, an MFA code, a client
// secret, Basic or bearer auth, an assertion) goes only to the origin the
// user configured (scheme, host, port) or to a host the user listed; no
// request follows a redirect from https to plain http; and clients for APIs
// that send credentials on every call follow no redirect at all. The
// transport checks every request, redirect hops included, so a provider
// that forgets a check still cannot leak.

type secretKey struct{}

// WithSecret marks requests made with ctx as carrying what ("the password",
// "the MFA code"), so that the client sends them only to its allowed
// origins. Requests with an Authorization header need no mark.
func WithSecret(ctx context.Context, what string) context.Context {
	return context.WithValue(ctx, secretKey{}, what)
}

// RefusedError is a request awsfed would not send: a secret to an origin the
// user did not configure, a redirect from https to http, or a redirect of an
// API call that carries credentials.
type RefusedError struct {
	What string // the sentence: what was refused, who asked, where to
	Hint string
}

func (e *RefusedError) Error() string { return e.What }

// policy is where a client's requests may go.
type policy struct {
	origin      *url.URL // nil: no origin was configured, secrets go anywhere but over a downgrade
	allowed     []string // host, host:port or *.domain entries of allowed_hosts
	section     string   // where allowed_hosts is set, for hints
	noRedirects bool
}

func newPolicy(opts Options) (*policy, error) {
	p := &policy{noRedirects: opts.NoRedirects, section: opts.Section}
	if p.section == "" {
		p.section = "the [idp] section"
	}
	if opts.Origin != "" {
		u, err := url.Parse(opts.Origin)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("%q is not a URL", RedactString(opts.Origin))
		}
		p.origin = u
	}
	for _, h := range opts.AllowedHosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			p.allowed = append(p.allowed, h)
		}
	}
	return p, nil
}

// Origin is scheme://host:port of u, with the scheme's default port made
// explicit: what a secret is bound to.
func Origin(u *url.URL) string {
	h, port := hostPort(u)
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(h), port)
}

// OriginOf is Origin of a URL string; "" when it does not parse.
func OriginOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return Origin(u)
}

// IsLoopback reports whether host (a name or an address, without port) is
// this machine: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// CheckInsecure refuses a plain-http URL whose host is not loopback: what
// travels to an IdP, a broker or STS (passwords, assertions, keys) would
// cross the network in clear text. what names the URL's role ("the IdP
// URL"), setting the key that allows it anyway.
func CheckInsecure(rawURL, what, setting string) error {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || IsLoopback(u.Hostname()) {
		return nil
	}
	return &RefusedError{
		What: fmt.Sprintf("%s %s is plain http to %s: the password, the assertion and the keys would cross the network unencrypted", what, Redact(u), u.Host),
		Hint: fmt.Sprintf("use its https:// address; if this network is trusted (a lab, a test rig), pass %s", setting),
	}
}

// allows reports whether a secret may go to u.
func (p *policy) allows(u *url.URL) bool {
	if p.origin == nil {
		return true
	}
	if Origin(u) == Origin(p.origin) {
		return true
	}
	// A listed host gets secrets over https only, or over the configured
	// scheme when that is http (loopback, or allowed insecure).
	if !strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, p.origin.Scheme) {
		return false
	}
	h, port := hostPort(u)
	h = strings.ToLower(h)
	for _, a := range p.allowed {
		switch {
		case strings.HasPrefix(a, "*."):
			if strings.HasSuffix(h, a[1:]) {
				return true
			}
		case a == h || a == net.JoinHostPort(h, port):
			return true
		}
	}
	return false
}

// secretOf names the secret req carries, or "" when it carries none. A
// redirect hop carries the original's secret only when Go re-sends its body
// (307, 308); a 301/302/303 turns it into a GET without one.
func secretOf(req *http.Request) string {
	if req.Header.Get("Authorization") != "" {
		return "credentials (an Authorization header)"
	}
	what, _ := req.Context().Value(secretKey{}).(string)
	if what == "" {
		return ""
	}
	if req.Response != nil && (req.Body == nil || req.Body == http.NoBody) {
		return ""
	}
	return what
}

// check refuses req when it would send a secret where it must not go.
func (p *policy) check(req *http.Request) error {
	if p == nil {
		return nil
	}
	what := secretOf(req)
	if what == "" || p.allows(req.URL) {
		return nil
	}
	dest := Redact(req.URL)
	host := req.URL.Hostname()
	if req.Response != nil {
		from := req.Response.Request.URL
		return &RefusedError{
			What: fmt.Sprintf("refused to send %s to %s: %s redirected there (HTTP %d), and awsfed sends it only to %s",
				what, dest, Origin(from), req.Response.StatusCode, Origin(p.origin)),
			Hint: p.allowHint(host),
		}
	}
	return &RefusedError{
		What: fmt.Sprintf("refused to send %s to %s: awsfed sends it only to %s, the origin configured", what, dest, Origin(p.origin)),
		Hint: p.allowHint(host),
	}
}

func (p *policy) allowHint(host string) string {
	return fmt.Sprintf("if %s really serves your IdP's login, add allowed_hosts = %s to %s; otherwise the IdP, or something between, is misdirecting awsfed", host, host, p.section)
}

// checkRedirect is the client's CheckRedirect: a bound on hops, no https to
// http downgrade, and none at all for API clients.
func (p *policy) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects: the server is redirecting in a loop", maxRedirects)
	}
	prev := via[len(via)-1]
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	if strings.EqualFold(prev.URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
		return &RefusedError{
			What: fmt.Sprintf("refused to follow a redirect (HTTP %d) from %s to plain %s: awsfed never leaves https for http",
				status, Origin(prev.URL), Redact(req.URL)),
			Hint: "check the url: the IdP should stay on https (ask its administrators); something may be intercepting the connection",
		}
	}
	if p.noRedirects {
		return &RefusedError{
			What: fmt.Sprintf("refused to follow a redirect (HTTP %d) from %s to %s: awsfed follows no redirect with credentials",
				status, Origin(prev.URL), Redact(req.URL)),
			Hint: "set url to the address the service answers on itself (the redirect's target, if you trust it)",
		}
	}
	return nil
}

// NoRedirects returns a copy of c that follows no redirect: for API calls
// that carry credentials (vRO, OneLogin, Okta), where a redirect is never
// part of the protocol. A nil c gets a new client bound to origin.
func NoRedirects(c *http.Client, origin string) (*http.Client, error) {
	if c == nil {
		return NewClient(Options{Origin: origin, NoRedirects: true})
	}
	cp := *c
	cp.CheckRedirect = (&policy{noRedirects: true}).checkRedirect
	return &cp, nil
}

// CheckTarget returns the error a request carrying what to u would meet
// with client c, so that a provider can refuse before it asks the user for
// the secret. A client not made by NewClient allows everything.
func CheckTarget(c *http.Client, u *url.URL, what string) error {
	if c == nil {
		return nil
	}
	t, ok := c.Transport.(*transport)
	if !ok {
		return nil
	}
	req := &http.Request{Method: http.MethodPost, URL: u, Header: http.Header{}}
	return t.policy.check(req.WithContext(WithSecret(context.Background(), what)))
}

// CallAPI sends one API call that carries credentials: with c made to follow
// no redirect (see NoRedirects), transport errors classified, and the answer
// read whole up to limit bytes and closed. The providers of APIs (OneLogin,
// Okta) make every call this way.
func CallAPI(c *http.Client, origin string, req *http.Request, limit int64) (*http.Response, []byte, error) {
	client, err := NoRedirects(c, origin)
	if err != nil {
		return nil, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, Classify(err, req.URL.String())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, nil, Classify(err, req.URL.String())
	}
	return resp, raw, nil
}
