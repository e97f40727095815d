package onelogin

import (
	"strings"

	"github.com/awsfed/awsfed/internal/provider"
)

// Settings are the keys `awsfed configure` asks for.
func (p *Provider) Settings() []provider.Setting {
	return []provider.Setting{
		{Key: SettingSubdomain, Identity: true, Label: "OneLogin subdomain (acme for acme.onelogin.com)", Required: true},
		{Key: SettingAppID, Identity: true, Label: "OneLogin app id of the AWS app (Applications → the AWS app → its URL ends in the id)", Required: true},
		{Key: SettingClientID, Identity: true, Label: `OneLogin API client id (Developers → API Credentials, scope "Authentication Only")`, Required: true},
		{Key: SettingClientSecret, Label: "OneLogin API client secret (empty: read " + EnvClientSecret + " at login)", Secret: true, EnvVar: EnvClientSecret},
		{Key: SettingMFA, Label: "MFA device to use when you have several (a type such as protect, google, sms, or a device id; empty to choose each time)"},
	}
}

// DefaultURL is the API host: api.<region>.onelogin.com when a region is
// set, else the subdomain's own host.
func (p *Provider) DefaultURL(settings map[string]string) string {
	if u := strings.TrimSpace(settings[SettingURL]); u != "" {
		return u
	}
	switch r := strings.TrimSpace(settings[SettingRegion]); r {
	case "us", "eu":
		return "https://api." + r + ".onelogin.com"
	}
	if sub := strings.TrimSpace(settings[SettingSubdomain]); sub != "" {
		return "https://" + sub + ".onelogin.com"
	}
	return ""
}
