package doctor

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"strings"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider/browser"
)

// browserProvider is the provider's name in the registry.
const browserProvider = "browser"

// checkBrowser finds the browser a sign-in at l's [idp] would drive (the
// browser setting or AWSFED_BROWSER, else the one the provider finds) and
// asks its version.
func (d *doctor) checkBrowser(ctx context.Context, l *config.Login) Result {
	subject := "idp " + l.IdPName
	settings := maps.Clone(l.Settings)
	d.f.Providers.FromEnv(browserProvider, settings, d.getenv)
	fix := fmt.Sprintf("install Chrome, Chromium, Edge or Brave, or set %s = PATH in [idp %s] (or %s)", browser.SettingBrowser, l.IdPName, browser.EnvBrowser)
	path := strings.TrimSpace(settings[browser.SettingBrowser])
	if path != "" {
		found, err := exec.LookPath(path)
		if err != nil {
			if info, serr := os.Stat(path); serr != nil || !info.Mode().IsRegular() {
				return fail(subject, "browser", fmt.Sprintf("no browser at %s (the %s setting or %s)", path, browser.SettingBrowser, browser.EnvBrowser), fix)
			}
			found = path
		}
		path = found
	} else {
		for _, s := range d.f.Providers.SettingsOf(browserProvider) {
			if s.Key == browser.SettingBrowser {
				path = s.Suggested().Default // what the provider finds on its own
			}
		}
	}
	if path == "" {
		return fail(subject, "browser", "no Chrome, Chromium, Edge or Brave found on PATH or where they install", fix)
	}
	version := askVersion(ctx, path)
	if version == "" {
		version = "it did not say its version"
	}
	return pass(subject, "browser", fmt.Sprintf("%s (%s)", path, version))
}
