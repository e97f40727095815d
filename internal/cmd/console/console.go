// Package console implements `awsfed console`: open the AWS console signed
// in with an account's keys, through AWS's federation endpoint. The sign-in
// link is a credential (15 minutes): it goes to the browser through a
// private file, or to stdout with --print, and never to a log or argv.
package console

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/sts"
)

// Options are the flags and arguments of one `awsfed console`.
type Options struct {
	F             *factory.Factory
	Account       string
	Login         cmdutil.LoginFlags
	Service       string
	Destination   string
	Print         bool
	LogoutFirst   bool
	RefreshWindow time.Duration
	// Open shows a local file in the default browser; nil uses
	// xdg-open, open or start, found on $PATH.
	Open func(ctx context.Context, path string) error
}

// NewCmd returns the console command; runF replaces the run function in tests.
func NewCmd(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "console [ACCOUNT]",
		Short: "Open the AWS console signed in with an account's keys",
		Long: `Open the AWS console in the default browser, signed in as the account's role:
awsfed turns the account's keys (cached, or from a new sign-in) into a sign-in
link at AWS's federation endpoint, for the role's partition (aws, aws-us-gov,
aws-cn) and, with a region, its regional sign-in and console hosts.

The link is a credential, good for 15 minutes: it is never logged. --print
writes it on stdout instead of opening a browser (as happens when no browser
can be opened). --logout-first signs out of the console session in that
browser first, so switching roles takes one click.`,
		Example: `  awsfed console dev
  awsfed console prod --service ec2 --region eu-west-1
  awsfed console dev --print`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Account = args[0]
			}
			if opts.Service != "" && opts.Destination != "" {
				return &provider.InputNeededError{What: "--service and --destination both say where the console opens", Hint: "pass one of them"}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Login.Register(fl)
	fl.StringVar(&opts.Login.Overrides.SigninEndpoint, "signin-endpoint", "", "AWS federation endpoint (default: the partition's sign-in host, regional with --region; or signin_endpoint)")
	fl.StringVar(&opts.Service, "service", "", "open this service's page, e.g. ec2, s3, cloudwatch")
	fl.StringVar(&opts.Destination, "destination", "", "open this console URL")
	fl.BoolVar(&opts.Print, "print", false, "print the sign-in link on stdout instead of opening a browser (it is a credential for 15 minutes)")
	fl.BoolVar(&opts.LogoutFirst, "logout-first", false, "sign out of the current console session first (to switch roles)")
	fl.DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "sign in again when the cached keys have less than this left")
	return cmd
}

// linkLife is how long AWS honours a sign-in link.
const linkLife = 15 * time.Minute

// Run opens (or prints) the console sign-in link.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	if d := opts.Destination; d != "" {
		if u, err := url.Parse(d); err != nil || u.Scheme != "https" || u.Host == "" {
			return &provider.InputNeededError{What: fmt.Sprintf("--destination %q is not an https URL", d), Hint: "pass a console URL such as https://console.aws.amazon.com/ec2/home"}
		}
	}
	s, e, err := cmdutil.AccountKeys(ctx, f, opts.Account, &opts.Login, opts.RefreshWindow, f.IO.ErrOut, false)
	if err != nil {
		return err
	}
	l := s.Login
	partition := sts.PartitionOfARN(e.RoleARN)
	endpoint := l.SigninEndpoint
	if endpoint == "" {
		endpoint = sts.FederationEndpoint(partition, l.Region)
	}
	hc, err := cmdutil.SigninClient(l, endpoint, f.Getenv, opts.Login.Timeout, f.Debug())
	if err != nil {
		return err
	}
	fed := &sts.Federation{HTTP: hc, Endpoint: endpoint}
	// SessionDuration is accepted for keys from AssumeRoleWithSAML only:
	// AWS answers 400 to it for keys from role chaining.
	var duration time.Duration
	if !l.Chained() {
		duration = e.Remaining(f.Now())
	}
	token, err := fed.SigninToken(ctx, cmdutil.SessionOf(e).Credentials, duration)
	if err != nil {
		return fmt.Errorf("account %s: %w", l.Account, err)
	}
	dest := opts.Destination
	if dest == "" {
		dest = sts.ConsoleURL(partition, l.Region, opts.Service)
	}
	link := fed.LoginURL(token, "https://github.com/awsfed/awsfed", dest)
	if opts.LogoutFirst {
		link = sts.LogoutURL(endpoint, link)
	}
	f.Debug().Printf("console: sign-in link for %s made at %s (not shown)", e.RoleARN, endpoint)
	if opts.Print {
		_, err := fmt.Fprintln(f.IO.Out, link)
		return err
	}
	if err := openInBrowser(ctx, opts, link); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "awsfed: could not open a browser (%v); the sign-in link, good for 15 minutes, is on stdout.\n", err)
		_, err := fmt.Fprintln(f.IO.Out, link)
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Opened the AWS console for %s (%s) in your browser.\n", l.Account, e.RoleARN)
	return nil
}

// openInBrowser hands the link to the browser through a page in awsfed's
// private cache directory that forwards to it: on an opener's command
// line it would be visible to every user of the machine (ps). The page is
// removed by a later run once the link has expired.
func openInBrowser(ctx context.Context, opts *Options, link string) error {
	f := opts.F
	dir, err := cache.Dir(f.Getenv)
	if err != nil {
		return err
	}
	dir = filepath.Join(dir, "console")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	sweep(dir, f.Now())
	page, err := os.CreateTemp(dir, "signin-*.html")
	if err != nil {
		return err
	}
	escaped := strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(link)
	_, werr := fmt.Fprintf(page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><meta http-equiv=\"refresh\" content=\"0;url=%s\"><title>AWS console</title></head><body>Signing in to the AWS console…</body></html>\n", escaped)
	if cerr := page.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(page.Name())
		return werr
	}
	open := opts.Open
	if open == nil {
		open = func(ctx context.Context, path string) error { return defaultOpen(ctx, f, path) }
	}
	if err := open(ctx, page.Name()); err != nil {
		os.Remove(page.Name())
		return err
	}
	return nil
}

// sweep removes pages whose links have expired.
func sweep(dir string, now time.Time) {
	entries, _ := os.ReadDir(dir)
	for _, de := range entries {
		if info, err := de.Info(); err == nil && info.Mode().Type() == 0 && now.Sub(info.ModTime()) > linkLife {
			os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}

// defaultOpen runs the platform's opener on path.
func defaultOpen(ctx context.Context, f *factory.Factory, path string) error {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name, args = "open", []string{path}
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", path}
	default:
		name, args = "xdg-open", []string{path}
	}
	bin, err := lookPath(name, f.Getenv("PATH"))
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = f.Environment()
	return cmd.Run()
}

// lookPath finds name in pathList (the PATH awsfed was given).
func lookPath(name, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("no %s on PATH", name)
}
