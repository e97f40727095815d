package configure

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider/all"
)

// kindChoice is the answer that picks provider name in the "IdP kind"
// list, which grows as providers arrive.
func kindChoice(name string) string {
	for i, n := range all.Registry().Names() {
		if n == name {
			return strconv.Itoa(i + 1)
		}
	}
	return "?"
}

// configure offers the browser provider, asks for its start URL and shows
// the browser it found (a fake one on PATH), which it does not write when
// taken as is.
func TestInteractiveBrowser(t *testing.T) {
	bin := t.TempDir()
	fake := filepath.Join(bin, "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	e := newEnv(t)
	// account, kind, browser (Enter: the one found), autofill, url, username, test login? (n), role, region
	stub := &prompt.Stub{Answers: []string{"dev", kindChoice("browser"), "", "", "https://idp.example/app/aws/sso", "alice", "n", "Dev", ""}}
	err, _, stderr := e.run(stub, configure)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if len(stub.Answers) != 0 {
		t.Errorf("answers left over: %q (asked %q)", stub.Answers, stub.Asked)
	}
	asked := strings.Join(stub.Asked, "\n")
	if !strings.Contains(asked, "found "+fake) {
		t.Errorf("the questions do not show the browser found:\n%s", asked)
	}
	idp := e.load().IdPs["default"]
	if idp == nil || idp.Provider != "browser" || idp.URL != "https://idp.example/app/aws/sso" {
		t.Fatalf("idp %+v", idp)
	}
	if _, ok := idp.Settings["browser"]; ok {
		t.Errorf("the browser found was written into the file: %v", idp.Settings)
	}
}
