package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// sandboxHome is a throw-away HOME whose awsfed configuration points account
// dev (role Dev, IdP user demo) at an in-process sandbox, so that a test can
// count every request that reached the IdP and STS.
type sandboxHome struct {
	*home
	sb *sandbox.Sandbox
}

func newSandboxHome(t *testing.T, opts sandbox.Options) *sandboxHome {
	t.Helper()
	h := newHome(t)
	sb, err := sandbox.Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := fmt.Sprintf("[idp sb]\nprovider = form\nurl = %s\nusername = demo\n\n"+
		"[account dev]\nidp = sb\nrole_arn = Dev\nsts_endpoint = %s\n", sb.IdPURL, sb.STSURL)
	path := filepath.Join(h.dir, ".config", "awsfed", "config")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env,
		"AWS_SHARED_CREDENTIALS_FILE="+h.credentialsPath(),
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=",
	)
	return &sandboxHome{home: h, sb: sb}
}

// setenv adds or replaces one variable of the commands' environment.
func (h *home) setenv(key, value string) {
	h.unsetenv(key)
	h.env = append(h.env, key+"="+value)
}

func (h *home) unsetenv(key string) {
	h.env = slices.DeleteFunc(h.env, func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
}

func (h *home) mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	code, stdout, stderr := h.run(t, "", name, args...)
	if code != 0 {
		t.Fatalf("%s %s: exit %d\n%s", filepath.Base(name), strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// callerARN runs `aws sts get-caller-identity` against the sandbox, with
// args in front of the command (e.g. --profile dev), and returns the ARN.
func (s *sandboxHome) callerARN(t *testing.T, modify func(*exec.Cmd), args ...string) string {
	t.Helper()
	args = append(args, "sts", "get-caller-identity", "--endpoint-url", s.sb.STSURL, "--output", "json")
	code, stdout, stderr := s.runCmd(t, "", modify, awsCLI, args...)
	if code != 0 {
		t.Fatalf("aws %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return parseARN(t, stdout)
}

func parseARN(t *testing.T, getCallerIdentity string) string {
	t.Helper()
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(getCallerIdentity), &id); err != nil || id.Arn == "" {
		t.Fatalf("get-caller-identity output holds no Arn (%v):\n%s", err, getCallerIdentity)
	}
	return id.Arn
}

// wantDevARN checks an ARN is the sandbox's assumed Dev role.
func wantDevARN(t *testing.T, arn string) {
	t.Helper()
	if want := "arn:aws:sts::" + sandbox.Account + ":assumed-role/Dev/"; !strings.HasPrefix(arn, want) {
		t.Errorf("caller ARN = %q, want prefix %q", arn, want)
	}
}

// tally is what the sandbox has seen so far.
type tally struct {
	idp, sts int
	actions  map[string]int
}

func (s *sandboxHome) tally() tally {
	idp, sts := s.sb.Counts()
	return tally{idp: idp, sts: sts, actions: s.sb.STSActions()}
}

// wantActions compares the STS actions seen with want exactly: a request
// nobody expected is as much a failure as a missing one.
func wantActions(t *testing.T, when string, got tally, want map[string]int) {
	t.Helper()
	if !maps.Equal(got.actions, want) {
		t.Errorf("%s: STS actions = %v, want %v", when, got.actions, want)
	}
}
