// Package doctor implements `awsfed doctor`: it checks everything between
// the user and working keys — awsfed's configuration, the IdP's host (DNS,
// connect, TLS, the start URL's answer, the proxy, the clock), the browser
// of provider browser, STS, the AWS CLI's files, the keyring and the cache
// — and prints one line per check with PASS, WARN or FAIL, what it found
// and the fix.
//
// It signs in only with --sign-in. Otherwise no secret leaves the machine
// and nothing is changed: the IdP gets a plain GET of its start URL, STS an
// unsigned request, and a stored password is looked up (the file backend's
// is not even decrypted) and dropped at once.
package doctor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/keyring"
)

// Options are the flags and arguments of one run, and the outside world
// the checks meet, so that tests can inject faults.
type Options struct {
	F        *factory.Factory
	Accounts []string
	JSON     bool
	SignIn   bool
	// Timeout bounds each network step (lookup, connect, request).
	Timeout time.Duration

	// KeyringTimeout bounds each keyring call; 0 = keyring.DefaultTimeout.
	KeyringTimeout time.Duration
	// OpenKeyring opens the keyring; nil = keyring.Open.
	OpenKeyring func(keyring.Config) (*keyring.Store, error)
	// Locator vets credential_process commands; nil = setupprofile.DefaultLocator.
	Locator *setupprofile.Locator
}

// NewCmd returns the doctor command; runF replaces the run function in tests.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "doctor [ACCOUNT...]",
		Short: "Check everything between you and working keys, and say what to fix",
		Long: `Check, for the accounts named (default: every configured account), what a
sign-in needs: the configuration file and each account's [idp] section; the
IdP's host (name lookup, TCP connect, TLS trust and certificate expiry, the
start URL's answer and where it redirects, the proxy in use, plain http
refused; for provider browser, the browser and its version); the clock
against the IdP's and STS's Date headers; STS at the account's endpoint and
the CA bundle it is trusted with; the AWS credentials and config files as the
AWS CLI reads them (modes, lock files, static keys shadowing
credential_process, expired and long-term keys, each credential_process
command and its version); the keyring and the passwords stored in it,
rejected passwords on record; the cache directory.

Each check prints PASS, WARN or FAIL, what it found and the fix. Nothing is
signed in and no secret is sent (the IdP gets a plain GET of its start URL,
STS an unsigned request) unless --sign-in is given. The exit status is 1 when
a check fails, else 0.`,
		Example: `  awsfed doctor
  awsfed doctor dev --json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Accounts = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.JSON, "json", false, "print the checks as JSON on stdout")
	fl.BoolVar(&opts.SignIn, "sign-in", false, "also sign in (once per IdP, asking as login does) and test each account's keys, which are kept nowhere")
	fl.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "give up on each network step after this long")
	return cmd
}

// Run runs the checks, prints them, and fails with exit status 1 when one
// of them failed.
func Run(ctx context.Context, opts *Options) error {
	results := newDoctor(opts).run(ctx)
	out := opts.F.IO.Out
	var err error
	if opts.JSON {
		err = writeJSON(out, results)
	} else {
		err = writeText(out, results)
	}
	if err != nil {
		return err
	}
	if Failed(results) {
		return &cmdutil.ExitError{Code: 1}
	}
	return nil
}

// doctor holds what every check reads.
type doctor struct {
	opts   *Options
	f      *factory.Factory
	getenv func(string) string
	now    func() time.Time
}

func newDoctor(opts *Options) *doctor {
	f := opts.F
	now := f.Now
	if now == nil {
		now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	return &doctor{opts: opts, f: f, getenv: f.Getenv, now: now}
}

func (d *doctor) run(ctx context.Context) []Result {
	file, logins, rs := checkConfig(d.getenv, d.f.Providers, d.opts.Accounts)
	rs = append(rs, d.network(ctx, file, logins)...)
	rs = append(rs, checkAWSFiles(ctx, d.getenv, d.now(), file, logins, d.locator(), d.f.Version)...)
	rs = append(rs, d.checkKeyring(ctx, logins)...)
	rs = append(rs, checkRejected(d.getenv, logins)...)
	rs = append(rs, checkCache(d.getenv)...)
	if d.opts.SignIn {
		rs = append(rs, d.signIn(ctx, logins)...)
	}
	return rs
}

// network checks each IdP and each STS endpoint once, all at the same
// time: with the VPN down every one of them waits for its timeouts. The
// results keep the accounts' order.
func (d *doctor) network(ctx context.Context, file *config.File, logins []*config.Login) []Result {
	var checks []func() []Result
	seen := map[string]bool{}
	for _, l := range logins {
		root := l.Root()
		if key := "idp " + root.IdPName + " " + root.URL; !seen[key] {
			seen[key] = true
			checks = append(checks, func() []Result {
				rs := d.checkIdP(ctx, file, root)
				if root.Provider == browserProvider {
					rs = append(rs, d.checkBrowser(ctx, root))
				}
				return rs
			})
		}
		// The CA bundle may differ by profile (ca_bundle).
		trust, _ := d.caBundle(l)
		if key := "sts " + stsEndpoint(l) + " " + trust; !seen[key] {
			seen[key] = true
			checks = append(checks, func() []Result { return d.checkSTS(ctx, l) })
		}
	}
	out := make([][]Result, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Go(func() { out[i] = check() })
	}
	wg.Wait()
	var rs []Result
	for _, r := range out {
		rs = append(rs, r...)
	}
	return rs
}

func (d *doctor) locator() *setupprofile.Locator {
	if d.opts.Locator != nil {
		return d.opts.Locator
	}
	return setupprofile.DefaultLocator(d.getenv)
}

// where names a file and line: "path:12", or "path" for line 0.
func where(path string, line int) string {
	if line <= 0 {
		return path
	}
	return fmt.Sprintf("%s:%d", path, line)
}
