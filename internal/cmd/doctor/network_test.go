package doctor

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/config"
)

func idpLogin(rawURL string, settings map[string]string) *config.Login {
	if settings == nil {
		settings = map[string]string{}
	}
	return &config.Login{Account: "dev", IdPName: "corp", Provider: "form", URL: rawURL, Settings: settings, Profile: "dev"}
}

var noFile = &config.File{Path: "/cfg", IdPs: map[string]*config.IdP{}, Accounts: map[string]*config.Account{}}

// tlsServer serves ok over TLS with cert.
func tlsServer(t *testing.T, cert tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>sign in</html>")) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestClosedPort(t *testing.T) {
	dead := closedPort(t)
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin("http://"+dead+"/sso", nil))
	expect(t, rs, "idp corp", "transport", Pass, "loopback")
	expect(t, rs, "idp corp", "connect", Fail, "cannot reach "+dead+": connection refused", "nothing is listening")
}

func TestUntrustedCertificate(t *testing.T) {
	ca := newCA(t)
	srv := tlsServer(t, ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), "127.0.0.1"))
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", nil)) // no ca_file
	expect(t, rs, "idp corp", "connect", Pass)
	expect(t, rs, "idp corp", "tls", Fail, "TLS certificate not trusted", "unknown authority", "ca_file")
}

func TestTrustedCertificate(t *testing.T) {
	ca := newCA(t)
	srv := tlsServer(t, ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour+12*time.Hour), "127.0.0.1"))
	r := newRig(t)
	rs := r.doctor().checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", map[string]string{"ca_file": ca.pem}))
	expect(t, rs, "idp corp", "transport", Pass, "https to 127.0.0.1:")
	expect(t, rs, "idp corp", "tls", Pass, "names it and is trusted by ca_file "+ca.pem+" and the system's roots (issued by Doctor Test CA)")
	expect(t, rs, "idp corp", "certificate", Pass, "expires in 90 days")
	expect(t, rs, "idp corp", "http", Pass, "answered HTTP 200")
	expect(t, rs, "idp corp", "clock", Pass)
}

func TestUnreadableCAFile(t *testing.T) {
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin("https://idp.example.com/sso", map[string]string{"ca_file": "/nonexistent/ca.pem"}))
	expect(t, rs, "idp corp", "ca file", Fail, "ca_file /nonexistent/ca.pem", "point ca_file in the IdP corp at a readable PEM file")
	if len(rs) != 1 {
		t.Errorf("went on without the CA:\n%s", dump(rs))
	}
}

func TestExpiredCertificate(t *testing.T) {
	ca := newCA(t)
	srv := tlsServer(t, ca.leaf(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), "127.0.0.1"))
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", map[string]string{"ca_file": ca.pem}))
	expect(t, rs, "idp corp", "tls", Fail, "has expired")
}

func TestCertificateExpiresSoon(t *testing.T) {
	ca := newCA(t)
	srv := tlsServer(t, ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(5*24*time.Hour+time.Hour), "127.0.0.1"))
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", map[string]string{"ca_file": ca.pem}))
	expect(t, rs, "idp corp", "certificate", Warn, "expires in 5 days", "renew")
}

func TestCertificateNameMismatch(t *testing.T) {
	ca := newCA(t)
	srv := tlsServer(t, ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), "other.example.com"))
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/sso"
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin(u, map[string]string{"ca_file": ca.pem}))
	expect(t, rs, "idp corp", "tls", Fail, "valid for other.example.com, not localhost", "right host")
}

func TestPlainHTTPToTheNetworkIsRefused(t *testing.T) {
	rs := newRig(t).doctor().checkIdP(t.Context(), noFile, idpLogin("http://idp.example.com/sso", nil))
	expect(t, rs, "idp corp", "transport", Fail, "plain http", "allow_insecure_http")
	if len(rs) != 1 {
		t.Errorf("went on after refusing plain http:\n%s", dump(rs))
	}
}

// dateServer answers with a Date header off by skew, as a server whose
// clock (or this machine's) is wrong.
func dateServer(t *testing.T, now time.Time, skew time.Duration, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", now.Add(skew).UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const stsError = `<ErrorResponse><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error></ErrorResponse>`

func TestSkewedDate(t *testing.T) {
	r := newRig(t)
	srv := dateServer(t, r.now, -10*time.Minute, stsError)
	d := r.doctor()
	rs := d.checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", nil))
	expect(t, rs, "idp corp", "clock", Fail, "10m0s ahead of", "beyond 5m", "timedatectl")
	rs = d.checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: srv.URL + "/"})
	expect(t, rs, "sts "+srv.URL+"/", "clock", Fail, "10m0s ahead of")

	srv = dateServer(t, r.now, 2*time.Minute, stsError)
	rs = d.checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", nil))
	expect(t, rs, "idp corp", "clock", Warn, "2m0s behind")
}

func TestSTSAnswer(t *testing.T) {
	r := newRig(t)
	d := r.doctor()
	srv := dateServer(t, r.now, 0, stsError)
	rs := d.checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: srv.URL + "/"})
	subject := "sts " + srv.URL + "/"
	expect(t, rs, subject, "answer", Pass, "MissingAuthenticationToken", "HTTP 403")
	expect(t, rs, subject, "ca bundle", Pass, "system's roots")

	portal := dateServer(t, r.now, 0, "<html>Welcome to the hotel wifi</html>")
	rs = d.checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: portal.URL + "/"})
	expect(t, rs, "sts "+portal.URL+"/", "answer", Fail, "not an answer of STS", "AWS_ENDPOINT_URL_STS")

	dead := closedPort(t)
	rs = d.checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: "http://" + dead + "/"})
	expect(t, rs, "sts http://"+dead+"/", "connect", Fail, "connection refused")

	rs = d.checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: "http://sts.example.com/"})
	expect(t, rs, "sts http://sts.example.com/", "transport", Fail, "plain http", "[account dev]")
}

// The unsigned request carries no Authorization header and no secret.
func TestSTSRequestIsUnsigned(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(stsError))
	}))
	defer srv.Close()
	newRig(t).doctor().checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: srv.URL + "/"})
	if got == nil {
		t.Fatal("STS got no request")
	}
	if got.Header.Get("Authorization") != "" || got.Header.Get("X-Amz-Security-Token") != "" {
		t.Errorf("the request to STS was signed: %v", got.Header)
	}
	if body != unsignedCall {
		t.Errorf("body %q, want %q", body, unsignedCall)
	}
}

func TestCABundleInEffect(t *testing.T) {
	r := newRig(t)
	r.env["AWS_CA_BUNDLE"] = "/nonexistent/bundle.pem"
	rs := r.doctor().checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: "https://sts.example.com/"})
	expect(t, rs, "sts https://sts.example.com/", "ca bundle", Pass, "AWS_CA_BUNDLE=/nonexistent/bundle.pem and the system's roots are trusted")
	expect(t, rs, "sts https://sts.example.com/", "ca file", Fail, "AWS_CA_BUNDLE /nonexistent/bundle.pem", "point AWS_CA_BUNDLE")

	r = newRig(t)
	r.write(".aws/config", "[profile dev]\nca_bundle = /etc/corp.pem\n", 0o600)
	rs = r.doctor().checkSTS(t.Context(), &config.Login{Account: "dev", Profile: "dev", STSEndpoint: "https://sts.example.com/"})
	expect(t, rs, "sts https://sts.example.com/", "ca bundle", Pass, "ca_bundle = /etc/corp.pem of [profile dev] in "+r.home+"/.aws/config and the system's roots are trusted")
	// The missing bundle stops the checks before any lookup: tests stay on loopback.
	expect(t, rs, "sts https://sts.example.com/", "ca file", Fail, "ca_bundle of [profile dev]", "readable PEM file")
	if len(rs) != 2 {
		t.Errorf("went on after the CA bundle failed:\n%s", dump(rs))
	}
}

func TestProxyFor(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		url       string
		proxy     string
		variable  string
		bypassing bool
	}{
		{"none", nil, "https://idp.example.com/", "", "", false},
		{"https proxy", map[string]string{"HTTPS_PROXY": "proxy.corp:3128"}, "https://idp.example.com/", "proxy.corp:3128", "HTTPS_PROXY", false},
		{"lowercase", map[string]string{"https_proxy": "http://p:8080"}, "https://idp.example.com/", "p:8080", "https_proxy", false},
		{"http proxy only for http", map[string]string{"HTTP_PROXY": "p:1"}, "https://idp.example.com/", "", "", false},
		{"no_proxy domain", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": "example.com"}, "https://idp.example.com/", "", "HTTPS_PROXY", true},
		{"no_proxy dot", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": ".example.com"}, "https://example.com/", "p:1", "HTTPS_PROXY", false},
		{"no_proxy port", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": "idp.example.com:443"}, "https://idp.example.com/", "", "HTTPS_PROXY", true},
		{"no_proxy other port", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": "idp.example.com:8443"}, "https://idp.example.com/", "p:1", "HTTPS_PROXY", false},
		{"no_proxy cidr", map[string]string{"HTTPS_PROXY": "p:1", "no_proxy": "10.0.0.0/8"}, "https://10.1.2.3/", "", "HTTPS_PROXY", true},
		{"no_proxy star", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": "*"}, "https://idp.example.com/", "", "HTTPS_PROXY", true},
		{"no_proxy suffix is not a domain", map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": "ample.com"}, "https://idp.example.com/", "p:1", "HTTPS_PROXY", false},
		{"loopback never", map[string]string{"HTTPS_PROXY": "p:1"}, "https://127.0.0.1:8443/", "", "HTTPS_PROXY", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.url)
			p, v := proxyFor(func(k string) string { return tt.env[k] }, u)
			got := ""
			if p != nil {
				got = p.Host
			}
			if got != tt.proxy || v != tt.variable {
				t.Errorf("proxyFor(%s) = %q, %q; want %q, %q", tt.url, got, v, tt.proxy, tt.variable)
			}
		})
	}
}

// With a proxy set, the lookup and connection go to the proxy; a dead
// proxy is named with the variable that set it.
func TestDeadProxy(t *testing.T) {
	r := newRig(t)
	dead := closedPort(t)
	r.env["HTTPS_PROXY"] = "http://" + dead
	rs := r.doctor().checkIdP(t.Context(), noFile, idpLogin("https://idp.example.com/sso", nil))
	expect(t, rs, "idp corp", "proxy", Pass, "through the proxy "+dead+" (HTTPS_PROXY)")
	expect(t, rs, "idp corp", "connect", Fail, "cannot reach "+dead+": connection refused")
}

// A server that accepts the connection and never answers: the request
// gives up after --timeout, and the fix names it.
func TestServerThatNeverAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	o := newRig(t).options()
	o.Timeout = 300 * time.Millisecond
	rs := newDoctor(o).checkIdP(t.Context(), noFile, idpLogin("http://"+l.Addr().String()+"/sso", nil))
	expect(t, rs, "idp corp", "connect", Pass)
	expect(t, rs, "idp corp", "http", Fail, "cannot reach "+l.Addr().String()+": no answer within 300ms", "--timeout")
}

// A name that does not resolve is described as a sign-in would describe
// it (the lookup itself is not run: tests stay off the network).
func TestNameThatDoesNotResolve(t *testing.T) {
	d := newRig(t).doctor()
	r := d.unreachable("idp corp", "dns", "idp.corp.example:443", &net.DNSError{Err: "no such host", Name: "idp.corp.example", IsNotFound: true})
	if r.Verdict != Fail || r.Found != "cannot reach idp.corp.example:443: host name does not resolve" || !strings.Contains(r.Fix, "VPN") {
		t.Errorf("%+v", r)
	}
}

// STS over TLS is trusted through AWS_CA_BUNDLE, as the AWS CLI trusts it.
func TestSTSTrustedThroughTheAWSCABundle(t *testing.T) {
	ca := newCA(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(stsError))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), "127.0.0.1")}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	l := &config.Login{Account: "dev", Profile: "dev", STSEndpoint: srv.URL + "/"}
	subject := "sts " + srv.URL + "/"

	r := newRig(t)
	expect(t, r.doctor().checkSTS(t.Context(), l), subject, "tls", Fail, "TLS certificate not trusted", "AWS_CA_BUNDLE")
	r.env["AWS_CA_BUNDLE"] = ca.pem
	rs := r.doctor().checkSTS(t.Context(), l)
	expect(t, rs, subject, "tls", Pass, "trusted by AWS_CA_BUNDLE="+ca.pem+" and the system's roots")
	expect(t, rs, subject, "answer", Pass, "MissingAuthenticationToken")
}

// redirector answers every request with a redirect to to.
func redirector(t *testing.T, to string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.RedirectHandler(to, http.StatusFound))
	t.Cleanup(srv.Close)
	return srv
}

func TestStartURLRedirects(t *testing.T) {
	d := newRig(t).doctor()
	other := "http://127.0.0.2:8080/login?SAMLRequest=secret"
	srv := redirector(t, other)
	rs := d.checkIdP(t.Context(), noFile, idpLogin(srv.URL+"/sso", nil))
	expect(t, rs, "idp corp", "http", Pass, "answered HTTP 302 (a redirect to http://127.0.0.2:8080/login)")
	expect(t, rs, "idp corp", "redirect", Warn, "sends the browser to http://127.0.0.2:8080", "awsfed will refuse to send the password", "allowed_hosts = 127.0.0.2")
	if strings.Contains(dump(rs), "secret") {
		t.Errorf("the redirect's query reached the output:\n%s", dump(rs))
	}

	l := idpLogin(srv.URL+"/sso", nil)
	l.AllowedHosts = []string{"127.0.0.2:8080"}
	rs = d.checkIdP(t.Context(), noFile, l)
	expect(t, rs, "idp corp", "redirect", Pass, "which allowed_hosts lets receive the password")

	ca := newCA(t)
	tsrv := httptest.NewUnstartedServer(http.RedirectHandler("http://127.0.0.1:9/x", http.StatusFound))
	tsrv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), "127.0.0.1")}}
	tsrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tsrv.StartTLS()
	defer tsrv.Close()
	rs = d.checkIdP(t.Context(), noFile, idpLogin(tsrv.URL+"/sso", map[string]string{"ca_file": ca.pem}))
	expect(t, rs, "idp corp", "redirect", Fail, "redirects to plain http://127.0.0.1:9/x", "never leaves https")
}
