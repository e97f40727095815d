package app

import (
	"bytes"
	"context"
	"testing"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider/all"
)

// A command line that starts with a subcommand's name builds that
// subcommand alone (see newRootCmd): it must behave exactly as in the
// whole tree. Each subcommand's help and a bad flag are compared, and
// every subcommand must be found under its own name.
func TestOneSubcommandTreeBehavesAsTheWhole(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	whole := NewRootCmd(&factory.Factory{IO: io, Providers: all.Registry(), Version: "test"})
	if len(whole.Commands()) < 10 {
		t.Fatalf("the whole tree has %d commands", len(whole.Commands()))
	}
	for _, sub := range whole.Commands() {
		name := sub.Name()
		t.Run(name, func(t *testing.T) {
			if alone, whole := execute(t, name, name, "--help"), execute(t, "", name, "--help"); alone != whole {
				t.Errorf("help differs:\n--- alone\n%s\n--- in the whole tree\n%s", alone, whole)
			}
			if one := execute(t, name, name, "--no-such-flag"); one != execute(t, "", name, "--no-such-flag") {
				t.Errorf("a bad flag is reported differently: %s", one)
			}
			io, _, _, _ := iostreams.Test()
			if cmds := newRootCmd(&factory.Factory{IO: io, Providers: all.Registry(), Version: "test"}, name).Commands(); len(cmds) != 1 || cmds[0].Name() != name {
				t.Errorf("newRootCmd(%q) built %d commands", name, len(cmds))
			}
		})
	}
}

// execute runs args in the tree newRootCmd(only) builds, as Run does, and
// returns what it wrote and the error.
func execute(t *testing.T, only string, args ...string) string {
	t.Helper()
	io, _, out, errOut := iostreams.Test()
	f := &factory.Factory{IO: io, Providers: all.Registry(), Version: "test"}
	root := newRootCmd(f, only)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(context.Background())
	var b bytes.Buffer
	b.WriteString(out.String() + "\n--- stderr\n" + errOut.String())
	if err != nil {
		b.WriteString("\n--- error\n" + err.Error())
	}
	return b.String()
}

// Every command but credential-process (whose cache hit waits on nothing)
// makes the run interruptible before it starts.
func TestSignalsWatchedBeforeCommands(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	whole := NewRootCmd(&factory.Factory{IO: io, Providers: all.Registry(), Version: "test"})
	for _, sub := range whole.Commands() {
		name := sub.Name()
		lazy := sub.Annotations[factory.LazySignals] != ""
		if lazy != (name == "credential-process") {
			t.Errorf("%s: lazy signals = %v", name, lazy)
		}
	}
	watched := 0
	io, _, _, _ = iostreams.Test()
	f := &factory.Factory{IO: io, Providers: all.Registry(), Version: "test", WatchSignals: func() { watched++ },
		Env: func(string) string { return "" }}
	if code := Run(context.Background(), f, []string{"version"}); code != 0 || watched != 1 {
		t.Errorf("awsfed version: exit %d, signals watched %d times, want 1", code, watched)
	}
}
