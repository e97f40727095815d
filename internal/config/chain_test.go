package config

import (
	"errors"
	"strings"
	"testing"
)

const chainBase = `[idp corp]
url = https://idp.example.com/sso
username = alice

[account dev]
idp = corp
role_arn = Dev
sts_endpoint = http://127.0.0.1:9/

`

func TestChainedAccountResolves(t *testing.T) {
	f, err := Parse("cfg", []byte(chainBase+`[account admin]
source = dev
role_arn = arn:aws:iam::210987654321:role/Admin
external_id = ext-1
session_name = alice
duration = 8h

[account deeper]
source = admin
role_arn = arn:aws:iam::345678901234:role/Audit
`))
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.Resolve("deeper", Overrides{Username: "bob"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if !l.Chained() || l.Source.Account != "admin" || l.Source.Source.Account != "dev" || l.Root().Account != "dev" {
		t.Fatalf("chain %+v", l)
	}
	if l.URL != "https://idp.example.com/sso" || l.Username != "bob" || l.IdPName != "corp" || l.Profile != "deeper" {
		t.Errorf("IdP fields of the root: %+v", l)
	}
	if l.STSEndpoint != "http://127.0.0.1:9/" {
		t.Errorf("STS endpoint %q: the source's should serve", l.STSEndpoint)
	}
	if l.Source.ExternalID != "ext-1" || l.Source.SessionName != "alice" || l.Source.Duration.Hours() != 8 {
		t.Errorf("admin: %+v", l.Source)
	}
	if got := f.AccountsOf("corp"); strings.Join(got, ",") != "admin,deeper,dev" {
		t.Errorf("AccountsOf = %v", got)
	}
	if got := f.Siblings("corp"); strings.Join(got, ",") != "dev" {
		t.Errorf("Siblings = %v", got)
	}
}

func TestChainErrorsNameFileAndLine(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		line       int
		msg        string
	}{
		{"missing source", "[account admin]\nrole_arn = arn:aws:iam::210987654321:role/Admin\nsource = nope\n", 12, `names source "nope", which has no [account nope]`},
		{"cycle", "[account a]\nsource = b\nrole_arn = arn:aws:iam::210987654321:role/A\n\n[account b]\nsource = a\nrole_arn = arn:aws:iam::210987654321:role/B\n", 11, "form a cycle: a → b → a"},
		{"self", "[account a]\nsource = a\nrole_arn = arn:aws:iam::210987654321:role/A\n", 11, "form a cycle: a → a"},
		{"role not an ARN", "[account a]\nsource = dev\nrole_arn = Admin\n", 12, "needs the full ARN"},
		{"external_id without source", "[account a]\nrole_arn = Admin\nexternal_id = x1\n", 12, "has external_id but no source"},
		{"bad session name", "[account a]\nsource = dev\nrole_arn = arn:aws:iam::210987654321:role/A\nsession_name = a b\n", 13, "not a valid session name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("/home/alice/.config/awsfed/config", []byte(chainBase+tt.text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a config.Error", err)
			}
			if ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) || ce.Hint == "" {
				t.Errorf("got %s (line %d, hint %q), want line %d and %q", err, ce.Line, ce.Hint, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "/home/alice/.config/awsfed/config:") {
				t.Errorf("the error does not name the file: %s", err)
			}
		})
	}
}
