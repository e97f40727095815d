package app

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider/all"
)

// configure asks for the Okta url by saying where Okta shows the embed link.
func TestConfigureOktaNamesTheEmbedLink(t *testing.T) {
	c := newCLI(t)
	cfg := filepath.Join(c.home, "awsfed.ini")
	c.env["AWSFED_CONFIG"] = cfg
	kind := strconv.Itoa(1 + func() int {
		for i, n := range all.Registry().Names() {
			if n == "okta" {
				return i
			}
		}
		return -1
	}())
	link := "https://acme.okta.com/home/amazon_aws/0oa1b2c3/272"
	// account, kind, mfa, oidc_client_id, url, username, test login? (n), role, region
	stub := &prompt.Stub{Answers: []string{"dev", kind, "push", "", link, oktaUser, "n", "Dev", ""}}
	code, _, stderr := c.run("", stub, "configure", "--no-profile")
	if code != 0 {
		t.Fatalf("exit %d\n%s\nasked %q", code, stderr, stub.Asked)
	}
	asked := strings.Join(stub.Asked, "\n")
	if !strings.Contains(asked, "App Embed Link") {
		t.Errorf("the url question does not say where the embed link is:\n%s", asked)
	}
	data, _ := os.ReadFile(cfg)
	for _, want := range []string{"provider = okta", "url = " + link, "mfa = push"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("config lacks %q:\n%s", want, data)
		}
	}
}
