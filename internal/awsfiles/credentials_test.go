package awsfiles

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
)

func TestWriteCredentialsKeepsEveryForeignByte(t *testing.T) {
	for _, profile := range []string{"target", "default", "after", "brand-new"} {
		t.Run(profile, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			writeFile(t, path, foreign, 0o600)
			k := keysFor(profile)
			if err := WriteCredentials(context.Background(), path, profile, k); err != nil {
				t.Fatal(err)
			}
			got := readFile(t, path)
			// Keys added at the end give the old last line the line end it lacked.
			want := withoutOwned(foreign, profile)
			switch profile {
			case "after":
				want += "\r\n"
			case "brand-new":
				want += "\r\n\r\n[brand-new]\r\n"
			}
			if withoutOwned(got, profile) != want {
				t.Errorf("bytes outside [%s]'s keys changed:\n%q\nwant\n%q", profile, withoutOwned(got, profile), want)
			}
			if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
				t.Errorf("a line without CR was added to a CRLF file:\n%q", got)
			}
			back, ok, err := ReadCredentials(path, profile)
			if err != nil || !ok || back != k {
				t.Errorf("ReadCredentials = %+v, %v, %v, want %+v", back, ok, err, k)
			}
			doc, err := inifile.Parse([]byte(got))
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := doc.Get(profile, "aws_security_token"); v != k.SessionToken {
				t.Errorf("aws_security_token = %q, want the session token", v)
			}
			if v, _ := doc.Get(profile, "x_security_token_expires"); v != "2030-01-02T03:04:05Z" {
				t.Errorf("x_security_token_expires = %q", v)
			}
		})
	}
}

func TestWriteCredentialsPlacesKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, "[a]\nregion=x\n\n# about b\n[b]\nk = v\n", 0o600)
	k := Keys{AccessKeyID: "AKID", SecretAccessKey: "SECRET", SessionToken: "TOKEN", Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))}
	if err := WriteCredentials(context.Background(), path, "a", k); err != nil {
		t.Fatal(err)
	}
	want := "[a]\nregion=x\naws_access_key_id=AKID\naws_secret_access_key=SECRET\naws_session_token=TOKEN\n" +
		"aws_security_token=TOKEN\nx_security_token_expires=2030-01-02T02:04:05Z\n\n# about b\n[b]\nk = v\n"
	if got := readFile(t, path); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Long-term keys leave no stale token behind.
	if err := WriteCredentials(context.Background(), path, "a", Keys{AccessKeyID: "AKID2", SecretAccessKey: "S2"}); err != nil {
		t.Fatal(err)
	}
	want = "[a]\nregion=x\naws_access_key_id=AKID2\naws_secret_access_key=S2\n\n# about b\n[b]\nk = v\n"
	if got := readFile(t, path); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteCredentialsCreatesWhatIsMissing(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "nested", ".aws", "credentials")
	if err := WriteCredentials(context.Background(), path, "dev", keysFor("dev")); err != nil {
		t.Fatal(err)
	}
	want := "[dev]\naws_access_key_id = ASIADEV\naws_secret_access_key = secret/dev;#=x\naws_session_token = token-dev\n" +
		"aws_security_token = token-dev\nx_security_token_expires = 2030-01-02T03:04:05Z\n"
	if got := readFile(t, path); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if runtime.GOOS == "windows" {
		return
	}
	for p, mode := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): 0o700 | fs.ModeDir, filepath.Join(home, "nested"): 0o700 | fs.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), mode)
		}
	}
	if names := dirNames(t, filepath.Dir(path)); strings.Join(names, " ") != "credentials credentials.lock" {
		t.Errorf("directory holds %q, want only the file and its lock", names)
	}
}

func TestValueWithCommentCharactersSurvives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o600)
	k := Keys{AccessKeyID: "AKID", SecretAccessKey: "abc;def#ghi=jkl"}
	if err := WriteCredentials(context.Background(), path, "other", k); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	if !strings.Contains(got, "[default]\r\naws_access_key_id = AKIALONGTERMDEFAULT\r\naws_secret_access_key = abc;def#ghi=jkl\r\n") {
		t.Errorf("[default] changed:\n%s", got)
	}
	if back, ok, err := ReadCredentials(path, "default"); err != nil || !ok || back.SecretAccessKey != "abc;def#ghi=jkl" {
		t.Errorf("ReadCredentials(default) = %+v, %v, %v", back, ok, err)
	}
	if back, ok, err := ReadCredentials(path, "other"); err != nil || !ok || back != k {
		t.Errorf("ReadCredentials(other) = %+v, %v, %v, want %+v", back, ok, err, k)
	}
}

func TestRemoveCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o600)
	ctx := context.Background()
	for _, p := range []string{"gone", "target"} {
		if err := WriteCredentials(ctx, path, p, keysFor(p)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"gone", "target", "missing"} {
		if err := RemoveCredentials(ctx, path, p); err != nil {
			t.Fatal(err)
		}
	}
	got := readFile(t, path)
	// [target] keeps its foreign keys; [gone] held only ours and goes. The
	// old last line keeps the line end it got when [gone] was added.
	want := withoutOwned(foreign, "target") + "\r\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if _, ok, err := ReadCredentials(path, "target"); ok || err != nil {
		t.Errorf("ReadCredentials(target) = %v, %v after removal", ok, err)
	}
}

func TestOwnedKeysMatchWithoutCase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, "[dev]\nAWS_ACCESS_KEY_ID = OLD\nAws_Security_Token = OLD\nregion = x\n", 0o600)
	k := keysFor("dev")
	if err := WriteCredentials(context.Background(), path, "dev", k); err != nil {
		t.Fatal(err)
	}
	want := "[dev]\nAWS_ACCESS_KEY_ID = ASIADEV\nAws_Security_Token = token-dev\nregion = x\n" +
		"aws_secret_access_key = secret/dev;#=x\naws_session_token = token-dev\nx_security_token_expires = 2030-01-02T03:04:05Z\n"
	if got := readFile(t, path); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if back, ok, err := ReadCredentials(path, "dev"); err != nil || !ok || back != k {
		t.Errorf("ReadCredentials = %+v, %v, %v", back, ok, err)
	}
	if err := RemoveCredentials(context.Background(), path, "dev"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "[dev]\nregion = x\n" {
		t.Errorf("after removal: %q", got)
	}
}

func TestReadCredentials(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := ReadCredentials(filepath.Join(dir, "missing"), "dev"); ok || err != nil {
		t.Errorf("missing file: %v, %v", ok, err)
	}
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[old]\naws_access_key_id = A\naws_secret_access_key = S\naws_security_token = T\nx_security_token_expires = soon\n[empty]\n", 0o600)
	got, ok, err := ReadCredentials(path, "old")
	if want := (Keys{AccessKeyID: "A", SecretAccessKey: "S", SessionToken: "T"}); err != nil || !ok || got != want {
		t.Errorf("ReadCredentials(old) = %+v, %v, %v, want %+v", got, ok, err, want)
	}
	for _, p := range []string{"empty", "nosuch"} {
		if _, ok, err := ReadCredentials(path, p); ok || err != nil {
			t.Errorf("ReadCredentials(%s) = %v, %v", p, ok, err)
		}
	}
	if bytes.Contains([]byte(readFile(t, path)), []byte("\r")) {
		t.Error("reading changed the file")
	}
}

func TestWriteCredentialsRejectsBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	for _, tc := range []struct {
		profile string
		k       Keys
	}{
		{"", keysFor("x")},
		{"a\nb", keysFor("x")},
		{"dev", Keys{SecretAccessKey: "s3cr3t"}},
		{"dev", Keys{AccessKeyID: "A"}},
	} {
		err := WriteCredentials(context.Background(), path, tc.profile, tc.k)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("WriteCredentials(%q) err = %v", tc.profile, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("bad input created the file")
	}
}

// A credentials file others may read is made 0600 when keys are written
// into it, even when the keys are the ones it already holds; a private file
// keeps its mode, and so does the config file, which holds no keys.
func TestWriteCredentialsMakesTheFilePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	for _, tt := range []struct{ before, after fs.FileMode }{
		{0o644, 0o600}, {0o640, 0o600}, {0o604, 0o600}, {0o666, 0o600},
		{0o600, 0o600}, {0o400, 0o400}, {0o700, 0o700},
	} {
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, foreign, tt.before)
		if err := os.Chmod(path, tt.before); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second write changes nothing but the mode
			if err := WriteCredentials(context.Background(), path, "dev", keysFor("dev")); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.after {
				t.Errorf("%v: after WriteCredentials the mode is %v (%v), want %v", tt.before, fi.Mode().Perm(), err, tt.after)
			}
			if err := os.Chmod(path, tt.before); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Making the file private is said once, on the writer Notify gives, and
// never with a key in it.
func TestWriteCredentialsSaysItMadeTheFilePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o644)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	var notice bytes.Buffer
	for _, p := range []string{"dev", "dev", "prod"} {
		if err := WriteCredentials(context.Background(), path, p, keysFor(p), Notify(&notice)); err != nil {
			t.Fatal(err)
		}
	}
	want := "awsfed: made " + path + " private (mode 0644 → 0600): it holds secret keys\n"
	if notice.String() != want {
		t.Errorf("notice = %q, want %q once", notice.String(), want)
	}
	// Without Notify the file is made private all the same, silently.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteCredentials(context.Background(), path, "dev", keysFor("dev")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// awsfed's keys are found under the names the AWS CLI gives them (Python's
// str.lower): "AWS_ACCESS_KEY_ID" and "aws_secret_access_\u212aey" (Kelvin
// sign) are awsfed's keys, "aws_acce\u017f\u017f_key_id" (long s) is some
// other key, which a case-folding match would have taken and rewritten.
func TestWriteCredentialsFindsKeysAsTheAWSCLINamesThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	orig := "[dev]\naws_acce\u017f\u017f_key_id = FOREIGN\nAWS_ACCESS_KEY_ID = OLD\naws_secret_access_\u212aey = OLD\n"
	writeFile(t, path, orig, 0o600)
	k := keysFor("dev")
	if err := WriteCredentials(context.Background(), path, "dev", k); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	want := "[dev]\naws_acce\u017f\u017f_key_id = FOREIGN\nAWS_ACCESS_KEY_ID = " + k.AccessKeyID +
		"\naws_secret_access_\u212aey = " + k.SecretAccessKey + "\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got\n%q\nwant it to start with\n%q", got, want)
	}
}

// Files the AWS CLI reads, which awsfed once refused: lone CRs as line
// ends (Python reads with universal newlines), [DEFAULT] given twice, keys
// that only strings.ToLower takes for the same key.
func TestWriteCredentialsEditsWhatTheAWSCLIReads(t *testing.T) {
	for _, orig := range []string{
		"[default]\naws_access_key_id = AKIA\r",
		"[default]\raws_access_key_id = AKIA\r\r[other]\rregion = x\r",
		"[DEFAULT]\nregion = x\n[default]\n[DEFAULT]\noutput = json\n",
		"[default]\n\u0130 = 1\ni = 2\n\u0391\u03a3 = 3\n\u03b1\u03c3 = 4\n",
	} {
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, orig, 0o600)
		if err := WriteCredentials(context.Background(), path, "dev", keysFor("dev")); err != nil {
			t.Errorf("%q: %v", orig, err)
			continue
		}
		if got := readFile(t, path); !strings.HasPrefix(got, orig) {
			t.Errorf("%q became %q", orig, got)
		}
		if k, ok, err := ReadCredentials(path, "dev"); err != nil || !ok || k != keysFor("dev") {
			t.Errorf("%q: ReadCredentials = %v, %v, %v", orig, k, ok, err)
		}
	}
}

// One reading of the file serves every profile as ReadCredentials would.
func TestReadCredentialsFile(t *testing.T) {
	dir := t.TempDir()
	f, err := ReadCredentialsFile(filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if _, ok := f.Keys("dev"); ok {
		t.Error("a missing file has keys")
	}
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, "[a]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\nx_security_token_expires = 2030-01-02T03:04:05Z\n[b]\nAWS_ACCESS_KEY_ID = B\naws_secret_access_key = S2\n[c]\n", 0o600)
	if f, err = ReadCredentialsFile(path); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "b", "c", "nosuch"} {
		want, wantOK, err := ReadCredentials(path, p)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := f.Keys(p); got != want || ok != wantOK {
			t.Errorf("Keys(%s) = %+v, %v; ReadCredentials: %+v, %v", p, got, ok, want, wantOK)
		}
	}
	writeFile(t, path, "[a]\n[a]\n", 0o600)
	var fe *FileError
	if _, err := ReadCredentialsFile(path); !errors.As(err, &fe) {
		t.Errorf("a file the AWS CLI refuses: %v, want a *FileError", err)
	}
}
