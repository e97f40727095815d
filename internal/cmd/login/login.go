// Package login implements `awsfed login`: sign in at the IdP, assume a role
// and write the keys into a profile of the AWS credentials file.
package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// Options are the flags and arguments of one `awsfed login`.
type Options struct {
	F *factory.Factory

	Account       string
	Login         cmdutil.LoginFlags
	JSON          bool
	NoVerify      bool
	Force         bool
	RefreshWindow time.Duration
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
alone (--provider, --url, ...) it names the profile to write.

Keys from an earlier sign-in for the same account and role that still have
more than --refresh-window left are written again without asking the IdP;
--force signs in all the same.`,
		Example: `  awsfed login dev
  printf '%s' "$PW" | awsfed login dev --url https://idp.example.com/sso/aws --username alice --password-stdin --role Dev`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Account = args[0]
			}
			opts.usernameSet = cmd.Flags().Changed("username")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Login.Register(fl)
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout")
	fl.BoolVar(&opts.NoVerify, "no-verify", false, "do not test the new keys with sts get-caller-identity")
	fl.BoolVar(&opts.Force, "force", false, "sign in at the IdP even when cached keys are still good")
	fl.DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "reuse cached keys only when they have more than this left")
	return cmd
}

// Run performs the login.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	s, err := cmdutil.Prepare(ctx, f, opts.Account, &opts.Login, f.IO.ErrOut)
	if err != nil {
		return err
	}
	if !opts.usernameSet && s.PasswordAsked() {
		u, err := f.Prompt.Input(ctx, "Username", s.Login.Username)
		switch {
		case err == nil:
			s.SetUsername(u)
		case !errors.Is(err, prompt.ErrNoTerminal):
			return err
		}
	}
	if err := s.CheckUsername(); err != nil {
		return err
	}

	s.Options.SkipTest = opts.NoVerify
	if s.Options.ViaProcess, err = usesCredentialProcess(f, s.Login.Profile); err != nil {
		return err
	}
	var res *signin.Result
	if e, ok := reusable(s, opts); ok {
		fmt.Fprintf(f.IO.ErrOut, "Keys for %s from an earlier sign-in are good for %s more; not asking the IdP (--force to sign in again).\n",
			e.RoleARN, config.FormatDuration(e.Remaining(f.Now()).Truncate(time.Minute)))
		cached := &signin.Session{RoleARN: e.RoleARN, Credentials: sts.Credentials{
			AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expiration: e.Expiration,
		}}
		// signin's own test would call these keys new: login tests them itself.
		o := s.Options
		o.Cached = true
		res, err = signin.Publish(ctx, o, cached)
	} else {
		o := s.Options
		o.Acquired = func(ss *signin.Session) error {
			if err := s.Cache.Put(s.Entry(ss)); err != nil {
				// The profile is what the user asked for; a cache that
				// cannot be written only costs a later sign-in.
				o.Debug.Printf("cache: %v", err)
			}
			return nil
		}
		res, err = signin.Run(ctx, o)
		err = s.Finish(ctx, err)
	}
	if res != nil && opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(res); jerr != nil && err == nil {
			err = jerr
		}
	}
	return err
}

// reusable returns cached keys for the same account and role when they
// have more than the refresh window left and --force was not given.
func reusable(s *cmdutil.Session, opts *Options) (*cache.Entry, bool) {
	if opts.Force {
		return nil, false
	}
	return s.Cache.Fresh(s.Login.Account, s.Login.RoleARN, opts.RefreshWindow)
}

// usesCredentialProcess tells whether the AWS profile gets its keys from
// awsfed credential-process; login must then not write keys into the
// credentials file, where they would shadow it and, once expired, break it.
func usesCredentialProcess(f *factory.Factory, profile string) (bool, error) {
	path, err := awsfiles.ConfigPath(f.Getenv)
	if err != nil {
		return false, err
	}
	keys, _, err := awsfiles.ReadConfigProfile(path, profile)
	if err != nil {
		return false, err
	}
	return isAwsfedProcess(keys["credential_process"]), nil
}

// isAwsfedProcess tells whether a credential_process command runs awsfed's
// credential-process (another tool's, say saml2aws --credential-process,
// is not ours to feed).
func isAwsfedProcess(cmd string) bool {
	cmd = strings.TrimSpace(cmd)
	var bin, rest string
	if q := cmd[:min(1, len(cmd))]; q == "'" || q == `"` {
		end := strings.Index(cmd[1:], q)
		if end < 0 {
			return false
		}
		bin, rest = cmd[1:1+end], cmd[2+end:]
	} else {
		bin, rest, _ = strings.Cut(cmd, " ")
	}
	// Either separator: the profile may have been written on Windows.
	base := strings.TrimSuffix(bin[strings.LastIndexAny(bin, `/\`)+1:], ".exe")
	fields := strings.Fields(rest)
	return base == "awsfed" && len(fields) > 0 && fields[0] == "credential-process"
}
