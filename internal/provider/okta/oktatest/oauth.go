package oktatest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// OAuth 2.0 grant and token types of the Identity Engine device flow.
const (
	GrantDevice        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	TypeAccessToken    = "urn:ietf:params:oauth:token-type:access_token"
	TypeIDToken        = "urn:ietf:params:oauth:token-type:id_token"
	TypeWebSSO         = "urn:okta:oauth:token-type:web_sso_token"
)

// UserCode is the code the user confirms in the browser.
const UserCode = "WDJB-MJHT"

// deviceAuthorize is POST /oauth2/v1/device/authorize.
func (s *Server) deviceAuthorize(w http.ResponseWriter, r *http.Request) {
	v := s.decodeForm(w, r, map[string]bool{"client_id": true, "scope": true})
	if v == nil {
		return
	}
	if v.Get("client_id") != s.opts.ClientID {
		s.oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid value for 'client_id' parameter.")
		return
	}
	scopes := strings.Fields(v.Get("scope"))
	if !contains(scopes, "openid") || !contains(scopes, "okta.apps.sso") {
		s.violations = append(s.violations, "device/authorize: scope "+v.Get("scope")+" lacks openid or okta.apps.sso")
		s.oauthError(w, http.StatusBadRequest, "invalid_scope", "One or more scopes are not configured for the authorization server resource.")
		return
	}
	code := "dc-" + s.random(16)
	s.devices[code] = &deviceCode{issued: s.opts.Now()}
	s.json(w, http.StatusOK, map[string]any{"device_code": code, "user_code": UserCode,
		"verification_uri": s.URL + "/activate", "verification_uri_complete": s.URL + "/activate?user_code=" + UserCode,
		"expires_in": 600, "interval": s.opts.DeviceInterval})
}

// token is POST /oauth2/v1/token: device-code polls and the exchange.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	v := s.readForm(w, r)
	if v == nil {
		return
	}
	switch v.Get("grant_type") {
	case GrantDevice:
		s.deviceToken(w, r, v)
	case GrantTokenExchange:
		s.exchange(w, r, v)
	default:
		s.violations = append(s.violations, "/oauth2/v1/token: grant_type "+v.Get("grant_type"))
		s.oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported.")
	}
}

// deviceToken answers a device-code poll.
func (s *Server) deviceToken(w http.ResponseWriter, r *http.Request, v url.Values) {
	if !s.checkForm(w, r, v, map[string]bool{"grant_type": true, "client_id": true, "device_code": true}) {
		return
	}
	if v.Get("client_id") != s.opts.ClientID {
		s.oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid value for 'client_id' parameter.")
		return
	}
	d := s.devices[v.Get("device_code")]
	if d == nil || d.done {
		s.oauthError(w, http.StatusBadRequest, "invalid_grant", "The device code is invalid or has expired.")
		return
	}
	now := s.opts.Now()
	interval := secondsDur(s.opts.DeviceInterval)
	if gap := now.Sub(d.lastPoll); !d.lastPoll.IsZero() && gap < interval {
		s.violations = append(s.violations, "a device-code poll "+gap.String()+" after the previous one (interval "+interval.String()+")")
		d.lastPoll = now
		s.oauthError(w, http.StatusBadRequest, "slow_down", "The client is polling too frequently.")
		return
	}
	d.lastPoll = now
	if now.Sub(d.issued) < s.opts.DeviceApprove {
		s.oauthError(w, http.StatusBadRequest, "authorization_pending", "The device authorization is pending. Please try again later.")
		return
	}
	d.done = true
	user := s.deviceUser()
	at, id := "at-"+s.random(16), "eyJ"+s.random(16)
	s.accessToks[at], s.accessToks[id] = user, user
	s.json(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": at,
		"scope": "openid okta.apps.sso", "id_token": id})
}

// exchange trades the access and ID tokens for a web SSO token of the AWS app.
func (s *Server) exchange(w http.ResponseWriter, r *http.Request, v url.Values) {
	if !s.checkForm(w, r, v, map[string]bool{"grant_type": true, "client_id": true, "actor_token": true, "actor_token_type": true,
		"subject_token": true, "subject_token_type": true, "audience": true, "requested_token_type": true}) {
		return
	}
	switch {
	case v.Get("actor_token_type") != TypeAccessToken || v.Get("subject_token_type") != TypeIDToken || v.Get("requested_token_type") != TypeWebSSO:
		s.violations = append(s.violations, "token exchange: wrong token types")
		s.oauthError(w, http.StatusBadRequest, "invalid_request", "The token types are not supported.")
		return
	case v.Get("audience") != "urn:okta:apps:"+s.opts.AppID:
		s.oauthError(w, http.StatusBadRequest, "invalid_target", "The audience is invalid.")
		return
	case v.Get("client_id") != s.opts.ClientID:
		s.oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid value for 'client_id' parameter.")
		return
	}
	user, ok := s.accessToks[v.Get("actor_token")]
	if !ok || !strings.HasPrefix(v.Get("actor_token"), "at-") || s.accessToks[v.Get("subject_token")] != user {
		s.oauthError(w, http.StatusBadRequest, "invalid_grant", "The token is invalid.")
		return
	}
	tok := "wst-" + s.random(16)
	s.webSSO[tok] = user
	s.json(w, http.StatusOK, map[string]any{"token_type": "N_A", "expires_in": 300, "access_token": tok, "issued_token_type": TypeWebSSO})
}

// deviceUser is the user who approves device codes: the only user, or
// the first by name.
func (s *Server) deviceUser() string {
	names := slices.Sorted(maps.Keys(s.opts.Users))
	if len(names) == 0 {
		return "nobody"
	}
	return names[0]
}

func (s *Server) oauthError(w http.ResponseWriter, status int, code, desc string) {
	s.json(w, status, map[string]any{"error": code, "error_description": desc})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func secondsDur(n int) time.Duration { return time.Duration(n) * time.Second }
