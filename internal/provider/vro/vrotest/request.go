package vrotest

import (
	"net/http"

	"github.com/awsfed/awsfed/internal/fakeapi"
)

// authorize checks what every request needs (no query, Accept JSON, HTTP
// Basic auth of a known user with the right password) and returns the
// user, or false when it has answered: 400 for a malformed request, 401
// for wrong credentials. A careful client never sends a password again
// after vRO refused it, since each try counts towards a directory lockout.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !s.wellFormed(w, r) {
		return "", false
	}
	user, pw, _ := r.BasicAuth()
	if s.rejected[user] {
		s.violations = append(s.violations, r.Method+" "+r.URL.Path+": a password was sent again for "+user+" after vRO refused one")
	}
	if want, known := s.opts.Users[user]; !known || want != pw {
		s.rejected[user] = true
		w.Header().Set("WWW-Authenticate", `Basic realm="vco"`)
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return "", false
	}
	return user, true
}

// wellFormed checks the headers and query of any request and records a
// violation, answering 400, when one is wrong.
func (s *Server) wellFormed(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.URL.RawQuery != "":
		s.violate(w, "%s %s: unexpected query string", r.Method, r.URL.Path)
	case !fakeapi.IsMediaType(r.Header.Get("Accept"), "application/json"):
		s.violate(w, "%s %s: Accept %q, want application/json", r.Method, r.URL.Path, r.Header.Get("Accept"))
	case r.Method == http.MethodPost && !fakeapi.IsMediaType(r.Header.Get("Content-Type"), "application/json"):
		s.violate(w, "%s %s: Content-Type %q, want application/json", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	case r.Method == http.MethodGet && r.ContentLength != 0:
		s.violate(w, "%s %s: a GET with a body", r.Method, r.URL.Path)
	default:
		if _, _, ok := r.BasicAuth(); !ok {
			s.violate(w, "%s %s: no HTTP Basic auth", r.Method, r.URL.Path)
			return false
		}
		return true
	}
	return false
}
