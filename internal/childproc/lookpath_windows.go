//go:build windows

package childproc

import (
	"errors"
	"os/exec"
	"strings"
)

func pathName(name string) bool { return strings.EqualFold(name, "PATH") }

// lookPath leaves PATHEXT and the other Windows rules to exec.LookPath, which
// searches awsfed's own PATH rather than path.
func lookPath(name, path string) (string, *StartError) {
	_ = path
	file, err := exec.LookPath(name)
	switch {
	case err == nil:
		return file, nil
	case errors.Is(err, exec.ErrNotFound):
		return "", &StartError{Name: name, Code: ExitNotFound, Err: err,
			Hint: "check the spelling, and that the directory holding " + name + " is on PATH"}
	case errors.Is(err, exec.ErrDot):
		return "", &StartError{Name: name, Code: ExitNotFound, Err: err,
			Hint: "it is in the current directory; run it as .\\" + name}
	}
	return "", &StartError{Name: name, Code: ExitCannotExecute, Err: err}
}
