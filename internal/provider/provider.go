// Package provider is the seam between awsfed and identity providers. A
// provider turns "who the user is" into a base64 SAMLResponse for AWS and
// nothing more: it knows nothing of AWS files, roles or STS.
//
// Providers live in sub-packages (form, later onelogin, vro, okta, browser,
// command); internal/provider/all lists them all in one place.
package provider

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/prompt"
)

// Provider obtains a SAML response from one kind of IdP.
type Provider interface {
	// Assertion MUST return the SAMLResponse form value exactly as the IdP
	// produced it (base64 text). It MUST call in.Password at most once and
	// only if the IdP needs a password; it MUST NOT retry after the IdP
	// rejected the credentials (that locks accounts). It MUST route every
	// question (MFA device, code, push wait) through in.Prompt, use only
	// in.HTTP for network calls, and return the typed errors of this
	// package so that exit codes and hints are decided in one place.
	// Secrets MUST NOT appear in errors or in in.Debug output.
	Assertion(ctx context.Context, in *Input) (string, error)
}

// Input is everything a provider may use.
type Input struct {
	IdP      string            // the [idp NAME] of the configuration, for messages
	URL      string            // the IdP's start URL (for form: IdP-initiated SSO URL for AWS)
	Username string            // may be empty when the provider does not need one
	Settings map[string]string // provider-specific keys of the [idp NAME] section

	// Password asks for (or looks up) the password. It is called lazily so
	// that providers which need none (browser, command) never cause a prompt.
	Password func(ctx context.Context) (string, error)

	// MFACode is a one-time code given up front (--mfa-code); providers use
	// it for the first code factor instead of asking, and ask if it is refused.
	MFACode string
	// MFATimeout bounds the wait for a push approval (--mfa-timeout); zero
	// means the provider's default (90s).
	MFATimeout time.Duration
	// BrowserTimeout bounds the wait for the user in a browser window
	// (--browser-timeout); zero means the provider's default (5m).
	BrowserTimeout time.Duration
	// CacheDir is awsfed's private cache directory (0700), where a provider
	// may keep non-secret-to-the-user state such as an API access token in
	// files it creates 0600. Empty means: keep nothing.
	CacheDir string

	HTTP   *http.Client    // with timeouts, proxy, CA and cookie jar already set
	Prompt prompt.Prompter // every interaction with the user goes here
	Debug  *debug.Logger   // nil-safe; never log secrets
}

// Factory makes a fresh provider.
type Factory func() Provider

// Registry maps a provider name (the `provider` key of [idp NAME]) to its factory.
type Registry map[string]Factory

// Names returns the registered names, sorted.
func (r Registry) Names() []string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns a provider by name, or an error listing the known names.
func (r Registry) New(name string) (Provider, error) {
	f, ok := r[name]
	if !ok {
		if name == "" {
			return nil, &InputNeededError{What: "no IdP provider set", Hint: "pass --provider (one of: " + strings.Join(r.Names(), ", ") + ") or set provider in the [idp] section"}
		}
		return nil, &InputNeededError{What: fmt.Sprintf("unknown provider %q", name), Hint: "use one of: " + strings.Join(r.Names(), ", ")}
	}
	return f(), nil
}

// Setting describes one provider-specific key of the [idp NAME] section, so
// that `awsfed configure` can ask for it without knowing the provider.
type Setting struct {
	Key      string
	Label    string // the question, e.g. "vRO workflow id"
	Default  string // offered when the file holds nothing
	Required bool
	Secret   bool // asked without echo, never printed, never taken from argv
	// Suggest, when set, looks at the machine (finds a program, say) for a
	// better label and default. Settings are listed on every start (secret
	// variables, cache bindings), so such work runs only when someone is
	// asked: see Suggested.
	Suggest func() (label, def string)
	// Identity marks a setting that decides whose keys a sign-in yields
	// (OneLogin's app_id, vRO's workflow_id): cached keys are bound to it.
	Identity bool
	// EnvVar, when set, names an environment variable that supplies the
	// value when the file has none (secrets are better kept there); commands
	// awsfed runs never inherit it.
	EnvVar string
}

// Suggested is s with what Suggest finds on this machine; configure and
// doctor call it when they show or use the default.
func (s Setting) Suggested() Setting {
	if s.Suggest != nil {
		s.Label, s.Default = s.Suggest()
	}
	return s
}

// Describer is implemented by providers that have settings of their own.
type Describer interface {
	Settings() []Setting
}

// KeptSession names an IdP session a provider may keep between sign-ins.
type KeptSession struct {
	CacheDir string // awsfed's cache directory
	IdP      string // the [idp] section's name
	URL      string // its start URL
	Username string
}

// SessionForgetter is implemented by providers that keep an IdP session of
// their own (Okta's session cookie, the browser provider's profile), which
// `awsfed logout` ends. Forgot reports whether there was one.
type SessionForgetter interface {
	ForgetSession(ctx context.Context, s KeptSession) (forgot bool, err error)
}

// URLDefaulter is implemented by providers that can derive the start URL
// from their settings (OneLogin: https://<subdomain>.onelogin.com), so that
// url need not be configured.
type URLDefaulter interface {
	DefaultURL(settings map[string]string) string
}

// DefaultURL is the URL provider name derives from settings, or "".
func (r Registry) DefaultURL(name string, settings map[string]string) string {
	f, ok := r[name]
	if !ok {
		return ""
	}
	if d, ok := f().(URLDefaulter); ok {
		return d.DefaultURL(settings)
	}
	return ""
}

// SettingsOf lists provider name's own settings ("" or unknown: none).
func (r Registry) SettingsOf(name string) []Setting {
	f, ok := r[name]
	if !ok {
		return nil
	}
	if d, ok := f().(Describer); ok {
		return d.Settings()
	}
	return nil
}

// FromEnv fills settings of provider name that the file leaves empty from
// their environment variables.
func (r Registry) FromEnv(name string, settings map[string]string, env func(string) string) {
	for _, s := range r.SettingsOf(name) {
		if s.EnvVar != "" && settings[s.Key] == "" {
			if v := env(s.EnvVar); v != "" {
				settings[s.Key] = v
			}
		}
	}
}

// Identity lists the identity settings of provider name with their values,
// "key=value" in the provider's order (see Setting.Identity).
func (r Registry) Identity(name string, settings map[string]string) []string {
	var out []string
	for _, s := range r.SettingsOf(name) {
		if s.Identity {
			out = append(out, s.Key+"="+strings.TrimSpace(settings[s.Key]))
		}
	}
	return out
}

// SecretEnv names every provider's secret environment variables.
func (r Registry) SecretEnv() []string {
	var out []string
	for _, name := range r.Names() {
		for _, s := range r.SettingsOf(name) {
			if s.EnvVar != "" {
				out = append(out, s.EnvVar)
			}
		}
	}
	return out
}
