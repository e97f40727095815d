package config

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// Overrides are the login flags; an empty field is unset.
type Overrides struct {
	IdP         string
	Provider    string
	URL         string
	Username    string
	RoleARN     string
	Profile     string
	Region      string
	Duration    time.Duration
	STSEndpoint string
	// AllowInsecureHTTP is --allow-insecure-http.
	AllowInsecureHTTP bool

	// DefaultURL derives the IdP URL from the provider's settings when none
	// is configured (provider.Registry.DefaultURL); nil derives nothing.
	DefaultURL func(provider string, settings map[string]string) string
}

// Login is the effective configuration of one login.
type Login struct {
	Account     string // the name the user typed (or the only account)
	IdPName     string // the [idp NAME], or the URL's host when flags alone configure it
	Provider    string
	URL         string
	Username    string
	Settings    map[string]string
	RoleARN     string
	Profile     string
	Region      string
	Duration    time.Duration
	STSEndpoint string
	// InsecureIdP and InsecureSTS let the IdP URL and the STS endpoint be
	// plain http to a host that is not loopback: allow_insecure_http = true
	// in [idp] and in [account], or --allow-insecure-http for both.
	InsecureIdP, InsecureSTS bool
	// AllowedHosts are hosts besides the URL's that may receive the
	// password (allowed_hosts in [idp], separated by commas or spaces).
	AllowedHosts []string
}

// ResolveError says what is missing to log in; the caller maps it to "input needed".
type ResolveError struct {
	Msg  string
	Hint string
}

func (e *ResolveError) Error() string { return e.Msg }

// Resolve merges the account's section, its IdP's section, the overrides and
// the environment (AWS_ENDPOINT_URL_STS) into one Login. account may be
// empty when the file has exactly one account or the flags name a profile.
func (f *File) Resolve(account string, o Overrides, env func(string) string) (*Login, error) {
	if account == "" {
		switch {
		case o.Profile != "":
			account = o.Profile
		case len(f.Accounts) == 1:
			for name := range f.Accounts {
				account = name
			}
		default:
			hint := "pass the account name: awsfed login NAME"
			if len(f.Accounts) > 0 {
				hint += " (configured: " + strings.Join(sortedKeys(f.Accounts), ", ") + ")"
			}
			return nil, &ResolveError{Msg: "which account? none was named", Hint: hint}
		}
	}
	l := &Login{Account: account, Settings: map[string]string{}}
	a, haveAccount := f.Accounts[account]
	if haveAccount {
		l.IdPName, l.RoleARN, l.Profile, l.Region, l.Duration, l.STSEndpoint =
			a.IdP, a.RoleARN, a.Profile, a.Region, a.Duration, a.STSEndpoint
	}
	if !haveAccount && f.Exists && len(f.Accounts) > 0 && o.URL == "" && o.IdP == "" {
		return nil, &ResolveError{
			Msg:  fmt.Sprintf("no [account %s] in %s", account, f.Path),
			Hint: "configured accounts: " + listOrNone(sortedKeys(f.Accounts)) + "; or name the IdP with --idp or --url",
		}
	}
	if o.IdP != "" {
		l.IdPName = o.IdP
	}
	if l.IdPName == "" && len(f.IdPs) == 1 && o.URL == "" {
		for name := range f.IdPs {
			l.IdPName = name
		}
	}
	if l.IdPName != "" {
		idp, ok := f.IdPs[l.IdPName]
		if !ok {
			return nil, &ResolveError{Msg: fmt.Sprintf("no [idp %s] section in %s", l.IdPName, f.Path), Hint: "known IdPs: " + listOrNone(sortedKeys(f.IdPs))}
		}
		l.Provider, l.URL, l.Username = idp.Provider, idp.URL, idp.Username
		maps.Copy(l.Settings, idp.Settings)
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&l.Provider, o.Provider)
	set(&l.URL, o.URL)
	set(&l.Username, o.Username)
	set(&l.RoleARN, o.RoleARN)
	set(&l.Profile, o.Profile)
	set(&l.Region, o.Region)
	set(&l.STSEndpoint, o.STSEndpoint)
	if o.Duration != 0 {
		l.Duration = o.Duration
	}
	if l.STSEndpoint == "" {
		l.STSEndpoint = env("AWS_ENDPOINT_URL_STS")
	}
	if l.Profile == "" {
		l.Profile = account
	}
	if l.URL == "" && o.DefaultURL != nil {
		l.URL = o.DefaultURL(l.Provider, l.Settings)
	}
	if l.URL == "" {
		if !haveAccount && f.Exists {
			return nil, &ResolveError{
				Msg:  fmt.Sprintf("no [account %s] in %s and no --url given", account, f.Path),
				Hint: "configured accounts: " + listOrNone(sortedKeys(f.Accounts)) + "; or log in with flags only: --provider form --url URL",
			}
		}
		if !f.Exists {
			return nil, &ResolveError{
				Msg:  fmt.Sprintf("no IdP URL for account %q (no configuration file at %s)", account, f.Path),
				Hint: "pass --provider form --url <IdP-initiated SSO URL for AWS>, or run awsfed demo to see it work",
			}
		}
		return nil, &ResolveError{Msg: fmt.Sprintf("no IdP URL for account %q", account), Hint: "set url in its [idp] section or pass --url"}
	}
	if l.Provider == "" {
		l.Provider = "form"
	}
	if l.IdPName == "" {
		l.IdPName = hostOf(l.URL)
	}
	idpInsecure, allowed := IdPTrust(l.Settings)
	l.InsecureIdP = o.AllowInsecureHTTP || idpInsecure
	l.InsecureSTS = o.AllowInsecureHTTP || (haveAccount && a.AllowInsecureHTTP)
	l.AllowedHosts = allowed
	return l, nil
}

// IdPTrust reads the settings of an [idp] section that widen where secrets
// may go: allow_insecure_http and allowed_hosts (separated by commas or
// spaces).
func IdPTrust(settings map[string]string) (insecure bool, allowedHosts []string) {
	insecure, _ = ParseBool(settings["allow_insecure_http"])
	allowedHosts = strings.FieldsFunc(settings["allowed_hosts"], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	return insecure, allowedHosts
}

// Host is the host[:port] of the IdP URL: what a stored password and
// cached keys are bound to.
func (l *Login) Host() string { return hostOf(l.URL) }

func hostOf(rawURL string) string {
	s := rawURL
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s
}
