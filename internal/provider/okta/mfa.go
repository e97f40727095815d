package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/provider"
)

// factorKind is how a factor is passed.
type factorKind int

const (
	kindCode     factorKind = iota // a code from an app or token: TOTP, YubiKey OTP, RSA SecurID
	kindSend                       // Okta sends the code when asked: SMS, voice call, email
	kindQuestion                   // a security question the user answers
	kindPush                       // Okta Verify push
	kindBrowser                    // only a browser can pass it: WebAuthn, Duo, FastPass, another IdP
)

func (fc factor) kind() factorKind {
	switch fc.Type {
	case "push":
		return kindPush
	case "sms", "call", "email":
		return kindSend
	case "token:software:totp", "token:hardware", "token", "token:hotp":
		return kindCode
	case "question":
		return kindQuestion
	}
	return kindBrowser
}

// name is the factor as a person knows it.
func (fc factor) name() string {
	prov := strings.ToUpper(fc.Provider)
	switch fc.Type {
	case "push":
		return "Okta Verify push"
	case "token:software:totp":
		switch prov {
		case "OKTA":
			return "Okta Verify code"
		case "GOOGLE":
			return "Google Authenticator code"
		}
		return titleWord(prov) + " authenticator code"
	case "token:hardware":
		if prov == "YUBICO" {
			return "YubiKey code"
		}
		return "hardware token code"
	case "token", "token:hotp":
		switch prov {
		case "RSA":
			return "RSA SecurID code"
		case "SYMANTEC":
			return "Symantec VIP code"
		}
		return "token code"
	case "sms":
		return "SMS code"
	case "call":
		return "voice call code"
	case "email":
		return "email code"
	case "question":
		return "security question"
	case "webauthn", "u2f":
		return "security key or biometric (WebAuthn)"
	case "web":
		return "Duo"
	case "signed_nonce":
		return "Okta FastPass"
	}
	return fc.Type + " (" + titleWord(prov) + ")"
}

// label is the factor in a list: its name and where it goes.
func (fc factor) label() string {
	l := fc.name()
	for _, k := range []string{"name", "phoneNumber", "email", "authenticatorName"} {
		if v, ok := fc.Profile[k].(string); ok && v != "" {
			return l + " (" + v + ")"
		}
	}
	return l
}

// sentTo is where Okta sends the code of an SMS, call or email factor, as
// Okta masks it (+1 XXX-XXX-4321).
func sentTo(fc factor) string {
	for _, k := range []string{"phoneNumber", "email"} {
		if v, ok := fc.Profile[k].(string); ok && v != "" {
			return v
		}
	}
	return ""
}

func titleWord(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + strings.ToLower(s[1:])
}

// mfa passes the second factor Okta asks for and returns the session token.
func (f *flow) mfa(ctx context.Context, a *answer, t *transaction) (string, error) {
	all := t.factors()
	fc, err := f.chooseFactor(ctx, a, all)
	if err != nil {
		return "", err
	}
	f.factorID = fc.ID
	f.log.Printf("okta: MFA with %s (factor %s)", fc.name(), fc.ID)
	verify, err := f.href(a, fc.Links.Verify.Href)
	if err != nil {
		return "", err
	}
	switch fc.kind() {
	case kindPush:
		return f.push(ctx, t.StateToken, fc, verify, companion(all))
	case kindSend:
		return f.sendThenCode(ctx, t.StateToken, fc, verify)
	}
	return f.verifyCodes(ctx, t.StateToken, fc, verify, "")
}

// companion is the Okta Verify code factor that stands beside a push: the
// code the app shows, typed instead of approving.
func companion(all []factor) *factor {
	for i, fc := range all {
		if fc.Type == "token:software:totp" && strings.EqualFold(fc.Provider, "OKTA") {
			return &all[i]
		}
	}
	return nil
}

// chooseFactor keeps the factor of an earlier attempt, takes the one the
// mfa setting names, the only one, or asks. Okta Verify's code factor is
// not offered beside its push: it is what the user types while waiting.
func (f *flow) chooseFactor(ctx context.Context, a *answer, all []factor) (factor, error) {
	var usable, browser []factor
	hasPush := false
	for _, fc := range all {
		if fc.kind() == kindPush {
			hasPush = true
		}
	}
	for _, fc := range all {
		if f.factorID != "" && fc.ID == f.factorID {
			return fc, nil
		}
		switch {
		case fc.kind() == kindBrowser:
			browser = append(browser, fc)
		case hasPush && fc.Type == "token:software:totp" && strings.EqualFold(fc.Provider, "OKTA"):
		default:
			usable = append(usable, fc)
		}
	}
	if f.cfg.mfa != "" {
		if fc, ok := matchFactor(all, f.cfg.mfa); ok {
			if fc.kind() == kindBrowser {
				return factor{}, f.needsBrowser([]factor{fc})
			}
			return fc, nil
		}
	}
	switch {
	case len(usable) == 0 && len(browser) > 0:
		return factor{}, f.needsBrowser(browser)
	case len(usable) == 0:
		return factor{}, f.unexpected(a, "Okta requires MFA for "+f.in.Username+" but lists no factor; enroll one in Okta first")
	case len(usable) == 1 && f.cfg.mfa == "":
		return usable[0], nil
	}
	labels := make([]string, len(usable))
	for i, fc := range usable {
		labels[i] = fc.label()
	}
	i, err := provider.MFAChoice{Vendor: "Okta", Noun: "factor", User: f.in.Username, IdP: f.in.IdP, Setting: f.cfg.mfa,
		Values: "<push, totp, sms, call, email, token, a provider or a device name>", Labels: labels}.Ask(ctx, f.in.Prompt)
	if err != nil {
		return factor{}, err
	}
	return usable[i], nil
}

// matchFactor finds the factor the mfa setting names: by id, by type word
// (push, totp, sms, call, email, token), by provider (okta, google, yubico,
// rsa, duo), or by the device's name. The first in Okta's order wins.
func matchFactor(all []factor, want string) (factor, bool) {
	w := strings.ToLower(strings.TrimSpace(want))
	word := map[string]func(factor) bool{
		"push":     func(fc factor) bool { return fc.Type == "push" },
		"totp":     func(fc factor) bool { return fc.Type == "token:software:totp" },
		"sms":      func(fc factor) bool { return fc.Type == "sms" },
		"call":     func(fc factor) bool { return fc.Type == "call" },
		"voice":    func(fc factor) bool { return fc.Type == "call" },
		"email":    func(fc factor) bool { return fc.Type == "email" },
		"token":    func(fc factor) bool { return strings.HasPrefix(fc.Type, "token") },
		"yubikey":  func(fc factor) bool { return fc.Type == "token:hardware" },
		"webauthn": func(fc factor) bool { return fc.Type == "webauthn" || fc.Type == "u2f" },
	}
	tests := []func(factor) bool{
		func(fc factor) bool { return strings.ToLower(fc.ID) == w },
		func(fc factor) bool { return word[w] != nil && word[w](fc) },
		func(fc factor) bool { return strings.ToLower(fc.Type) == w },
		func(fc factor) bool { return strings.ToLower(fc.Provider) == w },
		func(fc factor) bool { n, _ := fc.Profile["name"].(string); return n != "" && strings.EqualFold(n, w) },
	}
	for _, match := range tests {
		for _, fc := range all {
			if match(fc) {
				return fc, true
			}
		}
	}
	return factor{}, false
}

// needsBrowser explains that only a browser can pass these factors.
func (f *flow) needsBrowser(fs []factor) error {
	names := make([]string, len(fs))
	for i, fc := range fs {
		names[i] = fc.name()
	}
	return &provider.InputNeededError{
		What: fmt.Sprintf("Okta at %s asks %s for %s, which only a browser can pass", f.host(), f.in.Username, strings.Join(names, " or ")),
		Hint: f.browserHint(),
	}
}

type verifyRequest struct {
	StateToken string `json:"stateToken"`
	PassCode   string `json:"passCode,omitempty"`
	Answer     string `json:"answer,omitempty"` // a security question's
}

// sendThenCode has Okta send the code (SMS, call, email), then asks for it.
func (f *flow) sendThenCode(ctx context.Context, state string, fc factor, verify *url.URL) (string, error) {
	a, err := f.postJSON(ctx, verify, verifyRequest{StateToken: state})
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK {
		return "", f.failure(a)
	}
	t, err := f.transaction(a)
	if err != nil {
		return "", err
	}
	if t.Status == "SUCCESS" {
		return f.finish(ctx, a, t)
	}
	if t.Status != "MFA_CHALLENGE" {
		return "", f.status(a, t)
	}
	f.log.Printf("okta: Okta sent the %s", fc.name())
	return f.verifyCodes(ctx, state, fc, verify, "")
}

// verifyCodes posts codes until Okta takes one or the tries run out.
// typed is a code already in hand ("" = get one).
func (f *flow) verifyCodes(ctx context.Context, state string, fc factor, verify *url.URL, typed string) (string, error) {
	question := fc.kind() == kindQuestion
	ask := provider.CodeAsk{Name: fc.name(), UpFrontOK: fc.kind() == kindCode, Raw: question}
	if q, ok := fc.Profile["questionText"].(string); ok && question {
		ask.Question = "Okta security question: " + f.oneLine(q)
	}
	if to := sentTo(fc); to != "" && fc.kind() == kindSend {
		ask.Question = fc.name() + " (sent to " + f.oneLine(to) + ")"
	}
	for {
		ask.Typed = typed
		code, err := f.codes.Next(ctx, f.in.Prompt, ask)
		if err != nil {
			return "", err
		}
		typed = ""
		if code == "" {
			if err := f.codes.Exhausted(fc.name()); err != nil {
				return "", err
			}
			continue
		}
		f.secrets = append(f.secrets, code)
		req := verifyRequest{StateToken: state, PassCode: code}
		if question {
			req = verifyRequest{StateToken: state, Answer: code}
		}
		a, err := f.postJSON(ctx, verify, req)
		if err != nil {
			return "", err
		}
		if a.status == http.StatusOK {
			t, err := f.transaction(a)
			if err != nil {
				return "", err
			}
			f.log.Printf("okta: Okta accepted the %s", fc.name())
			return f.finish(ctx, a, t)
		}
		switch err := f.failure(a); {
		case errors.Is(err, errStateExpired):
			f.codes.Unjudged()
			return "", err
		case !errors.Is(err, errWrongCode):
			return "", err
		}
		f.log.Printf("okta: Okta refused the %s (try %d of %d)", fc.name(), f.codes.Tries(), provider.MaxCodeTries)
		why := "Wrong code"
		if question {
			why = "Wrong answer"
		}
		if err := f.codes.Wrong(why, fc.name()); err != nil {
			return "", err
		}
	}
}
