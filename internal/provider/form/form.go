// Package form signs in to an IdP through its HTML login form, the way a
// browser without JavaScript would: it fetches the IdP-initiated sign-on
// URL, fills the login form, follows intermediate pages and returns the
// SAMLResponse of the page that would post it to AWS. It never posts that
// response anywhere, never submits the password twice, and knows nothing
// of AWS roles, files or STS. MFA is out of its reach: a page asking for a
// code ends the flow with an UnexpectedPageError.
package form

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// maxPages bounds the pages (the first one and each form answer) a sign-in
// may take, so that an IdP sending awsfed in circles ends quickly.
const maxPages = 10

// Settings keys of the [idp NAME] section this provider reads.
const (
	SettingUsernameField = "username_field" // name of the user name input, when guessing fails
	SettingPasswordField = "password_field" // name of the password input, when it has none or several
)

// Provider is the HTML-form provider. It holds no state between calls.
type Provider struct{}

// New returns the form provider.
func New() provider.Provider { return &Provider{} }

// flow is the state of one sign-in.
type flow struct {
	in           *provider.Input
	http         *http.Client
	log          *debug.Logger
	username     string
	usernameSent bool // a username-only (identifier-first) form was submitted
	passwordSent bool
	password     string // kept only to keep it out of the IdP's error text
}

// Assertion signs in and returns the SAMLResponse exactly as the IdP wrote it.
func (p *Provider) Assertion(ctx context.Context, in *provider.Input) (string, error) {
	f := &flow{in: in, log: in.Debug, username: in.Username}
	var err error
	if f.http, err = clientWithJar(in.HTTP, in.URL); err != nil {
		return "", err
	}
	if in.URL == "" {
		return "", &provider.InputNeededError{What: "no IdP URL set", Hint: "set url in the [idp] section to the IdP-initiated sign-on URL for AWS"}
	}
	pg, err := get(ctx, f.http, in.URL)
	for n := 1; ; n++ {
		if err != nil {
			return "", err
		}
		f.log.Printf("form: page %d: %s (HTTP %d, %q, %d forms)", n, httpx.Redact(pg.url), pg.status, pg.title, len(pg.forms))
		if pg.hasSAML {
			if pg.saml == "" {
				return "", f.unexpected(pg, "the SAMLResponse in the page is empty")
			}
			f.log.Printf("form: found the SAMLResponse")
			return pg.saml, nil
		}
		if n == maxPages {
			return "", f.unexpected(pg, fmt.Sprintf("no SAMLResponse after %d pages", maxPages))
		}
		pg, err = f.next(ctx, pg)
	}
}

// clientWithJar returns c, or a shallow copy with a fresh cookie jar when c
// has none: IdPs keep the login state in cookies.
func clientWithJar(c *http.Client, origin string) (*http.Client, error) {
	if c == nil {
		return httpx.NewClient(httpx.Options{CookieJar: true, Origin: origin})
	}
	if c.Jar != nil {
		return c, nil
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	cp := *c
	cp.Jar = jar
	return &cp, nil
}

// next acts on a page without a SAMLResponse: fill the login form, pass an
// intermediate page, or explain why neither is possible.
func (f *flow) next(ctx context.Context, pg *page) (*page, error) {
	if login := loginForm(pg); login != nil {
		if f.passwordSent {
			return nil, f.rejected(pg)
		}
		return f.login(ctx, pg, login)
	}
	if pg.status >= 400 {
		return nil, f.unexpected(pg, "an error page")
	}
	switch len(pg.forms) {
	case 0:
		return nil, f.unexpected(pg, "no SAMLResponse and no form in the page")
	case 1:
		return f.pass(ctx, pg, pg.forms[0])
	}
	return nil, f.unexpected(pg, fmt.Sprintf("%d forms and no login form in the page", len(pg.forms)))
}

// loginForm returns the first form with a password input.
func loginForm(pg *page) *form {
	for _, fm := range pg.forms {
		if len(fm.passwords) > 0 {
			return fm
		}
	}
	return nil
}

// login fills and submits the login form: the one place the password is used.
func (f *flow) login(ctx context.Context, pg *page, fm *form) (*page, error) {
	if len(fm.passwords) > 1 && f.in.Settings[SettingPasswordField] == "" {
		return nil, f.unexpected(pg, "a form with several password fields (a password change?): change the password in a browser first, or set password_field")
	}
	pwField := f.in.Settings[SettingPasswordField]
	if pwField == "" {
		pwField = fm.passwords[0].name
	}
	if pwField == "" {
		return nil, f.unexpected(pg, "the password field has no name: set password_field in the [idp] section")
	}
	// Where the password would go is checked before asking for it.
	target, err := pg.action(fm)
	if err != nil {
		return nil, err
	}
	if err := httpx.CheckTarget(f.http, target, secretPassword); err != nil {
		return nil, err
	}
	values := fm.values()
	setByScript(values)
	if userField := fm.usernameField(f.in.Settings[SettingUsernameField]); userField != "" {
		user, err := f.user(ctx, fm.field(userField))
		if err != nil {
			return nil, err
		}
		values.Set(userField, user)
	}
	if f.in.Password == nil {
		return nil, &provider.InputNeededError{What: "the IdP asks for a password and none can be given", Hint: "pass --password-stdin or set AWSFED_PASSWORD"}
	}
	pw, err := f.in.Password(ctx)
	if err != nil {
		return nil, err
	}
	f.password = pw
	values.Set(pwField, pw)
	pressButton(values, fm)
	f.passwordSent = true
	f.log.Printf("form: login form: %s %s, fields %s", fm.method, httpx.Redact(target), fieldNames(values))
	return submit(httpx.WithSecret(ctx, secretPassword), f.http, pg, fm, target, values)
}

// secretPassword names what the login form carries, for refusals.
const secretPassword = "the password"

// pass submits the one form of an intermediate page: a "continue" page, an
// auto-post of SAMLRequest and RelayState, a consent page, or the user name
// step of an identifier-first login.
func (f *flow) pass(ctx context.Context, pg *page, fm *form) (*page, error) {
	target, err := pg.action(fm)
	if err != nil {
		return nil, err
	}
	values := fm.values()
	userField := ""
	if !f.passwordSent {
		if name := fm.usernameField(f.in.Settings[SettingUsernameField]); name != "" {
			if fl := fm.field(name); fl != nil && fl.textLike() && fl.value == "" {
				userField = name
			}
		}
	}
	if userField != "" && f.usernameSent {
		// The same question twice: the IdP did not take the name.
		return nil, f.rejected(pg)
	}
	if missing := fm.unfillable(userField); len(missing) > 0 {
		return nil, f.unexpected(pg, fmt.Sprintf("the page asks for %s, which the form provider cannot answer (it signs in with a username and password only)", strings.Join(missing, ", ")))
	}
	if userField != "" {
		user, err := f.user(ctx, fm.field(userField))
		if err != nil {
			return nil, err
		}
		values.Set(userField, user)
		f.usernameSent = true
	}
	pressButton(values, fm)
	f.log.Printf("form: intermediate form: %s %s, fields %s", fm.method, httpx.Redact(target), fieldNames(values))
	return submit(ctx, f.http, pg, fm, target, values)
}

// user returns the user name to send, asking for it only when neither the
// configuration nor the page gives one.
func (f *flow) user(ctx context.Context, fl *field) (string, error) {
	if f.username != "" {
		return f.username, nil
	}
	if fl != nil && fl.value != "" {
		f.username = fl.value
		return f.username, nil
	}
	if f.in.Prompt == nil {
		return "", &provider.InputNeededError{What: "the IdP asks for a username and none was given", Hint: "pass --username, or set username in the [idp] section"}
	}
	u, err := f.in.Prompt.Input(ctx, "Username", "")
	switch {
	case errors.Is(err, prompt.ErrNoTerminal):
		return "", &provider.InputNeededError{What: "the IdP asks for a username and none was given", Hint: "pass --username, or set username in the [idp] section"}
	case err != nil:
		return "", err
	case u == "":
		return "", &provider.InputNeededError{What: "no username given", Hint: "pass --username, or set username in the [idp] section"}
	}
	f.username = u
	return u, nil
}

// pressButton adds the submit button a user would press, when it has a
// name: ADFS and Shibboleth route on it (_eventId_proceed).
func pressButton(values url.Values, fm *form) {
	if b := fm.button(); b != nil && b.name != "" {
		values.Add(b.name, b.value)
	}
}

// rejected reports the login form shown again after the password was sent.
func (f *flow) rejected(pg *page) error {
	return &provider.RejectedError{IdP: pg.url.Hostname(), Username: f.username, Detail: f.detail(pg)}
}

func (f *flow) unexpected(pg *page, what string) error {
	if pg.title != "" {
		what += fmt.Sprintf(" (%q)", pg.title)
	}
	if d := f.detail(pg); d != "" {
		what += ": " + d
	}
	return &provider.UnexpectedPageError{URL: httpx.Redact(pg.url), Status: pg.status, What: what}
}

// minEchoed is the password length from which a password found in the
// page's error text is taken for an echo of it rather than for a common
// word ("the password you gave was wrong").
const minEchoed = 6

// detail is the page's error text, unless it would echo the password.
func (f *flow) detail(pg *page) string {
	if len(f.password) >= minEchoed && strings.Contains(pg.errText, f.password) {
		return ""
	}
	return pg.errText
}
