package okta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

type authnRequest struct {
	Username   string `json:"username,omitempty"`
	Password   string `json:"password,omitempty"`
	StateToken string `json:"stateToken,omitempty"`
}

// classic signs in with the password and any MFA through /api/v1/authn,
// then trades the session token for the SAML form at the embed link.
func (f *flow) classic(ctx context.Context) (string, error) {
	if f.in.Username == "" {
		return "", &provider.InputNeededError{What: "the Okta provider needs a username", Hint: "pass --username or set username in [idp " + f.in.IdP + "]"}
	}
	if !utf8.ValidString(f.in.Username) {
		return "", &provider.InputNeededError{What: "the username is not valid UTF-8 text", Hint: "check the username"}
	}
	if f.in.Password == nil {
		return "", &provider.InputNeededError{What: "no way to get the password", Hint: "pass --password-stdin or set AWSFED_PASSWORD"}
	}
	pw, err := f.in.Password(ctx)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(pw) {
		// JSON would silently change the bytes, and Okta would judge
		// another password than the one typed.
		return "", &provider.InputNeededError{What: "the password is not valid UTF-8 text, which Okta's API cannot carry", Hint: "check how the password is given (terminal encoding, --password-stdin input)"}
	}
	f.password = pw
	f.secrets = append(f.secrets, pw)

	token, err := f.signIn(ctx, authnRequest{Username: f.in.Username, Password: pw})
	if err != nil {
		return "", err
	}
	saml, stepUp, err := f.appWithToken(ctx, token)
	if err != nil || stepUp == "" {
		return saml, err
	}
	if strings.HasPrefix(stepUp, "02.") {
		// An Identity Engine state handle, which the classic API refuses.
		return "", f.appFailure(ctx, &appPage{url: f.cfg.embed, status: http.StatusOK})
	}
	// The app asks for more than the org did: its sign-on policy wants MFA.
	f.log.Printf("okta: the AWS app asks for a second factor (step-up)")
	token, err = f.signIn(ctx, authnRequest{StateToken: stepUp})
	if errors.Is(err, errStepUpRefused) {
		return "", f.appFailure(ctx, &appPage{url: f.cfg.embed, status: http.StatusOK})
	}
	if err != nil {
		return "", err
	}
	saml, stepUp, err = f.appWithToken(ctx, token)
	if err == nil && stepUp != "" {
		return "", &provider.UnexpectedPageError{Hint: oktaHint, URL: httpx.Redact(f.cfg.embed), Status: http.StatusOK,
			What: "the AWS app asked for a second factor again after Okta accepted one"}
	}
	return saml, err
}

// errStepUpRefused: the state token of the app's page is not one the
// classic API knows (an Identity Engine page).
var errStepUpRefused = errors.New("okta: the step-up state token was refused")

// signIn posts req to /api/v1/authn and passes any MFA, returning the
// session token. An expired state token restarts the sign-in once with the
// password already accepted (which cannot lock the account: it is no
// retry of a refused password).
func (f *flow) signIn(ctx context.Context, req authnRequest) (string, error) {
	for attempt := 1; ; attempt++ {
		t, a, err := f.authn(ctx, req)
		if errors.Is(err, errStateExpired) && req.StateToken != "" {
			return "", errStepUpRefused
		}
		if err != nil {
			return "", err
		}
		token, err := f.finish(ctx, a, t)
		switch {
		case errors.Is(err, errWrongCode):
			return "", &provider.MFARejectedError{Detail: "Okta refused the second factor (E0000068)"}
		case !errors.Is(err, errStateExpired):
			return token, err
		case req.Password == "":
			return "", &provider.ServiceError{What: "Okta's sign-in state expired during the app's extra verification",
				Hint: "try again and answer the MFA prompt sooner"}
		case attempt > 1:
			return "", &provider.ServiceError{
				What: "Okta's state token expired again after a fresh sign-in",
				Hint: "try again and answer the MFA prompt sooner; if it keeps happening, a proxy may be delaying the calls (--debug shows each call)",
			}
		}
		f.log.Printf("okta: the state token expired; signing in again once")
	}
}

// authn posts /api/v1/authn.
func (f *flow) authn(ctx context.Context, req authnRequest) (*transaction, *answer, error) {
	a, err := f.postJSON(ctx, f.cfg.endpoint(pathAuthn), req)
	if err != nil {
		return nil, nil, err
	}
	if a.status != http.StatusOK {
		return nil, a, f.failure(a)
	}
	t, err := f.transaction(a)
	return t, a, err
}

// transaction decodes a 200 answer of the authentication API.
func (f *flow) transaction(a *answer) (*transaction, error) {
	var t transaction
	if err := json.Unmarshal(a.raw, &t); err != nil || t.Status == "" {
		return nil, f.unexpected(a, "the answer is not the expected JSON")
	}
	f.secrets = append(f.secrets, t.StateToken, t.SessionToken)
	return &t, nil
}

// finish takes a transaction to its session token.
func (f *flow) finish(ctx context.Context, a *answer, t *transaction) (string, error) {
	switch t.Status {
	case "SUCCESS":
		if t.SessionToken == "" {
			return "", f.unexpected(a, "SUCCESS without a sessionToken")
		}
		f.log.Printf("okta: signed in; got a session token")
		return t.SessionToken, nil
	case "MFA_REQUIRED":
		return f.mfa(ctx, a, t)
	}
	return "", f.status(a, t)
}
