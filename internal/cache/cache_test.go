package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func entryFor(account, role string) *Entry {
	e := newKeys(account + role)
	e.Account, e.Role = account, role
	e.RoleARN = "arn:aws:iam::123456789012:role/" + role
	e.Profile, e.Region = "p-"+account, "eu-west-1"
	e.Issued = e.Expiration.Add(-time.Hour)
	return e
}

func TestPutGetRoundTrip(t *testing.T) {
	c := newCache(t)
	want := entryFor("dev", "Admin")
	if err := c.Put(want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Get("dev", "Admin")
	if err != nil || !ok {
		t.Fatalf("Get: %v, %v", ok, err)
	}
	if *got != *want {
		t.Errorf("got %+v\nwant %+v", *got, *want)
	}
	if !got.Expiration.Equal(want.Expiration) || got.SessionToken != want.SessionToken {
		t.Errorf("keys changed in the round trip")
	}
	// Another put replaces the entry.
	next := entryFor("dev", "Admin")
	if err := c.Put(next); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.Get("dev", "Admin"); got.AccessKeyID != next.AccessKeyID {
		t.Errorf("after second Put: %s, want %s", got.AccessKeyID, next.AccessKeyID)
	}
}

func TestGetMissing(t *testing.T) {
	c := newCache(t) // the directory does not exist yet
	if e, ok, err := c.Get("dev", ""); e != nil || ok || err != nil {
		t.Errorf("Get on empty cache: %v, %v, %v", e, ok, err)
	}
	if _, _, err := c.Get("", ""); err == nil {
		t.Error("Get with no account: no error")
	}
	if _, _, err := (&Cache{}).Get("dev", ""); err == nil {
		t.Error("Get with no directory: no error")
	}
}

func TestModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	c := newCache(t)
	if err := c.Put(entryFor("dev", "")); err != nil {
		t.Fatal(err)
	}
	checkMode(t, c.Dir, 0o700)
	checkMode(t, filepath.Join(c.Dir, entryName("dev", "")), 0o600)

	// A directory others can enter is tightened; a file in the wrong mode
	// is still read, and rewritten 0600.
	if err := os.Chmod(c.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(c.Dir, entryName("dev", ""))
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Get("dev", ""); !ok || err != nil {
		t.Errorf("Get of a 0644 file: %v, %v", ok, err)
	}
	if err := c.Put(entryFor("dev", "")); err != nil {
		t.Fatal(err)
	}
	checkMode(t, c.Dir, 0o700)
	checkMode(t, p, 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

func TestOddNamesStayInside(t *testing.T) {
	parent := t.TempDir()
	c := &Cache{Dir: filepath.Join(parent, "awsfed")}
	accounts := []string{"../x", "a/b", "a\\b", "日本", "Dev", "dev", "..", "prod/eu"}
	var want []string
	for _, a := range accounts {
		for _, r := range []string{"", "Admin", "../../r"} {
			if err := c.Put(entryFor(a, r)); err != nil {
				t.Fatalf("Put %q/%q: %v", a, r, err)
			}
			want = append(want, a+"\x00"+r)
		}
	}
	// Nothing was written outside the cache directory.
	top, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top[0].Name() != "awsfed" {
		t.Errorf("parent holds %v", top)
	}
	files, err := os.ReadDir(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, f := range files {
		if !f.Type().IsRegular() {
			t.Errorf("%s is not a plain file", f.Name())
		}
		if !strings.HasSuffix(f.Name(), lockSuffix) {
			entries++
		}
	}
	if entries != len(want) {
		t.Errorf("%d files for %d entries", entries, len(want))
	}
	// Each reads back as itself.
	for _, a := range accounts {
		for _, r := range []string{"", "Admin", "../../r"} {
			e, ok, err := c.Get(a, r)
			if err != nil || !ok || e.Account != a || e.Role != r {
				t.Errorf("Get %q/%q: %+v, %v, %v", a, r, e, ok, err)
			}
		}
	}
	list, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Account+"\x00"+e.Role)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("List:\n%q\nwant\n%q", got, want)
	}
}

func TestDelete(t *testing.T) {
	c := newCache(t)
	for _, a := range []string{"dev", "dev2", "Dev", "de"} {
		for _, r := range []string{"", "Admin", "ReadOnly"} {
			if err := c.Put(entryFor(a, r)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A corrupt entry of the account goes too.
	writeRaw(t, c, "dev", "Broken", "{")
	n, err := c.Delete("dev")
	if err != nil || n != 4 {
		t.Fatalf("Delete: %d, %v; want 4", n, err)
	}
	list, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, e := range list {
		accounts = append(accounts, e.Account+"/"+e.Role)
	}
	want := []string{"Dev/", "Dev/Admin", "Dev/ReadOnly", "de/", "de/Admin", "de/ReadOnly", "dev2/", "dev2/Admin", "dev2/ReadOnly"}
	if !slices.Equal(accounts, want) {
		t.Errorf("left after Delete: %q\nwant %q", accounts, want)
	}
	if n, err := c.Delete("dev"); n != 0 || err != nil {
		t.Errorf("second Delete: %d, %v", n, err)
	}
	if n, err := newCache(t).Delete("dev"); n != 0 || err != nil {
		t.Errorf("Delete with no directory: %d, %v", n, err)
	}
}

func writeRaw(t *testing.T, c *Cache, account, role, content string) {
	t.Helper()
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.Dir, entryName(account, role)), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptIsMissing(t *testing.T) {
	good := entryFor("dev", "")
	other := entryFor("prod", "")
	tests := map[string]string{
		"empty":           "",
		"truncated":       `{"account":"dev","role":"","access_key_id":"AS`,
		"not json":        "\x00\x01garbage",
		"wrong type":      `{"account":"dev","role":"","expiration":42}`,
		"no keys":         `{"account":"dev","role":"","expiration":"2030-01-01T00:00:00Z"}`,
		"no expiration":   `{"account":"dev","role":"","access_key_id":"A","secret_access_key":"S"}`,
		"other account":   mustJSON(t, other),
		"other role":      strings.Replace(mustJSON(t, good), `"role": ""`, `"role": "Admin"`, 1),
		"json null":       "null",
		"array":           "[]",
		"half of a write": mustJSON(t, good)[:len(mustJSON(t, good))/2],
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCache(t)
			writeRaw(t, c, "dev", "", content)
			if e, ok, err := c.Get("dev", ""); e != nil || ok || err != nil {
				t.Errorf("Get: %v, %v, %v", e, ok, err)
			}
			if list, err := c.List(); len(list) != 0 || err != nil {
				t.Errorf("List: %v, %v", list, err)
			}
			// Put overwrites it.
			if err := c.Put(good); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := c.Get("dev", ""); !ok || err != nil {
				t.Errorf("Get after Put: %v, %v", ok, err)
			}
		})
	}
	// The good file itself reads, so the cases above fail for their flaw.
	c := newCache(t)
	writeRaw(t, c, "dev", "", mustJSON(t, good))
	if _, ok, err := c.Get("dev", ""); !ok || err != nil {
		t.Errorf("Get of a well-formed file: %v, %v", ok, err)
	}
}

// Put does not fsync (see put): a crash of the machine right after it may
// leave the entry's file cut short anywhere, or its length in zeros (a
// file system that had not written the data yet). Each reads as missing,
// never as other keys.
func TestEntryCutByACrashIsMissing(t *testing.T) {
	good := mustJSON(t, entryFor("dev", ""))
	c := newCache(t)
	cuts := []string{strings.Repeat("\x00", len(good))}
	for n := range len(good) - 1 { // all but the final newline: that cut is whole
		cuts = append(cuts, good[:n])
	}
	for _, content := range cuts {
		writeRaw(t, c, "dev", "", content)
		if e, ok, err := c.Get("dev", ""); e != nil || ok || err != nil {
			t.Fatalf("Get of %q: %v, %v, %v", content, e, ok, err)
		}
	}
}

func mustJSON(t *testing.T, e *Entry) string {
	t.Helper()
	c := newCache(t)
	if err := c.Put(e); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, entryName(e.Account, e.Role)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPutRejects(t *testing.T) {
	c := newCache(t)
	good := *entryFor("dev", "")
	for name, mutate := range map[string]func(*Entry){
		"no account":    func(e *Entry) { e.Account = "" },
		"no key id":     func(e *Entry) { e.AccessKeyID = "" },
		"no secret":     func(e *Entry) { e.SecretAccessKey = "" },
		"no expiration": func(e *Entry) { e.Expiration = time.Time{} },
	} {
		e := good
		mutate(&e)
		if err := c.Put(&e); err == nil {
			t.Errorf("%s: Put accepted it", name)
		}
	}
	if err := c.Put(nil); err == nil {
		t.Error("Put(nil) accepted")
	}
	if err := (&Cache{}).Put(&good); err == nil {
		t.Error("Put with no directory accepted")
	}
}

func TestListSkipsStrayFiles(t *testing.T) {
	c := newCache(t)
	for _, e := range []*Entry{entryFor("b", "R"), entryFor("a", "Z"), entryFor("a", ""), entryFor("b", "")} {
		if err := c.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	// A valid entry under the wrong name, a temp file, a lock file, a
	// directory: none is an entry.
	if err := os.Rename(filepath.Join(c.Dir, entryName("b", "R")), filepath.Join(c.Dir, "moved.json")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".a@.json.tmp-123", "a.lock", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(mustJSON(t, entryFor("x", ""))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(c.Dir, "d@.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	list, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Account+"/"+e.Role)
	}
	if want := []string{"a/", "a/Z", "b/"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	if list, err := newCache(t).List(); list != nil || err != nil {
		t.Errorf("List with no directory: %v, %v", list, err)
	}
}

func TestRemaining(t *testing.T) {
	exp := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	e := &Entry{Expiration: exp}
	for _, tt := range []struct {
		now  time.Time
		want time.Duration
	}{
		{exp.Add(-time.Hour), time.Hour},
		{exp, 0},
		{exp.Add(90 * time.Second), -90 * time.Second},
		{exp.In(time.FixedZone("x", 3600)).Add(-time.Minute), time.Minute},
	} {
		if got := e.Remaining(tt.now); got != tt.want {
			t.Errorf("Remaining(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

func TestStringHidesSecrets(t *testing.T) {
	e := entryFor("dev", "Admin")
	for _, s := range []string{e.String(), fmt.Sprint(e), fmt.Sprintf("%v %+v %#v", *e, e, e)} {
		if strings.Contains(s, e.SecretAccessKey) || strings.Contains(s, e.SessionToken) {
			t.Errorf("secret printed: %s", s)
		}
		if !strings.Contains(s, e.AccessKeyID) {
			t.Errorf("access key id missing: %s", s)
		}
	}
}
