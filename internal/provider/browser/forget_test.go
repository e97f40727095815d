package browser

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/awsfed/awsfed/internal/provider"
)

// logout ends the kept session of one [idp]: its cookies and the browser's
// profile go, another [idp]'s stay.
func TestForgetSession(t *testing.T) {
	env, _ := testEnv(t)
	keep := func(idp string) string {
		p := testProfile(t, env, idp)
		defer p.close()
		c := &network.Cookie{Name: "sess", Value: "s1", Domain: "idp.example", Path: "/", Session: true, Expires: -1}
		if err := p.saveCookies([]*network.Cookie{c}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(p.chromeDir(), "Default"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p.chromeDir(), "Default", "Cookies"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p.dir
	}
	corp, other := keep("corp"), keep("other")
	p := &Provider{Env: env}
	var _ provider.SessionForgetter = p

	forgot, err := p.ForgetSession(context.Background(), provider.KeptSession{IdP: "corp"})
	if !forgot || err != nil {
		t.Fatalf("ForgetSession(corp) = %v, %v; want true, nil", forgot, err)
	}
	for _, gone := range []string{"cookies.json", "chrome"} {
		if _, err := os.Lstat(filepath.Join(corp, gone)); !os.IsNotExist(err) {
			t.Errorf("%s of [idp corp] is still there (%v)", gone, err)
		}
	}
	for _, kept := range []string{"cookies.json", "chrome/Default/Cookies"} {
		if _, err := os.Lstat(filepath.Join(other, kept)); err != nil {
			t.Errorf("%s of [idp other] is gone: %v", kept, err)
		}
	}
	if forgot, err := p.ForgetSession(context.Background(), provider.KeptSession{IdP: "corp"}); forgot || err != nil {
		t.Errorf("second ForgetSession(corp) = %v, %v; want false, nil", forgot, err)
	}
	if forgot, err := p.ForgetSession(context.Background(), provider.KeptSession{IdP: "never"}); forgot || err != nil {
		t.Errorf("ForgetSession(never) = %v, %v; want false, nil", forgot, err)
	}
	if _, err := os.Lstat(filepath.Join(filepath.Dir(corp), "never")); !os.IsNotExist(err) {
		t.Errorf("ForgetSession made a profile for an [idp] that had none (%v)", err)
	}
}
