package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsfed/awsfed/internal/prompt"
)

// MaxCodeTries is how many one-time codes one sign-in may have judged: a
// typo is forgiven, guessing is not.
const MaxCodeTries = 3

// Codes asks for the one-time codes of a sign-in, across its one restart
// after an expired state token: the code given up front once, then codes
// asked without echo, saying why the last one failed, at most MaxCodeTries
// judged. The zero value with Vendor set is ready.
type Codes struct {
	Vendor  string // "Okta", "OneLogin": who refuses
	UpFront string // a code given up front (--mfa-code-stdin, AWSFED_MFA_CODE)

	tries       int
	trouble     string // why the last code failed, for the next question
	upFrontUsed bool
	fromUpFront bool // the last code was the one given up front
}

// CodeAsk is one code to get.
type CodeAsk struct {
	Name      string // what it is: "Google Authenticator code", "SMS code"
	Question  string // the question when not Name ("Okta security question: …")
	Typed     string // a line already typed (while waiting for a push)
	UpFrontOK bool   // the code given up front may serve (not for a code the IdP sends)
	Raw       bool   // keep spaces (an answer, not a code)
}

// UpFrontLeft reports whether the code given up front is still unused.
func (c *Codes) UpFrontLeft() bool { return c.UpFront != "" && !c.upFrontUsed }

// Next returns the code to send and counts it as a try; "" means the user
// typed nothing, which counts too.
func (c *Codes) Next(ctx context.Context, p prompt.Prompter, a CodeAsk) (string, error) {
	code, err := c.get(ctx, p, a)
	if err != nil {
		return "", err
	}
	c.tries++
	if code == "" {
		c.trouble = "No code typed"
	}
	if !a.Raw {
		code = CleanCode(code)
	}
	return code, nil
}

func (c *Codes) get(ctx context.Context, p prompt.Prompter, a CodeAsk) (string, error) {
	c.fromUpFront = false
	if a.Typed != "" {
		return a.Typed, nil
	}
	if a.UpFrontOK && c.UpFrontLeft() {
		c.upFrontUsed, c.fromUpFront = true, true
		return c.UpFront, nil
	}
	label := a.Question
	if label == "" {
		label = a.Name
	}
	if c.trouble != "" {
		label = fmt.Sprintf("%s; %s (try %d of %d)", c.trouble, a.Name, c.tries+1, MaxCodeTries)
	}
	code, err := p.Password(ctx, label)
	if errors.Is(err, prompt.ErrNoTerminal) {
		if c.tries > 0 {
			return "", &MFARejectedError{Detail: fmt.Sprintf("%s refused the %s and there is no terminal to ask for another", c.Vendor, a.Name),
				Hint: "pass a current code with --mfa-code-stdin or AWSFED_MFA_CODE, or run awsfed in a terminal"}
		}
		return "", &InputNeededError{
			What: fmt.Sprintf("%s asks for a %s and there is no terminal to ask on", c.Vendor, a.Name),
			Hint: "run awsfed in a terminal; a code from an authenticator app or token (not one sent by SMS, voice call or email) can also come from --mfa-code-stdin or AWSFED_MFA_CODE",
		}
	}
	if err != nil {
		return "", fmt.Errorf("asking for the %s: %w", a.Name, err)
	}
	return code, nil
}

// Wrong records that the IdP refused the code (why: "Wrong code") and
// fails once the tries are used up.
func (c *Codes) Wrong(why, name string) error {
	c.trouble = why
	return c.Exhausted(name)
}

// Exhausted fails when no try is left.
func (c *Codes) Exhausted(name string) error {
	if c.tries >= MaxCodeTries {
		return &MFARejectedError{Detail: fmt.Sprintf("%s refused %d %ss", c.Vendor, c.tries, name)}
	}
	return nil
}

// Unjudged records that the sign-in expired before the last code was
// checked: it does not count, and a code given up front serves again.
func (c *Codes) Unjudged() {
	c.tries--
	if c.fromUpFront {
		c.upFrontUsed = false
	}
	c.trouble = "The sign-in expired before the code was checked; signed in again"
}

// Tries is the number of codes judged so far.
func (c *Codes) Tries() int { return c.tries }
