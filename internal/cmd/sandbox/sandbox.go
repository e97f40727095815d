// Package sandbox implements `awsfed sandbox`: run the embedded IdP and
// strict STS on loopback until interrupted, for trying awsfed by hand and for
// checking another IdP's assertions offline.
package sandbox

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/provider"
	sb "github.com/awsfed/awsfed/internal/sandbox"
)

// Options are the flags of `awsfed sandbox`.
type Options struct {
	F          *factory.Factory
	IdPAddr    string
	STSAddr    string
	SigninAddr string
	RolePage   string
	Team       int
	Trust      []string
	MaxSession time.Duration
	Lifetime   time.Duration
	Verbose    bool
}

// NewCmd returns the sandbox command.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local IdP and a strict fake AWS STS until interrupted",
		Long: `Run the embedded sandbox: a SAML IdP (user demo, password demo, roles Dev and
Admin in account ` + sb.Account + `; user team, password team, one role in each of three
accounts), a fake AWS STS that checks assertions and signatures as AWS does
(AssumeRoleWithSAML, AssumeRole, GetCallerIdentity), and a fake AWS sign-in
service (the federation endpoint for the console, and the role-selection page
with account aliases). All listen on loopback only. The first lines on stdout
are IDP_URL=..., STS_URL=... and SIGNIN_URL=..., ready for eval or for
awsfed login --url/--sts-endpoint and awsfed console --signin-endpoint.

--trust NAME=CERT.pem registers another IdP's signing certificate as the SAML
provider arn:aws:iam::<any account>:saml-provider/NAME, so assertions from a real
IdP can be checked offline.`,
		Example: `  awsfed sandbox
  awsfed login demo --url "$IDP_URL" --sts-endpoint "$STS_URL" --username demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.IdPAddr, "idp-addr", "127.0.0.1:0", "listen address of the IdP")
	cmd.Flags().StringVar(&opts.STSAddr, "sts-addr", "127.0.0.1:0", "listen address of the STS")
	cmd.Flags().StringVar(&opts.SigninAddr, "signin-addr", "127.0.0.1:0", "listen address of the sign-in service (federation endpoint, role-selection page)")
	cmd.Flags().StringVar(&opts.RolePage, "role-page", sb.RolePageHTML, "layout of the role-selection page: html (older) or data (newer, base64 JSON)")
	cmd.Flags().IntVar(&opts.Team, "team-accounts", 3, "give user team a role in this many accounts (for trying and measuring many-account logins)")
	cmd.Flags().StringArrayVar(&opts.Trust, "trust", nil, "NAME=CERT.pem: trust another IdP's signing certificate (repeatable)")
	cmd.Flags().DurationVar(&opts.MaxSession, "max-session", time.Hour, "the roles' MaxSessionDuration")
	cmd.Flags().DurationVar(&opts.Lifetime, "credential-lifetime", 0, "test knob: issued keys expire after this long, whatever was asked (e.g. 20s)")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every request on stderr")
	return cmd
}

// Run starts the sandbox and waits for ctx to end.
func Run(ctx context.Context, opts *Options) error {
	trust, err := parseTrust(opts.Trust)
	if err != nil {
		return err
	}
	so := sb.Options{IdPAddr: opts.IdPAddr, STSAddr: opts.STSAddr, SigninAddr: opts.SigninAddr, RolePage: opts.RolePage, TeamAccounts: opts.Team, Trust: trust, MaxSession: opts.MaxSession, CredentialLifetime: opts.Lifetime, Now: opts.F.Now}
	if opts.Verbose {
		so.Log = opts.F.IO.ErrOut
	}
	s, err := sb.Start(ctx, so)
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer s.Close()
	io := opts.F.IO
	fmt.Fprintf(io.Out, "IDP_URL=%s\nSTS_URL=%s\nSIGNIN_URL=%s\n", s.IdPURL, s.STSURL, s.SigninURL)
	fmt.Fprintf(io.ErrOut, `Sandbox running (loopback only). User demo, password demo; roles Dev and Admin in account %s.
User team, password team; a role in each of %d accounts (%s, %s, %s, ...).
Provider ARN %s (and the same name in each of those accounts)`, sb.Account, max(opts.Team, 3), sb.Account, sb.ProdAccount, sb.AuditAccount, sb.ProviderARN())
	for _, t := range trust {
		fmt.Fprintf(io.ErrOut, "; trusted provider %s for any account", t.Name)
	}
	fmt.Fprintf(io.ErrOut, `
Try: awsfed login demo --url '%s' --sts-endpoint '%s' --username demo
Press Ctrl-C to stop.
`, s.IdPURL, s.STSURL)
	<-ctx.Done()
	fmt.Fprintln(io.ErrOut, "Sandbox stopped.")
	return nil
}

func parseTrust(specs []string) ([]sb.Trust, error) {
	var out []sb.Trust
	for _, spec := range specs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || name == "" || path == "" {
			return nil, &provider.InputNeededError{What: fmt.Sprintf("--trust %q is not NAME=CERT.pem", spec), Hint: "e.g. --trust Corp=/path/to/idp-signing.crt"}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--trust %s: cannot read %s: %w", name, path, err)
		}
		block, _ := pem.Decode(data)
		if block == nil || block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("--trust %s: %s holds no PEM CERTIFICATE block", name, path)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--trust %s: %s: %w", name, path, err)
		}
		out = append(out, sb.Trust{Name: name, Cert: cert})
	}
	return out, nil
}
