// Package okta obtains a SAML response for AWS from an Okta org. It signs
// in through Okta's classic authentication API (/api/v1/authn: password,
// then any MFA factor the org asks for: Okta Verify push with number
// challenge, codes, SMS, voice call, email, security question), trades the session token for
// the SAML form at the AWS app's embed link, and keeps the Okta session
// cookie so that a later sign-in within the session asks for nothing. On
// Identity Engine orgs that refuse the classic flow it uses the OAuth 2.0
// device authorization grant and token exchange of an OIDC native app the
// administrator created. It owns that dialogue and the session file in the
// cache directory; it knows nothing of AWS roles, files or STS, and it sends
// secrets (password, codes, state and session tokens, the cookie) only to
// the org's origin.
//
// Settings of the [idp NAME] section (url is the AWS app's embed link,
// https://<org>.okta.com/home/amazon_aws/<app id>/272):
//
//	mfa             optional: which factor when the user has several: a factor
//	                type word (push, totp, sms, call, email, token), a provider
//	                (okta, google, yubico, rsa, duo) or the device's name
//	oidc_client_id  optional: the client id of an OIDC native app with the
//	                Device Authorization and Token Exchange grants, for Identity
//	                Engine orgs whose AWS app refuses the classic flow
//	app_id          optional: the AWS app's id, when the url does not hold it
//	keep_session    optional, default true: false keeps no Okta session
package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/form"
)

// Settings keys of the [idp NAME] section this provider reads.
const (
	SettingMFA          = "mfa"
	SettingOIDCClientID = "oidc_client_id"
	SettingAppID        = "app_id"
	SettingKeepSession  = "keep_session"
)

const (
	defaultMFATimeout = 90 * time.Second
	// The push poll starts at 1 s, as Okta's own clients poll, and backs
	// off so that a slow approval spends few of the org's API calls.
	pushFirstPoll = time.Second
	pushMaxPoll   = 5 * time.Second
)

// Clock is the time a provider reads and waits on; tests replace it so
// that a push approved after 10 s takes no 10 s.
type Clock struct {
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Provider is the Okta provider. It holds no state between calls.
type Provider struct {
	clock Clock
	open  opener // shows the device flow's page in a browser; nil: nobody does
}

// New returns the Okta provider.
func New() provider.Provider {
	p := NewWithClock(Clock{}).(*Provider)
	p.open = systemOpener(runtime.GOOS, os.Getenv)
	return p
}

// NewWithClock returns the Okta provider reading and waiting on c (nil
// fields: the real clock), which opens no browser.
func NewWithClock(c Clock) provider.Provider {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = provider.Sleep
	}
	return &Provider{clock: c}
}

// config is the [idp NAME] section, checked.
type config struct {
	embed       *url.URL // the AWS app's embed link, as configured
	org         *url.URL // scheme://host[:port] of the org
	appID       string
	mfa         string
	clientID    string
	keepSession bool
	mfaTimeout  time.Duration
}

func parseConfig(in *provider.Input) (*config, error) {
	where := "[idp " + in.IdP + "]"
	raw := strings.TrimSpace(in.URL)
	if raw == "" {
		return nil, &provider.InputNeededError{What: "no url set for the Okta provider",
			Hint: "set url in " + where + " to the AWS app's embed link (https://<org>.okta.com/home/amazon_aws/<app id>/272; see the README, \"Okta\")"}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &provider.InputNeededError{What: "the Okta url in " + where + " is not an http(s) URL",
			Hint: "set url to the AWS app's embed link, https://<org>.okta.com/home/amazon_aws/<app id>/272"}
	}
	if p := strings.ToLower(u.Path); !strings.HasPrefix(p, "/home/") && !strings.HasPrefix(p, "/app/") {
		return nil, &provider.InputNeededError{
			What: fmt.Sprintf("the Okta url in %s is not an app's embed link (its path is %q)", where, u.Path),
			Hint: "set url to the AWS app's embed link, https://" + u.Host + "/home/amazon_aws/<app id>/272: Okta Admin → Applications → the AWS app → General → App Embed Link",
		}
	}
	s := in.Settings
	c := &config{
		embed: u, org: &url.URL{Scheme: u.Scheme, Host: u.Host},
		appID: strings.TrimSpace(s[SettingAppID]), mfa: strings.TrimSpace(s[SettingMFA]),
		clientID: strings.TrimSpace(s[SettingOIDCClientID]), keepSession: true, mfaTimeout: in.MFATimeout,
	}
	switch strings.ToLower(strings.TrimSpace(s[SettingKeepSession])) {
	case "", "true", "yes", "1":
	case "false", "no", "0":
		c.keepSession = false
	default:
		return nil, &provider.InputNeededError{What: fmt.Sprintf("%s = %q in %s is neither true nor false", SettingKeepSession, s[SettingKeepSession], where),
			Hint: "set " + SettingKeepSession + " = false to keep no Okta session, or remove it"}
	}
	if c.appID == "" {
		c.appID = appIDOf(u)
	}
	if c.mfaTimeout <= 0 {
		c.mfaTimeout = defaultMFATimeout
	}
	return c, nil
}

// appIDOf reads the app id from an embed link /home/<app name>/<app id>/<n>.
func appIDOf(u *url.URL) string {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "home" {
		return parts[2]
	}
	return ""
}

// endpoint is the org's URL with path.
func (c *config) endpoint(path string) *url.URL {
	u := *c.org
	u.Path = path
	return &u
}

// flow is one sign-in.
type flow struct {
	p    *Provider
	in   *provider.Input
	cfg  *config
	log  *debug.Logger
	http *http.Client // in.HTTP with a cookie jar

	secrets []string // password, tokens, codes: scrubbed from any Okta text shown

	// What survives a restart after an expired state token, so that the
	// user is not asked twice and the tries stay bounded.
	password string
	factorID string
	codes    provider.Codes
}

// Assertion signs the user in and returns the SAMLResponse exactly as Okta
// wrote it: from the kept session when it lives, else through the device
// flow on an Identity Engine org with oidc_client_id, else with the
// password and MFA.
func (p *Provider) Assertion(ctx context.Context, in *provider.Input) (string, error) {
	cfg, err := parseConfig(in)
	if err != nil {
		return "", err
	}
	f := &flow{p: p, in: in, cfg: cfg, log: in.Debug, codes: provider.Codes{Vendor: "Okta", UpFront: in.MFACode}}
	if f.http, err = form.WithCookieJar(in.HTTP, in.URL); err != nil {
		return "", err
	}
	if !cfg.keepSession && in.CacheDir != "" {
		// A session kept before keep_session = false is not kept either.
		if _, err := ForgetSession(ctx, in.CacheDir, cfg.embed.String(), in.Username); err != nil {
			f.log.Printf("okta: removing the kept session: %v", err)
		}
	}
	if saml, ok := f.reuseSession(ctx); ok {
		return saml, nil
	}
	if cfg.clientID != "" {
		idx, err := f.identityEngine(ctx)
		if err != nil {
			return "", err
		}
		if idx {
			return f.deviceFlow(ctx)
		}
	}
	return f.classic(ctx)
}

// oneLine makes Okta's text fit an error message: first line, at most 200
// characters, and never a secret of this sign-in even if echoed.
func (f *flow) oneLine(s string) string { return provider.OneLine(s, f.secrets...) }

// host names the org in messages.
func (f *flow) host() string { return f.cfg.org.Host }

// browserHint is the way out for what only a browser can pass.
func (f *flow) browserHint() string {
	return fmt.Sprintf("use the browser provider: set provider = browser in [idp %s] and keep url = %s (the embed link)", f.in.IdP, f.cfg.embed.String())
}
