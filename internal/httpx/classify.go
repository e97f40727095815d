package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// UnreachableError says a host could not be reached.
type UnreachableError struct {
	Host string // host name or address
	Port string // port, defaulted from the scheme
	What string // "connection refused", "no such host", "timed out after 30s", "TLS certificate not trusted: …"
	Hint string // the likely fix
	Err  error
}

func (e *UnreachableError) Error() string {
	return "cannot reach " + e.Host + ":" + e.Port + ": " + e.What
}

func (e *UnreachableError) Unwrap() error { return e.Err }

const (
	hintRefused = "nothing is listening there: check the URL and port; the service may be reachable only from the corporate network or VPN"
	hintDNS     = "check the host name in the URL; internal names resolve only on the corporate network or VPN"
	hintTimeout = "a firewall, a missing VPN or proxy setting (HTTPS_PROXY) is the usual cause; raise --timeout for a slow network"
	hintTLS     = "set ca_file to your company's CA bundle, or check that the URL is the right host"
	hintNoTLS   = "the server does not speak TLS: try http:// or the right port"
	hintNetwork = "the host is reachable only from the corporate network: connect the VPN, or check the URL"
	hintReset   = "the server or a firewall closed the connection: check the URL and port, or try again"
)

// Classify wraps a transport error from a request to rawURL in an
// *UnreachableError when it is one (refused, DNS, timeout, TLS, network,
// proxy). Any other error, context cancellation included, keeps its kind;
// a *url.Error in it is copied with its URL cut to scheme://host/path so
// that the query (SAMLRequest, session codes) never reaches a message.
// The host named is the one that failed, which after a redirect need not
// be the host of rawURL.
func Classify(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	var already *UnreachableError
	if errors.As(err, &already) {
		return err
	}
	// A refusal says all that matters, and the URL it names is redacted.
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused
	}
	target, _ := url.Parse(rawURL)
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			target = u
		}
	}
	safe := redactURLError(err)
	if errors.Is(err, context.Canceled) {
		return safe
	}
	what, hint, ok := describe(err)
	if !ok {
		return safe
	}
	host, port := "", ""
	if target != nil {
		host, port = hostPort(target)
	}
	return &UnreachableError{Host: host, Port: port, What: what, Hint: hint, Err: safe}
}

// redactURLError returns err with its outermost *url.Error carrying only
// scheme://host/path. The client puts url.Error outermost, so that is the
// one whose text would lead the message.
func redactURLError(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	return &url.Error{Op: ue.Op, URL: RedactString(ue.URL), Err: ue.Err}
}

// describe says what went wrong and what to do, for the failures a user
// can act on.
func describe(err error) (what, hint string, ok bool) {
	var te *timeoutError
	if errors.As(err, &te) {
		return te.Error(), hintTimeout, true
	}
	var pe *proxyError
	if errors.As(err, &pe) {
		reason, _, known := describe(pe.err)
		if !known {
			reason = strings.TrimSpace(pe.err.Error())
			var op *net.OpError
			if errors.As(pe.err, &op) && op.Err != nil {
				reason = op.Err.Error()
			}
		}
		return "the proxy " + pe.proxy + " failed: " + reason,
			"check " + pe.variable + " (and NO_PROXY for hosts reached directly); the proxy may need the VPN or credentials", true
	}
	if what, hint, ok := tlsReason(err); ok {
		var ue *untrustedError
		if errors.As(err, &ue) && ue.setting != "ca_file" && hint == hintTLS {
			hint = "set " + ue.setting + " to your company's CA bundle, or check that the URL is the right host"
		}
		return what, hint, true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsTimeout {
			return "host name lookup timed out", hintDNS, true
		}
		return "host name does not resolve", hintDNS, true
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", hintRefused, true
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable", hintNetwork, true
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable", hintNetwork, true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", hintReset, true
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out", hintTimeout, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out", hintTimeout, true
	}
	return "", "", false
}

// tlsReason recognises a certificate the client does not trust, or a peer
// that does not speak TLS at all.
func tlsReason(err error) (what, hint string, ok bool) {
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) || errors.Is(err, http.ErrSchemeMismatch) {
		return "the server does not speak TLS", hintNoTLS, true
	}
	var (
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	var reason string
	switch {
	case errors.As(err, &ua):
		reason = ua.Error()
	case errors.As(err, &hn):
		reason = hn.Error()
	case errors.As(err, &ci):
		reason = ci.Error()
	default:
		return "", "", false
	}
	reason = strings.TrimPrefix(reason, "x509: ")
	if i := strings.IndexByte(reason, '\n'); i >= 0 {
		reason = reason[:i]
	}
	return "TLS certificate not trusted: " + reason, hintTLS, true
}
