// Package app is awsfed's entry point: it builds the root command with its
// subcommands, runs it under a context cancelled by SIGINT/SIGTERM, and turns
// every error into one message, a hint line and an exit code. Nothing else in
// awsfed prints errors or decides exit codes.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	configurecmd "github.com/awsfed/awsfed/internal/cmd/configure"
	"github.com/awsfed/awsfed/internal/cmd/console"
	"github.com/awsfed/awsfed/internal/cmd/credprocess"
	"github.com/awsfed/awsfed/internal/cmd/demo"
	"github.com/awsfed/awsfed/internal/cmd/doctor"
	"github.com/awsfed/awsfed/internal/cmd/envcmd"
	"github.com/awsfed/awsfed/internal/cmd/execcmd"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/cmd/login"
	"github.com/awsfed/awsfed/internal/cmd/logout"
	"github.com/awsfed/awsfed/internal/cmd/roles"
	sandboxcmd "github.com/awsfed/awsfed/internal/cmd/sandbox"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/cmd/status"
	"github.com/awsfed/awsfed/internal/cmd/versioncmd"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider/all"
)

// A release sets these at link time (.goreleaser.yaml):
//
//	-ldflags "-X github.com/awsfed/awsfed/internal/app.version=1.2.3
//	          -X github.com/awsfed/awsfed/internal/app.commit=<full hash>
//	          -X github.com/awsfed/awsfed/internal/app.commitDate=<RFC 3339>"
//
// Other builds leave them empty and fall back on the build's own stamp.
var version, commit, commitDate string

// Exit codes.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitInput       = 2 // usage error, or input needed that could not be asked for
	ExitRejected    = 4 // the IdP or AWS rejected the user
	ExitInterrupted = 130
)

// Main runs awsfed with the process's arguments and streams.
func Main() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Signals cancel ctx once a command asks (Factory.Interruptible), which
	// every command but credential-process does before it runs.
	signals := make(chan os.Signal, 1)
	defer signal.Stop(signals)
	watch := sync.OnceFunc(func() {
		signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
		go func() {
			select {
			case <-signals:
				cancel()
			case <-ctx.Done():
			}
		}()
	})
	f := &factory.Factory{
		IO:           iostreams.System(),
		Env:          os.Getenv,
		Prompt:       &prompt.TTY{Disabled: os.Getenv("AWSFED_NO_PROMPT") != ""},
		Providers:    all.Registry(),
		Now:          time.Now,
		Version:      Version(),
		WatchSignals: watch,
	}
	return Run(ctx, f, os.Args[1:])
}

// Version is the build's version.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Run runs one command line and returns the exit code.
func Run(ctx context.Context, f *factory.Factory, args []string) int {
	only := ""
	if len(args) > 0 {
		only = args[0]
	}
	root := newRootCmd(f, only)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(f.IO.ErrOut, "awsfed: interrupted")
		return ExitInterrupted
	}
	return report(f.IO.ErrOut, err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *factory.Factory) *cobra.Command { return newRootCmd(f, "") }

// newRootCmd builds the root command with every subcommand or, when only
// names one, with that one alone. A command line that starts with a
// subcommand's name is that subcommand's: cobra reads the flags after it
// with the subcommand's flag set (the root's persistent --debug included),
// and its help lists no siblings. So `awsfed credential-process dev`, run
// before every AWS call, does not build the fourteen commands it does not
// run, nor read the build's VCS stamp for --version.
func newRootCmd(f *factory.Factory, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "awsfed",
		Short: "Sign in to AWS through your company's SAML single sign-on",
		Long: `awsfed signs you in to AWS through your company's SAML identity provider and
writes temporary keys for every tool that speaks AWS.

Start with: awsfed demo`,
		Version:       f.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.PersistentFlags().BoolVar(&f.DebugOn, "debug", false, "explain each step on stderr (never shows secrets)")
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if cmd.Annotations[factory.LazySignals] == "" {
			f.Interruptible()
		}
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: err, cmd: cmd.CommandPath()}
	})
	var info *versioncmd.Info
	build := func() versioncmd.Info {
		if info == nil {
			in := versioncmd.Read(versioncmd.Info{Version: f.Version, Commit: commit, CommitDate: commitDate}, debug.ReadBuildInfo)
			info = &in
		}
		return *info
	}
	subcommands := []struct {
		name string // the first word of its Use
		cmd  func() *cobra.Command
	}{
		{"login", func() *cobra.Command { return login.NewCmd(f, nil) }},
		{"demo", func() *cobra.Command { return demo.NewCmd(f, nil) }},
		{"sandbox", func() *cobra.Command { return sandboxcmd.NewCmd(f, nil) }},
		{"configure", func() *cobra.Command { return configurecmd.NewCmd(f, nil) }},
		{"config", func() *cobra.Command { return configurecmd.NewConfigCmd(f, nil) }},
		{"credential-process", func() *cobra.Command { return credprocess.NewCmd(f) }},
		{"setup-profile", func() *cobra.Command { return setupprofile.NewCmd(f) }},
		{"exec", func() *cobra.Command { return execcmd.NewCmd(f) }},
		{"env", func() *cobra.Command { return envcmd.NewCmd(f) }},
		{"status", func() *cobra.Command { return status.NewCmd(f) }},
		{"doctor", func() *cobra.Command { return doctor.NewCmd(f, nil) }},
		{"logout", func() *cobra.Command { return logout.NewCmd(f) }},
		{"console", func() *cobra.Command { return console.NewCmd(f, nil) }},
		{"roles", func() *cobra.Command { return roles.NewCmd(f, nil) }},
		{"version", func() *cobra.Command { return versioncmd.NewCmd(f, build()) }},
	}
	for _, sub := range subcommands {
		if sub.name == only {
			root.AddCommand(sub.cmd())
			// Unreachable from a command line that names a subcommand.
			root.CompletionOptions.DisableDefaultCmd = true
			return root
		}
	}
	// The first line is what `awsfed doctor` compares; the second says
	// which commit and Go built this binary.
	root.SetVersionTemplate("awsfed {{.Version}}\n" + build().Details() + "\n")
	for _, sub := range subcommands {
		root.AddCommand(sub.cmd())
	}
	return root
}

type usageError struct {
	err error
	cmd string
}

func (e *usageError) Error() string { return e.err.Error() }

func writeErr(w io.Writer, msg, hint string) {
	fmt.Fprintf(w, "awsfed: %s\n", msg)
	if hint != "" {
		fmt.Fprintf(w, "hint: %s\n", hint)
	}
}
