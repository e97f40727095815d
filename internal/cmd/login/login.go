// Package login implements `awsfed login`: sign in at the IdP, assume a role
// and write the keys into a profile of the AWS credentials file.
package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// Options are the flags and arguments of one `awsfed login`.
type Options struct {
	F *factory.Factory

	Account       string
	Flags         config.Overrides
	DurationText  string
	PasswordStdin bool
	JSON          bool
	Timeout       time.Duration
	NoVerify      bool
	usernameSet   bool
}

// NewCmd returns the login command; runF replaces the run function in tests.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "login [ACCOUNT]",
		Short: "Sign in through the IdP and write temporary AWS keys into a profile",
		Long: `Sign in through your company's SAML IdP, assume an AWS role with the assertion,
and write the temporary keys into a profile of the AWS credentials file.

ACCOUNT names an [account NAME] section of the configuration file; with flags
alone (--provider, --url, ...) it names the profile to write.`,
		Example: `  awsfed login dev
  printf '%s' "$PW" | awsfed login dev --url https://idp.example.com/sso/aws --username alice --password-stdin --role Dev`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Account = args[0]
			}
			opts.usernameSet = cmd.Flags().Changed("username")
			if opts.DurationText != "" {
				d, err := config.ParseDuration(opts.DurationText)
				if err != nil {
					return &provider.InputNeededError{What: "--duration: " + err.Error(), Hint: "pass a Go duration between 15m and 12h, e.g. --duration 8h"}
				}
				opts.Flags.Duration = d
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Flags.IdP, "idp", "", "the [idp NAME] section to use")
	fl.StringVar(&opts.Flags.Provider, "provider", "", "IdP kind: form or vro")
	fl.StringVar(&opts.Flags.URL, "url", "", "the IdP's start URL (for form: the IdP-initiated SSO URL for AWS)")
	fl.StringVar(&opts.Flags.Username, "username", "", "IdP username")
	fl.StringVar(&opts.Flags.RoleARN, "role", "", "role to assume: full ARN, role name, or account-id:role-name")
	fl.StringVar(&opts.Flags.Profile, "profile", "", "AWS profile to write (default: the account name)")
	fl.StringVar(&opts.Flags.Region, "region", "", "AWS region for the STS endpoint")
	fl.StringVar(&opts.DurationText, "duration", "", "session length, e.g. 1h or 12h (capped by the IdP's SessionDuration)")
	fl.StringVar(&opts.Flags.STSEndpoint, "sts-endpoint", "", "STS endpoint URL (default: from the partition and region, or AWS_ENDPOINT_URL_STS)")
	fl.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from standard input")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "give up on a network request after this long")
	fl.BoolVar(&opts.NoVerify, "no-verify", false, "do not test the new keys with sts get-caller-identity")
	return cmd
}

// Run performs the login.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	cfgPath, err := config.Path(f.Getenv)
	if err != nil {
		return err
	}
	file, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	opts.Flags.DefaultURL = f.Providers.DefaultURL
	l, err := file.Resolve(opts.Account, opts.Flags, f.Getenv)
	if err != nil {
		return err
	}
	prov, err := f.Providers.New(l.Provider)
	if err != nil {
		return err
	}
	credPath, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return err
	}

	password, interactive, err := passwordSource(opts)
	if err != nil {
		return err
	}
	if !opts.usernameSet && interactive {
		u, err := f.Prompt.Input(ctx, "Username", l.Username)
		switch {
		case err == nil:
			l.Username = u
		case !errors.Is(err, prompt.ErrNoTerminal):
			return err
		}
	}
	if l.Username == "" {
		return &provider.InputNeededError{What: "no username given", Hint: fmt.Sprintf("pass --username, or set username in [idp %s]", l.IdPName)}
	}

	debug := f.Debug()
	idpHTTP, err := httpx.NewClient(httpx.Options{Timeout: opts.Timeout, CAFile: l.Settings["ca_file"], CookieJar: true, Debug: debug})
	if err != nil {
		return err
	}
	stsHTTP, err := httpx.NewClient(httpx.Options{Timeout: opts.Timeout, Debug: debug})
	if err != nil {
		return err
	}
	res, err := signin.Run(ctx, signin.Options{
		Login:    l,
		Provider: prov,
		Input: &provider.Input{
			IdP: l.IdPName, URL: l.URL, Username: l.Username, Settings: l.Settings,
			HTTP: idpHTTP, Debug: debug,
		},
		Password:        password,
		STS:             &sts.Client{HTTP: stsHTTP, Endpoint: l.STSEndpoint, Region: l.Region},
		Prompt:          f.Prompt,
		CredentialsFile: credPath,
		SkipTest:        opts.NoVerify,
		Err:             f.IO.ErrOut,
		Debug:           debug,
		Now:             f.Now,
	})
	if res != nil && opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(res); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}

// passwordSource decides where the password comes from: --password-stdin,
// then AWSFED_PASSWORD, then the terminal. interactive is true for the terminal.
func passwordSource(opts *Options) (func(context.Context, prompt.Prompter) (string, error), bool, error) {
	f := opts.F
	if opts.PasswordStdin {
		b, err := io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
		if err != nil {
			return nil, false, fmt.Errorf("reading the password from stdin: %w", err)
		}
		pw := strings.TrimSuffix(string(b), "\n")
		if strings.HasSuffix(pw, "\r") && strings.HasSuffix(string(b), "\r\n") {
			pw = strings.TrimSuffix(pw, "\r")
		}
		if pw == "" {
			return nil, false, &provider.InputNeededError{What: "--password-stdin: standard input was empty", Hint: "pipe the password in, e.g. printf '%s' \"$PW\" | awsfed login ... --password-stdin"}
		}
		return func(context.Context, prompt.Prompter) (string, error) { return pw, nil }, false, nil
	}
	if pw := f.Getenv("AWSFED_PASSWORD"); pw != "" {
		return func(context.Context, prompt.Prompter) (string, error) { return pw, nil }, false, nil
	}
	return func(ctx context.Context, p prompt.Prompter) (string, error) {
		pw, err := p.Password(ctx, "Password")
		if errors.Is(err, prompt.ErrNoTerminal) {
			return "", &provider.InputNeededError{
				What: "no password given and no terminal to ask on",
				Hint: "pass --password-stdin (printf '%s' \"$PW\" | awsfed login ... --password-stdin) or set AWSFED_PASSWORD",
			}
		}
		return pw, err
	}, true, nil
}
