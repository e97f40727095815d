package signin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/saml"
	"github.com/awsfed/awsfed/internal/sandbox"
	"github.com/awsfed/awsfed/internal/sts"
)

func startSandbox(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	s, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// account is a Many account of the sandbox's team user.
func account(s *sandbox.Sandbox, name, role string, note *bytes.Buffer) *Account {
	return &Account{Options: Options{
		Login: &config.Login{Account: name, RoleARN: role, Username: "team"},
		STS:   &sts.Client{Endpoint: s.STSURL},
		Err:   note,
	}}
}

func TestManyAssertsOnceAndIsolatesFailures(t *testing.T) {
	s := startSandbox(t, sandbox.Options{MaxSession: 12 * time.Hour})
	s.Revoke(sandbox.AccountRoleARN(sandbox.ProdAccount, "ReadOnly"))
	var asserts atomic.Int32
	assert := func(context.Context) (*saml.Assertion, error) {
		asserts.Add(1)
		raw, err := s.IssueResponse(sandbox.ResponseOptions{User: "team"})
		if err != nil {
			return nil, err
		}
		return saml.Parse(raw)
	}
	var note bytes.Buffer
	dev := account(s, "dev", "Dev", &note)
	prod := account(s, "prod", sandbox.AccountRoleARN(sandbox.ProdAccount, "ReadOnly"), &note)
	audit := account(s, "audit", sandbox.AccountRoleARN(sandbox.AuditAccount, "Audit"), &note)
	admin := account(s, "admin", "arn:aws:iam::210987654321:role/Admin", &note)
	admin.Options.Login.Source, admin.Options.Login.Duration = dev.Options.Login, 8*time.Hour
	admin.Source = dev
	var kept atomic.Int32
	for _, a := range []*Account{dev, audit, admin} {
		a.Keep = func(*Session) error { kept.Add(1); return nil }
	}
	cached := &Session{RoleARN: "cached"}
	other := account(s, "other", "Dev", &note)
	other.Fresh = func() (*Session, bool) { return cached, true }

	outs := Many(context.Background(), []*Account{dev, prod, audit, admin, other}, assert)
	if asserts.Load() != 1 {
		t.Errorf("%d sign-ins, want 1", asserts.Load())
	}
	for i, want := range []string{"", "AccessDenied", "", "", ""} {
		o := outs[i]
		if want == "" && o.Err != nil || want != "" && (o.Err == nil || !strings.Contains(o.Err.Error(), want)) {
			t.Errorf("%s: %v, want %q", o.Account.Options.Login.Account, o.Err, want)
		}
	}
	if outs[3].Session == nil || time.Until(outs[3].Session.Expiration) > time.Hour+time.Minute {
		t.Errorf("chained keys: %+v", outs[3].Session)
	}
	if !outs[4].Cached || outs[4].Session != cached {
		t.Errorf("fresh keys not used: %+v", outs[4])
	}
	if kept.Load() != 3 || s.STSActions()["AssumeRoleWithSAML"] != 3 || s.STSActions()["AssumeRole ok"] != 1 {
		t.Errorf("kept %d, actions %v", kept.Load(), s.STSActions())
	}
	if n := strings.Count(note.String(), "AWS caps sessions of chained roles at 1h"); n != 1 {
		t.Errorf("the 1h note appears %d times: %q", n, note.String())
	}

	// A failed sign-in fails every account that needed it, once.
	asserts.Store(0)
	failed := errors.New("the IdP rejected the password")
	outs = Many(context.Background(), []*Account{account(s, "a", "Dev", &note), account(s, "b", "Dev", &note)}, func(context.Context) (*saml.Assertion, error) {
		asserts.Add(1)
		return nil, failed
	})
	if asserts.Load() != 1 || !errors.Is(outs[0].Err, failed) || !errors.Is(outs[1].Err, failed) {
		t.Errorf("%d sign-ins; %v, %v", asserts.Load(), outs[0].Err, outs[1].Err)
	}
}

func TestSessionName(t *testing.T) {
	for _, tt := range []struct {
		l    config.Login
		want string
	}{
		{config.Login{SessionName: "ops"}, "ops"},
		{config.Login{Username: "alice@example.com"}, "alice@example.com"},
		{config.Login{Username: `CORP\alice smith`}, "CORP_alice_smith"},
		{config.Login{Username: "x"}, "awsfed"},
		{config.Login{Username: strings.Repeat("a", 80)}, strings.Repeat("a", 64)},
	} {
		if got := SessionName(&tt.l); got != tt.want {
			t.Errorf("SessionName(%+v) = %q, want %q", tt.l, got, tt.want)
		}
	}
}
