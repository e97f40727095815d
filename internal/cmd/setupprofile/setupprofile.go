// Package setupprofile implements `awsfed setup-profile`: it points an AWS
// profile's credential_process at awsfed, so that every AWS tool fetches
// fresh keys on its own. It edits only [profile NAME] in the AWS config file
// and, when they would shadow it, awsfed's own temporary keys of that
// profile in the credentials file.
package setupprofile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/shellenv"
)

// Options are the flags and arguments of one run.
type Options struct {
	F       *factory.Factory
	Account string
	Profile string
	Region  string
	// Binary is the awsfed to run; "" = this executable.
	Binary string
}

// NewCmd returns the setup-profile command.
func NewCmd(f *factory.Factory) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "setup-profile ACCOUNT",
		Short: "Make an AWS profile get its keys from awsfed (credential_process)",
		Long: `Write [profile NAME] into the AWS config file ($AWS_CONFIG_FILE, default
~/.aws/config) with credential_process = <this awsfed> credential-process ACCOUNT
and the account's region. Every AWS tool using the profile then gets fresh keys
from awsfed by itself. Other profiles, keys and comments are kept as they are.

Temporary keys of the same profile in the credentials file would shadow
credential_process (the AWS CLI reads them first), so awsfed removes those it
finds there; long-term keys are left alone with a warning.`,
		Example: `  awsfed setup-profile dev
  aws --profile dev sts get-caller-identity`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Account = args[0]
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "AWS profile to write (default: the account's profile, else its name)")
	cmd.Flags().StringVar(&opts.Region, "region", "", "region for the profile (default: the account's region)")
	cmd.Flags().StringVar(&opts.Binary, "command", "", "the awsfed the profile runs (default: this one's absolute path)")
	return cmd
}

// Run writes the profile.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	file, err := config.LoadDefault(f.Getenv)
	if err != nil {
		return err
	}
	acct, ok := file.Accounts[opts.Account]
	if !ok {
		return &config.ResolveError{
			Msg:  fmt.Sprintf("no [account %s] in %s", opts.Account, file.Path),
			Hint: "credential_process signs in from the configuration alone: run awsfed configure first",
		}
	}
	profile := opts.Profile
	if profile == "" {
		profile = acct.Profile
	}
	if profile == "" {
		profile = acct.Name
	}
	region := opts.Region
	if region == "" {
		region = acct.Region
	}
	bin := opts.Binary
	if bin == "" {
		if bin, err = Executable(); err != nil {
			return err
		}
	}
	return Write(ctx, f, Profile{Name: profile, Account: acct.Name, Region: region, Binary: bin})
}

// Profile is what setup-profile writes.
type Profile struct {
	Name, Account, Region, Binary string
}

// Executable is the absolute path of the running awsfed, with links
// resolved so that the profile keeps working where a package manager moves
// the link.
func Executable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell where this awsfed is installed: %w", err)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p, nil
}

// Command is the credential_process value: the binary and the account,
// quoted for the POSIX-shell-like splitting the AWS CLI and SDKs do.
func Command(bin, account string) string {
	return shellenv.Quote(bin) + " credential-process " + shellenv.Quote(account)
}

// Write sets the profile in the AWS config file and clears what would
// shadow it, telling the user on stderr.
func Write(ctx context.Context, f *factory.Factory, p Profile) error {
	cfgFile, err := awsfiles.ConfigPath(f.Getenv)
	if err != nil {
		return err
	}
	keys := map[string]string{"credential_process": Command(p.Binary, p.Account)}
	order := []string{"credential_process"}
	if p.Region != "" {
		keys["region"] = p.Region
		order = append(order, "region")
	}
	if err := awsfiles.SetConfigProfile(ctx, cfgFile, p.Name, keys, order); err != nil {
		return err
	}
	w := f.IO.ErrOut
	fmt.Fprintf(w, "Profile %q in %s now runs: %s\n", p.Name, cfgFile, keys["credential_process"])

	credFile, err := awsfiles.CredentialsPath(f.Getenv)
	if err != nil {
		return err
	}
	k, found, err := awsfiles.ReadCredentials(credFile, p.Name)
	switch {
	case err != nil:
		return err
	case found && k.AccessKeyID != "" && k.SessionToken != "":
		if err := awsfiles.RemoveCredentials(ctx, credFile, p.Name); err != nil {
			return err
		}
		fmt.Fprintf(w, "Removed the temporary keys of [%s] from %s: the AWS CLI reads them before credential_process.\n", p.Name, credFile)
	case found && k.AccessKeyID != "":
		fmt.Fprintf(w, "Warning: [%s] in %s holds long-term keys, which the AWS CLI uses instead of credential_process; remove them or pick another --profile.\n", p.Name, credFile)
	}
	fmt.Fprintf(w, "Try: aws --profile %s sts get-caller-identity\n", shellenv.Quote(p.Name))
	return nil
}
