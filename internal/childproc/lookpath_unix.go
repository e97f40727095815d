//go:build unix

package childproc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

func pathName(name string) bool { return name == "PATH" }

// lookPath finds name as a POSIX shell does: a name with a slash is used as
// it is, any other is searched on path, and a match that cannot be run is
// reported only when no later directory has one that can.
func lookPath(name, path string) (string, *StartError) {
	if strings.Contains(name, "/") {
		return name, checkRunnable(name, name)
	}
	var denied *StartError
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "." // POSIX: an empty PATH entry is the working directory
		}
		file := filepath.Join(dir, name)
		if !strings.Contains(file, "/") {
			file = "./" + file
		}
		fi, err := os.Stat(file)
		if err != nil || fi.IsDir() {
			continue
		}
		err2 := checkRunnable(name, file)
		if err2 == nil {
			return file, nil
		}
		if denied == nil {
			denied = err2
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", &StartError{
		Name: name,
		Code: ExitNotFound,
		Err:  fs.ErrNotExist,
		Hint: "check the spelling, and that the directory holding " + name + " is on PATH",
	}
}

func checkRunnable(name, file string) *StartError {
	fi, err := os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &StartError{Name: name, Code: ExitNotFound, Err: fs.ErrNotExist, Hint: "no file " + file + " exists; check the path"}
	case err != nil:
		return &StartError{Name: name, Code: ExitCannotExecute, Err: err}
	case fi.IsDir():
		return &StartError{Name: name, Code: ExitCannotExecute, Err: errors.New("is a directory")}
	}
	if err := unix.Access(file, unix.X_OK); err != nil {
		return &StartError{
			Name: name,
			Code: ExitCannotExecute,
			Err:  fs.ErrPermission,
			Hint: "make it executable (chmod +x " + file + "), or run it through its interpreter",
		}
	}
	return nil
}
