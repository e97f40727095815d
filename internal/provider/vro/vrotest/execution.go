package vrotest

import (
	"net/http"
	"net/url"
	"time"
)

// lookup finds the execution a GET names and checks that it is one the
// fake handed out to this user; otherwise it records a violation.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, workflow, id string) *execution {
	user, ok := s.authorize(w, r)
	if !ok {
		return nil
	}
	e := s.execs[id]
	switch {
	case workflow != s.opts.WorkflowID || e == nil:
		s.violate(w, "GET %s: an execution vRO never handed out", r.URL.Path)
		return nil
	case e.user != user:
		s.violate(w, "GET %s: %s reads the execution %s started", r.URL.Path, user, e.user)
		return nil
	}
	return e
}

// current is the state of e now.
func (s *Server) current(e *execution) string {
	if e.ended {
		return s.opts.Final
	}
	return s.opts.PendingState
}

// state serves GET …/executions/<id>/state; each poll brings the end one
// step nearer.
func (s *Server) state(w http.ResponseWriter, r *http.Request, workflow, id string) {
	e := s.lookup(w, r, workflow, id)
	if e == nil {
		return
	}
	e.polls++
	if s.opts.OnPoll != nil {
		s.opts.OnPoll(e.polls)
	}
	if !s.opts.NeverEnds && e.polls > s.opts.Polls {
		e.ended = true
	}
	writeJSON(w, map[string]string{"value": s.current(e)})
}

// detail serves GET …/executions/<id>/: the execution with its outputs
// once it completed, its content-exception once it failed.
func (s *Server) detail(w http.ResponseWriter, r *http.Request, workflow, id string) {
	e := s.lookup(w, r, workflow, id)
	if e == nil {
		return
	}
	state := s.current(e)
	started := time.Now().UTC().Add(-time.Second).Format("2006-01-02T15:04:05.000Z07:00")
	body := map[string]any{
		"id": id, "state": state, "name": "SAML broker", "started-by": e.user, "start-date": started,
		"href":              s.URL + workflowsPath + url.PathEscape(workflow) + "/executions/" + id + "/",
		"output-parameters": []any{},
	}
	switch {
	case state == Completed:
		outs := make([]any, 0, len(s.opts.OtherOutputs)+1)
		for _, o := range s.opts.OtherOutputs {
			outs = append(outs, output(o.Name, "string", o.Value))
		}
		saml := Placeholder
		if s.opts.Assertion != nil {
			var err error
			if saml, err = s.opts.Assertion(e.user); err != nil {
				writeError(w, http.StatusInternalServerError, "assertion: "+err.Error())
				return
			}
		}
		typ := "string"
		if s.opts.SecureOutput {
			typ = "SecureString"
		}
		body["output-parameters"] = append(outs, output(s.opts.OutputParam, typ, saml))
	case state == Failed && s.opts.Exception != "":
		body["content-exception"] = s.opts.Exception
	}
	if e.ended {
		body["end-date"] = time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	writeJSON(w, body)
}

// output is an output parameter in the vRO shape.
func output(name, typ, value string) map[string]any {
	return map[string]any{"name": name, "type": typ, "scope": "local",
		"value": map[string]any{valueKey[typ]: map[string]string{"value": value}}}
}
