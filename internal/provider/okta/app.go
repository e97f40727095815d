package okta

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/form"
)

// Secrets the app's pages are fetched with, for refusals.
const (
	secretSessionToken = "the Okta session token"
	secretCookie       = "the Okta session cookie"
	secretWebSSO       = "the Okta web SSO token"
)

// stateTokenRE finds the state token of a step-up page, in the shapes Okta
// writes it into its sign-in page's script.
var stateTokenRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:var\s+stateToken\s*=\s*'|"stateToken"\s*:\s*")((?:[A-Za-z0-9_\-.~]|\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}){10,})`)
})

// unescapeJS decodes the \xHH and \uHHHH escapes Okta writes into the
// state token in its pages ('-' as \x2D).
func unescapeJS(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		n := 0
		switch {
		case strings.HasPrefix(s[i:], `\x`) && i+4 <= len(s):
			n = 4
		case strings.HasPrefix(s[i:], `\u`) && i+6 <= len(s):
			n = 6
		}
		if n > 0 {
			if v, err := strconv.ParseUint(s[i+2:i+n], 16, 32); err == nil {
				b.WriteRune(rune(v))
				i += n - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// appPage is the app's answer: the SAMLResponse, or the state token of a
// step-up page.
type appPage struct {
	saml     string
	stepUp   string
	url      *url.URL
	status   int
	redirect string // a redirect not followed (session reuse)
	page     form.SAMLPage
}

// getApp fetches rawURL (the embed link or /login/token/sso with its
// token) with client, marked as carrying what, and reads it the way the
// form provider reads pages.
func (f *flow) getApp(ctx context.Context, client *http.Client, rawURL, what string) (*appPage, error) {
	req, err := http.NewRequestWithContext(httpx.WithSecret(ctx, what), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("okta: app URL %s: %w", httpx.RedactString(rawURL), err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, httpx.Classify(err, httpx.RedactString(rawURL))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, httpx.Classify(err, resp.Request.URL.String())
	}
	p := &appPage{url: resp.Request.URL, status: resp.StatusCode, page: form.ReadSAMLPage(body, resp.Request.URL, resp.StatusCode)}
	f.log.Printf("okta: GET %s: HTTP %d (%q)", httpx.Redact(p.url), p.status, p.page.Title)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		p.redirect = httpx.RedactString(resp.Header.Get("Location"))
		return p, nil
	}
	if p.page.Found && p.page.Response != "" {
		p.saml = p.page.Response
		return p, nil
	}
	if m := stateTokenRE().FindSubmatch(body); m != nil {
		p.stepUp = unescapeJS(string(m[1]))
		f.secrets = append(f.secrets, p.stepUp)
	}
	return p, nil
}

// appWithToken trades a session token for the SAML form at the embed
// link, and keeps the session cookie Okta set. It returns the state token
// instead when the app asks for a second factor (a step-up page).
func (f *flow) appWithToken(ctx context.Context, token string) (string, string, error) {
	u := *f.cfg.embed
	q := u.Query()
	q.Set("sessionToken", token)
	u.RawQuery = q.Encode()
	p, err := f.getApp(ctx, f.http, u.String(), secretSessionToken)
	if err != nil {
		return "", "", err
	}
	switch {
	case p.saml != "":
		f.log.Printf("okta: got the SAML response from the AWS app")
		f.saveSession()
		return p.saml, "", nil
	case p.stepUp != "":
		return "", p.stepUp, nil
	}
	return "", "", f.appFailure(ctx, p)
}

// appFailure explains an app page without a SAMLResponse.
func (f *flow) appFailure(ctx context.Context, p *appPage) error {
	if p.status == http.StatusNotFound {
		return &provider.ServiceError{
			What: fmt.Sprintf("Okta at %s has no app at %s (HTTP 404)", f.host(), httpx.Redact(f.cfg.embed)),
			Hint: "copy the AWS app's embed link: Okta Admin → Applications → the AWS app → General → App Embed Link (users: the AWS tile's link on the Okta dashboard)",
		}
	}
	if idx, err := f.identityEngine(ctx); err == nil && idx {
		return f.identityEngineOnly(ctx)
	}
	what := "no SAMLResponse in the AWS app's page"
	if p.page.Title != "" {
		what += fmt.Sprintf(" (%q)", p.page.Title)
	}
	if t := f.oneLine(p.page.ErrorText); t != "" {
		what += ": " + t
	}
	return &provider.UnexpectedPageError{Hint: oktaHint, URL: httpx.Redact(p.url), Status: p.status, What: what}
}
