// Package onelogin obtains a SAML response for AWS from OneLogin's API:
// an OAuth2 client-credentials token, then POST /api/2/saml_assertion with
// the user's name and password, then any MFA the user must pass through
// /api/2/saml_assertion/verify_factor (a code, an SMS code, or a OneLogin
// Protect push approved on the phone). It owns that API dialogue and its
// token cache file; it knows nothing of AWS roles, files or STS, and it
// sends the password only to the OneLogin API host.
//
// Settings of the [idp NAME] section:
//
//	subdomain      required: acme for acme.onelogin.com (sent in every login)
//	app_id         required: the OneLogin app id of the AWS app (sent as a string)
//	client_id      required: an API credential with scope "Authentication Only" or higher
//	client_secret  its secret; the caller fills it from AWSFED_ONELOGIN_CLIENT_SECRET
//	               when set, since this package never reads the environment
//	region         optional, us or eu: use api.<region>.onelogin.com instead of
//	               the subdomain's host (both serve the API; the subdomain host is
//	               the default because some tenants answer a 400 elsewhere)
//	url            optional: the API base URL, overriding both (any scheme and
//	               port; in.URL carries it too and wins when both are set)
//	mfa            optional: which MFA device to use when the user has several:
//	               a device id, a device type ("Google Authenticator"), or a word
//	               of one ("protect", "sms", "google", "yubikey", "duo")
//
// The API access token is cached until shortly before it expires in
// in.CacheDir/onelogin-token-<hash>.json (0600, with a .lock file beside it
// so that concurrent logins fetch one token), one file per API host and
// client_id; with no CacheDir nothing is kept.
package onelogin

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/awsfed/awsfed/internal/provider"
)

// Settings keys of the [idp NAME] section this provider reads.
const (
	SettingSubdomain    = "subdomain"
	SettingAppID        = "app_id"
	SettingClientID     = "client_id"
	SettingClientSecret = "client_secret"
	SettingRegion       = "region"
	SettingURL          = "url"
	SettingMFA          = "mfa"
)

// EnvClientSecret is the environment variable the caller copies into
// Settings[SettingClientSecret] so that the secret can stay out of the
// configuration file.
const EnvClientSecret = "AWSFED_ONELOGIN_CLIENT_SECRET"

const defaultMFATimeout = 90 * time.Second

// Provider is the OneLogin API provider. It holds no state between calls;
// its fields exist so that tests can replace the clock.
type Provider struct {
	now                func() time.Time
	sleep              func(ctx context.Context, d time.Duration) error
	pushFirst, pushMax time.Duration // push poll interval: first, and cap after ×1.5 steps
}

// New returns the OneLogin provider.
func New() provider.Provider {
	return &Provider{now: time.Now, sleep: provider.Sleep, pushFirst: pushFirstPoll, pushMax: pushMaxPoll}
}

// config is the [idp NAME] section, checked.
type config struct {
	base         *url.URL // scheme://host[:port][/prefix], no trailing slash
	subdomain    string
	appID        string
	clientID     string
	clientSecret string
	mfa          string
	mfaTimeout   time.Duration
}

var subdomainRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`) })

func parseConfig(in *provider.Input) (*config, error) {
	s := in.Settings
	where := "[idp " + in.IdP + "]"
	c := &config{
		subdomain:    strings.TrimSpace(s[SettingSubdomain]),
		appID:        strings.TrimSpace(s[SettingAppID]),
		clientID:     strings.TrimSpace(s[SettingClientID]),
		clientSecret: strings.TrimSpace(s[SettingClientSecret]),
		mfa:          strings.TrimSpace(s[SettingMFA]),
		mfaTimeout:   in.MFATimeout,
	}
	if c.mfaTimeout <= 0 {
		c.mfaTimeout = defaultMFATimeout
	}
	need := func(key, hint string) error {
		return &provider.InputNeededError{What: "no " + key + " set for the OneLogin provider", Hint: hint}
	}
	switch {
	case c.subdomain == "":
		return nil, need(SettingSubdomain, "set "+SettingSubdomain+" in "+where+" to the first part of your OneLogin address (acme for acme.onelogin.com)")
	case !subdomainRE().MatchString(c.subdomain):
		return nil, &provider.InputNeededError{
			What: fmt.Sprintf("%s %q in %s is not a OneLogin subdomain", SettingSubdomain, c.subdomain, where),
			Hint: "use only the first part of your OneLogin address: acme for https://acme.onelogin.com",
		}
	case c.appID == "":
		return nil, need(SettingAppID, "set "+SettingAppID+" in "+where+" to the id of the AWS app in OneLogin (the number in the app's admin URL)")
	case c.clientID == "":
		return nil, need(SettingClientID, "set "+SettingClientID+" in "+where+" to a OneLogin API credential (Developers → API Credentials, scope \"Authentication Only\")")
	case c.clientSecret == "":
		return nil, &provider.InputNeededError{
			What: "no OneLogin API client secret for client_id " + c.clientID,
			Hint: "set " + EnvClientSecret + " or " + SettingClientSecret + " in " + where,
		}
	}
	base, err := c.baseURL(in, strings.ToLower(strings.TrimSpace(s[SettingRegion])), strings.TrimSpace(s[SettingURL]))
	if err != nil {
		return nil, &provider.InputNeededError{What: err.Error() + " in " + where, Hint: "set url to https://" + c.subdomain + ".onelogin.com, or region to us or eu"}
	}
	c.base = base
	return c, nil
}

// baseURL picks the API host: url, else region, else the subdomain's host.
func (c *config) baseURL(in *provider.Input, region, setting string) (*url.URL, error) {
	raw := strings.TrimSpace(in.URL)
	if raw == "" {
		raw = setting
	}
	if raw == "" {
		switch region {
		case "":
			raw = "https://" + c.subdomain + ".onelogin.com"
		case "us", "eu":
			raw = "https://api." + region + ".onelogin.com"
		default:
			return nil, fmt.Errorf("%s %q is neither us nor eu", SettingRegion, region)
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the OneLogin API URL is not an http(s) URL")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/")}, nil
}

// endpoint is the base URL with path appended.
func (c *config) endpoint(path string) *url.URL {
	u := *c.base
	u.Path = c.base.Path + path
	return &u
}
