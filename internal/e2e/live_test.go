package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// home is a throw-away HOME with an empty AWS config file, so neither awsfed
// nor the AWS CLI can see the developer's or CI's own AWS settings.
type home struct {
	dir string
	env []string
}

func newHome(t testing.TB) *home {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "aws-config")
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &home{dir: dir, env: []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"AWS_CONFIG_FILE=" + cfg,
		"AWSFED_NO_PROMPT=1",
		"LANG=C.UTF-8",
	}}
}

func (h *home) credentialsPath() string { return filepath.Join(h.dir, ".aws", "credentials") }

// run runs a command with h's environment and returns its exit code, stdout and stderr.
func (h *home) run(t *testing.T, stdin string, name string, args ...string) (int, string, string) {
	t.Helper()
	return h.runCmd(t, stdin, nil, name, args...)
}

// runCmd is run with a last change to the command (nil = none) before it starts.
func (h *home) runCmd(t *testing.T, stdin string, modify func(*exec.Cmd), name string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = h.env
	cmd.Stdin = strings.NewReader(stdin)
	if modify != nil {
		modify(cmd)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errOut.String()
	default:
		t.Fatalf("run %s: %v", name, err)
		return -1, "", ""
	}
}

func (h *home) login(t *testing.T, profile, user, password string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"login", profile, "--url", env.idpURL, "--sts-endpoint", env.stsURL,
		"--username", user, "--password-stdin"}, extra...)
	return h.run(t, password+"\n", env.bin, args...)
}

func (h *home) mustLogin(t *testing.T, profile, user, password string, extra ...string) {
	t.Helper()
	if code, _, stderr := h.login(t, profile, user, password, extra...); code != 0 {
		t.Fatalf("awsfed login %s as %s: exit %d\n%s", profile, user, code, stderr)
	}
}

func (h *home) callerARN(t *testing.T, profile string) string {
	t.Helper()
	code, stdout, stderr := h.run(t, "", awsCLI, "--profile", profile, "sts", "get-caller-identity",
		"--endpoint-url", env.stsURL, "--region", "us-east-1", "--output", "json")
	if code != 0 {
		t.Fatalf("aws sts get-caller-identity --profile %s: exit %d\n%s", profile, code, stderr)
	}
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(stdout), &id); err != nil {
		t.Fatalf("aws sts get-caller-identity output: %v\n%s", err, stdout)
	}
	return id.Arn
}

func (h *home) configureGet(t *testing.T, profile, key string) string {
	t.Helper()
	code, stdout, stderr := h.run(t, "", awsCLI, "configure", "get", key, "--profile", profile)
	if code != 0 {
		t.Fatalf("aws configure get %s --profile %s: exit %d\n%s", key, profile, code, stderr)
	}
	return strings.TrimRight(stdout, "\n")
}

func TestLiveLoginThenAWSCLI(t *testing.T) {
	requireLive(t)
	tests := []struct {
		user, password string
		extra          []string
		role           string
	}{
		{"alice", "alice-pass", []string{"--role", "Dev"}, "Dev"},
		{"bob", `p&ss=w+rd %#'"x y`, nil, "Dev"},
		{"carol", "carol-pass", nil, "Admin"}, // the only role: picked without --role
	}
	var took []time.Duration
	for _, tc := range tests {
		t.Run(tc.user, func(t *testing.T) {
			h := newHome(t)
			start := time.Now()
			h.mustLogin(t, tc.user, tc.user, tc.password, tc.extra...)
			took = append(took, time.Since(start))
			arn := h.callerARN(t, tc.user)
			if want := "assumed-role/" + tc.role + "/"; !strings.Contains(arn, want) {
				t.Errorf("caller ARN = %q, want it to contain %q", arn, want)
			}
			if !strings.HasPrefix(arn, "arn:aws:sts::123456789012:") {
				t.Errorf("caller ARN = %q, want account 123456789012", arn)
			}
		})
	}
	if len(took) > 0 {
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		t.Logf("awsfed login against SimpleSAMLphp: median %v of %d", took[len(took)/2].Round(time.Millisecond), len(took))
	}
}

// An existing credentials file keeps every byte outside the profile awsfed
// rewrites, and the AWS CLI still reads every profile in it.
func TestLiveCredentialsFileEditedInPlace(t *testing.T) {
	requireLive(t)
	h := newHome(t)
	before := "# managed by hand; do not reorder\n" +
		"; a semicolon comment\n" +
		"[default]\n" +
		"aws_access_key_id = AKIAEXAMPLEDEFAULT01\n" +
		"aws_secret_access_key = def;ault#secret/with+chars\n" +
		"\n"
	oldDev := "[dev]\n" +
		"aws_access_key_id = ASIAOLDOLDOLDOLDOLD0\n" +
		"aws_secret_access_key = old-secret\n" +
		"aws_session_token = old-token\n" +
		"\n"
	after := "# the next profile has odd values\n" +
		"[other]\n" +
		"aws_access_key_id=AKIAEXAMPLEOTHER0001\n" +
		"aws_secret_access_key = x;y # not a comment for the CLI\n" +
		"region = eu-west-1\n"
	if err := os.MkdirAll(filepath.Dir(h.credentialsPath()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.credentialsPath(), []byte(before+oldDev+after), 0o600); err != nil {
		t.Fatal(err)
	}

	h.mustLogin(t, "dev", "alice", "alice-pass", "--role", "Admin")

	b, err := os.ReadFile(h.credentialsPath())
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, before) {
		t.Errorf("bytes before [dev] changed:\n got: %q\nwant prefix: %q", got, before)
	}
	if !strings.HasSuffix(got, after) {
		t.Errorf("bytes after [dev] changed:\n got: %q\nwant suffix: %q", got, after)
	}
	if strings.Contains(got, "ASIAOLDOLDOLDOLDOLD0") || strings.Contains(got, "old-token") {
		t.Errorf("old dev credentials still present:\n%s", got)
	}

	wantKeys := map[string]string{
		"default": "AKIAEXAMPLEDEFAULT01",
		"other":   "AKIAEXAMPLEOTHER0001",
	}
	for profile, want := range wantKeys {
		if got := h.configureGet(t, profile, "aws_access_key_id"); got != want {
			t.Errorf("aws configure get aws_access_key_id --profile %s = %q, want %q", profile, got, want)
		}
	}
	if got, want := h.configureGet(t, "default", "aws_secret_access_key"), "def;ault#secret/with+chars"; got != want {
		t.Errorf("default secret as the CLI reads it = %q, want %q", got, want)
	}
	if got, want := h.configureGet(t, "other", "aws_secret_access_key"), "x;y # not a comment for the CLI"; got != want {
		t.Errorf("other secret as the CLI reads it = %q, want %q", got, want)
	}
	devKey := h.configureGet(t, "dev", "aws_access_key_id")
	if !strings.HasPrefix(devKey, "ASIA") || !strings.Contains(got, "aws_access_key_id = "+devKey+"\n") {
		t.Errorf("aws configure get aws_access_key_id --profile dev = %q, want the new ASIA key from the file:\n%s", devKey, got)
	}
	if arn := h.callerARN(t, "dev"); !strings.Contains(arn, "assumed-role/Admin/") {
		t.Errorf("caller ARN = %q, want assumed-role/Admin/", arn)
	}
}

// AWS_SHARED_CREDENTIALS_FILE redirects awsfed, and the CLI agrees on where it went.
func TestLiveSharedCredentialsFileEnv(t *testing.T) {
	requireLive(t)
	h := newHome(t)
	alt := filepath.Join(h.dir, "elsewhere", "creds")
	h.env = append(h.env, "AWS_SHARED_CREDENTIALS_FILE="+alt)
	h.mustLogin(t, "carol", "carol", "carol-pass")
	if _, err := os.Stat(alt); err != nil {
		t.Fatalf("credentials not written to AWS_SHARED_CREDENTIALS_FILE: %v", err)
	}
	if _, err := os.Stat(h.credentialsPath()); err == nil {
		t.Errorf("%s was written although AWS_SHARED_CREDENTIALS_FILE points elsewhere", h.credentialsPath())
	}
	if arn := h.callerARN(t, "carol"); !strings.Contains(arn, "assumed-role/Admin/") {
		t.Errorf("caller ARN = %q, want assumed-role/Admin/", arn)
	}
}

func TestLiveWrongPassword(t *testing.T) {
	requireLive(t)
	h := newHome(t)
	const wrong = "not-alices-password"
	code, stdout, stderr := h.login(t, "dev", "alice", wrong, "--role", "Dev")
	if code != 4 {
		t.Errorf("exit code = %d, want 4\nstderr: %s", code, stderr)
	}
	if want := "the IdP rejected the username or password for alice"; !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
	}
	if strings.Contains(stdout+stderr, wrong) {
		t.Errorf("the password appears in awsfed's output")
	}
	if _, err := os.Stat(h.credentialsPath()); err == nil {
		t.Errorf("a failed login wrote %s", h.credentialsPath())
	}
}
