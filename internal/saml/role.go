package saml

import (
	"strings"
)

// Role is one role the assertion grants, with the IAM SAML provider that
// vouches for it.
type Role struct{ RoleARN, PrincipalARN string }

// Account returns the account ID of the role ("123456789012"), or "" when
// the ARN is malformed.
func (r Role) Account() string {
	a, ok := parseARN(r.RoleARN)
	if !ok {
		return ""
	}
	return a.account
}

// Name returns the role name: the last segment of the role's path, so that
// both role/Dev and role/team/Dev give "Dev".
func (r Role) Name() string {
	a, ok := parseARN(r.RoleARN)
	if !ok {
		return ""
	}
	path, ok := strings.CutPrefix(a.resource, "role/")
	if !ok {
		return ""
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// Partition returns "aws", "aws-cn", "aws-us-gov", … from the role ARN.
func (r Role) Partition() string {
	a, ok := parseARN(r.RoleARN)
	if !ok {
		return ""
	}
	return a.partition
}

// String returns the role ARN.
func (r Role) String() string { return r.RoleARN }

// FindRoles returns the roles matching want, in their original order. want is
// a full role ARN (matched exactly: IAM ARNs are case-sensitive), a role name
// such as "Dev" or a path such as "team/Dev", or "account-id:role-name" such
// as "123456789012:Dev". Role names are matched regardless of case because
// IAM does not let two roles differ only by case.
func FindRoles(roles []Role, want string) []Role {
	want = strings.TrimSpace(want)
	if want == "" {
		return nil
	}
	var match func(Role) bool
	switch account, name, hasAccount := strings.Cut(want, ":"); {
	case strings.HasPrefix(want, "arn:"):
		match = func(r Role) bool { return r.RoleARN == want }
	case hasAccount && isAccountID(account):
		match = func(r Role) bool { return r.Account() == account && roleNameMatches(r, name) }
	default:
		match = func(r Role) bool { return roleNameMatches(r, want) }
	}
	var found []Role
	for _, r := range roles {
		if match(r) {
			found = append(found, r)
		}
	}
	return found
}

// roleNameMatches compares want with the role's name, or with its whole path
// when want holds a slash.
func roleNameMatches(r Role, want string) bool {
	if name := r.Name(); name != "" && strings.EqualFold(name, want) {
		return true
	}
	if !strings.Contains(want, "/") {
		return false
	}
	a, ok := parseARN(r.RoleARN)
	if !ok {
		return false
	}
	path := strings.TrimPrefix(a.resource, "role/")
	return strings.EqualFold(path, strings.Trim(want, "/"))
}

// arn holds the fields of arn:partition:service:region:account:resource.
type arn struct {
	partition, service, region, account, resource string
}

func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[5] == "" {
		return arn{}, false
	}
	return arn{partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// STS accepts ARNs of 20 to 2048 characters.
const (
	minARNLen = 20
	maxARNLen = 2048
)

// isIAMARN reports whether s is an IAM ARN in an account whose resource
// starts with kind ("role/" or "saml-provider/") followed by a name.
func isIAMARN(s, kind string) bool {
	if len(s) < minARNLen || len(s) > maxARNLen || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	a, ok := parseARN(s)
	if !ok || a.service != "iam" || a.region != "" || !isAccountID(a.account) {
		return false
	}
	name, ok := strings.CutPrefix(a.resource, kind)
	return ok && name != "" && !strings.HasPrefix(name, "/") && !strings.HasSuffix(name, "/")
}

// parseRoleValue reads one value of the Role attribute: "role-arn,provider-arn"
// in either order (AWS documents role first; ADFS set-ups often put the
// provider first). Role names may hold commas and provider names may not, so
// the provider is looked for at either end.
func parseRoleValue(v string) (Role, bool) {
	first, rest, ok := strings.Cut(v, ",")
	if !ok {
		return Role{}, false
	}
	i := strings.LastIndexByte(v, ',')
	before, last := v[:i], v[i+1:]
	var r Role
	switch {
	case strings.Contains(last, ":saml-provider/"):
		r = Role{RoleARN: before, PrincipalARN: last}
	case strings.Contains(first, ":saml-provider/"):
		r = Role{RoleARN: rest, PrincipalARN: first}
	default:
		return Role{}, false
	}
	r.RoleARN, r.PrincipalARN = strings.TrimSpace(r.RoleARN), strings.TrimSpace(r.PrincipalARN)
	if !isIAMARN(r.RoleARN, "role/") || !isIAMARN(r.PrincipalARN, "saml-provider/") {
		return Role{}, false
	}
	return r, true
}
