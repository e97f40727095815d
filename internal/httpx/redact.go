package httpx

import "net/url"

// Redact returns scheme://host/path of u: no user info, query or fragment,
// which may carry SAMLRequest, RelayState, session codes or passwords.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return r.String()
}

// RedactString is Redact for a URL in text form; text that does not parse
// as a URL yields "" rather than risk echoing a secret.
func RedactString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return Redact(u)
}

// hostPort returns the host and the port of u, the port defaulted from the scheme.
func hostPort(u *url.URL) (string, string) {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		default:
			port = "443"
		}
	}
	return u.Hostname(), port
}
