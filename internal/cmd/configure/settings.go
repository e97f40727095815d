package configure

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/provider"
)

// providerSettings lists the provider's own keys, if it has any.
func providerSettings(f *factory.Factory, name string) []provider.Setting {
	return f.Providers.SettingsOf(name)
}

// askSettings asks for each provider key that --set did not give. A secret
// left empty keeps what the file holds (or nothing, for the environment to
// supply); a value equal to the provider's default is not written.
func askSettings(ctx context.Context, f *factory.Factory, opts *Options, v *values) error {
	given := map[string]bool{}
	for _, kv := range opts.SetValues {
		k, _, _ := strings.Cut(kv, "=")
		given[strings.TrimSpace(k)] = true
	}
	for _, s := range providerSettings(f, v.idp.Provider) {
		if given[s.Key] {
			continue
		}
		s = s.Suggested()
		old := v.idp.Settings[s.Key]
		if s.Secret {
			label := s.Label
			if old != "" {
				label += " (empty keeps the stored one)"
			}
			a, err := f.Prompt.Password(ctx, label)
			if err != nil {
				return err
			}
			if a != "" {
				v.idp.Settings[s.Key] = a
			}
			continue
		}
		def := old
		if def == "" {
			def = s.Default
		}
		a, err := f.Prompt.Input(ctx, s.Label, def)
		if err != nil {
			return err
		}
		a = strings.TrimSpace(a)
		switch {
		case a == s.Default && old == "":
			delete(v.idp.Settings, s.Key)
		case a == "":
			delete(v.idp.Settings, s.Key)
		default:
			v.idp.Settings[s.Key] = a
		}
	}
	return nil
}

// checkSettings refuses an unknown provider or a missing required key, so
// that a configuration written here always gets as far as the IdP.
func checkSettings(f *factory.Factory, opts *Options, v *values) error {
	if _, ok := f.Providers[v.idp.Provider]; !ok {
		return &provider.InputNeededError{What: fmt.Sprintf("unknown provider %q", v.idp.Provider), Hint: "use one of: " + strings.Join(f.Providers.Names(), ", ")}
	}
	given := map[string]bool{}
	for _, kv := range opts.SetValues {
		k, _, _ := strings.Cut(kv, "=")
		given[strings.TrimSpace(k)] = true
	}
	var missing []string
	for _, s := range providerSettings(f, v.idp.Provider) {
		if s.Secret && given[s.Key] {
			hint := "run awsfed configure at a terminal to be asked for it (without echo)"
			if s.EnvVar != "" {
				hint = "set " + s.EnvVar + " in the environment instead, or " + hint
			}
			return &provider.InputNeededError{What: fmt.Sprintf("--set %s: a secret does not belong on the command line, where every user of the machine can read it", s.Key), Hint: hint}
		}
		if s.Required && v.idp.Settings[s.Key] == "" {
			missing = append(missing, "--set "+s.Key+"=…")
		}
	}
	if len(missing) > 0 {
		return &provider.InputNeededError{
			What: fmt.Sprintf("the %s provider needs %s", v.idp.Provider, strings.Join(missing, " and ")),
			Hint: "pass " + strings.Join(missing, " and ") + ", or run awsfed configure at a terminal to be asked",
		}
	}
	return nil
}

// protectSecrets makes the configuration file 0600 when it holds a secret
// setting, whatever mode it had: the secret must be readable by its owner
// only.
func protectSecrets(f *factory.Factory, path string, v *values) error {
	for _, s := range providerSettings(f, v.idp.Provider) {
		if !s.Secret || v.idp.Settings[s.Key] == "" {
			continue
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(path, 0o600); err != nil {
				return fmt.Errorf("%s holds the %s but its mode %v lets others read it, and chmod failed: %w", path, s.Key, fi.Mode().Perm(), err)
			}
			fmt.Fprintf(f.IO.ErrOut, "Made %s readable by you only (mode 0600): it holds the %s.\n", path, s.Key)
		}
		return nil
	}
	return nil
}
