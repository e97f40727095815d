package saml

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// goldenRole shows what Role's methods make of each role, so the golden files
// also pin Account, Name and Partition across real-looking ARNs.
type goldenRole struct {
	RoleARN, PrincipalARN, Account, Name, Partition string
}

type golden struct {
	Error           string       `json:"error,omitempty"`
	Issuer          string       `json:"issuer,omitempty"`
	Destination     string       `json:"destination,omitempty"`
	Recipient       string       `json:"recipient,omitempty"`
	Audiences       []string     `json:"audiences,omitempty"`
	Subject         string       `json:"subject,omitempty"`
	Roles           []goldenRole `json:"roles,omitempty"`
	RoleSessionName string       `json:"role_session_name,omitempty"`
	SessionDuration string       `json:"session_duration,omitempty"`
	IssueInstant    string       `json:"issue_instant,omitempty"`
	NotOnOrAfter    string       `json:"not_on_or_after,omitempty"`
}

// fixtures returns each testdata input as the SAMLResponse form value an IdP
// would post: *.xml files are encoded here, *.b64 files are used as they are.
func fixtures(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pattern := range []string{"testdata/*.xml", "testdata/*.b64"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(f, ".xml") {
				out[f] = base64.StdEncoding.EncodeToString(b)
			} else {
				out[f] = string(b)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	return out
}

func TestGolden(t *testing.T) {
	for file, in := range fixtures(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a, err := Parse(in)
			var got golden
			if err != nil {
				got.Error = err.Error()
			} else {
				got = toGolden(a)
				checkResponseField(t, in, a)
			}
			data, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, '\n')
			goldenFile := strings.TrimSuffix(strings.TrimSuffix(file, ".xml"), ".b64") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenFile, data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(data, want) {
				t.Errorf("%s differs from the output (run go test -update if the change is intended)\ngot:\n%s", goldenFile, data)
			}
		})
	}
}

// checkResponseField asserts that Assertion.Response is what STS wants: the
// same XML, in padded standard base64 on one line.
func checkResponseField(t *testing.T, in string, a *Assertion) {
	t.Helper()
	want, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := base64.StdEncoding.DecodeString(a.Response)
	if err != nil {
		t.Fatalf("Response is not standard base64: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("Response does not decode to the parsed XML")
	}
}

func toGolden(a *Assertion) golden {
	g := golden{
		Issuer: a.Issuer, Destination: a.Destination, Recipient: a.Recipient, Audiences: a.Audiences,
		Subject: a.Subject, RoleSessionName: a.RoleSessionName,
		IssueInstant: formatTime(a.IssueInstant), NotOnOrAfter: formatTime(a.NotOnOrAfter),
	}
	if a.SessionDuration != 0 {
		g.SessionDuration = a.SessionDuration.String()
	}
	for _, r := range a.Roles {
		g.Roles = append(g.Roles, goldenRole{r.RoleARN, r.PrincipalARN, r.Account(), r.Name(), r.Partition()})
	}
	return g
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func TestURLSafeFixtureIsURLSafe(t *testing.T) {
	b, err := os.ReadFile("testdata/urlsafe.b64")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.ContainsAny(s, "-_") || strings.ContainsAny(s, "+/") || !strings.Contains(s, "\r\n") {
		t.Fatal("testdata/urlsafe.b64 must use the URL-safe alphabet and be wrapped with line breaks")
	}
}
