package signin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/saml"
)

// RoleNotGrantedError means the assertion does not grant the requested role.
type RoleNotGrantedError struct {
	Want    string
	Granted []saml.Role
}

func (e *RoleNotGrantedError) Error() string {
	return fmt.Sprintf("the IdP did not grant role %q; it grants: %s", e.Want, roleList(e.Granted))
}

// Hint says where access comes from.
func (e *RoleNotGrantedError) Hint() string {
	return "access to an AWS account is granted by group membership at the IdP: ask its administrators to add you to the group for that account and role"
}

func roleList(roles []saml.Role) string {
	if len(roles) == 0 {
		return "none"
	}
	arns := make([]string, len(roles))
	for i, r := range roles {
		arns[i] = r.RoleARN
	}
	return strings.Join(arns, ", ")
}

// chooseRole picks the role to assume: the requested one, the only one, or
// the user's choice on a terminal.
func chooseRole(ctx context.Context, p prompt.Prompter, roles []saml.Role, want, account string, names func(string) string) (saml.Role, error) {
	if len(roles) == 0 {
		return saml.Role{}, errNoRoles
	}
	candidates := roles
	if want != "" {
		candidates = saml.FindRoles(roles, want)
		if len(candidates) == 0 {
			return saml.Role{}, &RoleNotGrantedError{Want: want, Granted: roles}
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	options := make([]string, len(candidates))
	for i, r := range candidates {
		options[i] = RoleLabel(r, names)
	}
	i, err := p.Select(ctx, "The IdP grants several roles; which one?", options)
	if errors.Is(err, prompt.ErrNoTerminal) {
		var b strings.Builder
		b.WriteString("the IdP grants several roles and there is no terminal to choose on:")
		for _, r := range candidates {
			b.WriteString("\n  " + r.RoleARN)
		}
		return saml.Role{}, &provider.InputNeededError{
			What: b.String(),
			Hint: fmt.Sprintf("pass --role with one of them (a full ARN, a role name, or account-id:role-name), or set role_arn in [account %s]", account),
		}
	}
	if err != nil {
		return saml.Role{}, err
	}
	return candidates[i], nil
}

// RoleLabel names a role for people: "alias (123456789012) RoleName" when
// names knows the account's alias, else the role ARN.
func RoleLabel(r saml.Role, names func(accountID string) string) string {
	if names != nil {
		if alias := names(r.Account()); alias != "" {
			return fmt.Sprintf("%s (%s) %s", alias, r.Account(), r.Name())
		}
	}
	return r.RoleARN
}
