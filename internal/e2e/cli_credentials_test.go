package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// The AWS CLI runs awsfed as the profile's credential_process: the first
// call signs in, the second is served from awsfed's cache with no request
// to the IdP and no AssumeRoleWithSAML.
func TestCLICredentialProcessServesCache(t *testing.T) {
	requireCLI(t)
	s := newSandboxHome(t, sandbox.Options{})
	s.mustRun(t, env.bin, "setup-profile", "dev", "--command", env.bin)
	s.setenv("AWSFED_PASSWORD", "demo")

	arn1 := s.callerARN(t, nil, "--profile", "dev")
	wantDevARN(t, arn1)
	first := s.tally()
	if first.idp == 0 {
		t.Errorf("after the first call: the IdP saw no request, want a login")
	}
	wantActions(t, "after the first call", first, map[string]int{
		"AssumeRoleWithSAML": 1, "AssumeRoleWithSAML ok": 1,
		"GetCallerIdentity": 1, "GetCallerIdentity ok": 1,
	})

	arn2 := s.callerARN(t, nil, "--profile", "dev")
	if arn2 != arn1 {
		t.Errorf("second caller ARN = %q, want the first's %q (same cached session)", arn2, arn1)
	}
	second := s.tally()
	if second.idp != first.idp {
		t.Errorf("the second call made %d IdP request(s), want none (cache hit)", second.idp-first.idp)
	}
	wantActions(t, "after the second call", second, map[string]int{
		"AssumeRoleWithSAML": 1, "AssumeRoleWithSAML ok": 1,
		"GetCallerIdentity": 2, "GetCallerIdentity ok": 2,
	})
	t.Logf("IdP requests: %d; STS requests: %d", second.idp, second.sts)
}

// With nothing cached, no password in the environment and no way to ask,
// credential-process fails at once, and what the AWS CLI shows the user is
// awsfed's one line saying what to do.
func TestCLICredentialProcessCannotAsk(t *testing.T) {
	requireCLI(t)
	tests := []struct {
		name     string
		noPrompt bool
		modify   func(*exec.Cmd)
	}{
		{"no controlling terminal", false, detach},
		{"AWSFED_NO_PROMPT", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandboxHome(t, sandbox.Options{})
			s.mustRun(t, env.bin, "setup-profile", "dev", "--command", env.bin)
			if !tc.noPrompt {
				s.unsetenv("AWSFED_NO_PROMPT")
			}
			start := time.Now()
			code, stdout, stderr := s.runCmd(t, "", tc.modify, awsCLI, "--profile", "dev", "sts", "get-caller-identity",
				"--endpoint-url", s.sb.STSURL, "--output", "json")
			took := time.Since(start)
			if code == 0 {
				t.Fatalf("aws succeeded with no cached keys and no password:\n%s", stdout)
			}
			const want = "run `awsfed login dev`"
			if n := strings.Count(stderr, want); n != 1 {
				t.Errorf("aws stderr holds %q %d times, want once:\n%s", want, n, stderr)
			}
			for _, line := range strings.Split(stderr, "\n") {
				if strings.Contains(line, want) {
					t.Logf("the user sees: %s", strings.TrimSpace(line))
				}
			}
			if strings.Contains(stderr, "hint:") {
				t.Errorf("awsfed's error is more than one line:\n%s", stderr)
			}
			got := s.tally()
			if got.sts != 0 {
				t.Errorf("STS saw %d request(s), want none: %v", got.sts, got.actions)
			}
			if took > 20*time.Second {
				t.Errorf("failing took %v: something waited for input", took)
			}
		})
	}
}

// exec hands the child a container-credentials endpoint instead of a
// profile, and keeps awsfed's own secrets to itself.
func TestCLIExecContainerEndpoint(t *testing.T) {
	requireCLI(t)
	s := newSandboxHome(t, sandbox.Options{})
	s.setenv("AWSFED_PASSWORD", "demo")
	s.setenv("AWS_PROFILE", "dev") // no such profile: a child that saw it would fail

	childEnv := map[string]string{}
	for _, kv := range strings.Split(s.mustRun(t, env.bin, "exec", "dev", "--", "/usr/bin/env"), "\n") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			childEnv[k] = v
		}
	}
	if _, ok := childEnv["AWSFED_PASSWORD"]; ok {
		t.Errorf("BUG: the child of awsfed exec inherits AWSFED_PASSWORD")
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if _, ok := childEnv[k]; ok {
			t.Errorf("the child's environment holds %s, which would win over the endpoint", k)
		}
	}
	if u := childEnv["AWS_CONTAINER_CREDENTIALS_FULL_URI"]; !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("child AWS_CONTAINER_CREDENTIALS_FULL_URI = %q, want http://127.0.0.1:…", u)
	}
	if childEnv["AWS_CONTAINER_AUTHORIZATION_TOKEN"] == "" {
		t.Errorf("child has no AWS_CONTAINER_AUTHORIZATION_TOKEN")
	}

	out := s.mustRun(t, env.bin, "exec", "dev", "--", awsCLI, "sts", "get-caller-identity",
		"--endpoint-url", s.sb.STSURL, "--output", "json")
	wantDevARN(t, parseARN(t, out))
	// The second exec reuses the first one's keys from the cache.
	wantActions(t, "after two execs", s.tally(), map[string]int{
		"AssumeRoleWithSAML": 1, "AssumeRoleWithSAML ok": 1,
		"GetCallerIdentity": 1, "GetCallerIdentity ok": 1,
	})
}

// One long-running SDK process outlives its keys: its second call, made
// after the first keys expired, is signed with keys awsfed fetched by
// signing in again on its own.
func TestCLIExecRefreshesExpiredKeys(t *testing.T) {
	requireCLI(t)
	requirePythonSDK(t)
	const lifetime = 8 * time.Second
	s := newSandboxHome(t, sandbox.Options{CredentialLifetime: lifetime})
	s.setenv("AWSFED_PASSWORD", "demo")
	child, err := filepath.Abs(filepath.Join("testdata", "sdk_refresh_child.py"))
	if err != nil {
		t.Fatal(err)
	}
	pause := (lifetime + time.Second).Seconds()

	code, stdout, stderr := s.run(t, "", env.bin, "exec", "dev", "--refresh-window", "2s", "--",
		pythonSDK, child, s.sb.STSURL, strconvFloat(pause))
	if code != 0 {
		t.Fatalf("awsfed exec … sdk_refresh_child.py: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	type call struct {
		Call        int
		Arn         string
		AccessKeyID string `json:"access_key_id"`
	}
	var calls []call
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("child output line %q: %v", sc.Text(), err)
		}
		calls = append(calls, c)
	}
	if len(calls) != 2 {
		t.Fatalf("child reported %d call(s), want 2:\n%s\nstderr: %s", len(calls), stdout, stderr)
	}
	t.Logf("access key ids seen by the SDK: %s, then %s (after %.0fs)", calls[0].AccessKeyID, calls[1].AccessKeyID, pause)
	for _, c := range calls {
		wantDevARN(t, c.Arn)
		if !strings.HasPrefix(c.AccessKeyID, "ASIA") {
			t.Errorf("call %d signed with %q, want temporary keys (ASIA…)", c.Call, c.AccessKeyID)
		}
	}
	if calls[0].AccessKeyID == calls[1].AccessKeyID {
		t.Errorf("both calls signed with %s: the keys were not refreshed", calls[0].AccessKeyID)
	}
	wantActions(t, "after the child", s.tally(), map[string]int{
		"AssumeRoleWithSAML": 2, "AssumeRoleWithSAML ok": 2,
		"GetCallerIdentity": 2, "GetCallerIdentity ok": 2,
	})
}

// Twenty AWS CLI processes starting at once on an empty cache cause one
// sign-in: one AssumeRoleWithSAML, one IdP login; the others wait for its
// lock and read the cache.
func TestCLITwentyProcessesOneSignIn(t *testing.T) {
	requireCLI(t)
	s := newSandboxHome(t, sandbox.Options{})
	s.mustRun(t, env.bin, "setup-profile", "dev", "--command", env.bin)
	s.setenv("AWSFED_PASSWORD", "demo")
	const n = 20
	outs := make([]string, n)
	fails := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, stdout, stderr := s.runCmd(t, "", nil, awsCLI, "--profile", "dev", "sts", "get-caller-identity", "--endpoint-url", s.sb.STSURL, "--output", "json")
			if code != 0 {
				fails[i] = fmt.Sprintf("exit %d: %s", code, stderr)
			}
			outs[i] = stdout
		}()
	}
	wg.Wait()
	for i := range n {
		if fails[i] != "" {
			t.Fatalf("process %d: %s", i, fails[i])
		}
	}
	first := parseARN(t, outs[0])
	wantDevARN(t, first)
	for i := range n {
		if arn := parseARN(t, outs[i]); arn != first {
			t.Errorf("process %d: %q, want %q", i, arn, first)
		}
	}
	got := s.tally()
	wantActions(t, "after 20 processes", got, map[string]int{
		"AssumeRoleWithSAML": 1, "AssumeRoleWithSAML ok": 1,
		"GetCallerIdentity": n, "GetCallerIdentity ok": n,
	})
	if got.idp != 3 {
		t.Errorf("%d IdP requests, want 3 (one login: SSO redirect, form, post)", got.idp)
	}
}
