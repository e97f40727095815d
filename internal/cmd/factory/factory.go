// Package factory holds what every command needs from the outside world —
// streams, environment, prompter, providers, clock — as fields, so that tests
// build commands with fakes and nothing reaches for globals.
package factory

import (
	"os"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// Factory is shared by all commands of one run.
type Factory struct {
	IO  *iostreams.IOStreams
	Env func(string) string
	// Environ lists the whole environment, for commands awsfed runs
	// (nil = the process's).
	Environ   func() []string
	Prompt    prompt.Prompter
	Providers provider.Registry
	Now       func() time.Time
	Version   string
	// WatchSignals makes SIGINT and SIGTERM cancel the run's context from
	// the call on (nil: they never do, as in tests). See Interruptible.
	WatchSignals func()

	// DebugOn is set by the root command's --debug flag.
	DebugOn bool
}

// LazySignals is the annotation of a command that calls Interruptible
// itself before it first waits; the root calls it before any other command
// runs. credential-process is one: AWS tools run it before every call, and
// its cache hit waits on nothing, so it need not pay for the thread Go
// starts to deliver signals.
const LazySignals = "awsfed/lazy-signals"

// Interruptible makes SIGINT and SIGTERM cancel the run from now on.
func (f *Factory) Interruptible() {
	if f.WatchSignals != nil {
		f.WatchSignals()
	}
}

// Debug returns the --debug logger (nil, which discards, when off).
func (f *Factory) Debug() *debug.Logger {
	if !f.DebugOn {
		return nil
	}
	return debug.New(f.IO.ErrOut)
}

// Getenv returns the environment lookup, defaulting to the process's.
func (f *Factory) Getenv(key string) string {
	if f.Env == nil {
		return os.Getenv(key)
	}
	return f.Env(key)
}

// Environment returns the whole environment, defaulting to the process's.
func (f *Factory) Environment() []string {
	if f.Environ == nil {
		return os.Environ()
	}
	return f.Environ()
}
