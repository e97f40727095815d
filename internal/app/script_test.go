package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
	"github.com/awsfed/awsfed/internal/sandbox"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"awsfed": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the end-to-end CLI scripts in testdata/script. Each script
// gets its own HOME, never a terminal (AWSFED_NO_PROMPT), and can start the
// sandbox with `sandbox-start`, which sets IDP_URL and STS_URL, and then a
// fake OneLogin with `onelogin-start`, which sets ONELOGIN_URL.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("AWSFED_NO_PROMPT", "1")
			env.Values[scriptStateKey{}] = &scriptState{t: env.T()}
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sandbox-start":   cmdSandboxStart,
			"perm":            cmdPerm,
			"expand":          cmdExpand,
			"onelogin-start":  cmdOneLoginStart,
			"onelogin-counts": cmdOneLoginCounts,
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
	stateOf(ts).sandbox = s
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

// scriptState is what the custom commands of one script share.
type scriptState struct {
	t        testscript.T // fails the script from a deferred check
	sandbox  *sandbox.Sandbox
	onelogin *onelogintest.Server
}

type scriptStateKey struct{}

func stateOf(ts *testscript.TestScript) *scriptState {
	return ts.Value(scriptStateKey{}).(*scriptState)
}

// expand SRC DST copies a file with $VAR and ${VAR} replaced by the script's
// environment, e.g. to write a configuration holding $ONELOGIN_URL.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand SRC DST")
	}
	text := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
	dst := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(dst), 0o700))
	ts.Check(os.WriteFile(dst, []byte(text), 0o600))
}

// scriptDevice is an MFA device onelogin-start knows by name; the ids and
// codes are those of the Go tests.
func scriptDevice(name string) (onelogintest.Device, bool) {
	switch name {
	case "google":
		return olGoogle, true
	case "protect":
		return olProtect, true
	case "sms":
		return olSMS, true
	case "yubikey":
		return olYubiKey, true
	}
	return onelogintest.Device{}, false
}

// onelogin-start [push-after=N] [expire-states=N] USER PASSWORD [DEVICE...]
// starts a fake OneLogin (client-id / client-secret, subdomain acme, app
// 123456) whose assertions the sandbox of sandbox-start signs, and sets
// ONELOGIN_URL. DEVICE is google, protect, sms or yubikey, in the order
// OneLogin lists them; push-after approves Protect pushes at that poll.
func cmdOneLoginStart(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: onelogin-start [push-after=N] [expire-states=N] USER PASSWORD [google|protect|sms|yubikey...]"
	st := stateOf(ts)
	if neg {
		ts.Fatalf(usage)
	}
	if st.sandbox == nil || st.onelogin != nil {
		ts.Fatalf("onelogin-start: run sandbox-start first, and onelogin-start once")
	}
	var opts onelogintest.Options
	pushAfter := 0
	for len(args) > 0 && strings.Contains(args[0], "=") {
		k, v, _ := strings.Cut(args[0], "=")
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			ts.Fatalf("onelogin-start: %s is not a number", args[0])
		case k == "push-after":
			pushAfter = n
		case k == "expire-states":
			opts.ExpireStates = n
		default:
			ts.Fatalf(usage)
		}
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf(usage)
	}
	user := onelogintest.User{Password: args[1]}
	for _, name := range args[2:] {
		d, ok := scriptDevice(name)
		if !ok {
			ts.Fatalf(usage)
		}
		d.PushApproveAfter = pushAfter
		user.Devices = append(user.Devices, d)
	}
	opts.Users = map[string]onelogintest.User{args[0]: user}
	sb := st.sandbox
	opts.Assertion = func(string) (string, error) { return sb.IssueResponse(sandbox.ResponseOptions{User: "demo"}) }
	st.onelogin = onelogintest.New(opts)
	fake := st.onelogin
	ts.Defer(func() {
		fake.Close()
		// A script that never asked onelogin-counts still fails on them.
		if v := fake.Violations(); len(v) > 0 {
			st.t.Fatal("fake OneLogin: " + strings.Join(v, "; "))
		}
	})
	ts.Setenv("ONELOGIN_URL", st.onelogin.URL)
}

// onelogin-counts prints the fake OneLogin's call counts so far, as
// "token=1 assertion=1 verify=2 pushes=1 sms=0 polls=0", and fails when
// awsfed sent it anything the real OneLogin would refuse (as the end of
// the script does too).
func cmdOneLoginCounts(ts *testscript.TestScript, neg bool, args []string) {
	st := stateOf(ts)
	if neg || len(args) != 0 || st.onelogin == nil {
		ts.Fatalf("usage: onelogin-counts (after onelogin-start)")
	}
	c := st.onelogin.Counts()
	fmt.Fprintf(ts.Stdout(), "token=%d assertion=%d verify=%d pushes=%d sms=%d polls=%d\n", c.Token, c.Assertion, c.Verify, c.Pushes, c.SMS, c.Polls)
	if v := st.onelogin.Violations(); len(v) > 0 {
		ts.Fatalf("fake OneLogin: %s", strings.Join(v, "; "))
	}
}
