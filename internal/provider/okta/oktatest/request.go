package oktatest

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/awsfed/awsfed/internal/fakeapi"
)

// decodeJSON checks method POST, Content-Type and Accept application/json
// and a JSON object body whose fields are all in fields (true: required),
// strings unless named in objects. On anything wrong it records a
// violation, answers 400 and returns nil.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, fields map[string]bool, objects ...string) map[string]any {
	raw, problem := fakeapi.ReadPost(r, "application/json")
	if problem == "" && r.Header.Get("Accept") != "application/json" {
		problem = fmt.Sprintf("%s: Accept %q, want application/json", r.URL.Path, r.Header.Get("Accept"))
	}
	var body map[string]any
	if problem == "" {
		body, problem = fakeapi.JSONObject(r.URL.Path, raw, false)
	}
	if problem != "" {
		s.violate(w, "%s", problem)
		return nil
	}
	isObject := map[string]bool{}
	for _, o := range objects {
		isObject[o] = true
	}
	for _, name := range slices.Sorted(maps.Keys(body)) {
		if _, ok := fields[name]; !ok {
			s.violate(w, "%s: unknown field %q", r.URL.Path, name)
			return nil
		}
		if _, obj := body[name].(map[string]any); obj != isObject[name] {
			s.violate(w, "%s: field %q has the wrong type (%T)", r.URL.Path, name, body[name])
			return nil
		}
		if _, ok := body[name].(string); !ok && !isObject[name] {
			s.violate(w, "%s: field %q has the wrong type (%T)", r.URL.Path, name, body[name])
			return nil
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if _, ok := body[name]; fields[name] && !ok {
			s.violate(w, "%s: field %q is missing", r.URL.Path, name)
			return nil
		}
	}
	s.requests = append(s.requests, Request{Path: r.URL.Path, Body: body})
	return body
}

// decodeForm checks a POST of a form-encoded body whose fields are all in
// fields (true: required), each given once, and returns it.
func (s *Server) decodeForm(w http.ResponseWriter, r *http.Request, fields map[string]bool) url.Values {
	v := s.readForm(w, r)
	if v == nil || !s.checkForm(w, r, v, fields) {
		return nil
	}
	return v
}

// readForm checks method, query and Content-Type of a form POST and
// returns its values, each given once.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) url.Values {
	if r.URL.RawQuery != "" {
		s.violate(w, "%s: unexpected query string", r.URL.Path)
		return nil
	}
	raw, problem := fakeapi.ReadPost(r, "application/x-www-form-urlencoded")
	if problem != "" {
		s.violate(w, "%s", problem)
		return nil
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil {
		s.violate(w, "%s: the body is not form-encoded: %v", r.URL.Path, err)
		return nil
	}
	for name, vals := range v {
		if len(vals) != 1 {
			s.violate(w, "%s: field %q given %d times", r.URL.Path, name, len(vals))
			return nil
		}
	}
	return v
}

// checkForm checks that v holds only fields, the required ones not
// empty, and records the request.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request, v url.Values, fields map[string]bool) bool {
	body := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(v)) {
		if _, ok := fields[name]; !ok {
			s.violate(w, "%s: unknown field %q", r.URL.Path, name)
			return false
		}
		body[name] = v.Get(name)
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if fields[name] && v.Get(name) == "" {
			s.violate(w, "%s: field %q is missing", r.URL.Path, name)
			return false
		}
	}
	s.requests = append(s.requests, Request{Path: r.URL.Path, Body: body})
	return true
}

// getOnly checks a GET whose query holds only the names allowed.
func (s *Server) getOnly(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	if r.Method != http.MethodGet {
		s.violate(w, "%s %s: only GET is allowed", r.Method, r.URL.Path)
		return false
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for name, vals := range r.URL.Query() {
		if !ok[name] || len(vals) != 1 {
			s.violate(w, "%s: unexpected query parameter %q", r.URL.Path, name)
			return false
		}
	}
	return true
}

// str is a string field, or "" when absent.
func str(body map[string]any, name string) string {
	v, _ := body[name].(string)
	return v
}
