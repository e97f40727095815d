package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// optionsSeen is a prompt stub that remembers the options of each choice.
type optionsSeen struct {
	prompt.Stub
	options [][]string
}

func (o *optionsSeen) Select(ctx context.Context, label string, options []string) (int, error) {
	o.options = append(o.options, options)
	return o.Stub.Select(ctx, label, options)
}

func TestRolesShowsAliasesFromBothPageLayouts(t *testing.T) {
	for _, layout := range []string{sandbox.RolePageHTML, sandbox.RolePageData} {
		t.Run(layout, func(t *testing.T) {
			s := startSandbox(t, sandbox.Options{RolePage: layout})
			c := newCLI(t)
			c.threeAccounts(t, s, "")
			code, stdout, stderr := c.run("", nil, "roles", "--signin-endpoint", s.SigninURL)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			for _, want := range []string{
				"sandbox-dev (123456789012)    Dev       arn:aws:iam::123456789012:role/Dev",
				"sandbox-prod (210987654321)   ReadOnly  arn:aws:iam::210987654321:role/ReadOnly",
				"sandbox-audit (345678901234)  Audit     arn:aws:iam::345678901234:role/Audit",
			} {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if a := s.STSActions(); a["signin saml ok"] != 1 {
				t.Errorf("role page visits: %v", a)
			}
		})
	}
}

// When the page fails (here: nothing listens), roles shows account IDs,
// says nothing about it, and succeeds; the picker then shows ARNs.
func TestRolesFallsBackToAccountIDs(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "")
	code, stdout, stderr := c.run("", nil, "roles", "--json", "--signin-endpoint", "http://"+closedPort(t)+"/federation")
	if code != 0 || stderr != "Getting SAML assertion from "+strings.Split(s.IdPURL, "?")[0]+" ... done\n" {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var roles []map[string]string
	if err := json.Unmarshal([]byte(stdout), &roles); err != nil || len(roles) != 3 {
		t.Fatalf("%v\n%s", err, stdout)
	}
	for _, r := range roles {
		if r["alias"] != "" || len(r["account_id"]) != 12 {
			t.Errorf("role %v", r)
		}
	}
}

// The login picker names accounts from the aliases awsfed roles cached.
func TestPickerShowsCachedAliases(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.threeAccounts(t, s, "\n[account any]\nidp = sb\nsts_endpoint = "+s.STSURL+"\n")
	p := &optionsSeen{Stub: prompt.Stub{Answers: []string{"2"}}}
	if code, _, stderr := c.run("", p, "login", "any", "--username", "team"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(p.options) != 1 || p.options[0][0] != "arn:aws:iam::123456789012:role/Dev" {
		t.Fatalf("before roles, options %q", p.options)
	}
	if code, _, stderr := c.run("", nil, "roles", "--signin-endpoint", s.SigninURL); code != 0 {
		t.Fatalf("roles: %d\n%s", code, stderr)
	}
	p = &optionsSeen{Stub: prompt.Stub{Answers: []string{"2"}}}
	code, _, stderr := c.run("", p, "login", "any", "--username", "team", "--force")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := []string{"sandbox-dev (123456789012) Dev", "sandbox-prod (210987654321) ReadOnly", "sandbox-audit (345678901234) Audit"}
	if len(p.options) != 1 || strings.Join(p.options[0], "|") != strings.Join(want, "|") {
		t.Errorf("options %q, want %q", p.options, want)
	}
	if !strings.Contains(stderr, "assumed-role/ReadOnly/") {
		t.Errorf("the second choice is not ReadOnly:\n%s", stderr)
	}
}

// roles needs no [account]: an [idp] section is enough.
func TestRolesWithOnlyAnIdPSection(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.env["AWSFED_CONFIG"] = c.home + "/awsfed.ini"
	writeFile(t, c.env["AWSFED_CONFIG"], "[idp sb]\nurl = "+s.IdPURL+"\nusername = team\n")
	c.env["AWSFED_PASSWORD"] = "team"
	code, stdout, stderr := c.run("", nil, "roles", "--signin-endpoint", s.SigninURL)
	if code != 0 || strings.Count(stdout, "\n") != 3 || !strings.Contains(stdout, "sandbox-audit (345678901234)") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}
