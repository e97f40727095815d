package awsfiles

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
	"github.com/awsfed/awsfed/internal/lockedfile"
)

func TestUpdateKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	path := filepath.Join(t.TempDir(), "config")
	writeFile(t, path, "[default]\nregion = x\n", 0o640)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	err := Update(context.Background(), path, func(doc *inifile.Doc) error {
		doc.Set("default", "region", "y")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode())
	}
}

func TestUpdateWritesNothingWithoutChange(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	if err := Update(context.Background(), missing, func(*inifile.Doc) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a no-op update created the file: %v", err)
	}
	path := filepath.Join(dir, "credentials")
	writeFile(t, path, foreign, 0o600)
	before, _ := os.Stat(path)
	err := Update(context.Background(), path, func(doc *inifile.Doc) error {
		doc.Set("default", "aws_access_key_id", "AKIALONGTERMDEFAULT") // same value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) {
		t.Error("a no-op update replaced the file")
	}
}

func TestUpdateRefusesWhatTheAWSCLIRefuses(t *testing.T) {
	tests := []struct {
		name, content string
		line          int
		msg, hint     string
	}{
		{
			"duplicate section", "# c\n[dev]\nk = 1\n\n[prod]\nk = 2\n[dev]\nj = 3\n", 7,
			"section [dev] appears again (first at line 2)",
			"remove the duplicate [dev] section, or merge the two (the AWS CLI refuses this file too)",
		},
		{
			"duplicate key", "[dev]\r\naws_access_key_id = A\r\nregion = x\r\naws_access_key_id=B\r\n", 4,
			"key aws_access_key_id appears again in [dev] (first at line 2)",
			"keep one of the two aws_access_key_id lines in [dev] (the AWS CLI refuses this file too)",
		},
		{
			"duplicate key in another case", "[dev]\nAWS_ACCESS_KEY_ID = A\naws_access_key_id = B\n", 3,
			"key aws_access_key_id repeats AWS_ACCESS_KEY_ID in [dev] (line 2); the AWS CLI ignores case in key names",
			"keep one of the two aws_access_key_id lines in [dev] (the AWS CLI refuses this file too)",
		},
		{
			"syntax error", "[dev]\nk = v\naws_secret_access_key\n", 3,
			"neither [section], key = value nor a comment",
			"fix line 3 (the AWS CLI refuses this file too)",
		},
		{"key before any section", "aws_secret_access_key = s3cr3t\n[dev]\n", 1, "key outside any section", "fix line 1 (the AWS CLI refuses this file too)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			writeFile(t, path, tt.content, 0o600)
			before, _ := os.Stat(path)
			err := WriteCredentials(context.Background(), path, "dev", keysFor("dev"))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FileError", err)
			}
			if fe.Path != path || fe.Line != tt.line || fe.Msg != tt.msg || fe.Hint != tt.hint {
				t.Errorf("got %+v\nwant line %d msg %q hint %q", *fe, tt.line, tt.msg, tt.hint)
			}
			if want := path + ":" + strconv.Itoa(tt.line) + ": " + tt.msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error quotes the file: %v", err)
			}
			if got := readFile(t, path); got != tt.content {
				t.Errorf("file changed to %q", got)
			}
			after, _ := os.Stat(path)
			if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) {
				t.Error("file was rewritten")
			}
			if names := dirNames(t, dir); strings.Join(names, " ") != "credentials credentials.lock" {
				t.Errorf("directory holds %q", names)
			}
			if _, _, rerr := ReadCredentials(path, "dev"); !errors.As(rerr, &fe) || fe.Line != tt.line {
				t.Errorf("ReadCredentials err = %v, want the same *FileError", rerr)
			}
		})
	}
	t.Run("syntax error unwraps", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, "junk\n", 0o600)
		var se *inifile.SyntaxError
		if err := RemoveCredentials(context.Background(), path, "dev"); !errors.As(err, &se) {
			t.Errorf("err = %v, want it to wrap *inifile.SyntaxError", err)
		}
	})
}

func TestUpdateFollowsSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on windows")
	}
	linkDir, realDir := t.TempDir(), t.TempDir()
	real := filepath.Join(realDir, "credentials")
	writeFile(t, real, foreign, 0o600)
	link := filepath.Join(linkDir, "credentials")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteCredentials(context.Background(), link, "target", keysFor("target")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a symlink: %v", err)
	}
	if got := readFile(t, real); !strings.Contains(got, "ASIATARGET") || withoutOwned(got, "target") != withoutOwned(foreign, "target") {
		t.Errorf("target not updated as expected:\n%s", got)
	}
	if names := dirNames(t, linkDir); strings.Join(names, " ") != "credentials" {
		t.Errorf("link directory holds %q, want only the link", names)
	}

	// A relative link to a file that does not exist yet creates the file.
	dangling := filepath.Join(linkDir, "config")
	if err := os.Symlink(filepath.Join("..", filepath.Base(realDir), "config"), dangling); err != nil {
		t.Fatal(err)
	}
	err := Update(context.Background(), dangling, func(doc *inifile.Doc) error { doc.Set("default", "region", "x"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(realDir, "config")); got != "[default]\nregion = x\n" {
		t.Errorf("config = %q", got)
	}
}

func TestUpdateRefusesAnythingButARegularFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	err := WriteCredentials(context.Background(), path, "dev", keysFor("dev"))
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("err = %v", err)
	}
}

func TestUpdateReportsRefusedEdits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, path, foreign, 0o600)
	err := WriteCredentials(context.Background(), path, "dev", Keys{AccessKeyID: "AKID", SecretAccessKey: "s3cr3t\nx = y\n"})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("err = %v, want a refusal that does not quote the secret", err)
	}
	if got := readFile(t, path); got != foreign {
		t.Error("file changed")
	}
	fnErr := errors.New("boom")
	if err := Update(context.Background(), path, func(doc *inifile.Doc) error { doc.Set("x", "y", "z"); return fnErr }); !errors.Is(err, fnErr) {
		t.Errorf("err = %v, want fn's error", err)
	}
	if got := readFile(t, path); got != foreign {
		t.Error("file changed although fn failed")
	}
}

func TestLockWaitIsBounded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	held, err := lockedfile.Acquire(context.Background(), path+".lock", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	noop := func(*inifile.Doc) error { return nil }

	start := time.Now()
	_, err = update(context.Background(), path, 150*time.Millisecond, false, noop)
	if err == nil || !strings.Contains(err.Error(), path+".lock") || !strings.Contains(err.Error(), "another awsfed") ||
		!strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("err = %v, want it to name the lock file, its holder and a stuck awsfed", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 3*time.Second {
		t.Errorf("waited %v for a 150ms limit", d)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := Update(ctx, path, noop); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
}

// A profile's credential_process goes into [profile NAME] of the config
// file; everything else in the file stays byte for byte.
func TestSetConfigProfileKeepsTheRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	orig := "# mine\r\n[default]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\nregion = eu-west-1 ; comment\r\noutput = json\r\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	order := []string{"credential_process", "region"}
	keys := map[string]string{"credential_process": "/usr/bin/awsfed credential-process dev", "region": "eu-central-1"}
	if err := SetConfigProfile(context.Background(), path, "dev", keys, order); err != nil {
		t.Fatal(err)
	}
	if err := SetConfigProfile(context.Background(), path, "new", map[string]string{"credential_process": "x"}, order); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# mine\r\n[default]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\nregion = eu-central-1\r\noutput = json\r\ncredential_process = /usr/bin/awsfed credential-process dev\r\n\r\n[profile new]\r\ncredential_process = x\r\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want the file's own 0644 kept", fi.Mode().Perm())
	}
	m, ok, err := ReadConfigProfile(path, "dev")
	if err != nil || !ok || m["output"] != "json" || m["credential_process"] == "" {
		t.Errorf("ReadConfigProfile = %v, %v, %v", m, ok, err)
	}
	if _, ok, _ := ReadConfigProfile(path, "absent"); ok {
		t.Error("absent profile found")
	}
}

// A symlink planted at the lock path must not let awsfed write through it.
func TestUpdateRefusesASymlinkedLockFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on windows")
	}
	dir := t.TempDir()
	path, victim := filepath.Join(dir, "credentials"), filepath.Join(dir, "victim")
	writeFile(t, victim, foreign, 0o644)
	if err := os.Symlink(victim, path+".lock"); err != nil {
		t.Fatal(err)
	}
	err := WriteCredentials(context.Background(), path, "dev", keysFor("dev"))
	if err == nil || !strings.Contains(err.Error(), path+".lock is a symbolic link") || !strings.Contains(err.Error(), "remove it") {
		t.Errorf("err = %v, want it to name the symlinked lock file and say to remove it", err)
	}
	if got := readFile(t, victim); got != foreign {
		t.Errorf("victim changed to %q", got)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("credentials written without the lock")
	}
}
