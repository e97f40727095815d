package okta

import "github.com/awsfed/awsfed/internal/provider"

// Settings are the keys `awsfed configure` asks for. The org and the app
// are in url (the embed link, part of what cached keys are bound to);
// oidc_client_id decides which client signs the user in on Identity Engine
// orgs, so cached keys are bound to it too. app_id, for a url that does not
// hold the app's id, is read but not asked.
func (p *Provider) Settings() []provider.Setting {
	return []provider.Setting{
		{Key: SettingMFA, Label: "Okta MFA factor when you have several (push, totp, sms, call, email, token, a provider such as google, or the device name; empty to choose each time)"},
		{Key: SettingOIDCClientID, Identity: true, Label: "Okta OIDC native app client id for the device flow (Identity Engine orgs only; empty if your administrators made none)"},
	}
}

// URLLabel is configure's question for url: where Okta shows the embed link.
func (p *Provider) URLLabel() string {
	return "Okta embed link of the AWS app (Okta Admin → Applications → Amazon Web Services → General → App Embed Link; " +
		"or the link of the AWS tile on your Okta dashboard), like https://acme.okta.com/home/amazon_aws/0oa…/272"
}
