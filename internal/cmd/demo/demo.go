// Package demo implements `awsfed demo`: the whole login against the embedded
// sandbox, through the real form provider and STS client, into a temporary
// AWS directory, so a new user sees awsfed work before configuring anything.
package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/sandbox"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// Options are the flags of `awsfed demo`.
type Options struct {
	F     *factory.Factory
	Write bool
	Role  string
}

// NewCmd returns the demo command.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Log in against the built-in sandbox IdP and STS (nothing leaves this machine)",
		Long: `Start the embedded sandbox (a SAML IdP and a strict fake AWS STS on loopback),
log in as user "demo" through the same code a real login uses, write the keys
into a temporary AWS credentials file, and test them. Your own ~/.aws files are
untouched unless --write is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Write, "write", false, "write the demo profile into your real AWS credentials file")
	cmd.Flags().StringVar(&opts.Role, "role", "Dev", "the sandbox role to assume (Dev or Admin)")
	return cmd
}

// Run performs the demo login.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	errOut := f.IO.ErrOut
	s, err := sandbox.Start(ctx, sandbox.Options{Now: f.Now})
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer s.Close()

	var credPath string
	if opts.Write {
		if credPath, err = awsfiles.CredentialsPath(f.Getenv); err != nil {
			return err
		}
	} else {
		dir, err := os.MkdirTemp("", "awsfed-demo-")
		if err != nil {
			return fmt.Errorf("creating a temporary directory: %w", err)
		}
		defer os.RemoveAll(dir)
		credPath = filepath.Join(dir, "credentials")
	}

	fmt.Fprintf(errOut, "awsfed demo: a sandbox IdP and STS run on loopback; nothing leaves this machine.\n")
	fmt.Fprintf(errOut, "Logging in as user \"demo\" (password \"demo\") with role %s.\n\n", opts.Role)

	httpIdP, err := httpx.NewClient(httpx.Options{Timeout: 10 * time.Second, CookieJar: true, Debug: f.Debug(), Origin: s.IdPURL})
	if err != nil {
		return err
	}
	httpSTS, err := httpx.NewClient(httpx.Options{Timeout: 10 * time.Second, Debug: f.Debug(), Origin: s.STSURL, NoRedirects: true})
	if err != nil {
		return err
	}
	prov, err := f.Providers.New("form")
	if err != nil {
		return err
	}
	l := &config.Login{
		Account: "demo", IdPName: "sandbox", Provider: "form", URL: s.IdPURL, Username: "demo",
		RoleARN: opts.Role, Profile: "demo", STSEndpoint: s.STSURL, Settings: map[string]string{},
	}
	useHint := "Use them with: nothing outside this demo (the keys work only against the sandbox STS, which stops now)."
	if opts.Write {
		useHint = fmt.Sprintf("Use them with: aws --profile demo --endpoint-url %s sts get-caller-identity (only while a sandbox with these keys runs)", s.STSURL)
	}
	_, err = signin.Run(ctx, signin.Options{
		Login:    l,
		Provider: prov,
		Input: &provider.Input{
			IdP: "sandbox", URL: s.IdPURL, Username: "demo", Settings: l.Settings,
			HTTP: httpIdP, Debug: f.Debug(),
		},
		Password:        func(context.Context, prompt.Prompter) (string, error) { return "demo", nil },
		STS:             &sts.Client{HTTP: httpSTS, Endpoint: s.STSURL},
		Prompt:          &prompt.TTY{Disabled: true},
		CredentialsFile: credPath,
		UseHint:         useHint,
		Err:             errOut,
		Debug:           f.Debug(),
		Now:             f.Now,
	})
	if err != nil {
		return err
	}
	fmt.Fprint(errOut, `
Try the interactive flow yourself:
  awsfed sandbox                 # keeps the sandbox running; prints IDP_URL=... and STS_URL=...
  awsfed login demo --url "$IDP_URL" --sts-endpoint "$STS_URL"   # user demo, password demo
Then point awsfed at your own IdP: see "Configuration" in the README.
`)
	return nil
}
