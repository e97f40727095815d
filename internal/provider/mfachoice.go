package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/awsfed/awsfed/internal/prompt"
)

// MFAChoice is the question every API provider asks when a user has
// several MFA factors and the mfa setting picked none: a numbered list on
// the terminal, else exit 2 listing them and saying how to pick one.
type MFAChoice struct {
	Vendor  string   // "Okta", "OneLogin"
	Noun    string   // what the vendor calls them: "factor", "device"
	User    string   // the IdP username
	IdP     string   // the [idp NAME] section, for the hint
	Setting string   // the mfa setting, when it matched none, else ""
	Values  string   // what mfa = takes, for the hint: "<type or id>"
	Example string   // a value of this user's that would work, or ""
	Labels  []string // one per factor, in the IdP's order
}

// Ask returns the index of the chosen label.
func (c MFAChoice) Ask(ctx context.Context, p prompt.Prompter) (int, error) {
	question := fmt.Sprintf("%s MFA %s", c.Vendor, c.Noun)
	if c.Setting != "" {
		question = fmt.Sprintf("mfa = %s matches no %s; %s", c.Setting, c.Noun, question)
	}
	i, err := p.Select(ctx, question, c.Labels)
	if errors.Is(err, prompt.ErrNoTerminal) {
		list := strings.Join(c.Labels, ", ")
		what := fmt.Sprintf("%s user %s has several MFA %ss and there is no terminal to choose on: %s", c.Vendor, c.User, c.Noun, list)
		if c.Setting != "" {
			what = fmt.Sprintf("mfa = %s matches none of the MFA %ss of %s user %s: %s", c.Setting, c.Noun, c.Vendor, c.User, list)
		}
		hint := fmt.Sprintf("set mfa = %s in [idp %s]", c.Values, c.IdP)
		if c.Example != "" {
			hint += " (e.g. mfa = " + c.Example + ")"
		}
		return 0, &InputNeededError{What: what, Hint: hint + ", or run awsfed in a terminal"}
	}
	if err != nil {
		return 0, fmt.Errorf("choosing the %s MFA %s: %w", c.Vendor, c.Noun, err)
	}
	return i, nil
}
