package onelogintest

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/awsfed/awsfed/internal/fakeapi"
)

// fieldType is what a JSON field may hold.
type fieldType int

const (
	typeString   fieldType = iota
	typeBool               // true or false
	typeStringID           // a string or a number: OneLogin lists device ids as numbers and takes either back
)

type field struct {
	typ      fieldType
	required bool
}

// decode checks method, query, Content-Type and a JSON object body whose
// fields are all known and of the right type, and returns the body. On
// anything wrong it records a violation, answers 400 and returns nil.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, fields map[string]field) map[string]any {
	if r.URL.RawQuery != "" {
		s.violate(w, "%s: unexpected query string", r.URL.Path)
		return nil
	}
	raw, problem := fakeapi.ReadPost(r, "application/json")
	if problem != "" {
		s.violate(w, "%s", problem)
		return nil
	}
	body, problem := fakeapi.JSONObject(r.URL.Path, raw, true)
	if problem != "" {
		s.violate(w, "%s", problem)
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(body)) {
		f, ok := fields[name]
		if !ok {
			s.violate(w, "%s: unknown field %q", r.URL.Path, name)
			return nil
		}
		if !f.typ.holds(body[name]) {
			s.violate(w, "%s: field %q has the wrong type (%T)", r.URL.Path, name, body[name])
			return nil
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if _, ok := body[name]; fields[name].required && !ok {
			s.violate(w, "%s: field %q is missing", r.URL.Path, name)
			return nil
		}
	}
	s.requests = append(s.requests, Request{Path: r.URL.Path, Body: body})
	return body
}

func (t fieldType) holds(v any) bool {
	switch t {
	case typeBool:
		_, ok := v.(bool)
		return ok
	case typeStringID:
		if n, ok := v.(json.Number); ok {
			_, err := n.Int64()
			return err == nil
		}
	}
	_, ok := v.(string)
	return ok
}

// str is a string field, or "" when absent.
func str(body map[string]any, name string) string {
	switch v := body[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}
