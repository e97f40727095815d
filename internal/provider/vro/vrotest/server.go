// Package vrotest is a strict stand-in for a vRealize Orchestrator SAML
// broker on 127.0.0.1, so that tests of any package can drive whole vro
// logins: it starts the broker workflow, answers state polls and hands out
// the execution with its output parameters, in the formats of the vRO REST
// API. It records as a violation, answering 400, every request the real
// server would refuse or that a careful client must not send: no HTTP
// Basic auth, a wrong Accept or Content-Type, a query string, a body that
// is not {"parameters":[…]} with exactly the expected inputs, a password
// outside a SecureString, a password sent again after vRO refused it, and
// a poll of an execution it never handed out. Tests assert that Violations
// is empty. It owns no production code and touches nothing outside its own
// server.
package vrotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Defaults of the options left empty.
const (
	DefaultWorkflowID = "5e1d7c0a-93b2-4f6e-8a41-c2d0b7f39e18"
	// Placeholder is the SAMLResponse handed out when Options.Assertion is nil.
	Placeholder = "PHNhbWxwOlJlc3BvbnNlLz4="
)

// Final states of an execution.
const (
	Completed = "completed"
	Failed    = "failed"
	Canceled  = "canceled"
)

// Output is an output parameter of the workflow other than the assertion.
type Output struct {
	Name, Value string
}

// Options configure the fake. Empty names default to the provider's
// defaults: workflow DefaultWorkflowID, inputs username and password,
// output samlResponse.
type Options struct {
	Users      map[string]string // user name → password, checked on every request; nil lets nobody in
	WorkflowID string            // the one workflow this vRO knows; starting another answers 404

	UsernameParam string            // string input holding the user name
	PasswordParam string            // SecureString input holding the password
	Inputs        map[string]string // further string inputs expected, name → exact value

	OutputParam  string   // output holding the SAMLResponse
	SecureOutput bool     // the output is a SecureString rather than a string
	OtherOutputs []Output // string outputs listed before the assertion
	// Assertion makes the SAMLResponse for a user (tests hand out a
	// sandbox-signed one); nil gives Placeholder. An error answers 500.
	Assertion func(username string) (string, error)

	Polls        int    // state polls answered PendingState before the final state; 0 = final at the first
	PendingState string // state of an execution still going; "" = running
	Final        string // Completed (""), Failed or Canceled
	Exception    string // content-exception of a failed execution; "" = none
	NeverEnds    bool   // the execution stays PendingState forever

	RelativeLocation bool // the start answer's Location is relative to the start URL
	// StartStatus, when neither 0 nor 202, answers a well-formed start
	// with that status and StartBody (the broker's own refusal: 400, 500…).
	StartStatus int
	StartBody   string
	// OnPoll is called at each state poll (n counts from 1) before it is
	// answered, with the fake locked: it must not call the Server.
	OnPoll func(n int)
}

// Counts are the calls the fake saw, malformed ones included.
type Counts struct {
	Starts  int // POSTs to a workflow's executions
	Polls   int // GETs of an execution's state
	Details int // GETs of an execution
}

// Server is a running fake.
type Server struct {
	URL string // base URL: the provider's url setting

	opts Options
	srv  *httptest.Server

	mu         sync.Mutex
	counts     Counts
	violations []string
	bodies     []string
	execs      map[string]*execution // id → execution
	order      []string              // execution URLs in the order handed out
	rejected   map[string]bool       // users whose password vRO refused
}

// execution is one workflow run the fake started.
type execution struct {
	user  string
	polls int
	ended bool
}

// New starts a fake on 127.0.0.1; Close stops it.
func New(opts Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&opts.WorkflowID, DefaultWorkflowID)
	def(&opts.UsernameParam, "username")
	def(&opts.PasswordParam, "password")
	def(&opts.OutputParam, "samlResponse")
	def(&opts.PendingState, "running")
	def(&opts.Final, Completed)
	s := &Server{opts: opts, execs: map[string]*execution{}, rejected: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// Options returns the options in force, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Counts returns the calls so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// Violations returns what the client did that it must not.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Bodies returns the bodies of the start requests that passed the
// header checks, exactly as sent, in order.
func (s *Server) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// Executions returns the absolute URLs of the executions started, in order.
func (s *Server) Executions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

// workflowsPath is the prefix of every API path the fake serves.
const workflowsPath = "/vco/api/workflows/"

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rest, ok := strings.CutPrefix(r.URL.Path, workflowsPath)
	wf, rest, _ := strings.Cut(rest, "/")
	rest, isExec := strings.CutPrefix(rest, "executions/")
	if !ok || wf == "" || !isExec {
		s.violate(w, "%s %s: no such endpoint", r.Method, r.URL.Path)
		return
	}
	switch {
	case r.Method == http.MethodPost && rest == "":
		s.counts.Starts++
		s.start(w, r, wf)
	case r.Method == http.MethodGet && strings.HasSuffix(rest, "/state"):
		s.counts.Polls++
		s.state(w, r, wf, strings.TrimSuffix(rest, "/state"))
	case r.Method == http.MethodGet && strings.HasSuffix(rest, "/"):
		s.counts.Details++
		s.detail(w, r, wf, strings.TrimSuffix(rest, "/"))
	default:
		s.violate(w, "%s %s: no such endpoint", r.Method, r.URL.Path)
	}
}

// violate records a violation and answers 400 in vRO's error shape.
func (s *Server) violate(w http.ResponseWriter, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.violations = append(s.violations, msg)
	writeError(w, http.StatusBadRequest, msg)
}

// writeError answers in vRO's error shape.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "message": message})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
