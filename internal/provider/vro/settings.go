package vro

import "github.com/awsfed/awsfed/internal/provider"

// Settings are the keys `awsfed configure` asks for; the parameter names
// are site configuration of the broker workflow, so their defaults are
// offered rather than assumed silently.
func (p *Provider) Settings() []provider.Setting {
	return []provider.Setting{
		{Key: SettingWorkflowID, Identity: true, Label: "vRO workflow id (the workflow that returns the SAML response)", Required: true},
		{Key: SettingUsernameParam, Label: "Workflow input for the user name", Default: "username"},
		{Key: SettingPasswordParam, Label: "Workflow input for the password (SecureString)", Default: "password"},
		{Key: SettingOutputParam, Label: "Workflow output holding the SAML response", Default: "samlResponse"},
	}
}
