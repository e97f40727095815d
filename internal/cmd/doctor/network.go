package doctor

import (
	"context"
	"errors"
	"fmt"
	"golang.org/x/net/http/httpproxy"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
)

// target is a host awsfed talks to, as a sign-in would reach it.
type target struct {
	subject string // "idp corp", "sts https://sts.amazonaws.com"
	url     *url.URL
	// client is the one a sign-in would use (its CA, origin policy and
	// plain-http refusal), or the error that making it met.
	client *http.Client
	err    error
	// fixURL says where the URL is set, for fixes ("url in [idp corp]").
	fixURL string
	// trust names the roots the client trusts ("the system's roots").
	trust string
	// caFix says how to repair the CA file when the client could not be made.
	caFix string
}

// reach checks the way to t: the transport (https, or plain http that
// awsfed allows), the proxy, the name lookup and the TCP connection. It
// returns false when there is no point going further.
func (d *doctor) reach(ctx context.Context, t target) ([]Result, bool) {
	host := t.url.Hostname()
	hostPort := hostPortOf(t.url)
	var rs []Result
	if t.err != nil {
		var re *httpx.RefusedError
		if errors.As(t.err, &re) {
			return append(rs, fail(t.subject, "transport", re.What, re.Hint)), false
		}
		return append(rs, fail(t.subject, "ca file", t.err.Error(), t.caFix)), false
	}
	switch {
	case strings.EqualFold(t.url.Scheme, "https"):
		rs = append(rs, pass(t.subject, "transport", "https to "+hostPort))
	case httpx.IsLoopback(host):
		rs = append(rs, pass(t.subject, "transport", "plain http to "+hostPort+", on this machine (loopback), which awsfed allows"))
	default:
		rs = append(rs, warn(t.subject, "transport", "plain http to "+hostPort+", allowed by allow_insecure_http: passwords, assertions and keys cross the network unencrypted",
			"use the https:// address in "+t.fixURL))
	}
	dial := hostPort
	proxyURL, proxyVar := proxyFor(d.getenv, t.url)
	if proxyURL != nil {
		dial = hostPortOf(proxyURL)
		rs = append(rs, pass(t.subject, "proxy", fmt.Sprintf("through the proxy %s (%s)", dial, proxyVar)))
	} else if httpx.IsLoopback(host) {
		rs = append(rs, pass(t.subject, "proxy", "direct: requests to this machine never go through a proxy"))
	} else if proxyVar != "" {
		rs = append(rs, pass(t.subject, "proxy", fmt.Sprintf("direct: %s matches NO_PROXY although %s is set", host, proxyVar)))
	} else {
		rs = append(rs, pass(t.subject, "proxy", "direct: no proxy variable (HTTPS_PROXY, HTTP_PROXY) is set"))
	}
	r, ok := d.lookup(ctx, t.subject, dial)
	rs = append(rs, r)
	if !ok {
		return rs, false
	}
	r, ok = d.connect(ctx, t.subject, dial)
	return append(rs, r), ok
}

// proxyFor is the proxy a request to u goes through and the variable that
// set it, decided by golang.org/x/net/http/httpproxy, the code net/http
// runs for awsfed's own requests, fed with getenv; with no proxy, variable
// names the variable that NO_PROXY (or loopback) overrode, or "".
func proxyFor(getenv func(string) string, u *url.URL) (proxy *url.URL, variable string) {
	names := []string{"HTTP_PROXY", "http_proxy"}
	if strings.EqualFold(u.Scheme, "https") {
		names = []string{"HTTPS_PROXY", "https_proxy"}
	}
	for _, n := range names {
		if getenv(n) != "" {
			variable = n
			break
		}
	}
	first := func(a, b string) string {
		if v := getenv(a); v != "" {
			return v
		}
		return getenv(b)
	}
	cfg := httpproxy.Config{
		HTTPProxy:  first("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: first("HTTPS_PROXY", "https_proxy"),
		NoProxy:    first("NO_PROXY", "no_proxy"),
	}
	p, err := cfg.ProxyFunc()(u)
	if err != nil || p == nil {
		return nil, variable
	}
	return p, variable
}

// hostPortOf is u's host and port, the port defaulted from the scheme.
func hostPortOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// lookup resolves the host of hostPort.
func (d *doctor) lookup(ctx context.Context, subject, hostPort string) (Result, bool) {
	host, _, _ := net.SplitHostPort(hostPort)
	if net.ParseIP(host) != nil {
		return pass(subject, "dns", host+" is an address: no lookup needed"), true
	}
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {
		return d.unreachable(subject, "dns", hostPort, err), false
	}
	return pass(subject, "dns", fmt.Sprintf("%s resolves to %s", host, strings.Join(addrs, ", "))), true
}

// connect opens (and closes) a TCP connection to hostPort.
func (d *doctor) connect(ctx context.Context, subject, hostPort string) (Result, bool) {
	dialer := &net.Dialer{Timeout: d.opts.Timeout}
	conn, err := dialer.DialContext(ctx, "tcp", hostPort)
	if err != nil {
		return d.unreachable(subject, "connect", hostPort, err), false
	}
	conn.Close()
	return pass(subject, "connect", hostPort+" accepts TCP connections"), true
}

// unreachable describes a failure to reach hostPort as httpx describes it
// for a sign-in: what happened and the likely fix.
func (d *doctor) unreachable(subject, check, hostPort string, err error) Result {
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %s: %w", d.opts.Timeout, err)
	}
	var ue *httpx.UnreachableError
	if errors.As(httpx.Classify(err, "tcp://"+hostPort), &ue) {
		if strings.HasPrefix(ue.What, "timed out") {
			ue.What = "no answer within " + d.opts.Timeout.String()
		}
		return fail(subject, check, ue.Error(), ue.Hint)
	}
	return fail(subject, check, "cannot reach "+hostPort+": "+err.Error(), "check the host and port, the network, the VPN and the proxy settings")
}

// visit checks the way to t (see reach) and, when it is open, sends it one
// request without a secret (see probe). The answer is nil when there is
// none to judge.
func (d *doctor) visit(ctx context.Context, t target, method, body, contentType string) (*answer, []Result) {
	rs, ok := d.reach(ctx, t)
	if !ok {
		return nil, rs
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.url.String(), r)
	if err != nil {
		return nil, append(rs, fail(t.subject, "http", err.Error(), "fix "+t.fixURL))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "text/html,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8")
	a, more := d.probe(t, req)
	return a, append(rs, more...)
}

// answer is what a probe request got back.
type answer struct {
	resp *http.Response
	body []byte
	at   time.Time // when it arrived, by this machine's clock
}

// probe sends req with t's client (redirects not followed) and reports the
// TLS checks; the caller judges the answer itself.
func (d *doctor) probe(t target, req *http.Request) (*answer, []Result) {
	c := *t.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Jar = nil
	resp, err := c.Do(req)
	if err != nil {
		check := "http"
		var ue *httpx.UnreachableError
		if errors.As(httpx.Classify(err, req.URL.String()), &ue) {
			if strings.HasPrefix(ue.What, "TLS") || strings.Contains(ue.What, "does not speak TLS") {
				check = "tls"
			}
			return nil, []Result{fail(t.subject, check, ue.Error(), ue.Hint)}
		}
		var re *httpx.RefusedError
		if errors.As(err, &re) {
			return nil, []Result{fail(t.subject, check, re.What, re.Hint)}
		}
		return nil, []Result{fail(t.subject, check, fmt.Sprintf("%s %s: %v", req.Method, httpx.Redact(req.URL), httpx.Classify(err, req.URL.String())), "check "+t.fixURL)}
	}
	defer resp.Body.Close()
	a := &answer{resp: resp, at: d.now()}
	a.body, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return a, d.tlsResults(t, resp)
}

// certWarnDays is how long before its expiry a certificate earns a WARN.
const certWarnDays = 14

// tlsResults reports the certificate the server presented, which the
// client has verified: who vouched for it, and how long it has left.
func (d *doctor) tlsResults(t target, resp *http.Response) []Result {
	subject := t.subject
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		return nil
	}
	leaf := resp.TLS.PeerCertificates[0]
	issuer := leaf.Issuer.CommonName
	if issuer == "" {
		issuer = leaf.Issuer.String()
	}
	host := resp.Request.URL.Hostname()
	rs := []Result{pass(subject, "tls", fmt.Sprintf("the certificate of %s names it and is trusted by %s (issued by %s)", host, t.trust, issuer))}
	left := leaf.NotAfter.Sub(d.now())
	days := int(left.Hours() / 24)
	found := fmt.Sprintf("the certificate of %s expires in %d days (%s)", host, days, leaf.NotAfter.UTC().Format("2006-01-02"))
	if days < certWarnDays {
		return append(rs, warn(subject, "certificate", found, "tell the administrators of "+host+" to renew it: sign-ins fail once it has expired"))
	}
	return append(rs, pass(subject, "certificate", found))
}

// maxSkew is how far SAML assertions and SigV4 signatures tolerate this
// machine's clock being off.
const maxSkew = 5 * time.Minute

// clock compares this machine's clock with the Date header of a.
func clock(subject, hostPort string, a *answer) Result {
	date := a.resp.Header.Get("Date")
	server, err := http.ParseTime(date)
	if err != nil {
		return warn(subject, "clock", hostPort+" sent no usable Date header, so the clock could not be compared", "check that time synchronisation (NTP) is on")
	}
	// Date is cut to the second: the server's time was, on average, half
	// a second later.
	off := a.at.Sub(server.Add(500 * time.Millisecond)).Round(time.Second)
	abs, dir := off, "ahead of"
	if off < 0 {
		abs, dir = -off, "behind"
	}
	found := fmt.Sprintf("this machine's clock is %s %s %s's (Date: %s)", abs, dir, hostPort, date)
	const fix = "turn on time synchronisation (Linux: timedatectl set-ntp true; macOS and Windows: set the time automatically in the date settings)"
	switch {
	case abs > maxSkew:
		return fail(subject, "clock", found+": SAML and AWS signatures fail beyond 5m", fix)
	case abs > time.Minute:
		return warn(subject, "clock", found+"; beyond 5m sign-ins fail", fix)
	}
	return pass(subject, "clock", fmt.Sprintf("within %s of %s's Date header", max(abs, time.Second), hostPort))
}
