package credserver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Creds are the keys the endpoint hands out. A zero Expiration means the keys
// do not expire; the response then carries no Expiration field.
type Creds struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// GetFunc returns the keys to hand out. By contract its errors hold no
// secrets: their text is sent to the child and passed to Options.OnError.
type GetFunc func(ctx context.Context) (Creds, error)

// Options tune a Server. The zero value is ready to use.
type Options struct {
	// OnError hears about each failure of get, so that `awsfed exec` can tell
	// the user on stderr. A run of failures with the same text is reported
	// once: SDKs retry, and the user needs to read it only once.
	OnError func(error)
}

// Server is a running endpoint. Its methods are safe for concurrent use.
type Server struct {
	srv   *http.Server
	url   string
	token string

	closeOnce sync.Once
	closeErr  error
	done      chan struct{} // closed by Close
	served    chan struct{} // closed when Serve has returned
}

// These bound how long a stuck or slow client can hold a connection. The
// write timeout is long because get may run an interactive sign-in (MFA
// push, typed code) while the SDK waits for its answer.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 10 * time.Minute
	idleTimeout       = time.Minute
	maxHeaderBytes    = 16 << 10
)

// Start listens on a random loopback port and serves get until ctx ends or
// Close is called.
func Start(ctx context.Context, get GetFunc, opts Options) (*Server, error) {
	if get == nil {
		return nil, errors.New("credentials server: no credentials source")
	}
	token, err := randomString(32, base64.RawURLEncoding.EncodeToString)
	if err != nil {
		return nil, fmt.Errorf("credentials server: token: %w", err)
	}
	path, err := randomString(16, hex.EncodeToString)
	if err != nil {
		return nil, fmt.Errorf("credentials server: path: %w", err)
	}
	path = "/" + path

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("credentials server: listen on 127.0.0.1: %w", err)
	}

	h := &handler{
		path:    path,
		token:   token,
		get:     get,
		onError: opts.OnError,
		sem:     make(chan struct{}, 1),
	}
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			// The server's own log would go to the process's stderr, which
			// belongs to the child's output while exec runs.
			ErrorLog: log.New(io.Discard, "", 0),
			BaseContext: func(net.Listener) context.Context {
				return context.WithoutCancel(ctx)
			},
		},
		url:    "http://" + ln.Addr().String() + path,
		token:  token,
		done:   make(chan struct{}),
		served: make(chan struct{}),
	}

	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln) // returns only once Close has run, or the listener broke
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// URL is the value for AWS_CONTAINER_CREDENTIALS_FULL_URI.
func (s *Server) URL() string { return s.url }

// Token is the value for AWS_CONTAINER_AUTHORIZATION_TOKEN. It is a secret:
// pass it only through the child's environment.
func (s *Server) Token() string { return s.token }

// Env returns the two variables that point an AWS SDK at this server.
func (s *Server) Env() []string {
	return []string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + s.url,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=" + s.token,
	}
}

// ConflictingEnv names the variables a child must not inherit next to Env:
// SDKs prefer them over the endpoint (static keys, a profile, another
// endpoint), or would read the token from a file instead of Env's value.
func ConflictingEnv() []string {
	return []string{
		"AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN",
		"AWS_SECURITY_TOKEN",
		"AWS_CREDENTIAL_EXPIRATION",
		"AWS_PROFILE",
		"AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	}
}

// Close stops the server at once, dropping requests in flight. It is safe to
// call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.closeErr = s.srv.Close()
		<-s.served
	})
	if s.closeErr != nil {
		return fmt.Errorf("credentials server: close: %w", s.closeErr)
	}
	return nil
}

func randomString(n int, encode func([]byte) string) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return encode(b), nil
}
