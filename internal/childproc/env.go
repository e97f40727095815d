package childproc

import (
	"runtime"
	"slices"
	"strings"
)

// Env returns base without the variables named in unset and with those in
// set, as a list with one entry per name: base's order first (where a name
// repeats, its last value wins, as the OS would read it), then the set names
// in sorted order. A name both in set and unset is set. Names are compared
// case-insensitively on Windows, exactly elsewhere.
func Env(base []string, set map[string]string, unset []string) []string {
	return buildEnv(base, set, unset, runtime.GOOS == "windows")
}

func buildEnv(base []string, set map[string]string, unset []string, foldCase bool) []string {
	key := func(name string) string {
		if foldCase {
			return strings.ToUpper(name)
		}
		return name
	}
	drop := make(map[string]bool, len(unset)+len(set))
	for _, name := range unset {
		drop[key(name)] = true
	}
	for name := range set {
		drop[key(name)] = true
	}

	out := make([]string, 0, len(base)+len(set))
	at := make(map[string]int, len(base)) // key → index in out
	for _, kv := range base {
		name, ok := envName(kv)
		if !ok || drop[key(name)] {
			continue
		}
		if i, seen := at[key(name)]; seen {
			out[i] = kv
			continue
		}
		at[key(name)] = len(out)
		out = append(out, kv)
	}

	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		out = append(out, name+"="+set[name])
	}
	return out
}

// NamesWithPrefix lists the names in base that start with prefix, ignoring
// case (dropping a variable that differs only in case costs nothing, and
// Windows would read it under the name awsfed uses), for Env's unset.
func NamesWithPrefix(base []string, prefix string) []string {
	var names []string
	for _, kv := range base {
		name, ok := envName(kv)
		if ok && len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			names = append(names, name)
		}
	}
	return names
}

// envName returns the name part of a NAME=value entry. Windows keeps
// per-drive directories in entries such as "=C:=C:\dir", so a leading '='
// belongs to the name.
func envName(kv string) (string, bool) {
	i := strings.IndexByte(kv[min(1, len(kv)):], '=')
	if i < 0 {
		return "", false
	}
	return kv[:i+min(1, len(kv))], true
}
