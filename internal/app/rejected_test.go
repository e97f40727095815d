package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// postCounter counts the password POSTs the sandbox IdP logs.
type postCounter struct {
	mu  sync.Mutex
	log bytes.Buffer
}

func (p *postCounter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

func (p *postCounter) posts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Count(p.log.String(), "idp POST /idp/login ")
}

// Eight credential-process processes with a wrong AWSFED_PASSWORD send it
// to the IdP once: the others, waiting for the account's lock, find the
// rejection on file and refuse at once, saying so. The same password typed
// at a terminal is refused too; the right one is sent at once.
func TestCredentialProcessSendsARejectedPasswordOnce(t *testing.T) {
	bin, err := exec.LookPath("awsfed")
	if err != nil {
		t.Fatalf("awsfed is not on PATH (testscript.Main puts it there): %v", err)
	}
	idp := &postCounter{}
	s := startSandbox(t, sandbox.Options{Log: idp})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	env := []string{"HOME=" + c.home, "XDG_CONFIG_HOME=" + filepath.Join(c.home, ".config"), "AWSFED_PASSWORD=wrong pw", "AWSFED_NO_PROMPT=1", "PATH=" + os.Getenv("PATH")}
	const n = 8
	runs := startTogether(t, bin, env, n, "credential-process", "dev")

	if got := idp.posts(); got != 1 {
		t.Errorf("the IdP received %d password POSTs from %d processes, want 1", got, n)
	}
	sent, refused := 0, 0
	for i, r := range runs {
		if r.code != ExitRejected || r.stdout != "" {
			t.Errorf("process %d: exit %d, stdout %q; want %d and nothing\n%s", i, r.code, r.stdout, ExitRejected, r.stderr)
		}
		switch e := r.stderr; {
		case strings.Contains(e, "the IdP rejected the username or password for demo") && strings.Contains(e, "did not retry"):
			sent++
		case strings.Contains(e, "the IdP rejected this password for demo at "+sandboxOrigin(s.IdPURL)+" earlier") &&
			strings.Contains(e, "awsfed did not send it again") && !strings.Contains(e, "did not retry"):
			refused++
		default:
			t.Errorf("process %d: stderr says neither that the password was rejected nor that it was not sent:\n%s", i, e)
		}
		if strings.Contains(r.stderr, "wrong pw") {
			t.Errorf("process %d: the password reached stderr", i)
		}
	}
	if sent != 1 || refused != n-1 {
		t.Errorf("%d processes say they were rejected and %d that they sent nothing, want 1 and %d", sent, refused, n-1)
	}

	// A human typing the same wrong password is refused without a POST.
	code, _, stderr := c.run("", &prompt.Stub{Answers: []string{"wrong pw"}}, "credential-process", "dev")
	if code != ExitRejected || !strings.Contains(stderr, "awsfed did not send it again") || !strings.Contains(stderr, "hint: ") {
		t.Errorf("typed again: exit %d\n%s", code, stderr)
	}
	if got := idp.posts(); got != 1 {
		t.Errorf("the password typed again was sent (%d POSTs)", got)
	}

	// The right password goes at once.
	c.env["AWSFED_PASSWORD"] = "demo"
	stdout, _ := c.mustRun(t, "", nil, "credential-process", "dev")
	parseProcessCreds(t, stdout)
	if got := idp.posts(); got != 2 {
		t.Errorf("%d POSTs after the right password, want 2", got)
	}
}

// procRun is how one awsfed process ended.
type procRun struct {
	code           int // -1: it did not exit by itself
	stdout, stderr string
}

// startTogether starts n awsfed processes (bin) with env and args at the
// same moment, so that they really contend for awsfed's locks, and waits
// for them all.
func startTogether(t *testing.T, bin string, env []string, n int, args ...string) []procRun {
	t.Helper()
	runs := make([]procRun, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			<-start
			code := -1
			if cmd.Run(); cmd.ProcessState != nil {
				code = cmd.ProcessState.ExitCode()
			}
			runs[i] = procRun{code: code, stdout: stdout.String(), stderr: stderr.String()}
		}()
	}
	close(start)
	wg.Wait()
	return runs
}

// sandboxOrigin is scheme://host:port of the sandbox's IdP URL.
func sandboxOrigin(rawURL string) string {
	u := strings.SplitN(rawURL, "/", 4)
	return u[0] + "//" + u[2]
}

// --store-password stores a password piped in (or from AWSFED_PASSWORD),
// not only a typed one, and sets store_password = true: the next refresh,
// with no terminal, signs in with it.
func TestStorePasswordFromStdin(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.configured(t, s, "Dev")
	c.env["AWSFED_KEYRING_BACKEND"] = "file"
	c.env["AWSFED_KEYRING_PASSPHRASE"] = "ring pass"

	_, stderr := c.mustRun(t, "demo\n", nil, "login", "dev", "--password-stdin", "--store-password")
	if !strings.Contains(stderr, "Password stored in the file keyring") || !strings.Contains(stderr, "store_password = true") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if cfg := c.read(t, ".config/awsfed/config"); !strings.Contains(cfg, "store_password = true") {
		t.Errorf("config:\n%s", cfg)
	}
	code, stdout, stderr := c.run("", nil, "credential-process", "dev", "--refresh-window", "2h")
	if code != 0 {
		t.Fatalf("credential-process with the stored password: exit %d\n%s", code, stderr)
	}
	parseProcessCreds(t, stdout)
	if got := s.STSActions()["AssumeRoleWithSAML ok"]; got != 2 {
		t.Errorf("%d sign-ins, want 2", got)
	}
}
