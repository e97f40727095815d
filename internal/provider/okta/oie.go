package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// OAuth 2.0 grant and token types of the device flow with token exchange.
const (
	grantDevice        = "urn:ietf:params:oauth:grant-type:device_code"
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	typeAccessToken    = "urn:ietf:params:oauth:token-type:access_token"
	typeIDToken        = "urn:ietf:params:oauth:token-type:id_token"
	typeWebSSO         = "urn:okta:oauth:token-type:web_sso_token"
	deviceScope        = "openid okta.apps.sso"
)

// identityEngine reports whether the org runs Okta Identity Engine
// (pipeline "idx" in /.well-known/okta-organization).
func (f *flow) identityEngine(ctx context.Context) (bool, error) {
	a, err := f.send(ctx, http.MethodGet, f.cfg.endpoint(pathWellKnown), "", nil)
	if err != nil {
		return false, err
	}
	var wk struct {
		Pipeline string `json:"pipeline"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.raw, &wk) != nil {
		return false, f.unexpected(a, "no Okta organization document")
	}
	f.log.Printf("okta: the org's pipeline is %q", wk.Pipeline)
	return wk.Pipeline == "idx", nil
}

// identityEngineOnly is the way out when an Identity Engine org's app
// refuses the classic flow: with oidc_client_id, the device flow; without,
// the two options the user has.
func (f *flow) identityEngineOnly(ctx context.Context) error {
	return &provider.InputNeededError{
		What: fmt.Sprintf("%s is an Okta Identity Engine org whose AWS app does not accept a sign-in through Okta's classic API", f.host()),
		Hint: fmt.Sprintf("either ask your Okta administrators for an OIDC native app with the Device Authorization and Token Exchange grants (README, \"Okta\") "+
			"and set oidc_client_id = <its client id> in [idp %s], or use the browser provider: provider = browser with url = %s", f.in.IdP, f.cfg.embed.String()),
	}
}

type deviceAnswer struct {
	DeviceCode      string `json:"device_code"`
	UserCode        string `json:"user_code"`
	VerificationURI string `json:"verification_uri"`
	Complete        string `json:"verification_uri_complete"`
	ExpiresIn       int    `json:"expires_in"`
	Interval        int    `json:"interval"`
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	Issued      string `json:"issued_token_type"`
}

// deviceFlow signs in on an Identity Engine org without a browser here:
// the user confirms a code in any browser, awsfed polls for the tokens,
// trades them for a web SSO token of the AWS app and that for the SAML form.
func (f *flow) deviceFlow(ctx context.Context) (string, error) {
	if f.cfg.appID == "" {
		return "", &provider.InputNeededError{What: "the Okta url does not name the AWS app's id, which the device flow needs",
			Hint: "set url to the embed link (…/home/amazon_aws/<app id>/272) or app_id in [idp " + f.in.IdP + "]"}
	}
	a, err := f.postForm(ctx, f.cfg.endpoint(pathDevice), url.Values{"client_id": {f.cfg.clientID}, "scope": {deviceScope}})
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK {
		return "", f.oauthFailure(a)
	}
	var d deviceAnswer
	if json.Unmarshal(a.raw, &d) != nil || d.DeviceCode == "" || d.UserCode == "" {
		return "", f.unexpected(a, "no device code in the answer")
	}
	f.secrets = append(f.secrets, d.DeviceCode)
	show := d.Complete
	if show == "" {
		show = d.VerificationURI
	}
	interval := time.Duration(max(d.Interval, 1)) * time.Second
	expires := f.p.clock.Now().Add(time.Duration(max(d.ExpiresIn, 60)) * time.Second)
	if f.p.open != nil && d.VerificationURI != "" {
		// The page without the code: argv is visible to every user.
		if err := f.p.open(ctx, d.VerificationURI); err != nil {
			f.log.Printf("okta: could not open a browser: %v", err)
		} else {
			f.log.Printf("okta: opened %s in the browser", d.VerificationURI)
		}
	}
	w := provider.StartWait(ctx, f.in.Prompt, fmt.Sprintf("Okta: open %s in a browser and confirm the code %s", show, d.UserCode))
	defer w.End()
	var tok tokenAnswer
	for {
		switch _, _, err := w.Typed(); {
		case ctx.Err() != nil:
			return "", ctx.Err()
		case errors.Is(err, prompt.ErrNoTerminal):
			return "", &provider.InputNeededError{What: "the Okta device sign-in needs a terminal to show its code on, and there is none",
				Hint: "run awsfed login in a terminal once: the Okta session it keeps serves later sign-ins"}
		case err != nil:
			f.log.Printf("okta: no wait line (%v)", err)
		}
		if err := f.p.clock.Sleep(ctx, interval); err != nil {
			return "", err
		}
		if f.p.clock.Now().After(expires) {
			return "", &provider.ServiceError{What: "nobody confirmed the Okta device code " + d.UserCode + " in time", Hint: "run awsfed again and confirm the code in a browser sooner", Rejected: true}
		}
		a, err = f.postForm(ctx, f.cfg.endpoint(pathToken), url.Values{"grant_type": {grantDevice}, "client_id": {f.cfg.clientID}, "device_code": {d.DeviceCode}})
		if err != nil {
			return "", err
		}
		if a.status == http.StatusOK {
			if json.Unmarshal(a.raw, &tok) != nil || tok.AccessToken == "" || tok.IDToken == "" {
				return "", f.unexpected(a, "no access and ID token in the answer")
			}
			break
		}
		switch e := a.apiError(); e.OAuth {
		case "authorization_pending":
		case "slow_down":
			interval += 5 * time.Second
		case "access_denied":
			return "", &provider.MFARejectedError{Detail: "the Okta device sign-in was denied", Hint: "confirm the code in the browser instead of denying it"}
		case "expired_token":
			return "", &provider.ServiceError{What: "the Okta device code " + d.UserCode + " expired", Hint: "run awsfed again and confirm the code in a browser sooner", Rejected: true}
		default:
			return "", f.oauthFailure(a)
		}
	}
	w.End()
	f.secrets = append(f.secrets, tok.AccessToken, tok.IDToken)
	f.log.Printf("okta: the device sign-in was confirmed; exchanging the tokens for a web SSO token")
	a, err = f.postForm(ctx, f.cfg.endpoint(pathToken), url.Values{
		"grant_type": {grantTokenExchange}, "client_id": {f.cfg.clientID},
		"actor_token": {tok.AccessToken}, "actor_token_type": {typeAccessToken},
		"subject_token": {tok.IDToken}, "subject_token_type": {typeIDToken},
		"audience": {"urn:okta:apps:" + f.cfg.appID}, "requested_token_type": {typeWebSSO},
	})
	if err != nil {
		return "", err
	}
	var sso tokenAnswer
	if a.status != http.StatusOK {
		return "", f.oauthFailure(a)
	}
	if json.Unmarshal(a.raw, &sso) != nil || sso.AccessToken == "" {
		return "", f.unexpected(a, "no web SSO token in the answer")
	}
	f.secrets = append(f.secrets, sso.AccessToken)
	u := f.cfg.endpoint(pathTokenSSO)
	u.RawQuery = url.Values{"token": {sso.AccessToken}}.Encode()
	p, err := f.getApp(ctx, f.http, u.String(), secretWebSSO)
	if err != nil {
		return "", err
	}
	if p.saml == "" {
		return "", f.appFailureNoIDX(p)
	}
	f.saveSession()
	return p.saml, nil
}

// oauthFailure explains an error of the OAuth endpoints.
func (f *flow) oauthFailure(a *answer) error {
	e := a.apiError()
	switch e.OAuth {
	case "invalid_client":
		return &provider.ServiceError{
			What: fmt.Sprintf("Okta at %s does not know the OIDC client %s (invalid_client)", f.host(), f.cfg.clientID),
			Hint: "check oidc_client_id in [idp " + f.in.IdP + "]: the client id of the OIDC native app your Okta administrators made for awsfed",
		}
	case "unauthorized_client", "invalid_grant", "invalid_target", "invalid_scope":
		return &provider.ServiceError{
			What: fmt.Sprintf("Okta refused the device sign-in with client %s (%s: %s)", f.cfg.clientID, e.OAuth, f.oneLine(e.OAuthDesc)),
			Hint: "the OIDC app needs the Device Authorization and Token Exchange grants, the okta.apps.sso scope, and to be an allowed Web SSO client of the AWS app (README, \"Okta\")",
		}
	}
	if a.status == http.StatusTooManyRequests {
		return f.rateLimited(a)
	}
	return f.unexpected(a, "")
}

// appFailureNoIDX explains a /login/token/sso page without a SAMLResponse.
func (f *flow) appFailureNoIDX(p *appPage) error {
	what := "no SAMLResponse after the web SSO token"
	if t := f.oneLine(p.page.ErrorText); t != "" {
		what += ": " + t
	}
	return &provider.UnexpectedPageError{Hint: "the OIDC app must be an allowed Web SSO client of the AWS app (README, \"Okta\")", URL: p.url.Scheme + "://" + p.url.Host + p.url.Path, Status: p.status, What: what}
}
