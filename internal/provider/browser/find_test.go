package browser

import (
	"errors"
	"strings"
	"testing"
)

func fakeFinder(goos string, env map[string]string, onPath map[string]string, files ...string) finder {
	have := map[string]bool{}
	for _, f := range files {
		have[f] = true
	}
	return finder{
		goos: goos,
		env:  func(k string) string { return env[k] },
		lookPath: func(name string) (string, error) {
			if p, ok := onPath[name]; ok {
				return p, nil
			}
			return "", errors.New("not found")
		},
		isFile: func(p string) bool { return have[p] },
	}
}

func TestFind(t *testing.T) {
	home := map[string]string{"HOME": "/home/a", "ProgramFiles": `C:\Program Files`, "LOCALAPPDATA": `C:\Users\a\AppData\Local`}
	for _, tt := range []struct {
		name   string
		goos   string
		onPath map[string]string
		files  []string
		named  string
		want   string
	}{
		{"chrome first on PATH", "linux", map[string]string{"chromium": "/usr/bin/chromium", "google-chrome": "/usr/bin/google-chrome"}, nil, "", "/usr/bin/google-chrome"},
		{"chromium on PATH", "linux", map[string]string{"chromium": "/usr/bin/chromium"}, nil, "", "/usr/bin/chromium"},
		{"brave on PATH", "linux", map[string]string{"brave-browser": "/usr/bin/brave-browser"}, nil, "", "/usr/bin/brave-browser"},
		{"edge in /opt", "linux", nil, []string{"/opt/microsoft/msedge/msedge"}, "", "/opt/microsoft/msedge/msedge"},
		{"flatpak in home", "linux", nil, []string{"/home/a/.local/share/flatpak/exports/bin/org.chromium.Chromium"}, "", "/home/a/.local/share/flatpak/exports/bin/org.chromium.Chromium"},
		{"mac chrome", "darwin", nil, []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}, "", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"},
		{"mac brave in home", "darwin", nil, []string{"/home/a/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"}, "", "/home/a/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"},
		{"windows edge", "windows", nil, []string{`C:\Program Files\Microsoft\Edge\Application\msedge.exe`}, "", `C:\Program Files\Microsoft\Edge\Application\msedge.exe`},
		{"windows chrome per user", "windows", nil, []string{`C:\Users\a\AppData\Local\Google\Chrome\Application\chrome.exe`}, "", `C:\Users\a\AppData\Local\Google\Chrome\Application\chrome.exe`},
		{"named program", "linux", map[string]string{"chromium": "/usr/bin/chromium", "my-chrome": "/usr/local/bin/my-chrome"}, nil, "my-chrome", "/usr/local/bin/my-chrome"},
		{"named path", "linux", map[string]string{"chromium": "/usr/bin/chromium"}, []string{"/srv/chrome/chrome"}, "/srv/chrome/chrome", "/srv/chrome/chrome"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fakeFinder(tt.goos, home, tt.onPath, tt.files...).find(tt.named)
			if err != nil || got != tt.want {
				t.Errorf("find(%q) = %q, %v; want %q", tt.named, got, err, tt.want)
			}
		})
	}
}

func TestFindNothing(t *testing.T) {
	_, err := fakeFinder("linux", map[string]string{"HOME": "/home/a"}, nil).find("")
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v, want NotFoundError", err)
	}
	msg := err.Error()
	for _, want := range []string{"google-chrome", "chromium", "microsoft-edge", "brave-browser", "/opt/google/chrome/chrome", "browser = PATH", EnvBrowser} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message is not one line: %q", msg)
	}

	_, err = fakeFinder("linux", nil, map[string]string{"chromium": "/usr/bin/chromium"}).find("/gone/chrome")
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "/gone/chrome") {
		t.Errorf("a named browser that is not there must not fall back to another: %v", err)
	}
}

func TestCanShowWindow(t *testing.T) {
	for _, tt := range []struct {
		goos string
		env  map[string]string
		want bool
	}{
		{"linux", nil, false},
		{"linux", map[string]string{"DISPLAY": ":0"}, true},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, true},
		{"freebsd", nil, false},
		{"darwin", nil, true},
		{"windows", nil, true},
	} {
		if got := canShowWindow(tt.goos, func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("canShowWindow(%s, %v) = %v, want %v", tt.goos, tt.env, got, tt.want)
		}
	}
}

func TestACSMatches(t *testing.T) {
	aws, _ := newACS("")
	for _, tt := range []struct {
		url  string
		want bool
	}{
		{"https://signin.aws.amazon.com/saml", true},
		{"https://signin.aws.amazon.com/saml/", true},
		{"https://eu-west-1.signin.aws.amazon.com/saml", true},
		{"https://us-gov-west-1.signin.amazonaws-us-gov.com/saml", true},
		{"https://signin.amazonaws-us-gov.com/saml", true},
		{"https://signin.amazonaws.cn/saml", true},
		{"https://cn-north-1.signin.amazonaws.cn/saml", true},
		{"https://SIGNIN.AWS.AMAZON.COM/saml", true},
		{"http://signin.aws.amazon.com/saml", false},
		{"https://evilsignin.aws.amazon.com/saml", false},
		{"https://signin.aws.amazon.com.evil.example/saml", false},
		{"https://a.b.signin.aws.amazon.com/saml", false},
		{"https://signin.aws.amazon.com/federation", false},
		{"https://idp.example.com/?x=https://signin.aws.amazon.com/saml", false},
	} {
		if got := aws.matches(tt.url); got != tt.want {
			t.Errorf("matches(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
	local, err := newACS("http://127.0.0.1:9000/saml")
	if err != nil {
		t.Fatal(err)
	}
	if !local.matches("http://127.0.0.1:9000/saml") || local.matches("http://127.0.0.1:9001/saml") || local.matches("https://signin.aws.amazon.com/saml") {
		t.Error("acs_url must replace the AWS hosts with exactly its own origin and path")
	}
	if _, err := newACS("ftp://x/saml"); err == nil {
		t.Error("acs_url ftp:// accepted")
	}
}

func TestSAMLResponseFromBody(t *testing.T) {
	if got := samlResponse("application/x-www-form-urlencoded", []byte("SAMLResponse=PHNhbWw%2BKz0%3D&RelayState=")); got != "PHNhbWw+Kz0=" {
		t.Errorf("urlencoded: %q", got)
	}
	mp := "--b\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\nPHNhbWw+Kz0=\r\n--b--\r\n"
	if got := samlResponse("multipart/form-data; boundary=b", []byte(mp)); got != "PHNhbWw+Kz0=" {
		t.Errorf("multipart: %q", got)
	}
	if got := samlResponse("application/x-www-form-urlencoded", []byte("RelayState=x")); got != "" {
		t.Errorf("no SAMLResponse: %q", got)
	}
}

func TestDirName(t *testing.T) {
	for in, want := range map[string]string{"": "default", "corp": "corp", "my.idp-2": "my.idp-2"} {
		if got := dirName(in); got != want {
			t.Errorf("dirName(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"..", "a/b", `a\b`, "a b"} {
		if got := dirName(bad); !strings.HasPrefix(got, "idp-") {
			t.Errorf("dirName(%q) = %q, want a digest name", bad, got)
		}
	}
}

// BenchmarkSettings is what listing the provider's settings costs (it looks
// for the browser): every credential-process of a browser account pays it,
// a cache hit included, when the cache binding is computed.
func BenchmarkSettings(b *testing.B) {
	p := &Provider{}
	for b.Loop() {
		p.Settings()
	}
}

// The browser is a program awsfed starts: it must not inherit awsfed's
// secrets (a password, a keyring passphrase) nor AWS keys.
func TestBrowserEnvironmentHoldsNoSecrets(t *testing.T) {
	t.Setenv("AWSFED_PASSWORD", "hunter2")
	t.Setenv("AWSFED_KEYRING_PASSPHRASE", "pp")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "sk")
	t.Setenv("DISPLAY", ":5")
	env := strings.Join(childEnv(), "\n")
	for _, bad := range []string{"hunter2", "AWSFED_", "AWS_SECRET_ACCESS_KEY"} {
		if strings.Contains(env, bad) {
			t.Errorf("the browser's environment holds %q", bad)
		}
	}
	if !strings.Contains(env, "DISPLAY=:5") {
		t.Error("the browser's environment lost DISPLAY")
	}
}
