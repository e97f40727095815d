package onelogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/provider"
)

// flow is one login.
type flow struct {
	p   *Provider
	in  *provider.Input
	cfg *config
	log *debug.Logger
	tok *token

	password string
	secrets  []string // password, token, state tokens, codes: scrubbed from any OneLogin text shown

	// What survives a restart after an expired state token, so that the
	// user is not asked twice and the tries stay bounded.
	deviceID flexID
	codes    provider.Codes
}

// Assertion logs the user in through OneLogin's API and returns the
// SAMLResponse exactly as OneLogin produced it.
func (p *Provider) Assertion(ctx context.Context, in *provider.Input) (string, error) {
	cfg, err := parseConfig(in)
	if err != nil {
		return "", err
	}
	if in.Username == "" {
		return "", &provider.InputNeededError{What: "the OneLogin provider needs a username or email", Hint: "pass --username or set username in [idp " + in.IdP + "]"}
	}
	if !utf8.ValidString(in.Username) {
		return "", &provider.InputNeededError{What: "the username is not valid UTF-8 text", Hint: "check the username"}
	}
	if in.Password == nil {
		return "", &provider.InputNeededError{What: "no way to get the password", Hint: "pass --password-stdin or set AWSFED_PASSWORD"}
	}
	f := &flow{p: p, in: in, cfg: cfg, log: in.Debug, codes: provider.Codes{Vendor: "OneLogin", UpFront: in.MFACode}}
	// The token first: a wrong API credential is reported before the user
	// types a password for nothing.
	if f.tok, err = f.getToken(ctx, ""); err != nil {
		return "", err
	}
	pw, err := in.Password(ctx)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(pw) {
		// JSON would silently change the bytes, and OneLogin would judge
		// another password than the one typed.
		return "", &provider.InputNeededError{What: "the password is not valid UTF-8 text, which OneLogin's API cannot carry", Hint: "check how the password is given (terminal encoding, --password-stdin input)"}
	}
	f.password = pw
	f.secrets = append(f.secrets, pw)
	for attempt := 1; ; attempt++ {
		s, err := f.login(ctx)
		if err != nil {
			return "", err
		}
		if s.Data != "" {
			f.log.Printf("onelogin: got the SAML response without MFA")
			return s.Data, nil
		}
		data, err := f.mfa(ctx, s)
		switch {
		case errors.Is(err, errTokenRejected):
			return "", &provider.ServiceError{
				What: "OneLogin refused the API access token in the middle of the MFA step",
				Hint: "try again; if it recurs, check the API credential in OneLogin admin (Developers → API Credentials)",
			}
		case errors.Is(err, errWrongCode):
			return "", &provider.MFARejectedError{Detail: "OneLogin refused the second factor (Failed authentication with this factor)"}
		case !errors.Is(err, errStateExpired):
			return data, err
		}
		if attempt > 1 {
			return "", &provider.ServiceError{
				What: "OneLogin's MFA state token expired again after a fresh login",
				Hint: "try again and answer the MFA prompt sooner; if it keeps happening, the clock or a proxy may be delaying the calls (--debug shows each call)",
			}
		}
		// The password was accepted, so sending it again cannot lock the
		// account: it is not a retry of a refused password.
		f.log.Printf("onelogin: the MFA state token expired; logging in again once")
	}
}

// login posts saml_assertion. A cached token that OneLogin refuses is
// replaced by a new one once; the password was not judged then.
func (f *flow) login(ctx context.Context) (*samlAnswer, error) {
	body := assertionRequest{UsernameOrEmail: f.in.Username, Password: f.password, AppID: f.cfg.appID, Subdomain: f.cfg.subdomain}
	for retried := false; ; retried = true {
		a, err := f.post(ctx, pathAssertion, f.tok.header(), body)
		if err != nil {
			return nil, err
		}
		if a.status == http.StatusOK {
			s, err := f.saml(a)
			if err != nil {
				return nil, err
			}
			if s.Data == "" && s.StateToken == "" {
				return nil, f.unexpected(a, "neither a SAML response nor an MFA request")
			}
			return s, nil
		}
		err = f.failure(a)
		switch {
		case errors.Is(err, errTokenRejected) && f.tok.cached && !retried:
			f.log.Printf("onelogin: OneLogin refused the cached API token; getting a new one")
			if f.tok, err = f.getToken(ctx, f.tok.value); err != nil {
				return nil, err
			}
			continue
		case errors.Is(err, errTokenRejected):
			return nil, &provider.ServiceError{
				What: fmt.Sprintf("OneLogin refused a new API access token of client_id %s", f.cfg.clientID),
				Hint: "check the API credential in OneLogin admin (Developers → API Credentials) and that url or region names your account's API host",
			}
		case errors.Is(err, errWrongCode), errors.Is(err, errStateExpired):
			return nil, f.unexpected(a, "")
		}
		return nil, err
	}
}
