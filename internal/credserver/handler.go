package credserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

type handler struct {
	path    string
	token   string
	get     GetFunc
	onError func(error)

	// sem lets one get run at a time: several SDK clients in the child asking
	// at once must not start several sign-ins. A channel rather than a mutex
	// so that a request whose client went away stops waiting.
	sem chan struct{}

	mu        sync.Mutex
	lastError string // text of the last failure reported to onError; "" after a success
}

// response is the body the AWS SDKs expect from a container endpoint.
type response struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// errorBody is the shape the SDKs parse for failures ({"code","message"}).
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The listener is bound to 127.0.0.1, so these two checks guard against a
	// future change of address and against DNS rebinding from a web page.
	if !loopbackAddr(r.RemoteAddr) || !loopbackHost(r.Host) {
		writeError(w, http.StatusForbidden, "AccessDenied", "only local clients may ask for credentials")
		return
	}
	if r.URL.Path != h.path {
		writeError(w, http.StatusNotFound, "NotFound", "no such endpoint")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is allowed")
		return
	}
	if !h.authorized(r.Header.Get("Authorization")) {
		writeError(w, http.StatusForbidden, "AccessDenied", "missing or wrong authorization token")
		return
	}

	creds, err := h.serialGet(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "CredentialsUnavailable", err.Error())
		return
	}
	body := response{
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		Token:           creds.SessionToken,
	}
	if !creds.Expiration.IsZero() {
		body.Expiration = creds.Expiration.UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, body)
}

// authorized compares digests so that the comparison takes the same time
// whatever the length or content of the presented value.
func (h *handler) authorized(got string) bool {
	want := sha256.Sum256([]byte(h.token))
	have := sha256.Sum256([]byte(got))
	return got != "" && subtle.ConstantTimeCompare(want[:], have[:]) == 1
}

func (h *handler) serialGet(ctx context.Context) (Creds, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return Creds{}, ctx.Err()
	}
	creds, err := h.get(ctx)
	<-h.sem

	if ctx.Err() == nil { // a client that hung up caused its own failure
		h.report(err)
	}
	return creds, err
}

// report passes a failure to onError unless the previous call failed with
// the same text: SDKs retry at once, and one line on stderr is enough.
func (h *handler) report(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.lastError = ""
		return
	}
	msg := err.Error()
	if msg == h.lastError {
		return
	}
	h.lastError = msg
	if h.onError != nil {
		h.onError(err)
	}
}

func loopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"InternalError","message":"cannot encode the response"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
