package httpx

import (
	"net/http"
	"net/url"
	"os"
)

// proxy is http.ProxyFromEnvironment plus which variable named the proxy,
// so that a proxy failure can name it. fn is a field so tests can stand in
// for the environment, which net/http reads once per process.
type proxy struct {
	fn       func(*http.Request) (*url.URL, error)
	httpsVar string
	httpVar  string
}

func newProxy() *proxy {
	return &proxy{
		fn:       http.ProxyFromEnvironment,
		httpsVar: setVar("HTTPS_PROXY", "https_proxy"),
		httpVar:  setVar("HTTP_PROXY", "http_proxy"),
	}
}

// setVar returns the first of names that is set, in the order httpproxy reads them.
func setVar(names ...string) string {
	for _, n := range names {
		if os.Getenv(n) != "" {
			return n
		}
	}
	return names[0]
}

func (p *proxy) forRequest(req *http.Request) (*url.URL, error) { return p.fn(req) }

// used returns the proxy's host:port and the variable that set it, or ""
// when target is reached directly.
func (p *proxy) used(req *http.Request) (hostport, variable string) {
	target := req.URL
	u, err := p.fn(req)
	if err != nil || u == nil {
		return "", ""
	}
	variable = p.httpVar
	if target.Scheme == "https" {
		variable = p.httpsVar
	}
	h, port := hostPort(u)
	return h + ":" + port, variable
}

// proxyError is a failure to reach or tunnel through the proxy.
type proxyError struct {
	proxy    string // host:port, never the user info
	variable string
	err      error
}

func (e *proxyError) Error() string { return "proxy " + e.proxy + ": " + e.err.Error() }
func (e *proxyError) Unwrap() error { return e.err }
