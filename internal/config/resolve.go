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
	// SigninEndpoint is --signin-endpoint.
	SigninEndpoint string

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
	// Source, for a chained account (source = NAME), is the resolved
	// account whose keys assume RoleARN; the IdP fields above are those of
	// the first account of the chain, which signs in. ExternalID and
	// SessionName go with the AssumeRole call.
	Source                  *Login
	ExternalID, SessionName string
	// SigninEndpoint is the federation endpoint for the console ("" = the
	// partition's).
	SigninEndpoint string
}

// Chained reports whether the keys come from role chaining.
func (l *Login) Chained() bool { return l.Source != nil }

// Root is the first account of a chain: the one that signs in at the IdP.
func (l *Login) Root() *Login {
	for l.Source != nil {
		l = l.Source
	}
	return l
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
	if haveAccount && a.Source != "" {
		return f.resolveChained(a, o, env)
	}
	if haveAccount {
		l.SigninEndpoint = a.SigninEndpoint
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
	set(&l.Provider, o.Provider)
	set(&l.URL, o.URL)
	set(&l.Username, o.Username)
	set(&l.RoleARN, o.RoleARN)
	l.applyAccountOverrides(o, env)
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

// resolveChained resolves an account with source = NAME: its source first
// (recursively; Parse has refused cycles and missing sources), then its own
// role, profile, region and duration. Flags that choose the role, profile,
// region, duration or endpoints apply to a, not to its sources; those that
// choose the IdP and user apply to the sign-in at the start of the chain.
func (f *File) resolveChained(a *Account, o Overrides, env func(string) string) (*Login, error) {
	so := o
	so.RoleARN, so.Profile, so.Region, so.Duration, so.STSEndpoint, so.SigninEndpoint = "", "", "", 0, "", ""
	src, err := f.Resolve(a.Source, so, env)
	if err != nil {
		return nil, err
	}
	l := *src.Root()
	l.Account, l.Source = a.Name, src
	l.RoleARN, l.Profile, l.Region, l.Duration, l.STSEndpoint = a.RoleARN, a.Profile, a.Region, a.Duration, a.STSEndpoint
	l.ExternalID, l.SessionName, l.SigninEndpoint = a.ExternalID, a.SessionName, a.SigninEndpoint
	if o.RoleARN != "" && o.RoleARN != a.RoleARN {
		return nil, &ResolveError{Msg: fmt.Sprintf("--role does not apply to [account %s], which chains from %s", a.Name, a.Source), Hint: "set role_arn in [account " + a.Name + "] of " + f.Path}
	}
	l.applyAccountOverrides(o, env)
	if l.STSEndpoint == "" {
		// The source's STS answers for the chained role too (one
		// partition; a test or private endpoint serves both).
		l.STSEndpoint = src.STSEndpoint
	}
	l.InsecureSTS = o.AllowInsecureHTTP || a.AllowInsecureHTTP || src.InsecureSTS
	return &l, nil
}

func set(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// applyAccountOverrides applies the flags that choose the account's own
// profile, region, duration and endpoints; the profile defaults to the
// account's name and the STS endpoint to AWS_ENDPOINT_URL_STS.
func (l *Login) applyAccountOverrides(o Overrides, env func(string) string) {
	set(&l.Profile, o.Profile)
	set(&l.Region, o.Region)
	set(&l.STSEndpoint, o.STSEndpoint)
	set(&l.SigninEndpoint, o.SigninEndpoint)
	if o.Duration != 0 {
		l.Duration = o.Duration
	}
	if l.STSEndpoint == "" {
		l.STSEndpoint = env("AWS_ENDPOINT_URL_STS")
	}
	if l.Profile == "" {
		l.Profile = l.Account
	}
}
