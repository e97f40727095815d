// Package configure implements `awsfed configure`, which writes [idp] and
// [account] sections into awsfed's configuration file from flags or answers,
// and `awsfed config show`, which prints that file with secrets masked.
// It edits only awsfed's own configuration file, never the ~/.aws files, and
// does not sign in.
package configure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/shellenv"
)

// Options are the flags of `awsfed configure`.
type Options struct {
	F *factory.Factory

	IdP          string
	Provider     string
	URL          string
	Username     string
	Account      string
	Role         string
	Profile      string
	Region       string
	DurationText string
	STSEndpoint  string
	NoInput      bool
	SetValues    []string // --set KEY=VALUE: provider settings of the [idp] section
	NoProfile    bool     // do not write the AWS profile's credential_process
	// Locator finds the awsfed the profile runs; nil = setupprofile's default.
	Locator *setupprofile.Locator

	// Set records which flags the user typed, so that flag defaults do not
	// overwrite what the file already says.
	Set map[string]bool
}

// NewCmd returns the configure command; runF replaces the run function in tests.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Write an IdP and an account into awsfed's configuration file",
		Long: `Write an [idp NAME] and an [account NAME] section into awsfed's configuration
file ($AWSFED_CONFIG, else $XDG_CONFIG_HOME/awsfed/config, else
~/.config/awsfed/config). Values not given as flags are asked for, with the
file's current values as defaults; with --no-input, or when --url and --account
are both given, nothing is asked. Other sections, keys and comments in the file
are kept as they are.`,
		Example: `  awsfed configure
  awsfed configure --idp corp --url https://idp.example.com/sso/aws --username alice --account dev --role Dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Set = map[string]bool{}
			for _, name := range []string{"idp", "provider", "url", "username", "account", "role", "profile", "region", "duration", "sts-endpoint"} {
				opts.Set[name] = cmd.Flags().Changed(name)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.IdP, "idp", "default", "the [idp NAME] section to write")
	fl.StringVar(&opts.Provider, "provider", "form", "IdP kind")
	fl.StringVar(&opts.URL, "url", "", "the IdP's start URL (for form: the IdP-initiated SSO URL for AWS)")
	fl.StringVar(&opts.Username, "username", "", "IdP username")
	fl.StringVar(&opts.Account, "account", "", "the [account NAME] section to write (the name you pass to awsfed login)")
	fl.StringVar(&opts.Role, "role", "", "role to assume: full ARN, role name, or account-id:role-name")
	fl.StringVar(&opts.Profile, "profile", "", "AWS profile to write keys into (default: the account name)")
	fl.StringVar(&opts.Region, "region", "", "AWS region for the STS endpoint")
	fl.StringVar(&opts.DurationText, "duration", "", "session length, e.g. 1h or 12h")
	fl.StringVar(&opts.STSEndpoint, "sts-endpoint", "", "STS endpoint URL")
	fl.StringArrayVar(&opts.SetValues, "set", nil, "KEY=VALUE: a provider setting of the [idp] section, e.g. --set workflow_id=… (repeatable)")
	fl.BoolVar(&opts.NoProfile, "no-profile", false, "do not point the AWS profile's credential_process at awsfed (see awsfed setup-profile)")
	fl.BoolVar(&opts.NoInput, "no-input", false, "never ask; write what the flags say")
	return cmd
}

// Run works out the sections from flags, the existing file and answers, and writes them.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	file, err := config.LoadDefault(f.Getenv)
	if err != nil {
		return err
	}
	interactive := !opts.NoInput && !(opts.Set["url"] && opts.Set["account"])
	account := opts.Account
	if interactive && !opts.Set["account"] {
		// The account comes first so that its section, and the IdP it
		// names, supply the defaults of the other questions.
		a, err := f.Prompt.Input(ctx, "Account name (what you will pass to awsfed login)", defaultAccount(file))
		if err != nil {
			return askFailed(err, opts, file)
		}
		account = strings.TrimSpace(a)
	}
	v, err := startValues(opts, file, account)
	if err != nil {
		return err
	}
	if interactive {
		if err := ask(ctx, f, opts, v); err != nil {
			return askFailed(err, opts, file)
		}
	}
	v.urlOptional = f.Providers.DefaultURL(v.idp.Provider, v.idp.Settings) != ""
	if missing := v.missing(); len(missing) > 0 {
		return &provider.InputNeededError{
			What: "configure needs " + strings.Join(missing, " and "),
			Hint: "pass " + strings.Join(missing, " and ") + ", or run awsfed configure at a terminal to be asked",
		}
	}
	if err := checkSettings(f, opts, v); err != nil {
		return err
	}
	if err := config.Save(ctx, file.Path, v.idp, v.acct); err != nil {
		return err
	}
	if err := protectSecrets(f, file.Path, v); err != nil {
		return err
	}
	if err := printWritten(f, file.Path, v.idp.Name, v.acct.Name); err != nil {
		return err
	}
	if !opts.NoProfile {
		loc := opts.Locator
		if loc == nil {
			loc = setupprofile.DefaultLocator(f.Getenv)
		}
		bin, err := loc.Find()
		if err != nil {
			return profileSkipped(err, file.Path, v.acct.Name)
		}
		fmt.Fprintln(f.IO.ErrOut)
		if err := setupprofile.Write(ctx, f, setupprofile.Profile{Name: cmp.Or(v.acct.Profile, v.acct.Name), Account: v.acct.Name, Region: v.acct.Region, Binary: bin}); err != nil {
			return err
		}
	}
	fmt.Fprintf(f.IO.ErrOut, "\nNext: awsfed login %s\n", shellenv.Quote(v.acct.Name))
	return nil
}

// profileSkipped is the error of a configure that saved its sections but
// would not point the profile at this awsfed (a temporary build, under go
// run): exit 2 rather than a warning, so that a script going on to use the
// profile stops here; running configure again is harmless.
func profileSkipped(err error, path, account string) error {
	var in *provider.InputNeededError
	if !errors.As(err, &in) {
		return err
	}
	a := shellenv.Quote(account)
	return &provider.InputNeededError{
		What: fmt.Sprintf("wrote %s, but no AWS profile: %s", path, in.What),
		Hint: fmt.Sprintf("install awsfed (in a checkout: %s) and run awsfed setup-profile %s with it, or awsfed setup-profile %s --command PATH; --no-profile skips this step", setupprofile.InstallCmd, a, a),
	}
}

// values are the sections to write, as far as they are known.
type values struct {
	idp  *config.IdP
	acct *config.Account
	// urlOptional is set when the provider derives the URL from its settings.
	urlOptional bool
}

func (v *values) missing() []string {
	var m []string
	if v.idp.URL == "" && !v.urlOptional {
		m = append(m, "--url")
	}
	if v.acct.Name == "" {
		m = append(m, "--account")
	}
	return m
}

// startValues merges the flags over the existing sections. Only values the
// user typed or the file holds are kept, so Save rewrites nothing needlessly.
func startValues(opts *Options, file *config.File, account string) (*values, error) {
	acct := &config.Account{Name: account}
	if old := file.Accounts[account]; old != nil {
		*acct = *old
		acct.Line = 0
	}
	idpName := opts.IdP
	if !opts.Set["idp"] && acct.IdP != "" {
		idpName = acct.IdP
	}
	idp := &config.IdP{Name: idpName}
	if old := file.IdPs[idpName]; old != nil {
		idp.Provider, idp.URL, idp.Username = old.Provider, old.URL, old.Username
		idp.Settings = maps.Clone(old.Settings)
	}
	if idp.Settings == nil {
		idp.Settings = map[string]string{}
	}
	for _, kv := range opts.SetValues {
		k, val, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, &provider.InputNeededError{What: fmt.Sprintf("--set %q is not KEY=VALUE", kv), Hint: "e.g. --set workflow_id=1234-abcd"}
		}
		idp.Settings[k] = strings.TrimSpace(val)
	}
	acct.IdP = idpName
	pick := func(dst *string, flag, val string) {
		if opts.Set[flag] {
			*dst = val
		}
	}
	pick(&idp.Provider, "provider", opts.Provider)
	pick(&idp.URL, "url", opts.URL)
	pick(&idp.Username, "username", opts.Username)
	pick(&acct.RoleARN, "role", opts.Role)
	pick(&acct.Profile, "profile", opts.Profile)
	pick(&acct.Region, "region", opts.Region)
	pick(&acct.STSEndpoint, "sts-endpoint", opts.STSEndpoint)
	if opts.DurationText != "" {
		d, err := config.ParseDuration(opts.DurationText)
		if err != nil {
			return nil, &provider.InputNeededError{What: "--duration: " + err.Error(), Hint: "pass a Go duration between 15m and 12h, e.g. --duration 8h"}
		}
		acct.Duration = d
	}
	if idp.Provider == "" {
		idp.Provider = opts.Provider
	}
	return &values{idp: idp, acct: acct}, nil
}

// ask asks for every value the flags did not give, offering the file's
// values as defaults.
func ask(ctx context.Context, f *factory.Factory, opts *Options, v *values) error {
	names := f.Providers.Names()
	// A choice among one kind is no choice; asking would only slow people down.
	if !opts.Set["provider"] && len(names) > 1 {
		i, err := f.Prompt.Select(ctx, "IdP kind", names)
		if err != nil {
			return err
		}
		v.idp.Provider = names[i]
	}
	type question struct {
		flag, label string
		dst         *string
	}
	urlLabel := "IdP URL (the IdP-initiated SSO URL for AWS)"
	if p, err := f.Providers.New(v.idp.Provider); err == nil {
		if l, ok := p.(urlLabeler); ok {
			urlLabel = l.URLLabel()
		}
	}
	qs := []question{
		{"url", urlLabel, &v.idp.URL},
		{"username", "IdP username", &v.idp.Username},
		{"role", "Role (ARN or name; empty to choose at login)", &v.acct.RoleARN},
		{"region", "AWS region (empty for the default)", &v.acct.Region},
	}
	for _, q := range qs {
		if opts.Set[q.flag] {
			continue
		}
		if q.flag == "url" {
			// The provider's own keys come first: they may make the URL needless.
			if err := askSettings(ctx, f, opts, v); err != nil {
				return err
			}
			if f.Providers.DefaultURL(v.idp.Provider, v.idp.Settings) != "" {
				v.urlOptional = true
				continue
			}
		}
		if q.flag == "role" {
			picked, err := pickRoleAfterTestLogin(ctx, f, v)
			if err != nil {
				return err
			}
			if picked {
				continue
			}
		}
		a, err := f.Prompt.Input(ctx, q.label, *q.dst)
		if err != nil {
			return err
		}
		*q.dst = strings.TrimSpace(a)
	}
	return nil
}

func defaultAccount(file *config.File) string {
	if len(file.Accounts) == 1 {
		for name := range file.Accounts {
			return name
		}
	}
	return ""
}

// askFailed turns a failed question into the error to return; with no
// terminal, it names the flags that would have answered it.
func askFailed(err error, opts *Options, file *config.File) error {
	if !errors.Is(err, prompt.ErrNoTerminal) {
		return err
	}
	v, verr := startValues(opts, file, opts.Account)
	if verr != nil {
		return verr
	}
	return noTerminal(v)
}

func noTerminal(v *values) error {
	if missing := v.missing(); len(missing) > 0 {
		return &provider.InputNeededError{
			What: "no terminal to ask on, and configure needs " + strings.Join(missing, " and "),
			Hint: "pass " + strings.Join(missing, " and ") + " (and --no-input to skip every question)",
		}
	}
	return &provider.InputNeededError{What: "no terminal to ask on", Hint: "pass --no-input to write what the flags say"}
}

// urlLabeler is a provider whose start URL users find in a particular place
// (Okta: the AWS app's embed link), which configure names when it asks.
type urlLabeler interface{ URLLabel() string }
