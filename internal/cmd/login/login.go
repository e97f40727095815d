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
)

// Options are the flags and arguments of one `awsfed login`.
type Options struct {
	F *factory.Factory

	Account string
	// Accounts are all the accounts named; with more than one (or --all),
	// one sign-in serves them all.
	Accounts      []string
	All           bool
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
		Use:   "login [ACCOUNT...]",
		Short: "Sign in through the IdP and write temporary AWS keys into a profile",
		Long: `Sign in through your company's SAML IdP, assume an AWS role with the assertion,
and write the temporary keys into a profile of the AWS credentials file.

ACCOUNT names an [account NAME] section of the configuration file; with flags
alone (--provider, --url, ...) it names the profile to write.

Several accounts (awsfed login dev prod audit), or --all accounts of the
configuration (of one IdP with --idp), are served by one sign-in: their roles
are assumed at once from the same assertion and every profile is written in
one update of the credentials file. Each account gets one result line; a role
that fails does not stop the others, and the exit code is the worst one.

An account with source = ACCOUNT assumes its role_arn with that account's
keys (role chaining, at most 1h).

Keys from an earlier sign-in for the same account and role that still have
more than --refresh-window left are written again without asking the IdP;
--force signs in all the same.`,
		Example: `  awsfed login dev
  awsfed login dev prod audit
  awsfed login --all --idp corp
  printf '%s' "$PW" | awsfed login dev --url https://idp.example.com/sso/aws --username alice --password-stdin --role Dev`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Accounts = args
			if len(args) == 1 {
				opts.Account = args[0]
			}
			if opts.All && len(args) > 0 {
				return fmt.Errorf("accepts no ACCOUNT with --all, got %d arg(s)", len(args))
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
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout (one object per account with several)")
	fl.BoolVar(&opts.All, "all", false, "log in to every configured account (of the IdP --idp names) with one sign-in")
	fl.BoolVar(&opts.NoVerify, "no-verify", false, "do not test the new keys with sts get-caller-identity")
	fl.BoolVar(&opts.Force, "force", false, "sign in at the IdP even when cached keys are still good")
	fl.DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "reuse cached keys only when they have more than this left")
	return cmd
}

// Run performs the login.
func Run(ctx context.Context, opts *Options) error {
	if opts.All || len(opts.Accounts) > 1 {
		return runMany(ctx, opts)
	}
	f := opts.F
	s, err := cmdutil.Prepare(ctx, f, opts.Account, &opts.Login, f.IO.ErrOut)
	if err != nil {
		return err
	}
	if err := askUsername(ctx, opts, s); err != nil {
		return err
	}

	s.Options.SkipTest = opts.NoVerify
	if s.Options.ViaProcess, err = usesCredentialProcess(f, s.Login.Profile); err != nil {
		return err
	}
	var res *signin.Result
	if s.Source != nil {
		res, err = chained(ctx, opts, s)
	} else if e, ok := reusable(s, opts); ok {
		fmt.Fprintf(f.IO.ErrOut, "Keys for %s from an earlier sign-in are good for %s more; not asking the IdP (--force to sign in again).\n",
			e.RoleARN, config.FormatDuration(e.Remaining(f.Now()).Truncate(time.Minute)))
		cached := cmdutil.SessionOf(e)
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

// askUsername asks for the IdP username when the password is asked too
// (a terminal sign-in), offering the configured one.
func askUsername(ctx context.Context, opts *Options, s *cmdutil.Session, more ...*cmdutil.Session) error {
	if !opts.usernameSet && s.PasswordAsked() && !keptSession(s) {
		u, err := opts.F.Prompt.Input(ctx, "Username", s.Login.Username)
		switch {
		case err == nil:
			for _, x := range append([]*cmdutil.Session{s}, more...) {
				x.SetUsername(u)
			}
		case !errors.Is(err, prompt.ErrNoTerminal):
			return err
		}
	}
	return s.CheckUsername()
}

// sessionKeeper is a provider that keeps the IdP's session between
// sign-ins (okta): while it holds one for the configured user, a sign-in
// asks nothing, so the username is not asked either.
type sessionKeeper interface {
	HasSession(cacheDir, url, username string) bool
}

func keptSession(s *cmdutil.Session) bool {
	k, ok := s.Options.Provider.(sessionKeeper)
	return ok && s.Login.Username != "" && k.HasSession(s.Options.Input.CacheDir, s.Login.URL, s.Login.Username)
}

// chained logs in to an account whose role is assumed with another
// account's keys: those come from the cache or a sign-in, as in
// credential-process.
func chained(ctx context.Context, opts *Options, s *cmdutil.Session) (*signin.Result, error) {
	window := opts.RefreshWindow
	if opts.Force {
		window = 13 * time.Hour // longer than any keys live: always assume anew
	}
	e, cached, err := s.Keys(ctx, window)
	if err != nil {
		return nil, err
	}
	o := s.Options
	o.Cached = cached
	if cached {
		fmt.Fprintf(opts.F.IO.ErrOut, "Keys for %s from an earlier sign-in are good for %s more (--force to assume the role again).\n",
			e.RoleARN, config.FormatDuration(e.Remaining(opts.F.Now()).Truncate(time.Minute)))
	}
	return signin.Publish(ctx, o, cmdutil.SessionOf(e))
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
	via, err := credentialProcessProfiles(f)
	if err != nil {
		return false, err
	}
	return via(profile), nil
}

// credentialProcessProfiles reads the AWS config file once and returns
// usesCredentialProcess for each profile of a login for several accounts.
func credentialProcessProfiles(f *factory.Factory) (func(profile string) bool, error) {
	path, err := awsfiles.ConfigPath(f.Getenv)
	if err != nil {
		return nil, err
	}
	file, err := awsfiles.ReadConfigFile(path)
	if err != nil {
		return nil, err
	}
	return func(profile string) bool {
		keys, _ := file.Profile(profile)
		return isAwsfedProcess(keys["credential_process"])
	}, nil
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
