package awsfiles

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// foreign is a credentials file written by hand and by other tools: CRLF,
// both comment styles, long-term keys, values with ';', '#' and '=', nested
// continuation lines, and profiles before and after the one awsfed writes.
const foreign = "# written by hand, do not lose me\r\n" +
	"; another comment style\r\n" +
	"\r\n" +
	"[default]\r\n" +
	"aws_access_key_id = AKIALONGTERMDEFAULT\r\n" +
	"aws_secret_access_key = abc;def#ghi=jkl\r\n" +
	"\r\n" +
	"[before]\r\n" +
	"aws_access_key_id=AKIABEFORE\r\n" +
	"region = eu-west-1 ; not a comment # either\r\n" +
	"\r\n" +
	"# about target\r\n" +
	"[target]\r\n" +
	"  aws_access_key_id   =   OLDKEY\r\n" +
	"  region = us-east-1\r\n" +
	"  aws_session_token = OLDTOKEN\r\n" +
	"  s3 =\r\n" +
	"      max_concurrent_requests = 10\r\n" +
	"\r\n" +
	"      addressing_style = path\r\n" +
	"  ; comment inside target\r\n" +
	"\r\n" +
	"; comment about after\r\n" +
	"[after]\r\n" +
	"output=json\r\n" +
	"s3 =\r\n" +
	"  signature_version = s3v4\r\n" +
	"cli_pager ="

// withoutOwned drops the lines of awsfed's keys in [profile], read with plain
// string handling so that the check does not trust the package under test.
func withoutOwned(text, profile string) string {
	var b strings.Builder
	section := ""
	for _, l := range strings.SplitAfter(text, "\n") {
		s := strings.TrimSpace(l)
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = s[1 : len(s)-1]
		}
		owned := false
		if section == profile {
			for _, k := range ownedKeys {
				if rest, ok := strings.CutPrefix(s, k); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
					owned = true
				}
			}
		}
		if !owned {
			b.WriteString(l)
		}
	}
	return b.String()
}

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dirNames lists a directory, for spotting temp files left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}
