package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/awsfed/awsfed/internal/sandbox"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"awsfed": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script. Each script
// gets its own HOME, never a terminal (AWSFED_NO_PROMPT), and can start the
// sandbox with `sandbox-start`, which sets IDP_URL and STS_URL.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("AWSFED_NO_PROMPT", "1")
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sandbox-start": cmdSandboxStart,
			"perm":          cmdPerm,
		},
	})
}

// sandbox-start runs the sandbox in the test process for the rest of the script.
func cmdSandboxStart(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: sandbox-start")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sandbox.Start(ctx, sandbox.Options{})
	if err != nil {
		cancel()
		ts.Fatalf("sandbox: %v", err)
	}
	ts.Defer(func() { s.Close(); cancel() })
	ts.Setenv("IDP_URL", s.IdPURL)
	ts.Setenv("STS_URL", s.STSURL)
}

// perm MODE FILE checks a file's permission bits, e.g. perm 0600 $HOME/.aws/credentials.
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm MODE FILE")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("bad mode %q", args[0])
	}
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	got := uint64(fi.Mode().Perm())
	if (got == want) == neg {
		ts.Fatalf("%s has mode %#o; want %s%#o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
	fmt.Fprintf(ts.Stdout(), "%s %#o\n", args[1], got)
}
