package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// awsCLI finds an AWS CLI that has `configure export-credentials` (2.9 and
// later; version 1 lacks it). The Debian package's /usr/bin/aws comes first
// because a version 1 from pip is often earlier on PATH.
func awsCLI(t *testing.T) string {
	t.Helper()
	var seen []string
	for _, p := range []string{"/usr/bin/aws", "aws"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		out, err := exec.Command(path, "--version").CombinedOutput()
		if err != nil {
			seen = append(seen, path+": --version failed")
			continue
		}
		version := strings.TrimSpace(string(out))
		if !hasExportCredentials(version) {
			seen = append(seen, path+": "+version)
			continue
		}
		return path
	}
	msg := "no AWS CLI with 'configure export-credentials' found"
	if len(seen) > 0 {
		msg += " (found only " + strings.Join(seen, "; ") + ")"
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

var cliVersion = regexp.MustCompile(`^aws-cli/(\d+)\.(\d+)\.`)

func hasExportCredentials(version string) bool {
	m := cliVersion.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 2 || major == 2 && minor >= 9
}

func TestHasExportCredentials(t *testing.T) {
	for v, want := range map[string]bool{
		"aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12": true,
		"aws-cli/2.27.0 Python/3.13.2":                                   true,
		"aws-cli/3.0.0":                                                  true,
		"aws-cli/2.8.12 Python/3.9.11":                                   false,
		"aws-cli/1.45.11 Python/3.11.7 botocore/1.43.11":                 false,
		"": false,
	} {
		if got := hasExportCredentials(v); got != want {
			t.Errorf("hasExportCredentials(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestAWSCLIReadsEndpoint checks the endpoint against a real client that is
// not written in Go: the AWS CLI resolves the two variables itself.
func TestAWSCLIReadsEndpoint(t *testing.T) {
	aws := awsCLI(t)
	s := start(t, fixed(testCreds), Options{})

	home := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, aws, "configure", "export-credentials", "--format", "process")
	cmd.Env = cliEnv(home, s.URL(), s.Token())
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("aws configure export-credentials: %v\nstderr: %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("aws printed %q: %v", out, err)
	}
	if got.AccessKeyID != testCreds.AccessKeyID || got.SecretAccessKey != testCreds.SecretAccessKey || got.SessionToken != testCreds.SessionToken {
		t.Errorf("aws printed keys %q/%q/%q, want those of testCreds", got.AccessKeyID, got.SecretAccessKey, got.SessionToken)
	}
	exp, err := time.Parse(time.RFC3339, got.Expiration)
	if err != nil || !exp.Equal(testCreds.Expiration) {
		t.Errorf("aws printed Expiration %q, want %v", got.Expiration, testCreds.Expiration)
	}
}

// TestAWSCLIRejectedWithoutToken shows the other side: the same CLI gets
// nothing without the right token.
func TestAWSCLIRejectedWithoutToken(t *testing.T) {
	aws := awsCLI(t)
	s := start(t, fixed(testCreds), Options{})
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, aws, "configure", "export-credentials", "--format", "process")
	cmd.Env = cliEnv(home, s.URL(), "wrong")
	out, err := cmd.Output()
	if err == nil {
		t.Fatalf("aws succeeded with a wrong token and printed %q", out)
	}
	if strings.Contains(string(out), testCreds.SecretAccessKey) {
		t.Errorf("aws printed the secret key with a wrong token")
	}
}

// cliEnv is a clean environment: the user's own profiles and keys must not
// win over the endpoint.
func cliEnv(home, url, token string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + url,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + token,
	}
}
