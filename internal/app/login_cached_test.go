package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// A login served from the cache tests the keys it reuses and says so: they
// are not new, and a user reading "new" would think the IdP was asked.
func TestLoginFromCacheSaysWhatItTests(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	_, stderr := c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin")
	if !strings.Contains(stderr, "Testing new credentials: passed (") {
		t.Fatalf("first login:\n%s", stderr)
	}

	stdout, stderr := c.mustRun(t, "", nil, "login", "dev", "--json")
	if !strings.Contains(stderr, "from an earlier sign-in are good for") ||
		!strings.Contains(stderr, "Testing cached credentials: passed ("+"arn:aws:sts::") || strings.Contains(stderr, "Testing new credentials") {
		t.Errorf("login from the cache:\n%s", stderr)
	}
	var res struct {
		CallerARN string `json:"caller_arn"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || !strings.Contains(res.CallerARN, "assumed-role/Dev/") {
		t.Errorf("--json: %v: %s", err, stdout)
	}
	if got := s.STSActions()["GetCallerIdentity ok"]; got != 2 {
		t.Errorf("%d GetCallerIdentity, want 2 (one per login)", got)
	}

	_, stderr = c.mustRun(t, "", nil, "login", "dev", "--no-verify")
	if strings.Contains(stderr, "Testing") {
		t.Errorf("--no-verify tested:\n%s", stderr)
	}
}
