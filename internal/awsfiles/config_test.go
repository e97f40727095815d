package awsfiles

import (
	"path/filepath"
	"reflect"
	"testing"
)

// One reading of the AWS config file serves every profile as
// ReadConfigProfile would.
func TestReadConfigFile(t *testing.T) {
	dir := t.TempDir()
	f, err := ReadConfigFile(filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if keys, ok := f.Profile("dev"); ok || len(keys) != 0 {
		t.Errorf("a missing file has profile dev: %v", keys)
	}
	path := filepath.Join(dir, "config")
	writeFile(t, path, "[default]\nregion = eu-west-1\n\n[profile dev]\ncredential_process = awsfed credential-process dev\n\n[profile empty]\n", 0o600)
	if f, err = ReadConfigFile(path); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"default", "dev", "empty", "nosuch"} {
		want, wantOK, err := ReadConfigProfile(path, p)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := f.Profile(p); !reflect.DeepEqual(got, want) || ok != wantOK {
			t.Errorf("Profile(%s) = %v, %v; ReadConfigProfile: %v, %v", p, got, ok, want, wantOK)
		}
	}
	if keys, ok := f.Profile("dev"); !ok || keys["credential_process"] != "awsfed credential-process dev" {
		t.Errorf("Profile(dev) = %v, %v", keys, ok)
	}
}
