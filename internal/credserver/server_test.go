package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/smithy-go"
)

var testCreds = Creds{
	AccessKeyID:     "ASIATESTACCESSKEY01",
	SecretAccessKey: "test/secret+key=",
	SessionToken:    "FwoGZXIvYXdzEXAMPLEsessiontoken",
	Expiration:      time.Date(2031, 5, 6, 7, 8, 9, 0, time.FixedZone("CEST", 2*3600)),
}

func fixed(c Creds) GetFunc {
	return func(context.Context) (Creds, error) { return c, nil }
}

func start(t *testing.T, get GetFunc, opts Options) *Server {
	t.Helper()
	s, err := Start(t.Context(), get, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// sdkProvider is the provider the AWS SDK builds from the two variables, with
// retries off so that failures show at once.
func sdkProvider(url, token string) *endpointcreds.Provider {
	return endpointcreds.New(url, func(o *endpointcreds.Options) {
		o.AuthorizationToken = token
		o.Retryer = aws.NopRetryer{}
	})
}

func TestSDKRetrievesKeys(t *testing.T) {
	s := start(t, fixed(testCreds), Options{})
	got, err := sdkProvider(s.URL(), s.Token()).Retrieve(t.Context())
	if err != nil {
		t.Fatalf("Retrieve: %v", err)
	}
	if got.AccessKeyID != testCreds.AccessKeyID || got.SecretAccessKey != testCreds.SecretAccessKey || got.SessionToken != testCreds.SessionToken {
		t.Errorf("got keys %q/%q/%q, want those of testCreds", got.AccessKeyID, got.SecretAccessKey, got.SessionToken)
	}
	if !got.CanExpire || !got.Expires.Equal(testCreds.Expiration) {
		t.Errorf("expiry = %v (CanExpire %v), want %v", got.Expires, got.CanExpire, testCreds.Expiration)
	}
}

func TestSDKNoExpiration(t *testing.T) {
	c := testCreds
	c.Expiration = time.Time{}
	s := start(t, fixed(c), Options{})
	got, err := sdkProvider(s.URL(), s.Token()).Retrieve(t.Context())
	if err != nil {
		t.Fatalf("Retrieve: %v", err)
	}
	if got.CanExpire {
		t.Errorf("CanExpire = true with expiry %v, want keys that do not expire", got.Expires)
	}
}

func TestSDKRejectsWrongToken(t *testing.T) {
	var calls atomic.Int32
	s := start(t, func(context.Context) (Creds, error) {
		calls.Add(1)
		return testCreds, nil
	}, Options{})
	for name, token := range map[string]string{
		"missing":      "",
		"wrong":        strings.Repeat("A", len(s.Token())),
		"prefix":       s.Token()[:len(s.Token())-1],
		"longer":       s.Token() + "x",
		"bearer":       "Bearer " + s.Token(),
		"other server": start(t, fixed(testCreds), Options{}).Token(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sdkProvider(s.URL(), token).Retrieve(t.Context())
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
				t.Fatalf("Retrieve error = %v, want an AccessDenied API error", err)
			}
			if strings.Contains(err.Error(), s.Token()) {
				t.Errorf("error %q repeats the token", err)
			}
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("get called %d times for unauthorised requests", n)
	}
}

func TestStatusCodes(t *testing.T) {
	s := start(t, fixed(testCreds), Options{})
	base := strings.TrimSuffix(s.URL(), s.URL()[strings.LastIndex(s.URL(), "/"):])
	tests := []struct {
		name, method, url, auth, host string
		status                        int
		code                          string
	}{
		{"ok", "GET", s.URL(), s.Token(), "", 200, ""},
		{"no token", "GET", s.URL(), "", "", 403, "AccessDenied"},
		{"wrong token", "GET", s.URL(), "nope", "", 403, "AccessDenied"},
		{"root path", "GET", base + "/", s.Token(), "", 404, "NotFound"},
		{"path prefix", "GET", s.URL() + "/x", s.Token(), "", 404, "NotFound"},
		{"post", "POST", s.URL(), s.Token(), "", 405, "MethodNotAllowed"},
		{"put without token", "PUT", s.URL(), "", "", 405, "MethodNotAllowed"},
		{"rebound host name", "GET", s.URL(), s.Token(), "evil.example", 403, "AccessDenied"},
		{"localhost", "GET", s.URL(), s.Token(), "localhost", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.status == 405 && resp.Header.Get("Allow") != "GET" {
				t.Errorf("Allow = %q, want GET", resp.Header.Get("Allow"))
			}
			if tt.status != 200 {
				var e errorBody
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tt.code || e.Message == "" {
					t.Errorf("error body %s, want code %q and a message", body, tt.code)
				}
				if strings.Contains(string(body), s.Token()) {
					t.Errorf("error body repeats the token: %s", body)
				}
				return
			}
			var got map[string]string
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			want := map[string]string{
				"AccessKeyId":     testCreds.AccessKeyID,
				"SecretAccessKey": testCreds.SecretAccessKey,
				"Token":           testCreds.SessionToken,
				"Expiration":      "2031-05-06T05:08:09Z",
			}
			if len(got) != len(want) {
				t.Errorf("body has fields %v, want exactly %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestRemoteAddrMustBeLoopback(t *testing.T) {
	h := &handler{path: "/p", token: "tok", get: fixed(testCreds), sem: make(chan struct{}, 1)}
	for addr, want := range map[string]int{
		"127.0.0.1:5000":  200,
		"127.8.9.10:5000": 200,
		"[::1]:5000":      200,
		"192.0.2.7:5000":  403,
		"[2001:db8::1]:1": 403,
		"10.0.0.1:80":     403,
		"garbage":         403,
	} {
		req := httptest.NewRequest("GET", "http://127.0.0.1/p", nil)
		req.RemoteAddr = addr
		req.Header.Set("Authorization", "tok")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("remote %s: status %d, want %d", addr, rec.Code, want)
		}
	}
}

func TestGetErrorIs500AndReportedOnce(t *testing.T) {
	var (
		mu       sync.Mutex
		failWith error
		reported []string
	)
	get := func(context.Context) (Creds, error) {
		mu.Lock()
		defer mu.Unlock()
		if failWith != nil {
			return Creds{}, failWith
		}
		return testCreds, nil
	}
	s := start(t, get, Options{OnError: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err.Error())
	}})
	setFail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		failWith = err
	}
	p := sdkProvider(s.URL(), s.Token())

	expired := errors.New("profile dev: the session has expired\nhint: run awsfed login --profile dev")
	setFail(expired)
	for range 3 { // an SDK retrying
		_, err := p.Retrieve(t.Context())
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "CredentialsUnavailable" || apiErr.ErrorMessage() != expired.Error() {
			t.Fatalf("Retrieve error = %v, want CredentialsUnavailable with the get error's text", err)
		}
	}
	setFail(errors.New("profile dev: the IdP is unreachable"))
	_, _ = p.Retrieve(t.Context())
	setFail(nil)
	if _, err := p.Retrieve(t.Context()); err != nil {
		t.Fatalf("Retrieve after recovery: %v", err)
	}
	setFail(expired)
	_, _ = p.Retrieve(t.Context())

	mu.Lock()
	defer mu.Unlock()
	want := []string{expired.Error(), "profile dev: the IdP is unreachable", expired.Error()}
	if strings.Join(reported, "|") != strings.Join(want, "|") {
		t.Errorf("OnError heard %q, want %q", reported, want)
	}
}

func TestGetCallsAreSerialized(t *testing.T) {
	var inFlight, maxInFlight, calls atomic.Int32
	get := func(context.Context) (Creds, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		calls.Add(1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // long enough for the others to pile up
		return testCreds, nil
	}
	s := start(t, get, Options{})

	const clients = 5
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			_, err := sdkProvider(s.URL(), s.Token()).Retrieve(t.Context())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Retrieve: %v", err)
		}
	}
	if got := maxInFlight.Load(); got != 1 {
		t.Errorf("%d get calls ran at once, want 1", got)
	}
	if got := calls.Load(); got != clients {
		t.Errorf("get called %d times, want %d", got, clients)
	}
}

func TestClosesWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	s, err := Start(ctx, fixed(testCreds), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdkProvider(s.URL(), s.Token()).Retrieve(t.Context()); err != nil {
		t.Fatalf("Retrieve before cancel: %v", err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := sdkProvider(s.URL(), s.Token()).Retrieve(t.Context())
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server still answers after its context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after context end: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRandomURLAndToken(t *testing.T) {
	a := start(t, fixed(testCreds), Options{})
	b := start(t, fixed(testCreds), Options{})
	if a.URL() == b.URL() || a.Token() == b.Token() {
		t.Errorf("two servers share a URL or token: %s %s", a.URL(), b.URL())
	}
	if len(a.Token()) < 43 { // 32 bytes, base64
		t.Errorf("token has %d characters, want at least 43", len(a.Token()))
	}
	if !strings.HasPrefix(a.URL(), "http://127.0.0.1:") || strings.Count(a.URL(), "/") != 3 || strings.HasSuffix(a.URL(), "/") {
		t.Errorf("URL %q, want http://127.0.0.1:<port>/<random>", a.URL())
	}
	env := a.Env()
	want := []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + a.URL(), "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + a.Token()}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("Env() = %q, want %q", env, want)
	}
}

func TestStartNeedsGet(t *testing.T) {
	if _, err := Start(t.Context(), nil, Options{}); err == nil {
		t.Error("Start with a nil get succeeded")
	}
}
