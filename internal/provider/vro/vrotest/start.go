package vrotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/awsfed/awsfed/internal/fakeapi"
)

// param is one workflow input as the vRO REST API carries it; pointers
// tell a missing field from an empty one.
type param struct {
	Name  *string               `json:"name"`
	Type  *string               `json:"type"`
	Scope *string               `json:"scope"`
	Value map[string]paramValue `json:"value"`
}

type paramValue struct {
	Value *string `json:"value"`
}

// valueKey is the key of the value object for each input type.
var valueKey = map[string]string{"string": "string", "SecureString": "secure-string"}

// start serves POST /vco/api/workflows/<id>/executions/.
func (s *Server) start(w http.ResponseWriter, r *http.Request, workflow string) {
	if !s.wellFormed(w, r) {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, fakeapi.MaxBody))
	if err != nil {
		s.violate(w, "start: reading the body: %v", err)
		return
	}
	s.bodies = append(s.bodies, string(raw))
	user, pw, _ := r.BasicAuth()
	inputs, msg := s.inputs(raw, pw)
	if msg == "" {
		msg = s.checkInputs(inputs, user, pw)
	}
	if msg != "" {
		s.violate(w, "start: %s", msg)
		return
	}
	if _, ok := s.authorize(w, r); !ok {
		return
	}
	if workflow != s.opts.WorkflowID {
		writeError(w, http.StatusNotFound, "Workflow with id '"+workflow+"' not found")
		return
	}
	if st := s.opts.StartStatus; st != 0 && st != http.StatusAccepted {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		io.WriteString(w, s.opts.StartBody)
		return
	}
	id := randomID()
	s.execs[id] = &execution{user: user}
	path := workflowsPath + url.PathEscape(workflow) + "/executions/" + id + "/"
	s.order = append(s.order, s.URL+path)
	loc := s.URL + path
	if s.opts.RelativeLocation {
		loc = id + "/"
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusAccepted)
}

// input is a well-formed workflow input.
type input struct {
	typ, value string
}

// inputs decodes a start body and checks its shape; msg says what is
// wrong, never quoting a value, since one may be the password.
func (s *Server) inputs(raw []byte, password string) (in map[string]input, msg string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var body struct {
		Parameters *[]param `json:"parameters"`
	}
	if err := dec.Decode(&body); err != nil {
		return nil, "the body is not {\"parameters\":[…]} with known fields only: " + safeJSONError(err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return nil, "data after the JSON object"
	}
	if body.Parameters == nil {
		return nil, "no parameters array"
	}
	in = map[string]input{}
	for _, p := range *body.Parameters {
		if p.Name == nil || *p.Name == "" || p.Type == nil || p.Scope == nil || p.Value == nil {
			return nil, "a parameter lacks name, type, scope or value"
		}
		name := *p.Name
		key, known := valueKey[*p.Type]
		switch {
		case !known:
			return nil, "parameter " + name + " has the type " + *p.Type + ", neither string nor SecureString"
		case *p.Scope != "local":
			return nil, "parameter " + name + " has the scope " + *p.Scope + ", not local"
		case len(p.Value) != 1 || p.Value[key].Value == nil:
			return nil, "the value of parameter " + name + " is not {\"" + key + "\":{\"value\":…}}"
		case in[name] != (input{}):
			return nil, "parameter " + name + " appears twice"
		}
		v := *p.Value[key].Value
		if *p.Type != "SecureString" && password != "" && v == password {
			return nil, "parameter " + name + " carries the password in a " + *p.Type + " rather than a SecureString"
		}
		in[name] = input{*p.Type, v}
	}
	return in, ""
}

// checkInputs compares the inputs with the workflow's: the user name as
// the Basic user, the password as a SecureString equal to the Basic
// password, and each further input with its value.
func (s *Server) checkInputs(in map[string]input, user, password string) string {
	want := map[string]input{
		s.opts.UsernameParam: {"string", user},
		s.opts.PasswordParam: {"SecureString", password},
	}
	for k, v := range s.opts.Inputs {
		want[k] = input{"string", v}
	}
	var missing, unknown, wrong []string
	for k, w := range want {
		got, ok := in[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case got.typ != w.typ:
			wrong = append(wrong, k+" is a "+got.typ+", want "+w.typ)
		case got.value != w.value && k == s.opts.PasswordParam:
			wrong = append(wrong, k+" differs from the Basic auth password")
		case got.value != w.value && k == s.opts.UsernameParam:
			wrong = append(wrong, k+" is "+quote(got.value)+", the Basic auth user "+quote(user))
		case got.value != w.value:
			wrong = append(wrong, k+" is "+quote(got.value)+", want "+quote(w.value))
		}
	}
	for k := range in {
		if _, ok := want[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	var msgs []string
	for _, l := range []struct {
		what  string
		names []string
	}{{"missing inputs", missing}, {"unknown inputs", unknown}, {"wrong inputs", wrong}} {
		if len(l.names) > 0 {
			sort.Strings(l.names)
			msgs = append(msgs, l.what+": "+strings.Join(l.names, "; "))
		}
	}
	return strings.Join(msgs, "; ")
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// safeJSONError says what the decoder disliked without the offending text.
func safeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "syntax error"
	case errors.As(err, &typ):
		return "field " + typ.Field + " has the wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed JSON"
}
