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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := &factory.Factory{
		IO:        iostreams.System(),
		Env:       os.Getenv,
		Prompt:    &prompt.TTY{Disabled: os.Getenv("AWSFED_NO_PROMPT") != ""},
		Providers: all.Registry(),
		Now:       time.Now,
		Version:   Version(),
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
	root := NewRootCmd(f)
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
func NewRootCmd(f *factory.Factory) *cobra.Command {
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
	// The first line is what `awsfed doctor` compares; the second says
	// which commit and Go built this binary.
	build := versioncmd.Read(versioncmd.Info{Version: f.Version, Commit: commit, CommitDate: commitDate}, debug.ReadBuildInfo)
	root.SetVersionTemplate("awsfed {{.Version}}\n" + build.Details() + "\n")
	root.PersistentFlags().BoolVar(&f.DebugOn, "debug", false, "explain each step on stderr (never shows secrets)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: err, cmd: cmd.CommandPath()}
	})
	root.AddCommand(
		login.NewCmd(f, nil),
		demo.NewCmd(f, nil),
		sandboxcmd.NewCmd(f, nil),
		configurecmd.NewCmd(f, nil),
		configurecmd.NewConfigCmd(f, nil),
		credprocess.NewCmd(f),
		setupprofile.NewCmd(f),
		execcmd.NewCmd(f),
		envcmd.NewCmd(f),
		status.NewCmd(f),
		doctor.NewCmd(f, nil),
		logout.NewCmd(f),
		console.NewCmd(f, nil),
		roles.NewCmd(f, nil),
		versioncmd.NewCmd(f, build),
	)
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
