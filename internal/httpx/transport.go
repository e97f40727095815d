package httpx

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
)

// transport adds a per-request timeout whose expiry names its duration,
// marks proxy failures, and writes the --debug lines.
type transport struct {
	base    http.RoundTripper
	timeout time.Duration
	proxy   *proxy
	debug   *debug.Logger
	policy  *policy

	roots     []*x509.Certificate // extra trusted CAs, added on the first request
	rootsOnce sync.Once
	caSetting string // where roots came from, for the hint of an untrusted certificate
}

// trust adds the extra roots to the TLS configuration before the first
// connection is made.
func (t *transport) trust() {
	if len(t.roots) == 0 {
		return
	}
	t.rootsOnce.Do(func() {
		if ht, ok := t.base.(*http.Transport); ok {
			ht.TLSClientConfig.RootCAs = systemPlus(t.roots)
		}
	})
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.policy.check(req); err != nil {
		if t.debug.Enabled() {
			t.debug.Printf("%s %s -> refused: it would carry a secret to another origin", req.Method, logURL(req))
		}
		return nil, err
	}
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	var cause *timeoutError
	if t.timeout > 0 {
		// The timeout lives here rather than in http.Client.Timeout because
		// the client turns its own expiry into a bare string, losing how
		// long it waited.
		cause = &timeoutError{d: t.timeout}
		ctx, cancel = context.WithTimeoutCause(ctx, t.timeout, cause)
		req = req.WithContext(ctx)
	}
	t.trust()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		err = t.explain(req, ctx, cause, err)
		cancel()
		if t.debug.Enabled() {
			t.debug.Printf("%s %s -> failed: %s", req.Method, logURL(req), shortReason(err))
		}
		return nil, err
	}
	if t.debug.Enabled() {
		line := req.Method + " " + logURL(req) + " -> " + resp.Status[:min(3, len(resp.Status))]
		if loc, err := resp.Location(); err == nil {
			line += " (Location " + Redact(loc) + ")"
		}
		t.debug.Printf("%s", line)
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, cause: cause}
	return resp, nil
}

// explain turns the transport's error into one that says why.
func (t *transport) explain(req *http.Request, ctx context.Context, cause *timeoutError, err error) error {
	if cause != nil && context.Cause(ctx) == cause {
		return &timeoutError{d: cause.d, err: err}
	}
	if hp, variable := t.proxy.used(req); hp != "" && proxyFailed(err, req.URL.Scheme == "https") {
		return &proxyError{proxy: hp, variable: variable, err: err}
	}
	if _, _, ok := tlsReason(err); ok && t.caSetting != "" {
		return &untrustedError{setting: t.caSetting, err: err}
	}
	return err
}

// proxyFailed reports whether err came from the proxy: the dial to it
// failed ("proxyconnect"), or it refused the CONNECT of a tunnel (a bare
// status error such as "407 Proxy Authentication Required").
func proxyFailed(err error, tunnel bool) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		return true
	}
	if !tunnel {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, new(net.Error)) {
		return false
	}
	if _, _, ok := tlsReason(err); ok {
		return false
	}
	return true
}

// logURL is the request URL without query, with the port made explicit.
func logURL(req *http.Request) string {
	h, port := hostPort(req.URL)
	u := *req.URL
	u.Host = net.JoinHostPort(h, port)
	return Redact(&u)
}

// shortReason describes err for a debug line without echoing anything the
// server sent.
func shortReason(err error) string {
	if what, _, ok := describe(err); ok {
		return what
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}

// timedBody ends the request's timeout when the body is closed, and names
// the timeout when it expires while the body is being read.
type timedBody struct {
	io.ReadCloser
	ctx    context.Context
	cancel context.CancelFunc
	cause  *timeoutError
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.cause != nil && context.Cause(b.ctx) == b.cause {
		err = &timeoutError{d: b.cause.d, err: err}
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// timeoutError is the expiry of Options.Timeout.
type timeoutError struct {
	d   time.Duration
	err error
}

func (e *timeoutError) Error() string   { return "no answer within " + e.d.String() }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }
func (e *timeoutError) Unwrap() error   { return e.err }

// Is lets callers test for an expired deadline the usual way.
func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the pool.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// untrustedError is a certificate failure of a client whose extra CAs come
// from setting, so that the hint names the setting to fix.
type untrustedError struct {
	setting string
	err     error
}

func (e *untrustedError) Error() string { return e.err.Error() }
func (e *untrustedError) Unwrap() error { return e.err }
