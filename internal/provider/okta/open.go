package okta

import (
	"context"
	"os"
	"os/exec"

	"github.com/awsfed/awsfed/internal/childproc"
)

// opener opens url in the user's browser; nil opens nothing.
type opener func(ctx context.Context, url string) error

// systemOpener is the desktop's way to open a URL, or nil where no browser
// can show (no display on Linux and the BSDs). The browser gets no
// AWSFED_* or AWS_* variable of awsfed's environment.
func systemOpener(goos string, getenv func(string) string) opener {
	var name string
	var args []string
	switch goos {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	default:
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return nil
		}
		name = "xdg-open"
	}
	return func(ctx context.Context, url string) error {
		path, err := exec.LookPath(name)
		if err != nil {
			return err
		}
		env := os.Environ()
		unset := append(childproc.NamesWithPrefix(env, "AWSFED_"), childproc.NamesWithPrefix(env, "AWS_")...)
		cmd := exec.Command(path, append(args, url)...)
		cmd.Env = childproc.Env(env, nil, unset)
		if err := cmd.Start(); err != nil {
			return err
		}
		go cmd.Wait() // the opener returns at once; the browser lives on
		return nil
	}
}
