package signin

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/sts"
)

// PublishMany reads the credentials file once for every profile, and still
// refuses, profile by profile, to overwrite long-term keys; the others land
// in one write, and a credential_process profile stays out of the file.
func TestPublishManyRefusesLongTermKeysProfileByProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	const longTerm = "[ci]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = secret\n"
	if err := os.WriteFile(path, []byte(longTerm), 0o600); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	item := func(profile string, viaProcess bool) *Published {
		return &Published{
			Options: Options{Login: &config.Login{Account: profile, Profile: profile}, CredentialsFile: path, SkipTest: true, ViaProcess: viaProcess},
			Session: &Session{RoleARN: "arn:aws:iam::123456789012:role/" + profile, Credentials: sts.Credentials{
				AccessKeyID: "ASIA" + strings.ToUpper(profile), SecretAccessKey: "s", SessionToken: "t", Expiration: exp,
			}},
		}
	}
	items := []*Published{item("dev", false), item("ci", false), item("prod", false), item("proc", true)}
	PublishMany(context.Background(), items, io.Discard)

	var lt *LongTermKeysError
	if !errors.As(items[1].Err, &lt) || lt.Profile != "ci" {
		t.Errorf("ci: %v, want a LongTermKeysError", items[1].Err)
	}
	for _, i := range []int{0, 2, 3} {
		if items[i].Err != nil {
			t.Errorf("%s: %v", items[i].Options.Login.Profile, items[i].Err)
		}
	}
	if items[3].Result.CredentialsFile != "" || items[0].Result.CredentialsFile != path {
		t.Errorf("credentials files in the results: %+v, %+v", items[0].Result, items[3].Result)
	}
	f, err := awsfiles.ReadCredentialsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for profile, want := range map[string]string{"dev": "ASIADEV", "prod": "ASIAPROD", "ci": "AKIALONGTERM", "proc": ""} {
		if k, _ := f.Keys(profile); k.AccessKeyID != want {
			t.Errorf("[%s] holds %q, want %q", profile, k.AccessKeyID, want)
		}
	}
}
