package onelogintest

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// token serves POST /auth/oauth2/v2/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := clientAuth(r.Header.Get("Authorization"))
	if !ok {
		s.violate(w, "token: Authorization is neither Basic base64(id:secret) nor client_id:<id>, client_secret:<secret>")
		return
	}
	body := s.decode(w, r, map[string]field{"grant_type": {typeString, true}})
	if body == nil {
		return
	}
	if g := str(body, "grant_type"); g != "client_credentials" {
		s.violate(w, "token: grant_type %q, want client_credentials", g)
		return
	}
	if id != s.opts.ClientID || secret != s.opts.ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]any{"status": map[string]any{"error": true, "code": 401, "type": "Unauthorized", "message": "Authentication Failure"}})
		return
	}
	tok := randomToken()
	now := s.opts.Now()
	s.tokens[tok] = now.Add(s.opts.TokenLifetime)
	writeJSON(w, map[string]any{
		"access_token": tok,
		"created_at":   now.UTC().Format(time.RFC3339Nano),
		"expires_in":   int64(s.opts.TokenLifetime / time.Second),
		"token_type":   "bearer",
		"account_id":   55555,
	})
}

// clientAuth reads the two client authentications OneLogin documents.
func clientAuth(h string) (id, secret string, ok bool) {
	if b64, found := strings.CutPrefix(h, "Basic "); found {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "", "", false
		}
		return strings.Cut(string(raw), ":")
	}
	rest, found := strings.CutPrefix(h, "client_id:")
	if !found {
		return "", "", false
	}
	id, secret, found = strings.Cut(rest, ", client_secret:")
	return id, secret, found && id != "" && secret != ""
}
