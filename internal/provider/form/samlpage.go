package form

import (
	"net/http"
	"net/url"
)

// SAMLPage is what a provider that reaches the AWS sign-in page by another
// road than a login form (Okta's app embed link, a token redirect) needs of
// the IdP's answer. It is read by the same parser as the form provider's
// pages, so every IdP page is understood one way only.
type SAMLPage struct {
	// Response is the SAMLResponse value exactly as the IdP wrote it;
	// Found says the page holds a SAMLResponse control at all (it may be
	// empty).
	Response string
	Found    bool
	// Action is the address the form holding the SAMLResponse posts to
	// (the AWS ACS), resolved against the page; "" when unknown.
	Action string
	Title  string // the page's title, one line
	// ErrorText is the visible error message of the page, if any.
	ErrorText string
	Forms     int // how many forms the page holds
}

// ReadSAMLPage reads an IdP answer (body of u, with HTTP status) as the
// form provider does. It never fails: a page it cannot make sense of has
// no SAMLResponse.
func ReadSAMLPage(body []byte, u *url.URL, status int) SAMLPage {
	pg := parsePage(body, u, status)
	out := SAMLPage{Response: pg.saml, Found: pg.hasSAML, Title: pg.title, ErrorText: pg.errText, Forms: len(pg.forms)}
	for _, fm := range pg.forms {
		if fm.field("SAMLResponse") == nil {
			continue
		}
		if target, err := pg.action(fm); err == nil {
			out.Action = target.String()
		}
		break
	}
	return out
}

// WithCookieJar returns c, or a copy of it with a fresh cookie jar when it
// has none: the IdP keeps its session in cookies (a nil c gets a new client
// bound to origin).
func WithCookieJar(c *http.Client, origin string) (*http.Client, error) {
	return clientWithJar(c, origin)
}
