package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/awsfed/awsfed/internal/cache"
)

// maxFileLines bounds how many cache files get a line of their own.
const maxFileLines = 5

// checkCache checks that the cache directory and its files are the user's
// and private: they hold temporary keys.
func checkCache(getenv func(string) string) []Result {
	const subject = "cache"
	dir, err := cache.Dir(getenv)
	if err != nil {
		return []Result{fail(subject, "directory", err.Error(), "set HOME or XDG_CACHE_HOME")}
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []Result{pass(subject, "directory", dir+" does not exist yet (awsfed creates it, 0700, at the first sign-in)")}
	case err != nil:
		return []Result{fail(subject, "directory", "cannot read "+dir+": "+err.Error(), "make it yours: chown -R $USER "+dir)}
	case !info.IsDir():
		return []Result{fail(subject, "directory", dir+" is not a directory", "remove it: awsfed makes the directory")}
	}
	if r, ok := private(subject, "directory", dir, info, 0o077, "chmod 700 "+dir); !ok {
		return []Result{r}
	}
	rs := []Result{pass(subject, "directory", fmt.Sprintf("%s is yours, mode %04o", dir, info.Mode().Perm()))}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(rs, fail(subject, "files", "cannot list "+dir+": "+err.Error(), "chmod 700 "+dir))
	}
	n, bad := 0, 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		n++
		path := filepath.Join(dir, e.Name())
		if r, ok := private(subject, "files", path, info, 0o077, "chmod 600 "+path); !ok {
			if bad++; bad <= maxFileLines {
				rs = append(rs, r)
			}
		}
	}
	switch {
	case bad > maxFileLines:
		rs = append(rs, fail(subject, "files", fmt.Sprintf("and %d more files in %s", bad-maxFileLines, dir), fmt.Sprintf("chmod 600 %s/*", dir)))
	case bad == 0:
		rs = append(rs, pass(subject, "files", fmt.Sprintf("%d files, all yours and private", n)))
	}
	return rs
}

// private checks that path is the user's and grants others none of loose.
func private(subject, check, path string, info fs.FileInfo, loose fs.FileMode, chmod string) (Result, bool) {
	if uid, ok := ownerOf(info); ok && uid != os.Geteuid() {
		return fail(subject, check, fmt.Sprintf("%s belongs to user id %d, not to you (%d)", path, uid, os.Geteuid()),
			"remove it (awsfed makes it anew), or set XDG_CACHE_HOME to a directory of yours"), false
	}
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&loose != 0 {
		return fail(subject, check, fmt.Sprintf("%s is mode %04o: others can read the keys in it", path, perm), chmod), false
	}
	return Result{}, true
}
