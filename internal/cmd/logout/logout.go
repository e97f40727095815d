// Package logout implements `awsfed logout`: forget an account's keys — the
// cached ones and those written into its profile of the credentials file —,
// the IdP session its provider keeps, and, with --forget-password, the
// password kept in the keyring.
package logout

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/keyring"
	"github.com/awsfed/awsfed/internal/provider"
)

// Options are the flags and arguments of one run.
type Options struct {
	F              *factory.Factory
	Account        string
	Profile        string
	ForgetPassword bool
}

// NewCmd returns the logout command.
func NewCmd(f *factory.Factory) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "logout ACCOUNT",
		Short: "Remove an account's cached keys, its profile's keys, the IdP session awsfed keeps and optionally the stored password",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Account = args[0]
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "profile whose keys to remove from the credentials file (default: the account's)")
	cmd.Flags().BoolVar(&opts.ForgetPassword, "forget-password", false, "also remove the IdP password from the keyring")
	return cmd
}

// Run forgets what it is asked to.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	file, err := config.LoadDefault(f.Getenv)
	if err != nil {
		return err
	}
	l, err := file.Resolve(opts.Account, config.Overrides{Profile: opts.Profile, DefaultURL: f.Providers.DefaultURL}, f.Getenv)
	var resolve *config.ResolveError
	configured := err == nil
	if errors.As(err, &resolve) {
		// Cached keys of an account no longer configured can still go; its
		// profile only when named, since another tool may own it.
		l, err = &config.Login{Account: opts.Account, Profile: opts.Profile}, nil
	}
	if err != nil {
		return err
	}
	w := f.IO.ErrOut

	dir, err := cache.Dir(f.Getenv)
	if err != nil {
		return err
	}
	n, err := (&cache.Cache{Dir: dir}).Delete(l.Account)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Removed %d cached key set(s) of %s.\n", n, l.Account)
	if err := forgetIdPSession(ctx, f, l, dir, configured); err != nil {
		return err
	}

	credPath, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return err
	}
	if !configured && l.Profile == "" {
		fmt.Fprintf(w, "Left %s alone: %s is not a configured account, so awsfed cannot tell its profile (pass --profile).\n", credPath, l.Account)
		return nil
	}
	k, found, err := awsfiles.ReadCredentials(credPath, l.Profile)
	switch {
	case err != nil:
		return err
	case found && k.AccessKeyID != "" && k.SessionToken == "":
		fmt.Fprintf(w, "Left [%s] in %s alone: it holds long-term keys, which awsfed never writes.\n", l.Profile, credPath)
	case found:
		if err := awsfiles.RemoveCredentials(ctx, credPath, l.Profile); err != nil {
			return err
		}
		fmt.Fprintf(w, "Removed the keys of profile %q from %s.\n", l.Profile, credPath)
	}

	if !opts.ForgetPassword {
		return nil
	}
	if l.Username == "" {
		return fmt.Errorf("cannot tell which password to forget: account %s has no username configured", l.Account)
	}
	ring, err := cmdutil.OpenKeyring(f, l.Settings["keyring_backend"])
	if err != nil {
		return err
	}
	err = ring.Remove(ctx, cmdutil.KeyringKey(l))
	if errors.Is(err, keyring.ErrNotFound) {
		fmt.Fprintf(w, "No password of %s was stored in the %s keyring.\n", l.Username, ring.Backend())
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Removed the password of %s from the %s keyring.\n", l.Username, ring.Backend())
	return nil
}

// forgetIdPSession removes the account's kept IdP session, if its
// provider keeps one.
func forgetIdPSession(ctx context.Context, f *factory.Factory, l *config.Login, dir string, configured bool) error {
	if !configured || l.Provider == "" {
		return nil
	}
	p, err := f.Providers.New(l.Provider)
	if err != nil {
		return nil
	}
	sf, ok := p.(provider.SessionForgetter)
	if !ok {
		return nil
	}
	forgot, err := sf.ForgetSession(ctx, provider.KeptSession{CacheDir: dir, IdP: l.IdPName, URL: l.URL, Username: l.Username})
	whose := ""
	if l.Username != "" {
		whose = " of " + l.Username
	}
	if err != nil {
		return fmt.Errorf("forgetting the %s session%s at [idp %s]: %w", l.Provider, whose, l.IdPName, err)
	}
	if forgot {
		fmt.Fprintf(f.IO.ErrOut, "Forgot the %s session%s at [idp %s].\n", l.Provider, whose, l.IdPName)
	}
	return nil
}
