package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestPolicyAllows(t *testing.T) {
	p, err := newPolicy(Options{Origin: "https://idp.example.com/sso?x=1", AllowedHosts: []string{"login.example.com", "sso.example.net:8443", "*.corp.example"}})
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://idp.example.com/login":       true,
		"https://IDP.example.com:443/x":       true,
		"https://idp.example.com:8443/x":      false, // another port is another origin
		"http://idp.example.com/x":            false, // and so is another scheme
		"https://login.example.com/":          true,
		"http://login.example.com/":           false, // a listed host gets secrets over https only
		"https://sso.example.net:8443/":       true,
		"https://sso.example.net/":            false,
		"https://a.corp.example/":             true,
		"https://corp.example/":               false,
		"https://evilcorp.example/":           false,
		"https://idp.example.com.evil.test/x": false,
	} {
		u, _ := url.Parse(raw)
		if got := p.allows(u); got != want {
			t.Errorf("allows(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestCheckInsecure(t *testing.T) {
	for raw, refused := range map[string]bool{
		"http://idp.example.com/sso":  true,
		"HTTP://10.0.0.1:8080/":       true,
		"https://idp.example.com/sso": false,
		"http://127.0.0.1:8080/":      false,
		"http://127.0.0.2/":           false,
		"http://[::1]:9/":             false,
		"http://localhost:8080/":      false,
		"http://localhost.evil.com/":  true,
	} {
		err := CheckInsecure(raw, "the IdP URL", "allow_insecure_http = true")
		if (err != nil) != refused {
			t.Errorf("CheckInsecure(%s) = %v, want refused %v", raw, err, refused)
		}
		var re *RefusedError
		if err != nil && (!errors.As(err, &re) || !strings.Contains(re.Hint, "allow_insecure_http")) {
			t.Errorf("CheckInsecure(%s): %v has no hint naming the setting", raw, err)
		}
	}
}

// A POST marked as carrying a secret goes only to the origin; an unmarked
// one, or one to the origin, goes through.
func TestSecretRequestsStayAtTheOrigin(t *testing.T) {
	var hits int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer other.Close()
	c, err := NewClient(Options{Origin: "http://127.0.0.1:1/", Section: "[idp corp]"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(WithSecret(t.Context(), "the password"), http.MethodPost, other.URL, strings.NewReader("password=x"))
	_, err = c.Do(req)
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.What, "the password") || !strings.Contains(re.Hint, "allowed_hosts") || !strings.Contains(re.Hint, "[idp corp]") {
		t.Fatalf("secret POST to another origin: %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, other.URL, nil)
	req.SetBasicAuth("alice", "pw")
	if _, err = c.Do(req); !errors.As(err, &re) {
		t.Fatalf("Basic auth to another origin: %v", err)
	}
	req, _ = http.NewRequest(http.MethodPost, other.URL, strings.NewReader("SAMLRequest=x"))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("unmarked POST: %v", err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Fatalf("the other origin saw %d requests, want 1 (the unmarked one)", hits)
	}
	u, _ := url.Parse(other.URL)
	if err := CheckTarget(c, u, "the password"); !errors.As(err, &re) {
		t.Fatalf("CheckTarget: %v", err)
	}
}
