package browser

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// EnvBrowser names the browser to drive when the [idp] section has no
// browser key.
const EnvBrowser = "AWSFED_BROWSER"

// finder looks for an installed Chromium-family browser. Its fields are the
// operating system's answers, so tests can stand in for any of them.
type finder struct {
	goos     string
	env      func(string) string
	lookPath func(string) (string, error)
	isFile   func(string) bool
}

func systemFinder(goos string, env func(string) string) finder {
	return finder{goos: goos, env: env, lookPath: exec.LookPath, isFile: isExecutableFile}
}

func isExecutableFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// NotFoundError says that no browser was found and where awsfed looked.
type NotFoundError struct {
	Names  []string // program names looked up on PATH
	Places []string // standard install places
	Named  string   // the browser setting, when one was given and is not there
}

func (e *NotFoundError) Error() string {
	if e.Named != "" {
		return fmt.Sprintf("no browser at %s (the browser setting or %s); set browser = PATH in the [idp] section to Chrome, Chromium, Edge or Brave", e.Named, EnvBrowser)
	}
	return fmt.Sprintf("no Chrome, Chromium, Edge or Brave found (looked on PATH for %s, and at %s): set browser = PATH in the [idp] section or %s",
		strings.Join(e.Names, ", "), strings.Join(e.Places, ", "), EnvBrowser)
}

// find returns the browser to run: named (the browser setting, a path or a
// program on PATH) when given, else the first of the usual programs on PATH,
// else the first of the usual install places.
func (f finder) find(named string) (string, error) {
	if named != "" {
		if p, err := f.lookPath(named); err == nil {
			return p, nil
		}
		if f.isFile(named) {
			return named, nil
		}
		return "", &NotFoundError{Named: named}
	}
	names, places := f.candidates()
	for _, n := range names {
		if p, err := f.lookPath(n); err == nil {
			return p, nil
		}
	}
	for _, p := range places {
		if f.isFile(p) {
			return p, nil
		}
	}
	return "", &NotFoundError{Names: names, Places: places}
}

// candidates lists the program names to look up on PATH and the standard
// install places, in the order of preference: Chrome, Chromium, Edge, Brave.
func (f finder) candidates() (names, places []string) {
	switch f.goos {
	case "darwin":
		names = []string{"google-chrome", "chromium", "microsoft-edge", "brave-browser"}
		for _, app := range []string{
			"Google Chrome.app/Contents/MacOS/Google Chrome",
			"Chromium.app/Contents/MacOS/Chromium",
			"Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
			"Brave Browser.app/Contents/MacOS/Brave Browser",
		} {
			places = append(places, "/Applications/"+app)
			if home := f.env("HOME"); home != "" {
				places = append(places, home+"/Applications/"+app)
			}
		}
	case "windows":
		names = []string{"chrome.exe", "msedge.exe", "brave.exe"}
		var roots []string
		for _, v := range []string{"ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"} {
			if r := f.env(v); r != "" {
				roots = append(roots, r)
			}
		}
		if len(roots) == 0 {
			roots = []string{`C:\Program Files`, `C:\Program Files (x86)`}
		}
		for _, rel := range []string{
			`Google\Chrome\Application\chrome.exe`,
			`Chromium\Application\chrome.exe`,
			`Microsoft\Edge\Application\msedge.exe`,
			`BraveSoftware\Brave-Browser\Application\brave.exe`,
		} {
			for _, r := range roots {
				places = append(places, r+`\`+rel)
			}
		}
	default:
		names = []string{
			"google-chrome", "google-chrome-stable", "chromium", "chromium-browser",
			"microsoft-edge", "microsoft-edge-stable", "brave-browser", "brave",
		}
		places = []string{
			"/opt/google/chrome/chrome",
			"/usr/lib/chromium/chromium",
			"/snap/bin/chromium",
			"/opt/microsoft/msedge/msedge",
			"/opt/brave.com/brave/brave",
			"/var/lib/flatpak/exports/bin/com.google.Chrome",
			"/var/lib/flatpak/exports/bin/org.chromium.Chromium",
			"/var/lib/flatpak/exports/bin/com.brave.Browser",
		}
		if home := f.env("HOME"); home != "" {
			places = append(places,
				filepath.Join(home, ".local/share/flatpak/exports/bin/com.google.Chrome"),
				filepath.Join(home, ".local/share/flatpak/exports/bin/org.chromium.Chromium"))
		}
	}
	return names, places
}

// canShowWindow says whether a visible browser window can appear: on Linux
// and the BSDs only with an X or Wayland display. macOS and Windows always
// have a desktop for the signed-in user.
func canShowWindow(goos string, env func(string) string) bool {
	switch goos {
	case "darwin", "windows":
		return true
	}
	return env("DISPLAY") != "" || env("WAYLAND_DISPLAY") != ""
}
