package form

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

func TestUnexpectedPages(t *testing.T) {
	fx := fixtures(t)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		status   int
		whatPart []string
	}{
		{"no form", func(w http.ResponseWriter, r *http.Request) {
			render(t, fx, w, http.StatusOK, "session_expired.html", nil)
		}, http.StatusOK, []string{"no SAMLResponse and no form", `"Session expired"`, "The login link is no longer valid."}},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			render(t, fx, w, http.StatusInternalServerError, "server_error.html", nil)
		}, http.StatusInternalServerError, []string{"error page", `"Unhandled exception"`, "An unhandled exception was thrown: database unreachable"}},
		{"not html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"error":"invalid_request"}`))
		}, http.StatusOK, []string{"no SAMLResponse and no form"}},
		{"two forms", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<title>Pick</title><form action="/a"><input type=hidden name=x value=1></form><form action="/b"></form>`))
		}, http.StatusOK, []string{"2 forms and no login form", `"Pick"`}},
		{"empty SAMLResponse", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<form method=post action="https://signin.aws.amazon.com/saml"><input type=hidden name=SAMLResponse value=""></form>`))
		}, http.StatusOK, []string{"SAMLResponse in the page is empty"}},
		{"password change", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<form method=post><input name=user><input type=password name=old><input type=password name=new></form>`))
		}, http.StatusOK, []string{"several password fields"}},
		{"javascript action", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`<form action="javascript:go()"><input type=hidden name=x value=1></form>`))
		}, http.StatusOK, []string{`"javascript" URL`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httpServer(t, tt.handler)
			in := input(srv.URL+"/idp/start?SAMLRequest=secretquery#frag", "alice", "pw", new(atomic.Int32))
			_, err := New().Assertion(t.Context(), in)
			var pe *provider.UnexpectedPageError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T %v, want *provider.UnexpectedPageError", err, err)
			}
			if pe.URL != srv.URL+"/idp/start" {
				t.Errorf("URL = %q, want it without query", pe.URL)
			}
			if pe.Status != tt.status {
				t.Errorf("Status = %d, want %d", pe.Status, tt.status)
			}
			for _, part := range tt.whatPart {
				if !strings.Contains(pe.What, part) {
					t.Errorf("What = %q, want it to contain %q", pe.What, part)
				}
			}
			if strings.Contains(err.Error(), "secretquery") || strings.Contains(err.Error(), "not shown") {
				t.Errorf("error leaks the query or a script: %v", err)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httpServer(t, func(http.ResponseWriter, *http.Request) {})
	addr := srv.Listener.Addr().String()
	srv.Close()
	_, err := New().Assertion(t.Context(), input("http://"+addr+"/sso?SAMLRequest=x", "alice", "pw", new(atomic.Int32)))
	var ue *httpx.UnreachableError
	if !errors.As(err, &ue) || ue.What != "connection refused" {
		t.Fatalf("got %T %v, want a refused *httpx.UnreachableError", err, err)
	}
}

func TestCancel(t *testing.T) {
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := New().Assertion(ctx, input(srv.URL+"/slow", "alice", "pw", new(atomic.Int32)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v to stop", d)
	}
}

func TestCancelWhileAskingThePassword(t *testing.T) {
	srv, rec := newSimpleSAMLphp(t, "alice", "pw")
	ctx, cancel := context.WithCancel(t.Context())
	in := input(sspStart(srv), "alice", "", nil)
	in.Password = func(ctx context.Context) (string, error) {
		cancel()
		return "", ctx.Err()
	}
	_, err := New().Assertion(ctx, in)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if rec.passwordPosts() != 0 {
		t.Fatal("posted a password after cancellation")
	}
}

func TestPagesInCircles(t *testing.T) {
	var hits atomic.Int32
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`<title>Continue</title><form method=post action="/again?n=1"><input type=hidden name=state value=s><input type=submit value=Continue></form>`))
	})
	_, err := New().Assertion(t.Context(), input(srv.URL+"/start", "alice", "pw", new(atomic.Int32)))
	var pe *provider.UnexpectedPageError
	if !errors.As(err, &pe) || !strings.Contains(pe.What, "no SAMLResponse after 10 pages") {
		t.Fatalf("got %v", err)
	}
	if hits.Load() != maxPages {
		t.Fatalf("%d requests, want %d", hits.Load(), maxPages)
	}
}

func TestMFAPageIsNotSubmittedBlindly(t *testing.T) {
	fx := fixtures(t)
	var otpPosts atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<form method=post action="/login"><input name=username><input type=password name=password></form>`))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		render(t, fx, w, http.StatusOK, "otp.html", map[string]string{"Action": "/otp", "AuthState": "st"})
	})
	mux.HandleFunc("/otp", func(w http.ResponseWriter, r *http.Request) { otpPosts.Add(1) })
	srv := httpServer(t, mux.ServeHTTP)
	_, err := New().Assertion(t.Context(), input(srv.URL+"/login", "alice", "pw", new(atomic.Int32)))
	var pe *provider.UnexpectedPageError
	if !errors.As(err, &pe) || !strings.Contains(pe.What, "asks for otp") || !strings.Contains(pe.What, "Two-step verification") {
		t.Fatalf("got %T %v", err, err)
	}
	if otpPosts.Load() != 0 {
		t.Fatal("submitted the code form with an empty code")
	}
}

// identifierFirst fakes a login that asks for the name, then the password.
func identifierFirst(t *testing.T, user, pw string) (*http.ServeMux, *recorder) {
	fx := fixtures(t)
	rec := &recorder{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		render(t, fx, w, http.StatusOK, "identifier_first.html", map[string]string{"Action": "/id", "AuthState": "f1"})
	})
	mux.HandleFunc("POST /id", func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "passwd")
		rec.want(only(v, "flowToken", "f1"), "flowToken lost")
		if !only(v, "identifier", user) {
			render(t, fx, w, http.StatusOK, "identifier_first.html", map[string]string{"Action": "/id", "AuthState": "f1", "Error": "We couldn't find an account with that username."})
			return
		}
		render(t, fx, w, http.StatusOK, "password_only.html", map[string]string{"Action": "/pw", "AuthState": "f2", "Username": user})
	})
	mux.HandleFunc("POST /pw", func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "passwd")
		rec.want(only(v, "flowToken", "f2"), "flowToken lost")
		rec.want(absent(v, "identifier"), "sent a user name field the page does not have")
		if only(v, "passwd", pw) {
			render(t, fx, w, http.StatusOK, "saml_post.html", map[string]string{"SAMLResponse": samlResponse})
			return
		}
		render(t, fx, w, http.StatusOK, "password_only.html", map[string]string{"Action": "/pw", "AuthState": "f2", "Username": user, "Error": "Your account or password is incorrect."})
	})
	return mux, rec
}

func TestIdentifierFirst(t *testing.T) {
	t.Run("ok, username asked", func(t *testing.T) {
		mux, rec := identifierFirst(t, "alice", "pw")
		srv := httpServer(t, mux.ServeHTTP)
		stub := &prompt.Stub{Answers: []string{"alice"}}
		var calls atomic.Int32
		in := input(srv.URL+"/start", "", "pw", &calls)
		in.Prompt = stub
		got, err := New().Assertion(t.Context(), in)
		rec.check(t)
		if err != nil || got != samlResponse {
			t.Fatalf("got %q, %v", got, err)
		}
		if len(stub.Asked) != 1 || stub.Asked[0] != "Username" || calls.Load() != 1 {
			t.Fatalf("asked %q, Password called %d times", stub.Asked, calls.Load())
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		mux, rec := identifierFirst(t, "alice", "pw")
		srv := httpServer(t, mux.ServeHTTP)
		var calls atomic.Int32
		_, err := New().Assertion(t.Context(), input(srv.URL+"/start", "bob", "pw", &calls))
		rec.check(t)
		var rej *provider.RejectedError
		if !errors.As(err, &rej) || rej.Username != "bob" || rej.Detail != "We couldn't find an account with that username." {
			t.Fatalf("got %T %v", err, err)
		}
		if calls.Load() != 0 {
			t.Fatal("asked for a password the IdP never wanted")
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		mux, rec := identifierFirst(t, "alice", "pw")
		srv := httpServer(t, mux.ServeHTTP)
		_, err := New().Assertion(t.Context(), input(srv.URL+"/start", "alice", "nope", new(atomic.Int32)))
		rec.check(t)
		var rej *provider.RejectedError
		if !errors.As(err, &rej) || rej.Detail != "Your account or password is incorrect." || rec.passwordPosts() != 1 {
			t.Fatalf("got %T %v after %d password POSTs", err, err, rec.passwordPosts())
		}
	})
}

func TestNoUsernameAndNoTerminal(t *testing.T) {
	srv, rec := newSimpleSAMLphp(t, "alice", "pw")
	var calls atomic.Int32
	_, err := New().Assertion(t.Context(), input(sspStart(srv), "", "pw", &calls))
	var need *provider.InputNeededError
	if !errors.As(err, &need) || !strings.Contains(need.Hint, "--username") {
		t.Fatalf("got %T %v", err, err)
	}
	if calls.Load() != 0 || rec.passwordPosts() != 0 {
		t.Fatal("asked for or sent the password without a username")
	}
}

func TestConfiguredFieldNames(t *testing.T) {
	rec := &recorder{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		// Names no guess would find: the password input has none at all.
		w.Write([]byte(`<form method=post action=/x><input name=q value=search-default><input name=acct><input type=password></form>`))
	})
	mux.HandleFunc("POST /x", func(w http.ResponseWriter, r *http.Request) {
		v := rec.readForm(t, r, "secret_word")
		rec.want(only(v, "acct", "alice") && only(v, "secret_word", "pw") && only(v, "q", "search-default"), "fields: "+v.Encode())
		w.Write([]byte(`<input type=hidden name=SAMLResponse value=ok>`))
	})
	srv := httpServer(t, mux.ServeHTTP)
	in := input(srv.URL+"/", "alice", "pw", new(atomic.Int32))
	in.Settings = map[string]string{SettingUsernameField: "acct", SettingPasswordField: "secret_word"}
	got, err := New().Assertion(t.Context(), in)
	rec.check(t)
	if err != nil || got != "ok" || rec.passwordPosts() != 1 {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestMultipartAndGetForms(t *testing.T) {
	var got atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<form method=get action="/next?dropped=1"><input type=hidden name=step value="a b"></form>`))
	})
	mux.HandleFunc("GET /next", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "step=a+b" {
			t.Errorf("GET form query = %q, want the action's query replaced", r.URL.RawQuery)
		}
		w.Write([]byte(`<form method=post enctype="multipart/form-data" action=/login><input name=user><input type=password name=pass></form>`))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("not multipart: %v", err)
		}
		got.Store(r.MultipartForm.Value["pass"])
		w.Write([]byte(`<input type=hidden name=SAMLResponse value=ok>`))
	})
	srv := httpServer(t, mux.ServeHTTP)
	const pw = "p&ss=w+rd %#'\"x y\r\n密码 "
	if _, err := New().Assertion(t.Context(), input(srv.URL+"/", "alice", pw, new(atomic.Int32))); err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Load().([]string); len(v) != 1 || v[0] != pw {
		t.Fatalf("multipart password = %q, want %q", v, pw)
	}
}

func TestNoPasswordToPlainHTTP(t *testing.T) {
	plain := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		t.Error("the password went over plain http")
	})
	srv := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<form method=post action="` + plain.URL + `/login"><input name=username><input type=password name=password></form>`))
	})
	var calls atomic.Int32
	in := input(srv.URL+"/", "alice", "pw", &calls)
	in.HTTP = srv.Client()
	_, err := New().Assertion(t.Context(), in)
	var pe *provider.UnexpectedPageError
	if !errors.As(err, &pe) || !strings.Contains(pe.What, "unencrypted") {
		t.Fatalf("got %T %v", err, err)
	}
	if calls.Load() != 0 {
		t.Fatal("asked for a password that could not be sent")
	}
}
