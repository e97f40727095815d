package e2e

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// danaAccounts are the accounts and roles testdata/idp/authsources.php
// grants dana, each trusted through that account's own provider Corp.
var danaAccounts = []struct{ name, id, role string }{
	{"a", "111111111111", "Dev"},
	{"b", "222222222222", "ReadOnly"},
	{"c", "333333333333", "Audit"},
}

// corpSandbox starts a sandbox STS of the test's own that trusts the live
// IdP's signing certificate (read from its metadata) as provider Corp, so
// that the test may revoke roles in it.
func corpSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	u, err := url.Parse(env.idpURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.Scheme + "://" + u.Host + "/simplesaml/saml2/idp/metadata.php")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var md struct {
		Certs []string `xml:"IDPSSODescriptor>KeyDescriptor>KeyInfo>X509Data>X509Certificate"`
	}
	if err := xml.Unmarshal(body, &md); err != nil || len(md.Certs) == 0 {
		t.Fatalf("IdP metadata: %v\n%.300s", err, body)
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(md.Certs[0]), ""))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Trust: []sandbox.Trust{{Name: "Corp", Cert: cert}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// danaHome configures [idp corp] (the live SimpleSAMLphp, user dana) and
// accounts a, b and c against sb.
func danaHome(t *testing.T, sb *sandbox.Sandbox) *home {
	t.Helper()
	h := newHome(t)
	text := fmt.Sprintf("[idp corp]\nprovider = form\nurl = %s\nusername = dana\n", env.idpURL)
	for _, a := range danaAccounts {
		text += fmt.Sprintf("\n[account %s]\nidp = corp\nrole_arn = arn:aws:iam::%s:role/%s\nsts_endpoint = %s\n", a.name, a.id, a.role, sb.STSURL)
	}
	dir := filepath.Join(h.dir, ".config", "awsfed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

// passwordPosts counts the password POSTs to the IdP in awsfed's --debug
// output (one per sign-in).
func passwordPosts(debug string) int {
	n := 0
	for _, line := range strings.Split(debug, "\n") {
		if strings.HasPrefix(line, "debug: POST ") && strings.Contains(line, "loginuserpass") {
			n++
		}
	}
	return n
}

func awsCallerARN(t *testing.T, h *home, sb *sandbox.Sandbox, profile string) string {
	t.Helper()
	code, stdout, stderr := h.run(t, "", awsCLI, "--profile", profile, "sts", "get-caller-identity",
		"--endpoint-url", sb.STSURL, "--region", "us-east-1", "--output", "json")
	if code != 0 {
		t.Fatalf("aws --profile %s sts get-caller-identity: exit %d\n%s", profile, code, stderr)
	}
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(stdout), &id); err != nil {
		t.Fatal(err)
	}
	return id.Arn
}

// awsfed login a b c through SimpleSAMLphp: one sign-in, three
// AssumeRoleWithSAML, three profiles the AWS CLI uses.
func TestLiveLoginThreeAccountsOneSignIn(t *testing.T) {
	requireLive(t)
	sb := corpSandbox(t)
	h := danaHome(t, sb)
	code, _, stderr := h.run(t, "dana-pass\n", env.bin, "login", "a", "b", "c", "--password-stdin", "--debug")
	if code != 0 {
		t.Fatalf("awsfed login a b c: exit %d\n%s", code, stderr)
	}
	if n := passwordPosts(stderr); n != 1 {
		t.Errorf("%d password POSTs to the IdP, want 1:\n%s", n, stderr)
	}
	if a := sb.STSActions(); a["AssumeRoleWithSAML"] != 3 || a["AssumeRoleWithSAML ok"] != 3 {
		t.Errorf("STS actions %v, want 3 AssumeRoleWithSAML", a)
	}
	for _, a := range danaAccounts {
		want := "arn:aws:sts::" + a.id + ":assumed-role/" + a.role + "/dana@example.com"
		if got := awsCallerARN(t, h, sb, a.name); got != want {
			t.Errorf("aws --profile %s: caller %s, want %s", a.name, got, want)
		}
	}
}

// With one role revoked, the other two profiles are written and the exit
// code says that one account failed (4: AWS refused the user).
func TestLiveLoginThreeAccountsOneRevoked(t *testing.T) {
	requireLive(t)
	sb := corpSandbox(t)
	sb.Revoke("arn:aws:iam::222222222222:role/ReadOnly")
	h := danaHome(t, sb)
	code, _, stderr := h.run(t, "dana-pass\n", env.bin, "login", "a", "b", "c", "--password-stdin")
	if code != 4 {
		t.Errorf("exit %d, want 4\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "awsfed: 1 of 3 accounts failed: b") {
		t.Errorf("stderr does not say which failed:\n%s", stderr)
	}
	for _, a := range []int{0, 2} {
		acct := danaAccounts[a]
		if got := awsCallerARN(t, h, sb, acct.name); !strings.Contains(got, ":assumed-role/"+acct.role+"/") {
			t.Errorf("profile %s: caller %s", acct.name, got)
		}
	}
	creds, _ := os.ReadFile(h.credentialsPath())
	if strings.Contains(string(creds), "[b]") {
		t.Errorf("profile b was written:\n%s", creds)
	}
}
