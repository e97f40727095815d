package app

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A secret never follows a redirect to another origin, nor to plain http
// (issue 9, defect 1). A hostile origin answers 302, 307 and 308 towards a
// plain-http collector on another loopback address (127.0.0.2); whatever
// the provider, the collector must receive no password, no MFA code and no
// Authorization header, and awsfed must say which host asked for what.

const (
	hostilePassword = `p&ss=w+rd %#'"x y`
	hostileSecret   = "client-secret-never-leaves"
)

// collector is a plain-http server on 127.0.0.2 that records everything.
type collector struct {
	URL string
	mu  sync.Mutex
	got []string // "METHOD path headers body" of each request
	// loginPage, when set, is served for GET requests: a login form that
	// posts back to the collector.
	loginPage bool
}

func newCollector(t *testing.T) *collector {
	t.Helper()
	c := &collector{}
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2 (the other loopback address): %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.got = append(c.got, fmt.Sprintf("%s %s %v %s", r.Method, r.URL.RequestURI(), r.Header, body))
		c.mu.Unlock()
		if r.Method == http.MethodGet && c.loginPage {
			fmt.Fprint(w, `<html><body><form method="post" action="/collect"><input name="username"><input type="password" name="password"><input type="submit"></form></body></html>`)
			return
		}
		fmt.Fprint(w, "thanks")
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

// leaked returns the requests that carried a secret.
func (c *collector) leaked(secrets ...string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, g := range c.got {
		leak := strings.Contains(g, "Authorization") || strings.Contains(g, "Bearer") || strings.Contains(g, "bearer")
		for _, s := range secrets {
			for _, form := range []string{s, urlEncoded(s), jsonString(s)} {
				if strings.Contains(g, form) {
					leak = true
				}
			}
		}
		if leak {
			out = append(out, g)
		}
	}
	return out
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

// jsonString is s as a JSON encoder without HTML escaping writes it.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.Trim(strings.TrimSpace(b.String()), `"`)
}

func urlEncoded(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", "+", "%2B", "#", "%23", "'", "%27", `"`, "%22", " ", "+")
	return r.Replace(s)
}

// hostile starts the origin the user configured, https (trusted through
// ca_file) or plain http, on 127.0.0.1, with handler h.
func hostile(t *testing.T, tls bool, h http.HandlerFunc) (url, caFile string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
		caFile = filepath.Join(t.TempDir(), "ca.pem")
		writeFile(t, caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv.URL, caFile
}

// hostileConfig writes [idp x] with settings and an account dev using it.
func hostileConfig(t *testing.T, c *cli, settings map[string]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("[idp x]\n")
	for _, k := range []string{"provider", "url", "username", "ca_file", "workflow_id", "subdomain", "app_id", "client_id", "allowed_hosts"} {
		if v := settings[k]; v != "" {
			b.WriteString(k + " = " + v + "\n")
		}
	}
	// The STS is never reached: nothing gets that far.
	b.WriteString("\n[account dev]\nidp = x\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsts_endpoint = http://" + closedPort(t) + "\n")
	cfg := filepath.Join(c.home, "awsfed.ini")
	writeFile(t, cfg, b.String())
	c.env["AWSFED_CONFIG"] = cfg
}

type hostileCase struct {
	name   string
	tls    bool
	status int
}

func hostileCases() []hostileCase {
	var out []hostileCase
	for _, tls := range []bool{true, false} {
		for _, st := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			scheme := "http"
			if tls {
				scheme = "https"
			}
			out = append(out, hostileCase{name: fmt.Sprintf("%s-%d", scheme, st), tls: tls, status: st})
		}
	}
	return out
}

// refused checks the outcome: exit 1, a message naming the refusal, and
// nothing secret at the collector.
func refused(t *testing.T, col *collector, code int, stderr string, want ...string) {
	t.Helper()
	if code != ExitError {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitError, stderr)
	}
	if !strings.Contains(stderr, "refused") {
		t.Errorf("stderr does not say what was refused:\n%s", stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if strings.Contains(stderr, hostilePassword) || strings.Contains(stderr, hostileSecret) {
		t.Errorf("stderr shows a secret:\n%s", stderr)
	}
	if l := col.leaked(hostilePassword, hostileSecret, "123456"); len(l) > 0 {
		t.Errorf("the collector on 127.0.0.2 received secrets:\n%s", strings.Join(l, "\n"))
	}
}

func TestFormPasswordPostNeverFollowsARedirectElsewhere(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			col := newCollector(t)
			url, ca := hostile(t, tc.tls, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					fmt.Fprint(w, `<html><body><form method="post" action="/login"><input name="username"><input type="password" name="password"><input type="submit"></form></body></html>`)
					return
				}
				http.Redirect(w, r, col.URL+"/steal", tc.status)
			})
			c := newCLI(t)
			hostileConfig(t, c, map[string]string{"provider": "form", "url": url + "/sso", "username": "alice", "ca_file": ca})
			code, _, stderr := c.run(hostilePassword+"\n", nil, "login", "dev", "--password-stdin")
			if tc.status == http.StatusFound && !tc.tls {
				// A 302 turns the POST into a GET without the password: it
				// may go anywhere plain http may go, and then finds no SAML.
				if l := col.leaked(hostilePassword); len(l) > 0 {
					t.Errorf("the collector received the password:\n%s", strings.Join(l, "\n"))
				}
				return
			}
			refused(t, col, code, stderr, "127.0.0.2")
		})
	}
}

func TestFormStartURLRedirectingToAnotherLoginPage(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			col := newCollector(t)
			col.loginPage = true
			url, ca := hostile(t, tc.tls, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, col.URL+"/login", tc.status)
			})
			c := newCLI(t)
			hostileConfig(t, c, map[string]string{"provider": "form", "url": url + "/sso", "username": "alice", "ca_file": ca})
			code, _, stderr := c.run(hostilePassword+"\n", nil, "login", "dev", "--password-stdin")
			want := "allowed_hosts = 127.0.0.2"
			if tc.tls {
				// https → http is refused at the hop itself.
				want = "never leaves https for http"
				if col.count() != 0 {
					t.Errorf("the collector was visited after an https → http redirect")
				}
			}
			refused(t, col, code, stderr, want)
		})
	}
}

// The user can let a sibling host receive the password.
func TestFormAllowedHostsLetsTheLoginFormLiveElsewhere(t *testing.T) {
	col := newCollector(t)
	col.loginPage = true
	url, _ := hostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, col.URL+"/login", http.StatusFound)
	})
	c := newCLI(t)
	hostileConfig(t, c, map[string]string{"provider": "form", "url": url + "/sso", "username": "alice", "allowed_hosts": "127.0.0.2"})
	_, _, stderr := c.run(hostilePassword+"\n", nil, "login", "dev", "--password-stdin")
	if strings.Contains(stderr, "refused") {
		t.Fatalf("allowed_hosts did not allow the host:\n%s", stderr)
	}
	if len(col.leaked(hostilePassword)) == 0 {
		t.Fatalf("the allowed host did not receive the password; stderr:\n%s", stderr)
	}
}

func TestVROFollowsNoRedirect(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			col := newCollector(t)
			url, ca := hostile(t, tc.tls, func(w http.ResponseWriter, r *http.Request) {
				// Same host, other port: Go would keep the Basic auth.
				http.Redirect(w, r, col.URL+r.URL.Path, tc.status)
			})
			c := newCLI(t)
			hostileConfig(t, c, map[string]string{"provider": "vro", "url": url, "username": "alice", "ca_file": ca, "workflow_id": "1a2b3c4d-0000-0000-0000-000000000000"})
			code, _, stderr := c.run(hostilePassword+"\n", nil, "login", "dev", "--password-stdin")
			refused(t, col, code, stderr, "127.0.0.2")
			if col.count() != 0 {
				t.Errorf("the collector was visited %d times", col.count())
			}
		})
	}
}

func TestOneLoginFollowsNoRedirect(t *testing.T) {
	for _, tc := range hostileCases() {
		for _, step := range []string{"token", "saml_assertion"} {
			t.Run(tc.name+"-"+step, func(t *testing.T) {
				col := newCollector(t)
				url, ca := hostile(t, tc.tls, func(w http.ResponseWriter, r *http.Request) {
					if step == "saml_assertion" && r.URL.Path == "/auth/oauth2/v2/token" {
						w.Header().Set("Content-Type", "application/json")
						fmt.Fprint(w, `{"access_token":"tok123","created_at":"2026-11-30T00:00:00Z","expires_in":36000,"token_type":"bearer","account_id":1}`)
						return
					}
					http.Redirect(w, r, col.URL+r.URL.Path, tc.status)
				})
				c := newCLI(t)
				c.env["AWSFED_ONELOGIN_CLIENT_SECRET"] = hostileSecret
				hostileConfig(t, c, map[string]string{"provider": "onelogin", "url": url, "username": "alice", "ca_file": ca,
					"subdomain": "acme", "app_id": "123456", "client_id": "cid"})
				code, _, stderr := c.run(hostilePassword+"\n", nil, "login", "dev", "--password-stdin")
				refused(t, col, code, stderr, "127.0.0.2")
				if l := col.leaked("tok123"); len(l) > 0 {
					t.Errorf("the bearer token reached the collector:\n%s", strings.Join(l, "\n"))
				}
				if col.count() != 0 {
					t.Errorf("the collector was visited %d times", col.count())
				}
			})
		}
	}
}

// A plain-http IdP or STS on a host that is not loopback is refused before
// anything is sent, unless the user allows it.
func TestPlainHTTPToTheNetworkIsRefused(t *testing.T) {
	c := newCLI(t)
	cfg := filepath.Join(c.home, "awsfed.ini")
	c.env["AWSFED_CONFIG"] = cfg
	writeFile(t, cfg, "[idp x]\nprovider = form\nurl = http://idp.example.com/sso\nusername = alice\n\n[account dev]\nidp = x\nrole_arn = Dev\n")
	code, _, stderr := c.run("pw\n", nil, "login", "dev", "--password-stdin")
	if code != ExitError || !strings.Contains(stderr, "plain http") || !strings.Contains(stderr, "allow_insecure_http = true in [idp x]") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}

	writeFile(t, cfg, "[idp x]\nprovider = form\nurl = http://"+closedPort(t)+"/sso\nusername = alice\n\n[account dev]\nidp = x\nrole_arn = Dev\nsts_endpoint = http://sts.example.com/\n")
	code, _, stderr = c.run("pw\n", nil, "login", "dev", "--password-stdin")
	if code != ExitError || !strings.Contains(stderr, "the STS endpoint http://sts.example.com/ is plain http") || !strings.Contains(stderr, "[account dev]") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
