package app

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// noRedirects follows a sign-in link as far as the sandbox's answer.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// followLink opens a console sign-in link (after the logout step, if any)
// and returns where the sign-in service sends the browser.
func followLink(t *testing.T, link string) string {
	t.Helper()
	for range 3 {
		resp, err := noRedirects.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("GET sign-in link: %d", resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		if !strings.Contains(loc, "/federation?") {
			return loc
		}
		link = loc
	}
	t.Fatal("too many redirects")
	return ""
}

func TestConsolePrintYieldsALinkTheSandboxAccepts(t *testing.T) {
	s := startSandbox(t, sandbox.Options{MaxSession: 12 * time.Hour})
	c := newCLI(t)
	c.threeAccounts(t, s, "\n[account admin]\nsource = dev\nrole_arn = arn:aws:iam::210987654321:role/Admin\n")
	for _, tt := range []struct {
		name string
		args []string
		dest string
	}{
		{"SAML keys", []string{"console", "dev", "--print"}, "https://console.aws.amazon.com/console/home"},
		{"service and region", []string{"console", "prod", "--print", "--service", "ec2", "--region", "eu-west-1"}, "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"},
		{"chained keys: no SessionDuration", []string{"console", "admin", "--print"}, "https://console.aws.amazon.com/console/home"},
		{"logout first", []string{"console", "dev", "--print", "--logout-first"}, "https://console.aws.amazon.com/console/home"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := c.run("", nil, append(tt.args, "--signin-endpoint", s.SigninURL, "--debug")...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			link := strings.TrimSpace(stdout)
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			token := u.Query().Get("SigninToken")
			if tt.name == "logout first" {
				next, _ := url.Parse(u.Query().Get("redirect_uri"))
				token = next.Query().Get("SigninToken")
			}
			if token == "" {
				t.Fatalf("no token in %s", link)
			}
			if strings.Contains(stderr, token) || strings.Contains(stderr, "SigninToken") {
				t.Errorf("stderr (with --debug) shows the sign-in token:\n%s", stderr)
			}
			if got := followLink(t, link); got != tt.dest {
				t.Errorf("the console opens at %s, want %s", got, tt.dest)
			}
		})
	}
	if a := s.STSActions(); a["signin login ok"] != 4 || a["signin getSigninToken ok"] != 4 {
		t.Errorf("sign-in service counted %v", a)
	}
}

// Without --print the link reaches the browser through a private page,
// never on the opener's command line; with no browser it goes to stdout.
func TestConsoleOpensTheBrowserWithoutTheLinkInArgv(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	bin := t.TempDir()
	argv := filepath.Join(c.home, "opener-argv")
	writeFile(t, filepath.Join(bin, "xdg-open"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argv+"\n")
	if err := os.Chmod(filepath.Join(bin, "xdg-open"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.env["PATH"] = bin
	code, stdout, stderr := c.run("", nil, "console", "dev", "--signin-endpoint", s.SigninURL)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "Opened the AWS console for dev") {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	got, err := os.ReadFile(argv)
	if err != nil {
		t.Fatal(err)
	}
	page := strings.TrimSpace(string(got))
	if strings.Contains(page, "SigninToken") || !strings.HasSuffix(page, ".html") {
		t.Fatalf("the opener got %q", page)
	}
	fi, err := os.Stat(page)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("page %s: %v %v", page, fi.Mode(), err)
	}
	body, _ := os.ReadFile(page)
	if !strings.Contains(string(body), "SigninToken=") {
		t.Errorf("the page does not forward to the link:\n%s", body)
	}

	c.env["PATH"] = t.TempDir() // no opener at all
	code, stdout, stderr = c.run("", nil, "console", "dev", "--signin-endpoint", s.SigninURL)
	if code != 0 || !strings.Contains(stdout, "SigninToken=") || !strings.Contains(stderr, "could not open a browser") {
		t.Errorf("no browser: exit %d, stdout %q\n%s", code, stdout, stderr)
	}
}

// signin_endpoint in the [account] serves as --signin-endpoint; a wrong
// destination is refused before anything is sent.
func TestConsoleSigninEndpointSettingAndRefusals(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "\n[account web]\nidp = sb\nrole_arn = Dev\nsts_endpoint = "+s.STSURL+"\nsignin_endpoint = "+s.SigninURL+"\n")
	code, stdout, stderr := c.run("", nil, "console", "web", "--print", "--destination", "https://console.aws.amazon.com/s3/home")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := followLink(t, strings.TrimSpace(stdout)); got != "https://console.aws.amazon.com/s3/home" {
		t.Errorf("opens at %s", got)
	}
	before := s.STSActions()["signin getSigninToken"]
	for _, args := range [][]string{
		{"console", "web", "--print", "--destination", "http://console.aws.amazon.com/"},
		{"console", "web", "--print", "--service", "ec2", "--destination", "https://console.aws.amazon.com/"},
	} {
		code, stdout, stderr := c.run("", nil, args...)
		if code != ExitInput || stdout != "" || !strings.Contains(stderr, "hint: ") {
			t.Errorf("%v: exit %d, stdout %q\n%s", args, code, stdout, stderr)
		}
	}
	if after := s.STSActions()["signin getSigninToken"]; after != before {
		t.Errorf("a refused console command asked for %d sign-in token(s)", after-before)
	}
}

// A federation endpoint that fails never gets the keys into a message.
func TestConsoleErrorsHoldNoSecrets(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	code, stdout, stderr := c.run("", nil, "console", "dev", "--print", "--debug", "--signin-endpoint", "http://"+closedPort(t)+"/federation")
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "awsfed: account dev: AWS federation endpoint: cannot reach") {
		t.Errorf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	// The sandbox's STS is no federation endpoint: it answers 400.
	code, _, stderr = c.run("", nil, "console", "dev", "--print", "--debug", "--signin-endpoint", s.STSURL)
	if code != ExitError || !strings.Contains(stderr, "refused the keys (HTTP 400)") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	// The keys the console used, as env serves them from the cache.
	_, exports, _ := c.run("", nil, "env", "dev", "--shell", "bash")
	for _, line := range strings.Split(exports, "\n") {
		for _, k := range []string{"AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN="} {
			if v, ok := strings.CutPrefix(strings.TrimPrefix(line, "export "), k); ok && len(v) > 10 && strings.Contains(stderr, strings.Trim(v, "'")) {
				t.Errorf("stderr holds %s", k)
			}
		}
	}
	if !strings.Contains(exports, "AWS_SECRET_ACCESS_KEY=") {
		t.Fatalf("env printed no keys:\n%s", exports)
	}
	if strings.Contains(stderr, "sessionKey") || strings.Contains(stderr, "Session=") {
		t.Errorf("stderr holds the session JSON:\n%s", stderr)
	}
}
