package oktatest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// stateLifetime is how long Okta keeps an authentication transaction.
const stateLifetime = 5 * time.Minute

// minPoll is the shortest gap between two polls of a push that the fake
// accepts: Okta's own clients poll once a second.
const minPoll = time.Second

// authn is POST /api/v1/authn: a primary authentication, or a transaction
// resumed by its state token.
func (s *Server) authn(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawQuery != "" {
		s.violate(w, "%s: unexpected query string", r.URL.Path)
		return
	}
	body := s.decodeJSON(w, r, map[string]bool{"username": false, "password": false, "stateToken": false, "options": false}, "options")
	if body == nil {
		return
	}
	if s.opts.RateLimited > 0 {
		s.opts.RateLimited--
		s.rateHeaders(w, 0)
		w.Header().Set("Retry-After", strconv.Itoa(int(s.opts.RateLimitReset/time.Second)))
		s.apiError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	s.rateHeaders(w, 599)
	if st := str(body, "stateToken"); st != "" {
		if str(body, "username") != "" || str(body, "password") != "" {
			s.violate(w, "/api/v1/authn: a state token and a password in one request")
			return
		}
		t := s.useState(st)
		if t == nil {
			s.apiError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
			return
		}
		s.mfaRequired(w, st, t)
		return
	}
	user, pw := str(body, "username"), str(body, "password")
	if user == "" || pw == "" {
		s.violate(w, "/api/v1/authn: username and password are required")
		return
	}
	key := user + "\x00" + pw
	if s.rejected[key] {
		s.violations = append(s.violations, "/api/v1/authn: the password of "+user+" was sent again after Okta refused it")
	}
	u, ok := s.opts.Users[user]
	if !ok || u.Password != pw {
		s.rejected[key] = true
		s.apiError(w, http.StatusUnauthorized, "E0000004", "Authentication failed")
		return
	}
	switch {
	case u.LockedOut:
		s.json(w, http.StatusOK, map[string]any{"status": "LOCKED_OUT", "_links": map[string]any{}})
		return
	case u.PasswordExpired:
		st, _ := s.newState(user)
		s.json(w, http.StatusOK, map[string]any{"status": "PASSWORD_EXPIRED", "stateToken": st,
			"expiresAt": s.expires(stateLifetime), "_embedded": s.userJSON(user)})
		return
	case len(u.Factors) == 0 || u.StepUp:
		s.success(w, user, len(u.Factors) == 0)
		return
	}
	st, t := s.newState(user)
	s.mfaRequired(w, st, t)
}

// newState opens a transaction for user.
func (s *Server) newState(user string) (string, *state) {
	s.issued++
	st := "00" + s.random(8) + "-" + s.random(8)
	t := &state{user: user, issued: s.opts.Now(), expired: s.issued <= s.opts.ExpireStates,
		pushedAt: map[string]time.Time{}, lastPoll: map[string]time.Time{}, polls: map[string]int{},
		sent: map[string]bool{}, resolution: map[string]string{}}
	s.states[st] = t
	return st, t
}

// useState returns the live transaction of st, or nil: unknown, finished,
// past its lifetime, or expired on purpose (once).
func (s *Server) useState(st string) *state {
	t := s.states[st]
	switch {
	case t == nil || t.done:
		return nil
	case t.expired:
		delete(s.states, st)
		return nil
	case s.opts.Now().Sub(t.issued) > stateLifetime:
		return nil
	}
	return t
}

// mfaRequired answers the MFA_REQUIRED transaction with the user's factors.
func (s *Server) mfaRequired(w http.ResponseWriter, st string, t *state) {
	var factors []map[string]any
	for i, f := range s.opts.Users[t.user].Factors {
		factors = append(factors, s.factorJSON(i, f))
	}
	emb := s.userJSON(t.user)
	emb["factors"] = factors
	s.json(w, http.StatusOK, map[string]any{"status": "MFA_REQUIRED", "stateToken": st, "expiresAt": s.expires(stateLifetime),
		"_embedded": emb, "_links": map[string]any{"cancel": link(s.URL + "/api/v1/authn/cancel")}})
}

// success ends a transaction with a one-time session token.
func (s *Server) success(w http.ResponseWriter, user string, mfaDone bool) {
	tok := "20111" + s.random(12)
	s.tokens[tok] = &sessionToken{user: user, issued: s.opts.Now(), mfaDone: mfaDone}
	s.json(w, http.StatusOK, map[string]any{"status": "SUCCESS", "sessionToken": tok, "expiresAt": s.expires(s.opts.TokenLifetime),
		"_embedded": s.userJSON(user)})
}

// verify is POST /api/v1/authn/factors/{id}/verify (and …/verify/resend).
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/api/v1/authn/factors/")
	id, tail, _ := strings.Cut(rest, "/")
	if tail != "verify" && tail != "verify/resend" {
		s.violate(w, "%s: no such endpoint", r.URL.Path)
		return
	}
	for name := range r.URL.Query() {
		if name != "rememberDevice" {
			s.violate(w, "%s: unexpected query parameter %q", r.URL.Path, name)
			return
		}
	}
	body := s.decodeJSON(w, r, map[string]bool{"stateToken": false, "passCode": false, "answer": false})
	if body == nil {
		return
	}
	st := str(body, "stateToken")
	if st == "" {
		s.violate(w, "%s: no stateToken (every verify call and poll carries it)", r.URL.Path)
		return
	}
	s.rateHeaders(w, 599)
	t := s.useState(st)
	if t == nil {
		s.apiError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		return
	}
	var f Factor
	idx := -1
	for i, uf := range s.opts.Users[t.user].Factors {
		if factorID(i, uf) == id {
			f, idx = uf, i
		}
	}
	if idx < 0 {
		s.violate(w, "%s: factor %s is not one of the user's", r.URL.Path, id)
		return
	}
	code := str(body, "passCode")
	switch f.Type {
	case "push":
		s.verifyPush(w, st, t, idx, f, tail == "verify/resend", code != "")
	case "sms", "call", "email":
		if tail != "verify" {
			s.violate(w, "%s: a resend, which awsfed never needs", r.URL.Path)
			return
		}
		if code == "" {
			if t.sent[id] {
				s.violations = append(s.violations, r.URL.Path+": the "+f.Type+" code was sent twice")
			}
			t.sent[id] = true
			s.counts.Sent++
			s.json(w, http.StatusOK, s.challenge(st, idx, f, "CHALLENGE"))
			return
		}
		if !t.sent[id] {
			s.violate(w, "%s: a %s code before one was sent", r.URL.Path, f.Type)
			return
		}
		s.checkCode(w, t, f, code)
	case "question":
		answer := str(body, "answer")
		if tail != "verify" || answer == "" || code != "" {
			s.violate(w, "%s: a security question verified without answer (or with a passCode)", r.URL.Path)
			return
		}
		s.checkCode(w, t, f, answer)
	case "token:software:totp", "token:hardware", "token", "token:hotp":
		if tail != "verify" || code == "" {
			s.violate(w, "%s: a %s factor verified without passCode", r.URL.Path, f.Type)
			return
		}
		s.checkCode(w, t, f, code)
	default:
		s.violate(w, "%s: factor type %s needs a browser; a terminal client must not verify it", r.URL.Path, f.Type)
	}
}

// checkCode ends the transaction when code is f's.
func (s *Server) checkCode(w http.ResponseWriter, t *state, f Factor, code string) {
	if code != f.Code {
		s.apiError(w, http.StatusForbidden, "E0000068", "Invalid Passcode/Answer", "Your passcode doesn't match our records. Please try again.")
		return
	}
	t.done = true
	s.success(w, t.user, true)
}

// verifyPush sends the push (the first call) or answers a poll.
func (s *Server) verifyPush(w http.ResponseWriter, st string, t *state, idx int, f Factor, resend, withCode bool) {
	id := factorID(idx, f)
	now := s.opts.Now()
	switch {
	case withCode:
		s.violate(w, "push factor %s verified with a passCode (codes go to the token:software:totp factor)", id)
		return
	case resend:
		s.violations = append(s.violations, "a second push was sent (resend)")
	}
	if _, pushed := t.pushedAt[id]; !pushed || resend {
		for _, other := range s.states {
			if other != t && other.user == t.user && !other.done && len(other.pushedAt) > 0 && len(other.resolution) == 0 && now.Sub(other.issued) < stateLifetime {
				s.violations = append(s.violations, "a second push was sent while the first one waited")
			}
		}
		t.pushedAt[id], t.lastPoll[id] = now, now
		s.counts.Pushes++
		if f.NumberLate {
			f.Number = 0
		}
		s.json(w, http.StatusOK, s.challenge(st, idx, f, "WAITING"))
		return
	}
	s.counts.Polls++
	if now.Before(t.heldUntil) {
		s.violations = append(s.violations, "a push poll "+t.heldUntil.Sub(now).String()+" before the rate-limit window reset")
	}
	if s.opts.RateLimitPolls > 0 {
		s.opts.RateLimitPolls--
		t.lastPoll[id] = now
		t.heldUntil = time.Unix(now.Add(s.opts.RateLimitReset).Unix(), 0) // X-Rate-Limit-Reset is whole seconds
		s.rateHeaders(w, 0)
		s.apiError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		return
	}
	if res := t.resolution[id]; res != "" {
		s.violations = append(s.violations, "a push was polled again after Okta answered "+res)
	}
	if gap := now.Sub(t.lastPoll[id]); gap < minPoll {
		s.violations = append(s.violations, "a push poll "+gap.String()+" after the previous call (at least 1s)")
	}
	t.lastPoll[id] = now
	t.polls[id]++
	switch {
	case f.Reject:
		t.resolution[id] = "REJECTED"
		s.json(w, http.StatusOK, s.challenge(st, idx, f, "REJECTED"))
	case f.TimeOut:
		t.resolution[id] = "TIMEOUT"
		s.json(w, http.StatusOK, s.challenge(st, idx, f, "TIMEOUT"))
	case (f.ApproveAtPoll > 0 && t.polls[id] >= f.ApproveAtPoll) || (f.ApproveAfter > 0 && now.Sub(t.pushedAt[id]) >= f.ApproveAfter):
		t.done = true
		s.success(w, t.user, true)
	default:
		s.json(w, http.StatusOK, s.challenge(st, idx, f, "WAITING"))
	}
}

// challenge is an MFA_CHALLENGE answer with factorResult result.
func (s *Server) challenge(st string, idx int, f Factor, result string) map[string]any {
	fj := s.factorJSON(idx, f)
	if f.Type == "push" && f.Number != 0 && result == "WAITING" {
		fj["_embedded"] = map[string]any{"challenge": map[string]any{"correctAnswer": f.Number}}
	}
	verify := s.URL + "/api/v1/authn/factors/" + factorID(idx, f) + "/verify"
	links := map[string]any{"cancel": link(s.URL + "/api/v1/authn/cancel"), "prev": link(s.URL + "/api/v1/authn/previous")}
	if result == "WAITING" || result == "CHALLENGE" {
		next := link(verify)
		next["name"] = map[bool]string{true: "poll", false: "verify"}[f.Type == "push"]
		links["next"] = next
	}
	if f.Type == "push" {
		links["resend"] = []any{map[string]any{"name": "push", "href": verify + "/resend", "hints": map[string]any{"allow": []string{"POST"}}}}
	}
	return map[string]any{"status": "MFA_CHALLENGE", "stateToken": st, "factorResult": result, "expiresAt": s.expires(stateLifetime),
		"_embedded": map[string]any{"factor": fj}, "_links": links}
}

// factorJSON is a factor as _embedded.factors lists it.
func (s *Server) factorJSON(idx int, f Factor) map[string]any {
	prov := f.Provider
	if prov == "" {
		prov = "OKTA"
	}
	profile := map[string]any{}
	switch f.Type {
	case "push":
		profile = map[string]any{"credentialId": "user", "deviceType": "SmartPhone_IPhone", "name": f.Name, "platform": "IOS", "version": "17.0"}
	case "sms", "call":
		profile = map[string]any{"phoneNumber": "+1 XXX-XXX-4321"}
	case "email":
		profile = map[string]any{"email": "a...e@example.com"}
	case "token:software:totp", "token:hardware", "token":
		profile = map[string]any{"credentialId": "user"}
	case "webauthn":
		profile = map[string]any{"authenticatorName": f.Name}
	case "question":
		profile = map[string]any{"question": "favorite_sports_player", "questionText": "Who's your favorite sports player?"}
	}
	if f.Name != "" {
		profile["name"] = f.Name
	}
	id := factorID(idx, f)
	return map[string]any{"id": id, "factorType": f.Type, "provider": prov, "vendorName": prov, "profile": profile,
		"_links": map[string]any{"verify": link(s.URL + "/api/v1/authn/factors/" + id + "/verify")}}
}

// factorID is f's id: its own, else one made of its type and place.
func factorID(idx int, f Factor) string {
	if f.ID != "" {
		return f.ID
	}
	return strings.NewReplacer(":", "", "_", "").Replace(f.Type) + strconv.Itoa(idx+1)
}

func (s *Server) userJSON(user string) map[string]any {
	return map[string]any{"user": map[string]any{"id": "00u" + strconv.Itoa(len(user)) + "user", "profile": map[string]any{"login": user, "locale": "en", "timeZone": "UTC"}}}
}

func (s *Server) expires(d time.Duration) string {
	return s.opts.Now().Add(d).UTC().Format("2006-01-02T15:04:05.000Z")
}

// rateHeaders are Okta's rate-limit headers, with the window resetting
// Options.RateLimitReset from now (as a Unix time, as Okta sends it).
func (s *Server) rateHeaders(w http.ResponseWriter, remaining int) {
	w.Header().Set("X-Rate-Limit-Limit", "600")
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(s.opts.Now().Add(s.opts.RateLimitReset).Unix(), 10))
}

func link(href string) map[string]any {
	return map[string]any{"href": href, "hints": map[string]any{"allow": []string{"POST"}}}
}
