package configure

import (
	"context"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// The wizard signs in once and offers the roles the IdP really grants.
func TestWizardListsRolesAfterTestLogin(t *testing.T) {
	s, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := newEnv(t)
	// account, IdP kind (form), url, username, test login? (default y), password, role choice 2, region
	stub := &prompt.Stub{Answers: []string{"dev", kindChoice("form"), s.IdPURL, "demo", "", "demo", "2", ""}}
	err, _, stderr := e.run(stub, configure)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(stub.Answers) != 0 {
		t.Errorf("answers left over: %q (asked %q)", stub.Answers, stub.Asked)
	}
	acct := e.load().Accounts["dev"]
	if acct == nil || acct.RoleARN != sandbox.RoleARN("Admin") {
		t.Fatalf("account %+v", acct)
	}
	if !strings.Contains(stderr, "role_arn = arn:aws:iam::123456789012:role/Admin") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// A failed test login is reported and the wizard asks for the role by hand.
func TestWizardFallsBackWhenTestLoginFails(t *testing.T) {
	s, err := sandbox.Start(context.Background(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := newEnv(t)
	stub := &prompt.Stub{Answers: []string{"dev", kindChoice("form"), s.IdPURL, "demo", "y", "wrong", "Dev", ""}}
	err, _, stderr := e.run(stub, configure)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "Could not list the roles: the IdP rejected the username or password for demo") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if strings.Contains(stderr, "wrong") {
		t.Errorf("stderr shows the password:\n%s", stderr)
	}
	if acct := e.load().Accounts["dev"]; acct == nil || acct.RoleARN != "Dev" {
		t.Fatalf("account %+v", acct)
	}
}
