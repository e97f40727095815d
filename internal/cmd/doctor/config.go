package doctor

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// checkConfig loads awsfed's configuration and resolves each named account
// (all of them when none is named) as a sign-in would. It returns the file
// (nil when it does not load) and the accounts whose provider is known, for
// the checks that follow.
func checkConfig(getenv func(string) string, reg provider.Registry, names []string) (*config.File, []*config.Login, []Result) {
	const subject = "config"
	file, err := config.LoadDefault(getenv)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, nil, []Result{fail(subject, "parse", ce.Error(), ce.Hint)}
		}
		return nil, nil, []Result{fail(subject, "parse", err.Error(), "set AWSFED_CONFIG to the configuration file")}
	}
	var rs []Result
	switch {
	case !file.Exists && len(names) == 0:
		return file, nil, []Result{warn(subject, "parse", "no configuration file at "+file.Path, "run awsfed configure (or awsfed demo to see a sign-in work)")}
	case !file.Exists:
		rs = append(rs, warn(subject, "parse", "no configuration file at "+file.Path, "run awsfed configure"))
	default:
		rs = append(rs, pass(subject, "parse", fmt.Sprintf("%s parses: %d [idp] and %d [account] sections", file.Path, len(file.IdPs), len(file.Accounts))))
	}
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(file.Accounts))
	}
	var logins []*config.Login
	for _, name := range names {
		l, r := resolveAccount(getenv, reg, file, name)
		rs = append(rs, r)
		if l != nil {
			logins = append(logins, l)
		}
	}
	return file, logins, rs
}

// resolveAccount checks that account resolves to an [idp] whose provider is
// known and whose required settings are present.
func resolveAccount(getenv func(string) string, reg provider.Registry, file *config.File, account string) (*config.Login, Result) {
	subject := "account " + account
	l, err := file.Resolve(account, config.Overrides{DefaultURL: reg.DefaultURL}, getenv)
	if err != nil {
		var re *config.ResolveError
		if errors.As(err, &re) {
			return nil, fail(subject, "resolve", re.Msg, re.Hint)
		}
		return nil, fail(subject, "resolve", err.Error(), "check [account "+account+"] in "+file.Path)
	}
	root := l.Root()
	section := idpSection(file, root)
	if _, ok := reg[root.Provider]; !ok {
		return nil, fail(subject, "provider", fmt.Sprintf("%s names provider %q, which awsfed does not know", section, root.Provider),
			"set provider to one of: "+strings.Join(reg.Names(), ", "))
	}
	settings := maps.Clone(root.Settings)
	reg.FromEnv(root.Provider, settings, getenv)
	var missing, envs []string
	for _, s := range reg.SettingsOf(root.Provider) {
		if s.Required && strings.TrimSpace(settings[s.Key]) == "" {
			missing = append(missing, s.Key)
			if s.EnvVar != "" {
				envs = append(envs, s.EnvVar+" for "+s.Key)
			}
		}
	}
	if len(missing) > 0 {
		fix := "set " + strings.Join(missing, ", ") + " in " + section
		if len(envs) > 0 {
			fix += " (or the environment variable " + strings.Join(envs, ", ") + ")"
		}
		return l, fail(subject, "settings", fmt.Sprintf("%s lacks %s, which provider %s needs", section, strings.Join(missing, ", "), root.Provider),
			fix+"; awsfed configure asks for each")
	}
	if l.RoleARN == "" {
		return l, warn(subject, "role", fmt.Sprintf("[account %s] sets no role_arn: when the IdP grants several roles, awsfed asks which, and credential-process cannot ask", account),
			fmt.Sprintf("set role_arn in [account %s] of %s (awsfed login %s shows the roles granted)", account, file.Path, account))
	}
	found := fmt.Sprintf("%s: provider %s, url %s, profile %s, role %s", section, root.Provider, httpx.RedactString(root.URL), l.Profile, l.RoleARN)
	if l.Chained() {
		found += ", chained from " + l.Source.Account
	}
	return l, pass(subject, "resolve", found)
}

// idpSection names l's [idp] section with its place in the file.
func idpSection(file *config.File, l *config.Login) string {
	if idp, ok := file.IdPs[l.IdPName]; ok {
		return fmt.Sprintf("[idp %s] (%s)", idp.Name, where(file.Path, idp.Line))
	}
	return "the IdP " + l.IdPName
}
