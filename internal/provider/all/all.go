// Package all lists every provider awsfed knows, in one place, so that
// adding a provider is one line here and nothing anywhere else. It holds
// no logic of its own.
package all

import (
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/browser"
	"github.com/awsfed/awsfed/internal/provider/form"
	"github.com/awsfed/awsfed/internal/provider/okta"
	"github.com/awsfed/awsfed/internal/provider/onelogin"
	"github.com/awsfed/awsfed/internal/provider/vro"
)

// Registry returns a fresh registry of every provider, keyed by the name
// used in the `provider` key of an [idp NAME] section.
func Registry() provider.Registry {
	return provider.Registry{
		"browser":  browser.New,
		"form":     form.New,
		"okta":     okta.New,
		"onelogin": onelogin.New,
		"vro":      vro.New,
	}
}
