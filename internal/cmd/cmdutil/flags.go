package cmdutil

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider"
)

// DefaultRefreshWindow is how much life cached keys must have left to be
// served without signing in again.
const DefaultRefreshWindow = 10 * time.Minute

// LoginFlags are the flags of every command that may sign in.
type LoginFlags struct {
	Overrides      config.Overrides
	DurationText   string
	Timeout        time.Duration
	PasswordStdin  bool
	MFACodeStdin   bool
	MFATimeout     time.Duration
	BrowserTimeout time.Duration
	StorePassword  bool
}

// ProviderFlagUsage is the help of --provider: every registered provider
// (a test holds it to provider/all's registry, which the flags cannot see
// without building every provider at start-up).
const ProviderFlagUsage = "IdP kind: browser, form, okta, onelogin or vro"

// Register adds the flags to fs. Secrets have no flag of their own: argv is
// visible to every user of the machine (ps), so passwords and MFA codes come
// from stdin, the environment, the keyring or the terminal.
func (lf *LoginFlags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&lf.Overrides.IdP, "idp", "", "the [idp NAME] section to use")
	fs.StringVar(&lf.Overrides.Provider, "provider", "", ProviderFlagUsage)
	fs.StringVar(&lf.Overrides.URL, "url", "", "the IdP's start URL (for form: the IdP-initiated SSO URL for AWS)")
	fs.StringVar(&lf.Overrides.Username, "username", "", "IdP username")
	fs.StringVar(&lf.Overrides.RoleARN, "role", "", "role to assume: full ARN, role name, or account-id:role-name")
	fs.StringVar(&lf.Overrides.Profile, "profile", "", "AWS profile (default: the account name)")
	fs.StringVar(&lf.Overrides.Region, "region", "", "AWS region (STS endpoint, and AWS_REGION for exec/env)")
	fs.StringVar(&lf.DurationText, "duration", "", "session length, e.g. 1h or 12h (default: the longest the IdP allows, else 1h)")
	fs.StringVar(&lf.Overrides.STSEndpoint, "sts-endpoint", "", "STS endpoint URL (default: from the partition and region, or AWS_ENDPOINT_URL_STS)")
	fs.BoolVar(&lf.PasswordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.BoolVar(&lf.MFACodeStdin, "mfa-code-stdin", false, "read the MFA code from the next line of standard input (or set AWSFED_MFA_CODE)")
	fs.DurationVar(&lf.MFATimeout, "mfa-timeout", 90*time.Second, "how long to wait for a push approval")
	fs.DurationVar(&lf.BrowserTimeout, "browser-timeout", 5*time.Minute, "how long to wait for you to sign in in a browser window (provider browser)")
	fs.DurationVar(&lf.Timeout, "timeout", 30*time.Second, "give up on a network request after this long")
	fs.BoolVar(&lf.Overrides.AllowInsecureHTTP, "allow-insecure-http", false, "allow a plain-http IdP URL or STS endpoint on a host that is not loopback (or allow_insecure_http = true)")
	fs.BoolVar(&lf.StorePassword, "store-password", false, "keep the password in the system keyring after a successful sign-in (or store_password = true in [idp])")
}

// parseDuration applies --duration to the overrides.
func (lf *LoginFlags) parseDuration() error {
	if lf.DurationText == "" {
		return nil
	}
	d, err := config.ParseDuration(lf.DurationText)
	if err != nil {
		return &provider.InputNeededError{What: "--duration: " + err.Error(), Hint: "pass a Go duration between 15m and 12h, e.g. --duration 8h"}
	}
	lf.Overrides.Duration = d
	return nil
}
