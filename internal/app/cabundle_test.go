package app

import (
	"encoding/pem"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/sandbox"
)

// Behind a TLS-inspecting proxy, AWS tools trust the proxy's CA through
// AWS_CA_BUNDLE or ca_bundle in the AWS profile; awsfed's STS calls must
// trust it the same way (issue 9, defect 10).
func TestSTSTrustsTheAWSCABundle(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	target, _ := url.Parse(s.STSURL)
	// The "corporate proxy": https with a certificate no system trusts.
	tlsSTS := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(tlsSTS.Close)
	bundle := filepath.Join(t.TempDir(), "corp-ca.pem")
	writeFile(t, bundle, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSTS.Certificate().Raw})))

	login := func(c *cli) (int, string) {
		t.Helper()
		code, _, stderr := c.run("demo\n", nil, "login", "dev", "--password-stdin", "--sts-endpoint", tlsSTS.URL+"/", "--force")
		return code, stderr
	}

	c := newCLI(t)
	c.configured(t, s, "Dev")
	code, stderr := login(c)
	if code == 0 || !strings.Contains(stderr, "TLS certificate not trusted") || !strings.Contains(stderr, "hint: set AWS_CA_BUNDLE") {
		t.Fatalf("an untrusted STS certificate was not reported: exit %d\n%s", code, stderr)
	}

	c.env["AWS_CA_BUNDLE"] = bundle
	if code, stderr := login(c); code != 0 || !strings.Contains(stderr, "Testing new credentials: passed") {
		t.Fatalf("with AWS_CA_BUNDLE: exit %d\n%s", code, stderr)
	}
	delete(c.env, "AWS_CA_BUNDLE")

	awsDir := filepath.Join(c.home, ".aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(awsDir, "config"), "[profile dev]\nregion = eu-west-1\nca_bundle = "+bundle+"\n")
	if code, stderr := login(c); code != 0 || !strings.Contains(stderr, "Testing new credentials: passed") {
		t.Fatalf("with ca_bundle in [profile dev]: exit %d\n%s", code, stderr)
	}

	// A bundle the AWS profile names but that is broken says so.
	writeFile(t, filepath.Join(awsDir, "config"), "[profile dev]\nca_bundle = "+filepath.Join(c.home, "missing.pem")+"\n")
	if code, stderr := login(c); code == 0 || !strings.Contains(stderr, "ca_bundle of [profile dev]") {
		t.Fatalf("a missing ca_bundle was not named: exit %d\n%s", code, stderr)
	}
}
