// Package setupprofile implements `awsfed setup-profile`: it points an AWS
// profile's credential_process at awsfed, so that every AWS tool fetches
// fresh keys on its own. It edits only [profile NAME] in the AWS config file
// and, when they would shadow it, awsfed's own temporary keys of that
// profile in the credentials file.
package setupprofile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider"
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
	// Locator finds this executable; nil = DefaultLocator.
	Locator *Locator
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

<this awsfed> is the path you run it by (the awsfed on PATH, links kept, so
that a package manager's upgrade does not break the profile). A temporary
build (go run, go test) or a program in a temporary directory is refused:
once it is gone, whoever creates that path would run code as you. Install
awsfed first, or name it with --command.

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
	cmd.Flags().StringVar(&opts.Binary, "command", "", "the awsfed the profile runs (default: this one, by its path on PATH)")
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
	loc := opts.locator()
	bin := opts.Binary
	if bin == "" {
		bin, err = loc.Find()
	} else {
		var warn string
		if bin, warn, err = loc.Check(bin); warn != "" {
			fmt.Fprintln(f.IO.ErrOut, "Warning: "+warn+".")
		}
	}
	if err != nil {
		return err
	}
	return Write(ctx, f, Profile{Name: profile, Account: acct.Name, Region: region, Binary: bin})
}

// Profile is what setup-profile writes.
type Profile struct {
	Name, Account, Region, Binary string
}

func (o *Options) locator() *Locator {
	if o.Locator != nil {
		return o.Locator
	}
	return DefaultLocator(o.F.Getenv)
}

// Risky is a directory a profile must never run awsfed from, and why.
type Risky struct{ Dir, Why string }

// Locator finds the awsfed a profile should run and vets the one a user
// names. Its fields are the outside world, so that tests need neither the
// real PATH nor a real install.
type Locator struct {
	LookPath   func(file string) (string, error) // exec.LookPath
	Executable func() (string, error)            // os.Executable
	Args0      string                            // os.Args[0]
	// Risky are the directories whose programs a profile must not run:
	// they vanish (temporary, build cache), and whoever creates the path
	// afterwards runs code as the user every time an AWS tool wants keys.
	// A path component starting with "go-build" is refused besides.
	Risky []Risky
}

// DefaultLocator looks at the running process; getenv supplies TMPDIR and
// GOCACHE. Go is never run to ask where its cache is.
func DefaultLocator(getenv func(string) string) *Locator {
	var args0 string
	if len(os.Args) > 0 {
		args0 = os.Args[0]
	}
	const tmp = "a temporary directory others can write to"
	const cache = "Go's build cache, which go clean and cache trimming empty"
	risky := []Risky{{os.TempDir(), tmp}, {"/tmp", tmp}, {"/var/tmp", tmp}, {"/dev/shm", tmp}}
	if d := getenv("TMPDIR"); d != "" {
		risky = append(risky, Risky{d, tmp})
	}
	if d, err := os.UserCacheDir(); err == nil {
		risky = append(risky, Risky{filepath.Join(d, "go-build"), cache})
	}
	if d := getenv("GOCACHE"); d != "" && d != "off" {
		risky = append(risky, Risky{d, cache})
	}
	return &Locator{LookPath: exec.LookPath, Executable: os.Executable, Args0: args0, Risky: risky}
}

// Find returns the path a profile should run to reach this awsfed: the
// awsfed on PATH, or the one this was started as, when it is this very
// file, kept as the user sees it — resolving bin/awsfed to
// Cellar/awsfed/1.0/bin/awsfed would break the profile at the next upgrade
// (on Linux os.Executable is already resolved, hence PATH and argv[0]).
// Else the executable's own path. A temporary build is refused.
func (l *Locator) Find() (string, error) {
	self, err := l.Executable()
	if err != nil {
		return "", &provider.InputNeededError{What: fmt.Sprintf("cannot tell where this awsfed is installed: %v", err), Hint: "pass --command PATH of an installed awsfed"}
	}
	var seen []string
	if p, err := l.LookPath("awsfed"); err == nil {
		seen = append(seen, p)
	}
	if strings.ContainsRune(l.Args0, '/') || strings.ContainsRune(l.Args0, filepath.Separator) {
		seen = append(seen, l.Args0)
	}
	bin := self
	for _, p := range seen {
		if abs, err := filepath.Abs(p); err == nil && sameFile(abs, self) {
			bin = abs
			break
		}
	}
	if why := l.risky(bin); why != "" {
		return "", refuse(bin, why, "install awsfed (in a checkout: "+InstallCmd+") and run the installed one, or pass --command PATH of an installed awsfed")
	}
	return bin, nil
}

// InstallCmd is how a checkout installs awsfed, as the README says.
const InstallCmd = "CGO_ENABLED=0 go install ./cmd/awsfed"

// Check vets a --command path: made absolute (a bare name is looked up on
// PATH, as a shell would), never in a risky place, and a program when it
// exists. warn says it does not exist yet: profiles may be written before
// the awsfed they name is installed.
func (l *Locator) Check(bin string) (abs, warn string, err error) {
	if !strings.ContainsRune(bin, '/') && !strings.ContainsRune(bin, filepath.Separator) {
		if p, err := l.LookPath(bin); err == nil {
			bin = p
		}
	}
	if abs, err = filepath.Abs(bin); err != nil {
		return "", "", &provider.InputNeededError{What: fmt.Sprintf("--command %s: %v", bin, err), Hint: "pass --command with the absolute path of an installed awsfed"}
	}
	if why := l.risky(abs); why != "" {
		return "", "", refuse(abs, why, "pass --command with the path of an installed awsfed ("+InstallCmd+" puts it in $(go env GOPATH)/bin)")
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, fmt.Sprintf("%s does not exist: the profile fails until awsfed is installed there", abs), nil
	case err != nil:
		return "", "", &provider.InputNeededError{What: fmt.Sprintf("--command %s: %v", abs, err), Hint: "pass --command with the path of an installed awsfed"}
	case !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 && runtime.GOOS != "windows":
		return "", "", &provider.InputNeededError{What: fmt.Sprintf("--command %s is not an executable file", abs), Hint: "pass --command with the path of the awsfed program itself"}
	}
	return abs, "", nil
}

// risky says why bin must not be a profile's command ("it is …"), "" when it may. The
// link's target counts too: a link to a vanished file is as open as the file.
func (l *Locator) risky(bin string) string {
	paths := []string{bin}
	if r, err := filepath.EvalSymlinks(bin); err == nil && r != bin {
		paths = append(paths, r)
	}
	for _, p := range paths {
		for _, r := range l.Risky {
			if r.Dir != "" && (within(p, r.Dir) || within(p, resolved(r.Dir))) {
				return "it is under " + r.Dir + ", " + r.Why
			}
		}
	}
	for _, p := range paths {
		for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == filepath.Separator }) {
			if strings.HasPrefix(part, "go-build") {
				return "it is in a Go build directory (go run, go test), which Go deletes or trims"
			}
		}
	}
	return ""
}

func refuse(bin, why, hint string) error {
	return &provider.InputNeededError{
		What: fmt.Sprintf("will not make a profile run %s: %s; whoever creates that path once it is gone runs code as you", bin, why),
		Hint: hint,
	}
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolved is dir with its links resolved (macOS: /tmp is /private/tmp).
func resolved(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

func sameFile(a, b string) bool {
	ia, err := os.Stat(a)
	if err != nil {
		return false
	}
	ib, err := os.Stat(b)
	return err == nil && os.SameFile(ia, ib)
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
