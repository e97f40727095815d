// Package envcmd implements `awsfed env`: print shell commands that export
// an account's keys (and unset AWS_PROFILE), for eval in bash, zsh, fish or
// PowerShell. The keys come from the cache, or from a sign-in when the
// cached ones are too close to their end.
package envcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/shellenv"
)

// Options are the flags and arguments of one run.
type Options struct {
	F             *factory.Factory
	Account       string
	Shell         string
	Login         cmdutil.LoginFlags
	RefreshWindow time.Duration
}

// NewCmd returns the env command.
func NewCmd(f *factory.Factory) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "env ACCOUNT",
		Short: "Print shell commands that export an account's keys",
		Long: `Print commands that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION (and AWS_REGION and
AWS_DEFAULT_REGION when the account has a region) and unset AWS_PROFILE, for
the shell to eval. The keys do not refresh: run it again when they expire, or
use awsfed exec or awsfed setup-profile, which refresh on their own.`,
		Example: `  eval "$(awsfed env dev)"
  awsfed env dev --shell fish | source
  awsfed env dev --shell powershell | Invoke-Expression`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Account = args[0]
			return Run(cmd.Context(), opts)
		},
	}
	opts.Login.Register(cmd.Flags())
	cmd.Flags().StringVar(&opts.Shell, "shell", "", "bash, zsh, fish or powershell (default: from $SHELL)")
	cmd.Flags().DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "sign in again when the cached keys have less than this left")
	return cmd
}

// Run prints the exports.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	shell := opts.Shell
	if shell == "" {
		shell = shellenv.Detect(f.Getenv)
	}
	s, e, err := cmdutil.AccountKeys(ctx, f, opts.Account, &opts.Login, opts.RefreshWindow, f.IO.ErrOut, false)
	if err != nil {
		return err
	}
	vars := []shellenv.Var{
		{Name: "AWS_ACCESS_KEY_ID", Value: e.AccessKeyID},
		{Name: "AWS_SECRET_ACCESS_KEY", Value: e.SecretAccessKey},
		{Name: "AWS_SESSION_TOKEN", Value: e.SessionToken},
		{Name: "AWS_CREDENTIAL_EXPIRATION", Value: e.Expiration.UTC().Format(time.RFC3339)},
		{Name: "AWS_PROFILE", Unset: true},
	}
	if r := s.Login.Region; r != "" {
		vars = append(vars, shellenv.Var{Name: "AWS_REGION", Value: r}, shellenv.Var{Name: "AWS_DEFAULT_REGION", Value: r})
	}
	out, err := shellenv.Format(shell, vars)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(f.IO.Out, out)
	return err
}
