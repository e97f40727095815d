package sandbox

import (
	"crypto/x509"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// roleSessionNameRE is AWS's constraint on RoleSessionName.
var roleSessionNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })

// providerNameRE is IAM's constraint on a SAML provider's name.
var providerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w._-]{1,128}$`) })

// The accounts of the default user "team", beside Account.
const (
	ProdAccount  = "210987654321"
	AuditAccount = "345678901234"
)

func defaultUsers(teamAccounts int) []User {
	return []User{
		{Name: "demo", Password: "demo", Roles: []string{"Dev", "Admin"}, SessionDuration: time.Hour},
		// team has a role in each of three accounts (or teamAccounts): one
		// sign-in, every account.
		{Name: "team", Password: "team", SessionDuration: time.Hour, Roles: teamRoles(teamAccounts)},
	}
}

// TeamAccount is the ID of the team user's i-th account (from 0): Account,
// ProdAccount, AuditAccount, then 100000000004, 100000000005, …
func TeamAccount(i int) string {
	switch i {
	case 0:
		return Account
	case 1:
		return ProdAccount
	case 2:
		return AuditAccount
	}
	return fmt.Sprintf("1%011d", i+1)
}

// TeamRole is the name of the team user's role in its i-th account.
func TeamRole(i int) string {
	switch i {
	case 0:
		return "Dev"
	case 1:
		return "ReadOnly"
	case 2:
		return "Audit"
	}
	return "Team"
}

func teamRoles(n int) []string {
	if n <= 0 {
		n = 3
	}
	roles := make([]string, n)
	for i := range roles {
		roles[i] = AccountRoleARN(TeamAccount(i), TeamRole(i))
	}
	return roles
}

func defaultAliases(teamAccounts int) map[string]string {
	out := map[string]string{Account: "sandbox-dev", ProdAccount: "sandbox-prod", AuditAccount: "sandbox-audit"}
	for i := 3; i < teamAccounts; i++ {
		out[TeamAccount(i)] = fmt.Sprintf("sandbox-%d", i+1)
	}
	return out
}

// AccountRoleARN is the ARN of role name in another sandbox account.
func AccountRoleARN(account, name string) string {
	return "arn:aws:iam::" + account + ":role/" + name
}

// AccountProviderARN is the sandbox IdP's SAML provider in account.
func AccountProviderARN(account string) string {
	return "arn:aws:iam::" + account + ":saml-provider/" + ProviderName
}

func userTable(users []User, teamAccounts int) (map[string]User, error) {
	if users == nil {
		users = defaultUsers(teamAccounts)
	}
	out := make(map[string]User, len(users))
	for i, u := range users {
		if u.Name == "" {
			return nil, fmt.Errorf("sandbox: user %d has no name", i+1)
		}
		if _, dup := out[u.Name]; dup {
			return nil, fmt.Errorf("sandbox: user %q is listed twice", u.Name)
		}
		if u.SessionDuration != 0 && (u.SessionDuration < 15*time.Minute || u.SessionDuration > 12*time.Hour) {
			return nil, fmt.Errorf("sandbox: user %q: session duration %v is outside 15m to 12h", u.Name, u.SessionDuration)
		}
		for _, r := range u.Roles {
			if r == "" || strings.Contains(r, ",") {
				return nil, fmt.Errorf("sandbox: user %q: role %q is not a role name or ARN", u.Name, r)
			}
		}
		out[u.Name] = u
	}
	return out, nil
}

func trustTable(trust []Trust) (map[string]*x509.Certificate, error) {
	out := make(map[string]*x509.Certificate, len(trust))
	for _, t := range trust {
		switch {
		case !providerNameRE().MatchString(t.Name):
			return nil, fmt.Errorf("sandbox: trusted provider name %q is not a valid IAM SAML provider name", t.Name)
		case t.Name == ProviderName:
			return nil, fmt.Errorf("sandbox: trusted provider name %q is the sandbox's own", t.Name)
		case t.Cert == nil:
			return nil, fmt.Errorf("sandbox: trusted provider %s has no certificate", t.Name)
		}
		if _, dup := out[t.Name]; dup {
			return nil, fmt.Errorf("sandbox: trusted provider %s is listed twice", t.Name)
		}
		out[t.Name] = t.Cert
	}
	return out, nil
}

// roleValues are the user's Role attribute values, role first as in AWS's
// documentation.
//
// Each role is paired with the sandbox provider of its own account when the
// sandbox IdP is registered there (Options.Aliases names the accounts), else
// with the provider of Account, which no IAM role elsewhere trusts.
func roleValues(u User, registered map[string]bool) []string {
	out := make([]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		arn := r
		if !strings.HasPrefix(r, "arn:") {
			arn = RoleARN(r)
		}
		provider := ProviderARN()
		if registered[accountID(arn)] {
			provider = AccountProviderARN(accountID(arn))
		}
		out = append(out, arn+","+provider)
	}
	return out
}

// sessionName is the RoleSessionName the IdP sends for a user: an e-mail
// address, as most IdPs send, made to fit AWS's constraint.
func sessionName(user string) string {
	name := user
	if !strings.Contains(name, "@") {
		name += "@sandbox.example"
	}
	if roleSessionNameRE().MatchString(name) {
		return name
	}
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}
