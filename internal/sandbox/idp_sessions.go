package sandbox

import (
	"crypto/subtle"
	"sync"
	"time"
)

const (
	sessionCookie   = "SimpleSAMLSessionID" // SimpleSAMLphp's name, so cookie handling meets a real one
	sessionLifetime = 8 * time.Hour
	stateLifetime   = 15 * time.Minute
)

// sessionStore holds browser sessions and the login states (AuthState)
// handed out within them. A state is only good in the session that got it,
// so a client that drops cookies fails as it would against SimpleSAMLphp.
type sessionStore struct {
	mu       sync.Mutex
	sessions map[string]time.Time // id → expiry
	states   map[string]authState
}

type authState struct {
	session, relayState string
	expires             time.Time
}

func newSessionStore() *sessionStore {
	return &sessionStore{sessions: map[string]time.Time{}, states: map[string]authState{}}
}

// session returns id if it names a live session, else a new session's id.
func (st *sessionStore) session(id string, now time.Time) (sid string, fresh bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if exp, ok := st.sessions[id]; ok && now.Before(exp) {
		return id, false
	}
	st.sweep(now)
	sid = randomHex(16)
	st.sessions[sid] = now.Add(sessionLifetime)
	return sid, true
}

// newState records a login state; returnURL makes it look like
// SimpleSAMLphp's, with characters a form client must send back exactly.
func (st *sessionStore) newState(session, relayState, returnURL string, now time.Time) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sweep(now)
	id := "_" + randomHex(20) + ":" + returnURL
	st.states[id] = authState{session: session, relayState: relayState, expires: now.Add(stateLifetime)}
	return id
}

// state finds a live state of session; take also uses it up.
func (st *sessionStore) state(session, id string, now time.Time, take bool) (authState, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.states[id]
	if !ok || !now.Before(a.expires) || subtle.ConstantTimeCompare([]byte(a.session), []byte(session)) != 1 {
		return authState{}, false
	}
	if exp, live := st.sessions[session]; !live || !now.Before(exp) {
		return authState{}, false
	}
	if take {
		delete(st.states, id)
	}
	return a, true
}

// sweep drops what has expired so that a long-running sandbox stays small.
func (st *sessionStore) sweep(now time.Time) {
	for id, exp := range st.sessions {
		if !now.Before(exp) {
			delete(st.sessions, id)
		}
	}
	for id, a := range st.states {
		if !now.Before(a.expires) {
			delete(st.states, id)
		}
	}
}
