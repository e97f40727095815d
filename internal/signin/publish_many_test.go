package signin

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/saml"
	"github.com/awsfed/awsfed/internal/sandbox"
	"github.com/awsfed/awsfed/internal/sts"
)

// PublishMany reads the credentials file once for every profile, and still
// refuses, profile by profile, to overwrite long-term keys; the others land
// in one write, and a credential_process profile stays out of the file.
func TestPublishManyRefusesLongTermKeysProfileByProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	const longTerm = "[ci]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = secret\n"
	if err := os.WriteFile(path, []byte(longTerm), 0o600); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	item := func(profile string, viaProcess bool) *Published {
		return &Published{
			Options: Options{Login: &config.Login{Account: profile, Profile: profile}, CredentialsFile: path, SkipTest: true, ViaProcess: viaProcess},
			Session: &Session{RoleARN: "arn:aws:iam::123456789012:role/" + profile, Credentials: sts.Credentials{
				AccessKeyID: "ASIA" + strings.ToUpper(profile), SecretAccessKey: "s", SessionToken: "t", Expiration: exp,
			}},
		}
	}
	items := []*Published{item("dev", false), item("ci", false), item("prod", false), item("proc", true)}
	PublishMany(context.Background(), items, io.Discard)

	var lt *LongTermKeysError
	if !errors.As(items[1].Err, &lt) || lt.Profile != "ci" {
		t.Errorf("ci: %v, want a LongTermKeysError", items[1].Err)
	}
	for _, i := range []int{0, 2, 3} {
		if items[i].Err != nil {
			t.Errorf("%s: %v", items[i].Options.Login.Profile, items[i].Err)
		}
	}
	if items[3].Result.CredentialsFile != "" || items[0].Result.CredentialsFile != path {
		t.Errorf("credentials files in the results: %+v, %+v", items[0].Result, items[3].Result)
	}
	f, err := awsfiles.ReadCredentialsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for profile, want := range map[string]string{"dev": "ASIADEV", "prod": "ASIAPROD", "ci": "AKIALONGTERM", "proc": ""} {
		if k, _ := f.Keys(profile); k.AccessKeyID != want {
			t.Errorf("[%s] holds %q, want %q", profile, k.AccessKeyID, want)
		}
	}
}

// The keys are tested while the file is written; a profile the write
// failed for fails with the write's error, and no caller from its test.
func TestPublishManyTestsTheKeysWhileWriting(t *testing.T) {
	s := startSandbox(t, sandbox.Options{})
	assert := func(context.Context) (*saml.Assertion, error) {
		raw, err := s.IssueResponse(sandbox.ResponseOptions{User: "team"})
		if err != nil {
			return nil, err
		}
		return saml.Parse(raw)
	}
	dev := account(s, "dev", "Dev", nil)
	audit := account(s, "audit", sandbox.AccountRoleARN(sandbox.AuditAccount, "Audit"), nil)
	outs := Many(context.Background(), []*Account{dev, audit}, assert)
	publish := func(path string) []*Published {
		var items []*Published
		for _, o := range outs {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			opts := o.Account.Options
			opts.Login.Profile, opts.CredentialsFile = opts.Login.Account, path
			items = append(items, &Published{Options: opts, Session: o.Session})
		}
		PublishMany(context.Background(), items, io.Discard)
		return items
	}
	dir := t.TempDir()
	for _, p := range publish(filepath.Join(dir, "credentials")) {
		if p.Err != nil || !strings.Contains(p.Result.CallerARN, ":assumed-role/") || p.Result.CredentialsFile == "" {
			t.Errorf("%s: %v, %+v", p.Options.Login.Profile, p.Err, p.Result)
		}
	}
	// Readable (missing), but its lock cannot be taken: the write fails.
	bad := filepath.Join(t.TempDir(), "credentials")
	if err := os.Mkdir(bad+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range publish(bad) {
		if p.Err == nil || !strings.Contains(p.Err.Error(), "lock") || p.Result.CallerARN != "" || p.Result.CredentialsFile != "" {
			t.Errorf("%s, file not writable: %v, %+v", p.Options.Login.Profile, p.Err, p.Result)
		}
	}
	if n := s.STSActions()["GetCallerIdentity ok"]; n != 4 {
		t.Errorf("%d keys tested, want 4: %v", n, s.STSActions())
	}
}
