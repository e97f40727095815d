package configure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/saml"
	"github.com/awsfed/awsfed/internal/signin"
)

// pickRoleAfterTestLogin offers a test sign-in at the IdP so the user picks
// the role from what the IdP really grants instead of typing an ARN. It
// reports whether a role was picked; any failure of the test login is shown
// and the wizard goes on to ask for the role by hand. The password is used
// for this one sign-in and kept nowhere.
func pickRoleAfterTestLogin(ctx context.Context, f *factory.Factory, v *values) (bool, error) {
	if v.idp.URL == "" && !v.urlOptional {
		return false, nil
	}
	a, err := f.Prompt.Input(ctx, "Sign in now to list the roles you can pick from? (y/n)", "y")
	if err != nil {
		return false, err
	}
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(a)), "y") {
		return false, nil
	}
	roles, err := testLogin(ctx, f, v)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false, err
		}
		fmt.Fprintf(f.IO.ErrOut, "Could not list the roles: %v\n", err)
		return false, nil
	}
	// Account names as awsfed roles cached them; the wizard does not wait
	// for AWS's page.
	var names map[string]string
	if dir, err := cache.Dir(f.Getenv); err == nil {
		names = (&signin.AliasCache{Dir: dir, Now: f.Now}).Names()
	}
	options := make([]string, 0, len(roles)+1)
	for _, r := range roles {
		options = append(options, signin.RoleLabel(r, func(id string) string { return names[id] }))
	}
	options = append(options, "(none: choose at each login)")
	i, err := f.Prompt.Select(ctx, "Roles the IdP grants you", options)
	if err != nil {
		return false, err
	}
	if i < len(roles) {
		v.acct.RoleARN = roles[i].RoleARN
	} else {
		v.acct.RoleARN = ""
	}
	return true, nil
}

func testLogin(ctx context.Context, f *factory.Factory, v *values) ([]saml.Role, error) {
	prov, err := f.Providers.New(v.idp.Provider)
	if err != nil {
		return nil, err
	}
	settings := map[string]string{}
	for k, val := range v.idp.Settings {
		settings[k] = val
	}
	f.Providers.FromEnv(v.idp.Provider, settings, f.Getenv)
	l := &config.Login{IdPName: v.idp.Name, Provider: v.idp.Provider, URL: cmp.Or(v.idp.URL, f.Providers.DefaultURL(v.idp.Provider, settings)), Settings: settings}
	l.InsecureIdP, l.AllowedHosts = config.IdPTrust(settings)
	client, err := cmdutil.IdPClient(l, "[idp "+v.idp.Name+"] (--set allow_insecure_http=true)", false, 30*time.Second, f.Debug())
	if err != nil {
		return nil, err
	}
	raw, err := prov.Assertion(ctx, &provider.Input{
		IdP: v.idp.Name, URL: l.URL, Username: v.idp.Username, Settings: settings,
		Password: func(ctx context.Context) (string, error) { return f.Prompt.Password(ctx, "Password") },
		HTTP:     client, Prompt: f.Prompt, Debug: f.Debug(),
	})
	if err != nil {
		return nil, err
	}
	a, err := saml.Parse(raw)
	if err != nil {
		return nil, err
	}
	return a.Roles, nil
}
