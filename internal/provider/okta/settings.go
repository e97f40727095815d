package okta

import "github.com/awsfed/awsfed/internal/provider"

// Settings are the keys `awsfed configure` asks for. The org and the app
// are in url (the embed link); app_id and oidc_client_id decide which app
// and client sign the user in, so cached keys are bound to them.
func (p *Provider) Settings() []provider.Setting {
	return []provider.Setting{
		{Key: SettingMFA, Label: "Okta MFA factor when you have several (push, totp, sms, call, email, token, a provider such as google, or the device name; empty to choose each time)"},
		{Key: SettingOIDCClientID, Identity: true, Label: "Okta OIDC native app client id for the device flow (Identity Engine orgs only; empty if your administrators made none)"},
		{Key: SettingAppID, Identity: true, Label: "Okta AWS app id (empty: read from the embed link)"},
	}
}
