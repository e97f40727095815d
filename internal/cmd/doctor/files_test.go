package doctor

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/config"
)

func (r *rig) awsFiles(credentials, cfg string, logins ...*config.Login) []Result {
	r.t.Helper()
	if credentials != "" {
		r.write(".aws/credentials", credentials, 0o600)
	}
	if cfg != "" {
		r.write(".aws/config", cfg, 0o600)
	}
	file := &config.File{Path: "/cfg", Exists: true, Accounts: map[string]*config.Account{"dev": {Name: "dev"}}}
	return checkAWSFiles(r.t.Context(), func(k string) string { return r.env[k] }, r.now, file, logins, r.options().Locator, "test")
}

// installed is an awsfed binary outside any temporary directory, as far
// as the test's locator knows.
func (r *rig) installed() string {
	return r.write("bin/awsfed", "#!/bin/sh\necho awsfed test\n", 0o755)
}

func TestShadowingKeys(t *testing.T) {
	r := newRig(t)
	bin := r.installed()
	rs := r.awsFiles("[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\n",
		"[profile dev]\ncredential_process = "+bin+" credential-process dev\n")
	expect(t, rs, "aws credentials", "shadowing", Fail, "credentials:1: [dev] holds static keys", "config:2", "never refresh", "awsfed setup-profile")
	expect(t, rs, "aws config", "credential_process", Pass, "config:2: [profile dev] runs "+bin+" credential-process dev (awsfed test, as this one)")
}

func TestCredentialsFileMode0644(t *testing.T) {
	r := newRig(t)
	path := r.write(".aws/credentials", "[x]\nregion = eu-west-1\n", 0o644)
	rs := r.awsFiles("", "")
	expect(t, rs, "aws credentials", "mode", Fail, path+" is mode 0644", "every user", "chmod 600 "+path)

	os.Chmod(path, 0o640)
	rs = r.awsFiles("", "")
	expect(t, rs, "aws credentials", "mode", Warn, "mode 0640", "group")

	os.Chmod(path, 0o600)
	rs = r.awsFiles("", "")
	expect(t, rs, "aws credentials", "mode", Pass, "mode 0600")
}

func TestConfigWritableByOthers(t *testing.T) {
	r := newRig(t)
	path := r.write(".aws/config", "[default]\nregion = eu-west-1\n", 0o666)
	rs := r.awsFiles("", "")
	expect(t, rs, "aws config", "mode", Fail, "mode 0666", "credential_process", "chmod 600 "+path)
}

func TestTempDirCredentialProcess(t *testing.T) {
	r := newRig(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "awsfed")
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	// The real locator: t.TempDir is under the system's temporary directory.
	loc := setupprofile.DefaultLocator(func(k string) string { return r.env[k] })
	r.write(".aws/config", "[profile dev]\ncredential_process = "+bin+" credential-process dev\n\n[profile other]\ncredential_process = /usr/bin/other-tool --json\n", 0o600)
	file := &config.File{Path: "/cfg", Exists: true, Accounts: map[string]*config.Account{"dev": {Name: "dev"}}}
	rs := checkAWSFiles(t.Context(), func(k string) string { return r.env[k] }, r.now, file, nil, loc, "test")
	expect(t, rs, "aws config", "credential_process", Fail, "config:2: [profile dev] runs "+bin+": it is under ", "a temporary directory", "install awsfed", "setup-profile")
	for _, res := range rs {
		if strings.Contains(res.Found, "other-tool") {
			t.Errorf("judged another tool's credential_process: %+v", res)
		}
	}
}

func TestCredentialProcessProblems(t *testing.T) {
	r := newRig(t)
	bin := r.installed()
	plain := r.write("bin/notexec", "", 0o644)
	rs := r.awsFiles("", "[profile a]\ncredential_process = "+r.home+"/gone/awsfed credential-process dev\n"+
		"[profile b]\ncredential_process = "+plain+" credential-process dev\n"+
		"[profile c]\ncredential_process = '"+bin+"' credential-process nope\n")
	var got []string
	for _, res := range rs {
		if res.Check == "credential_process" {
			got = append(got, string(res.Verdict)+" "+res.Found)
		}
	}
	want := []string{
		"FAIL " + filepath.Join(r.home, ".aws/config") + ":2: [profile a] runs " + r.home + "/gone/awsfed does not exist: the profile fails until awsfed is installed there",
		"FAIL " + filepath.Join(r.home, ".aws/config") + ":4: [profile b] runs " + plain + " is not an executable file",
		"FAIL " + filepath.Join(r.home, ".aws/config") + ":6: [profile c] asks for account nope, which has no [account nope] in /cfg",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("credential_process checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A profile that runs another version of awsfed, or a program that is not
// awsfed at all, is named.
func TestCredentialProcessVersion(t *testing.T) {
	r := newRig(t)
	old := r.write("old/awsfed", "#!/bin/sh\necho awsfed v0.9.0\n", 0o755)
	other := r.write("other/awsfed", "#!/bin/sh\necho usage: something else; exit 2\n", 0o755)
	rs := r.awsFiles("", "[profile dev]\ncredential_process = "+old+" credential-process dev\n")
	expect(t, rs, "aws config", "credential_process", Warn, "which is awsfed v0.9.0, and this one is awsfed test", "setup-profile")
	rs = r.awsFiles("", "[profile dev]\ncredential_process = "+other+" credential-process dev\n")
	expect(t, rs, "aws config", "credential_process", Fail, "does not tell its version as awsfed does")
}

func TestExpiredKeysLeftBehind(t *testing.T) {
	r := newRig(t)
	past := r.now.Add(-3 * time.Hour).UTC().Format(time.RFC3339)
	rs := r.awsFiles("[dev]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = "+past+"\n"+
		"[old]\naws_access_key_id = ASIAY\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = "+past+"\n", "",
		&config.Login{Account: "dev", Profile: "dev"})
	expect(t, rs, "aws credentials", "expired keys", Warn, "credentials:1: the keys of [dev] expired 3h0m0s ago", "awsfed login dev", "awsfed logout dev")
}

func TestLongTermKeysInAwsfedsProfile(t *testing.T) {
	r := newRig(t)
	rs := r.awsFiles("[dev]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n[personal]\naws_access_key_id = AKIAY\naws_secret_access_key = s\n", "",
		&config.Login{Account: "dev", Profile: "dev"})
	expect(t, rs, "aws credentials", "long-term keys", Fail, "credentials:1: [dev] holds long-term keys", "account dev", "profile = OTHER in [account dev]")
	for _, res := range rs {
		if strings.Contains(res.Found, "[personal]") {
			t.Errorf("long-term keys in a profile awsfed does not write were judged: %+v", res)
		}
	}
}

func TestDuplicateSection(t *testing.T) {
	r := newRig(t)
	rs := r.awsFiles("[dev]\nregion = x\n\n[dev]\nregion = y\n", "[default]\nregion = a\nRegion = b\n")
	expect(t, rs, "aws credentials", "parse", Fail, "credentials:4: section [dev] appears again (first at line 1)", "remove the duplicate")
	expect(t, rs, "aws config", "parse", Fail, "config:3:", "ignores case")
}

func TestSymlinkedLockFile(t *testing.T) {
	r := newRig(t)
	cred := r.write(".aws/credentials", "", 0o600)
	if err := os.Symlink(filepath.Join(r.home, "elsewhere"), cred+".lock"); err != nil {
		t.Fatal(err)
	}
	rs := r.awsFiles("", "")
	expect(t, rs, "aws credentials", "lock", Fail, "the lock file "+cred+".lock is a symbolic link", "remove "+cred+".lock")
}

func TestHealthyAWSFiles(t *testing.T) {
	r := newRig(t)
	future := r.now.Add(time.Hour).UTC().Format(time.RFC3339)
	rs := r.awsFiles("[dev]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = "+future+"\n", "[profile dev]\nregion = eu-west-1\n",
		&config.Login{Account: "dev", Profile: "dev"})
	for _, res := range rs {
		if res.Verdict != Pass {
			t.Errorf("not PASS: %+v", res)
		}
	}
	expect(t, rs, "aws credentials", "keys", Pass)
}

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		"/usr/bin/awsfed credential-process dev":          {"/usr/bin/awsfed", "credential-process", "dev"},
		"  '/opt/my tools/awsfed'  credential-process  x": {"/opt/my tools/awsfed", "credential-process", "x"},
		`"/a b/awsfed" credential-process "d\"q"`:         {"/a b/awsfed", "credential-process", `d"q`},
		`/a\ b/awsfed credential-process 'it'\''s'`:       {"/a b/awsfed", "credential-process", "it's"},
		"": nil,
	} {
		if got := splitCommand(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCacheModes(t *testing.T) {
	r := newRig(t)
	getenv := func(k string) string { return r.env[k] }
	dir := filepath.Join(r.home, ".cache", "awsfed")
	expect(t, checkCache(getenv), "cache", "directory", Pass, "does not exist yet")

	r.write(".cache/awsfed/dev@.json", "{}", 0o600)
	os.Chmod(dir, 0o700)
	rs := checkCache(getenv)
	expect(t, rs, "cache", "directory", Pass, dir+" is yours, mode 0700")
	expect(t, rs, "cache", "files", Pass, "1 files")

	os.Chmod(filepath.Join(dir, "dev@.json"), 0o644)
	expect(t, checkCache(getenv), "cache", "files", Fail, "dev@.json is mode 0644", "chmod 600")

	os.Chmod(dir, 0o755)
	expect(t, checkCache(getenv), "cache", "directory", Fail, dir+" is mode 0755", "chmod 700 "+dir)
}
