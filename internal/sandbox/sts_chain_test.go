package sandbox

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// sdkWith is an SDK STS client signing with the keys of res.
func sdkWith(s *Sandbox, akid, secret, token string) *awssts.Client {
	return awssts.New(awssts.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.STSURL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}, nil
		})})
}

func apiCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() + ": " + api.ErrorMessage()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAssumeRoleChaining(t *testing.T) {
	clk := newClock()
	s := start(t, Options{Now: clk.Now, MaxSession: 12 * time.Hour, ExternalIDs: map[string]string{AccountRoleARN(ProdAccount, "Vendor"): "ext-123"}})
	c := assume(t, s).Result.Credentials
	ctx := context.Background()
	src := sdkWith(s, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	target := AccountRoleARN(ProdAccount, "Admin")

	out, err := src.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice"), DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::"+ProdAccount+":assumed-role/Admin/alice" {
		t.Errorf("AssumedRoleUser.Arn = %s", got)
	}
	if d := aws.ToTime(out.Credentials.Expiration).Sub(clk.Now()); d != time.Hour {
		t.Errorf("expires in %v, want 1h", d)
	}
	// The chained keys work, and say who they are.
	k := out.Credentials
	id, err := sdkWith(s, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), aws.ToString(k.SessionToken)).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(id.Account) != ProdAccount {
		t.Fatalf("GetCallerIdentity with chained keys: %v %v", id, err)
	}

	s.Revoke(AccountRoleARN(ProdAccount, "Gone"))
	for _, tt := range []struct {
		name string
		in   *awssts.AssumeRoleInput
		keys [3]string
		want string
	}{
		{"chained 2h", &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice"), DurationSeconds: aws.Int32(7200)}, [3]string{}, "ValidationError: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."},
		{"bad session name", &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("a b")}, [3]string{}, "ValidationError"},
		{"revoked role", &awssts.AssumeRoleInput{RoleArn: aws.String(AccountRoleARN(ProdAccount, "Gone")), RoleSessionName: aws.String("alice")}, [3]string{}, "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/Dev/demo@sandbox.example is not authorized to perform: sts:AssumeRole"},
		{"external id missing", &awssts.AssumeRoleInput{RoleArn: aws.String(AccountRoleARN(ProdAccount, "Vendor")), RoleSessionName: aws.String("alice")}, [3]string{}, "AccessDenied"},
		{"external id wrong", &awssts.AssumeRoleInput{RoleArn: aws.String(AccountRoleARN(ProdAccount, "Vendor")), RoleSessionName: aws.String("alice"), ExternalId: aws.String("ext-999")}, [3]string{}, "AccessDenied"},
		{"keys it never issued", &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice")}, [3]string{"ASIAAAAAAAAAAAAAAAAA", "x", "y"}, "InvalidClientTokenId"},
		{"wrong secret", &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice")}, [3]string{c.AccessKeyID, "wrong", c.SessionToken}, "SignatureDoesNotMatch"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cl := src
			if tt.keys[0] != "" {
				cl = sdkWith(s, tt.keys[0], tt.keys[1], tt.keys[2])
			}
			_, err := cl.AssumeRole(ctx, tt.in)
			if got := apiCode(err); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q…", got, tt.want)
			}
		})
	}
	if _, err := src.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(AccountRoleARN(ProdAccount, "Vendor")), RoleSessionName: aws.String("alice"), ExternalId: aws.String("ext-123")}); err != nil {
		t.Errorf("with the right ExternalId: %v", err)
	}

	// Unsigned AssumeRole is refused before anything else.
	r := postSTS(t, s, url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {target}, "RoleSessionName": {"x1"}})
	if r.status != 403 || r.code != "MissingAuthenticationToken" {
		t.Errorf("unsigned: %d %s", r.status, r.code)
	}
	// Expired source keys.
	clk.Add(2 * time.Hour)
	if _, err := src.AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("alice")}); !strings.HasPrefix(apiCode(err), "ExpiredToken") {
		t.Errorf("expired source keys: %v", err)
	}
}

// A role the sandbox revoked refuses AssumeRoleWithSAML too.
func TestRevokedRoleRefusesSAML(t *testing.T) {
	s := start(t, Options{})
	s.Revoke(RoleARN("Dev"))
	resp, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	r := postSTS(t, s, assumeForm(RoleARN("Dev"), ProviderARN(), resp))
	if r.status != 403 || r.code != "AccessDenied" {
		t.Errorf("got %d %s", r.status, r.code)
	}
	r = postSTS(t, s, assumeForm(RoleARN("Admin"), ProviderARN(), resp))
	if r.status != 200 {
		t.Errorf("Admin: %d %s %s", r.status, r.code, r.msg)
	}
}

// The default user team has roles in three accounts, each trusting the
// sandbox provider of its own account.
func TestTeamUserHasThreeAccounts(t *testing.T) {
	s := start(t, Options{})
	resp, err := s.IssueResponse(ResponseOptions{User: "team"})
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range []struct{ id, role string }{{Account, "Dev"}, {ProdAccount, "ReadOnly"}, {AuditAccount, "Audit"}} {
		r := postSTS(t, s, assumeForm(AccountRoleARN(acct.id, acct.role), AccountProviderARN(acct.id), resp))
		if r.status != 200 {
			t.Errorf("%s: %d %s %s", acct.id, r.status, r.code, r.msg)
		}
	}
	// The provider of one account does not vouch for another's role.
	r := postSTS(t, s, assumeForm(AccountRoleARN(ProdAccount, "ReadOnly"), AccountProviderARN(Account), resp))
	if r.status != 403 || r.code != "AccessDenied" {
		t.Errorf("cross-account provider: %d %s", r.status, r.code)
	}
}
