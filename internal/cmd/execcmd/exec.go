// Package execcmd implements `awsfed exec ACCOUNT -- CMD ARGS…`: run a
// command with an account's keys. By default the child gets a local
// container-credentials endpoint, so AWS SDKs inside a long run (Terraform,
// a deploy) fetch fresh keys through awsfed when theirs near expiry;
// --no-server exports static keys instead. awsfed exits with the child's code.
package execcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/childproc"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/credserver"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// Options are the flags and arguments of one run.
type Options struct {
	F             *factory.Factory
	Account       string
	Argv          []string
	Login         cmdutil.LoginFlags
	RefreshWindow time.Duration
	NoServer      bool
}

// NewCmd returns the exec command.
func NewCmd(f *factory.Factory) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "exec ACCOUNT -- COMMAND [ARG...]",
		Short: "Run a command with an account's keys, refreshed as they expire",
		Long: `Run COMMAND with the account's keys. AWS_PROFILE and static AWS keys are
removed from its environment; instead it gets a credentials endpoint on
127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI with a random token in
AWS_CONTAINER_AUTHORIZATION_TOKEN), which every AWS SDK and the AWS CLI use to
fetch keys, again and again as they expire, through awsfed. AWS_REGION and
AWS_DEFAULT_REGION are set when the account has a region.

--no-server exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
and AWS_CREDENTIAL_EXPIRATION instead; they do not refresh.

Signals (Ctrl-C, SIGTERM, ...) are passed to COMMAND, and awsfed exits with
its exit code.`,
		Example: `  awsfed exec dev -- terraform apply
  awsfed exec dev --no-server -- ./deploy.sh`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash != 1 || len(args) < 2 {
				return fmt.Errorf("accepts ACCOUNT -- COMMAND [ARG...], got %d arg(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Account, opts.Argv = args[0], args[1:]
			return Run(cmd.Context(), opts)
		},
	}
	opts.Login.Register(cmd.Flags())
	cmd.Flags().DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "sign in again when the keys have less than this left")
	cmd.Flags().BoolVar(&opts.NoServer, "no-server", false, "export static keys instead of running a credentials endpoint")
	return cmd
}

// Run signs in if needed, then runs the command.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	// The keys are fetched before the child starts, so that a password or
	// MFA prompt does not interleave with the child's own output.
	s, e, err := cmdutil.AccountKeys(ctx, f, opts.Account, &opts.Login, opts.RefreshWindow, f.IO.ErrOut, false)
	if err != nil {
		return err
	}
	set := map[string]string{}
	if region := s.Login.Region; region != "" {
		set["AWS_REGION"], set["AWS_DEFAULT_REGION"] = region, region
	}
	// awsfed's own secrets are for awsfed, not for the child.
	unset := append(credserver.ConflictingEnv(), cmdutil.SecretEnv(f.Providers)...)
	noServer := opts.NoServer
	if !noServer {
		shadow, err := configDefaultShadows(f)
		if err != nil {
			return err
		}
		if shadow != "" {
			// Static keys beat every profile; the endpoint would not.
			fmt.Fprintf(f.IO.ErrOut, "awsfed: %s, which AWS tools use before a credentials endpoint; the command gets static keys instead (no refresh, valid until %s).\n",
				shadow, e.Expiration.Local().Format("15:04"))
			noServer = true
		}
	}
	if noServer {
		set["AWS_ACCESS_KEY_ID"] = e.AccessKeyID
		set["AWS_SECRET_ACCESS_KEY"] = e.SecretAccessKey
		set["AWS_SESSION_TOKEN"] = e.SessionToken
		set["AWS_CREDENTIAL_EXPIRATION"] = e.Expiration.UTC().Format(time.RFC3339)
	} else {
		// The endpoint outlives a Ctrl-C: the child decides what the signal
		// means, and a Terraform that is winding down still needs keys.
		srvCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
		defer stop()
		// Later sign-ins are started by the SDK in the child, not by the user.
		s.Unattended()
		ep := &endpoint{s: s, window: opts.RefreshWindow, now: f.Now}
		srv, err := credserver.Start(srvCtx, ep.get, credserver.Options{OnError: func(err error) {
			fmt.Fprintf(f.IO.ErrOut, "awsfed: could not refresh the keys of %s: %v\n", s.Login.Account, err)
		}})
		if err != nil {
			return err
		}
		defer srv.Close()
		for _, kv := range srv.Env() {
			k, v, _ := strings.Cut(kv, "=")
			set[k] = v
		}
		if err := hideDefaultKeys(f, set); err != nil {
			return err
		}
	}
	env := childproc.Env(f.Environment(), set, unset)
	code, err := childproc.Run(ctx, opts.Argv, env, f.IO.In, f.IO.Out, f.IO.ErrOut)
	var start *childproc.StartError
	if errors.As(err, &start) {
		return &cmdutil.ExitError{Code: code, Msg: start.Error(), Hint: start.Hint}
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return &cmdutil.ExitError{Code: code}
	}
	return nil
}

// signInLimit bounds one sign-in started by the endpoint, push approval
// and typed codes included.
const signInLimit = 5 * time.Minute

// cannotAskPause is how long the endpoint answers "sign in by hand" without
// trying again: SDKs retry at once, and each try would visit the IdP.
const cannotAskPause = 30 * time.Second

// endpoint is what the credentials endpoint serves: the cached keys, or
// those of a new sign-in. Its calls come one at a time (credserver).
type endpoint struct {
	s      *cmdutil.Session
	window time.Duration
	now    func() time.Time

	cannotAsk   error // the last "needs input nobody can give"
	cannotAskAt time.Time
}

func (ep *endpoint) get(ctx context.Context) (credserver.Creds, error) {
	if ep.cannotAsk != nil && ep.now().Sub(ep.cannotAskAt) < cannotAskPause {
		// Keys signed in from another terminal meanwhile are served.
		if e, ok := ep.s.Cache.Fresh(ep.s.Login.Account, ep.s.Login.RoleARN, ep.window); ok {
			return creds(e), nil
		}
		return credserver.Creds{}, ep.cannotAsk
	}
	// The sign-in goes on when the SDK that asked gives up (some wait only
	// 2s): its retry then finds the keys in the cache instead of starting
	// another sign-in (another push).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signInLimit)
	defer cancel()
	e, _, err := ep.s.Keys(ctx, ep.window)
	var input *provider.InputNeededError
	if errors.As(err, &input) || errors.Is(err, prompt.ErrNoTerminal) {
		account := ep.s.Login.Account
		ep.cannotAsk = fmt.Errorf("the keys of %s need a new sign-in and awsfed cannot ask while the command holds the terminal: run `awsfed login %s` in another terminal; this endpoint then serves the new keys", account, account)
		ep.cannotAskAt = ep.now()
		return credserver.Creds{}, ep.cannotAsk
	}
	if err != nil {
		return credserver.Creds{}, err
	}
	ep.cannotAsk = nil
	return creds(e), nil
}

func creds(e *cache.Entry) credserver.Creds {
	return credserver.Creds{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expiration: e.Expiration}
}

// hideDefaultKeys keeps [default] keys of the credentials file from winning
// over the endpoint: AWS SDKs read the default profile before they ask a
// container endpoint, so the child sees no credentials file.
func hideDefaultKeys(f *factory.Factory, set map[string]string) error {
	credPath, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return err
	}
	k, found, err := awsfiles.ReadCredentials(credPath, "default")
	if err != nil {
		return err
	}
	if found && k.AccessKeyID != "" {
		set["AWS_SHARED_CREDENTIALS_FILE"] = os.DevNull
		fmt.Fprintf(f.IO.ErrOut, "awsfed: [default] in %s holds keys that AWS tools would use first; the command sees no credentials file.\n", credPath)
	}
	return nil
}

// configDefaultShadows says what in the config file's [default] profile
// AWS tools would use before a credentials endpoint ("" = nothing). That
// file cannot be hidden like the credentials file: the child may need the
// rest of it.
func configDefaultShadows(f *factory.Factory) (string, error) {
	cfgPath, err := awsfiles.ConfigPath(f.Getenv)
	if err != nil {
		return "", err
	}
	m, _, err := awsfiles.ReadConfigProfile(cfgPath, "default")
	if err != nil {
		return "", err
	}
	for _, key := range []string{"credential_process", "aws_access_key_id", "role_arn", "sso_session", "sso_start_url", "web_identity_token_file"} {
		if m[key] != "" {
			return fmt.Sprintf("[default] in %s sets %s", cfgPath, key), nil
		}
	}
	return "", nil
}
