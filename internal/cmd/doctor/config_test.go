package doctor

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/iostreams"
)

func (r *rig) checkConfig(names ...string) []Result {
	_, _, rs := checkConfig(func(k string) string { return r.env[k] }, registry(), names)
	return rs
}

func TestConfigDoesNotParse(t *testing.T) {
	r := newRig(t)
	path := r.config("[idp corp]\nprovider = form\n[account dev\n")
	expect(t, r.checkConfig(), "config", "parse", Fail, path+":3:", "sections look like")
}

func TestNoConfigFile(t *testing.T) {
	r := newRig(t)
	expect(t, r.checkConfig(), "config", "parse", Warn, "no configuration file", "awsfed configure")
}

func TestAccountResolves(t *testing.T) {
	r := newRig(t)
	path := r.config("[idp corp]\nprovider = form\nurl = https://idp.example.com/sso?SAMLRequest=x\nusername = alice\n\n[account dev]\nrole_arn = arn:aws:iam::123456789012:role/Dev\n\n[account prod]\nsource = dev\nrole_arn = arn:aws:iam::210987654321:role/Ops\n")
	rs := r.checkConfig()
	expect(t, rs, "config", "parse", Pass, path+" parses: 1 [idp] and 2 [account] sections")
	expect(t, rs, "account dev", "resolve", Pass, "[idp corp] ("+path+":1): provider form, url https://idp.example.com/sso, profile dev, role arn:aws:iam::123456789012:role/Dev")
	expect(t, rs, "account prod", "resolve", Pass, "chained from dev")
	if strings.Contains(dump(rs), "SAMLRequest") {
		t.Errorf("the URL's query reached the output:\n%s", dump(rs))
	}
	expect(t, r.checkConfig("nope"), "account nope", "resolve", Fail, "no [account nope]", "configured accounts: dev, prod")
}

func TestAccountWithoutRole(t *testing.T) {
	r := newRig(t)
	r.config("[idp corp]\nprovider = form\nurl = https://idp.example.com/\n[account dev]\nprofile = dev\n")
	expect(t, r.checkConfig(), "account dev", "role", Warn, "sets no role_arn", "credential-process cannot ask", "set role_arn in [account dev]")
}

func TestUnknownProvider(t *testing.T) {
	r := newRig(t)
	path := r.config("[idp corp]\nprovider = saml2aws\nurl = https://idp.example.com/\n[account dev]\nrole_arn = Dev\n")
	expect(t, r.checkConfig(), "account dev", "provider", Fail, "[idp corp] ("+path+":1) names provider \"saml2aws\"", "one of: api, browser, form")
}

func TestRequiredSettings(t *testing.T) {
	r := newRig(t)
	r.config("[idp corp]\nprovider = api\nurl = https://api.example.com/\n[account dev]\nrole_arn = Dev\n")
	expect(t, r.checkConfig(), "account dev", "settings", Fail, "lacks app_id, client_secret, which provider api needs",
		"set app_id, client_secret in [idp corp]", "(or the environment variable AWSFED_TEST_SECRET for client_secret); awsfed configure asks for each")

	r.env["AWSFED_TEST_SECRET"] = "s3cret"
	r.config("[idp corp]\nprovider = api\nurl = https://api.example.com/\napp_id = 7\n[account dev]\nrole_arn = Dev\n")
	rs := r.checkConfig()
	expect(t, rs, "account dev", "resolve", Pass)
	if strings.Contains(dump(rs), "s3cret") {
		t.Errorf("a secret setting reached the output:\n%s", dump(rs))
	}
}

// Run prints a line per check and fails with exit status 1 when one fails;
// --json prints the same checks for scripts.
func TestRunExitStatusAndJSON(t *testing.T) {
	r := newRig(t)
	r.config("[idp corp]\nprovider = form\nurl = http://" + closedPort(t) + "/sso\n[account dev]\nrole_arn = Dev\n")
	o := r.options()
	io, _, out, _ := iostreams.Test()
	o.F.IO = io
	err := Run(t.Context(), o)
	var exit *cmdutil.ExitError
	if !errors.As(err, &exit) || exit.Code != 1 || exit.Msg != "" {
		t.Fatalf("Run = %v, want a silent exit status 1", err)
	}
	if !strings.Contains(out.String(), "FAIL  idp corp connect: cannot reach 127.0.0.1:") || !strings.Contains(out.String(), " — fix: nothing is listening") {
		t.Errorf("output:\n%s", out)
	}

	io, _, out, _ = iostreams.Test()
	o.F.IO, o.JSON = io, true
	if err := Run(t.Context(), o); !errors.As(err, &exit) {
		t.Fatalf("Run --json = %v", err)
	}
	var doc struct {
		OK     bool
		Checks []Result
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if doc.OK || len(doc.Checks) == 0 || !bytes.Contains(out.Bytes(), []byte(`"verdict": "FAIL"`)) {
		t.Errorf("--json:\n%s", out)
	}
}

func TestBrowser(t *testing.T) {
	r := newRig(t)
	chromium := r.write("bin/chromium", "#!/bin/sh\necho Chromium 120.0.6099.224\n", 0o755)
	l := idpLogin("https://idp.example.com/app", map[string]string{"browser": chromium})
	l.Provider = "browser"
	expect(t, []Result{r.doctor().checkBrowser(t.Context(), l)}, "idp corp", "browser", Pass, chromium+" (Chromium 120.0.6099.224)")

	l.Settings = map[string]string{}
	r.env["AWSFED_BROWSER"] = "/nonexistent/chrome"
	expect(t, []Result{r.doctor().checkBrowser(t.Context(), l)}, "idp corp", "browser", Fail, "no browser at /nonexistent/chrome", "AWSFED_BROWSER")

	delete(r.env, "AWSFED_BROWSER")
	expect(t, []Result{r.doctor().checkBrowser(t.Context(), l)}, "idp corp", "browser", Fail, "no Chrome, Chromium, Edge or Brave found", "set browser = PATH in [idp corp]")
}
