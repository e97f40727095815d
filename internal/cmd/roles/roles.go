// Package roles implements `awsfed roles`: sign in at the IdP and list every
// role the assertion grants, with each account's alias where AWS's
// role-selection page shows one.
package roles

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
)

// Options are the flags of `awsfed roles`.
type Options struct {
	F     *factory.Factory
	Login cmdutil.LoginFlags
	JSON  bool
}

// NewCmd returns the roles command.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "List the roles the IdP grants, with the accounts' names",
		Long: `Sign in at the IdP and list every role its assertion grants, with the
account's alias where AWS shows one: awsfed posts the assertion to AWS's
sign-in page, as a browser does, and reads the names from the role-selection
page (both its layouts), giving up after a few seconds and showing account
IDs instead. The names are cached for a day, for the role picker of login and
configure.`,
		Example: `  awsfed roles
  awsfed roles --idp corp --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Login.Register(fl)
	fl.StringVar(&opts.Login.Overrides.SigninEndpoint, "signin-endpoint", "", "AWS sign-in service whose role-selection page names the accounts (default: the assertion's destination)")
	fl.BoolVar(&opts.JSON, "json", false, "print the roles as JSON on stdout")
	return cmd
}

type role struct {
	AccountID    string `json:"account_id"`
	Alias        string `json:"alias,omitempty"`
	RoleName     string `json:"role_name"`
	RoleARN      string `json:"role_arn"`
	PrincipalARN string `json:"principal_arn"`
}

// Run signs in and lists the roles.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	// Any account of the IdP names it; with none, the [idp] section or the
	// flags do (the placeholder account writes nothing).
	account := "roles"
	if file, err := config.LoadDefault(f.Getenv); err == nil {
		if names := file.AccountsOf(opts.Login.Overrides.IdP); len(names) > 0 {
			account = names[0]
		}
	}
	s, err := cmdutil.Prepare(ctx, f, account, &opts.Login, f.IO.ErrOut)
	if err != nil {
		return err
	}
	if s.Source != nil {
		s = s.Root()
	}
	if err := s.CheckUsername(); err != nil {
		return err
	}
	// A sign-in in progress at the IdP (an AWS tool's credential-process
	// waiting for a push approval) is waited for, not doubled.
	release, err := s.LockIdP(ctx)
	if err != nil {
		return err
	}
	a, err := s.Assert(ctx)
	release()
	if err != nil {
		return err
	}
	names := s.AccountNames(ctx, a)
	out := make([]role, 0, len(a.Roles))
	for _, r := range a.Roles {
		out = append(out, role{AccountID: r.Account(), Alias: names[r.Account()], RoleName: r.Name(), RoleARN: r.RoleARN, PrincipalARN: r.PrincipalARN})
	}
	slices.SortStableFunc(out, func(x, y role) int {
		if x.AccountID != y.AccountID {
			return strings.Compare(x.AccountID, y.AccountID)
		}
		return strings.Compare(x.RoleName, y.RoleName)
	})
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 0, 2, ' ', 0)
	for _, r := range out {
		account := r.AccountID
		if r.Alias != "" {
			account = fmt.Sprintf("%s (%s)", r.Alias, r.AccountID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", account, r.RoleName, r.RoleARN)
	}
	return tw.Flush()
}
