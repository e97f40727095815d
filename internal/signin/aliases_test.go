package signin

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/saml"
)

func TestParseRolePageBothLayouts(t *testing.T) {
	want := map[string]string{"111111111111": "acme-dev", "222222222222": "acme prod"}
	for _, name := range []string{"rolepage-legacy.html", "rolepage-data.html"} {
		t.Run(name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRolePage(page)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("aliases %v, want %v", got, want)
			}
		})
	}
	for _, bad := range []string{"<html><body>Sign in to the console</body></html>", `<meta name="data" content="!!!">`, `<meta name="data" content="e30K">` /* {} */} {
		if got, err := ParseRolePage([]byte(bad)); err == nil && len(got) > 0 {
			t.Errorf("%q: aliases %v from a page that has none", bad, got)
		}
	}
}

func TestFetchAliasesFailsQuietlyEnough(t *testing.T) {
	a := &saml.Assertion{Response: "PHNhbWxwOlJlc3BvbnNlLz4="}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"one role: straight to the console", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://console.aws.amazon.com/", http.StatusFound)
		}},
		{"error page", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusBadRequest) }},
		{"a page AWS changed", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body><div id=root></div></body></html>"))
		}},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(AliasTimeout + 2*time.Second):
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.h)
			defer srv.Close()
			start := time.Now()
			got, err := FetchAliases(context.Background(), noRedirect, srv.URL+"/saml", a)
			if err == nil && len(got) > 0 {
				t.Errorf("aliases %v", got)
			}
			if time.Since(start) > AliasTimeout+time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestAliasCacheKeepsADay(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := &AliasCache{Dir: t.TempDir(), Now: func() time.Time { return now }}
	if err := c.Put(context.Background(), []string{"111111111111", "333333333333"}, map[string]string{"111111111111": "acme-dev"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Names(); len(got) != 2 || got["111111111111"] != "acme-dev" || got["333333333333"] != "" {
		t.Errorf("names %v", got)
	}
	if !c.Fresh([]string{"111111111111", "333333333333"}) || c.Fresh([]string{"222222222222"}) {
		t.Error("Fresh is wrong")
	}
	fi, err := os.Stat(filepath.Join(c.Dir, "account-aliases"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v %v", fi.Mode(), err)
	}
	now = now.Add(25 * time.Hour)
	if got := c.Names(); len(got) != 0 {
		t.Errorf("a day later: %v", got)
	}
}

func TestRoleLabel(t *testing.T) {
	r := saml.Role{RoleARN: "arn:aws:iam::111111111111:role/team/Dev"}
	names := func(id string) string { return map[string]string{"111111111111": "acme-dev"}[id] }
	if got := RoleLabel(r, names); got != "acme-dev (111111111111) Dev" {
		t.Errorf("label %q", got)
	}
	if got := RoleLabel(saml.Role{RoleARN: "arn:aws:iam::222222222222:role/X"}, names); got != "arn:aws:iam::222222222222:role/X" {
		t.Errorf("label without alias %q", got)
	}
}
