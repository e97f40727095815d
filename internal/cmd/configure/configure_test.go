package configure

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/cmd/setupprofile"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/all"
)

type env struct {
	t    *testing.T
	path string
}

func newEnv(t *testing.T) *env {
	return &env{t: t, path: filepath.Join(t.TempDir(), "awsfed", "config")}
}

func (e *env) run(p prompt.Prompter, build func(*factory.Factory) *cobra.Command, args ...string) (error, string, string) {
	e.t.Helper()
	io, _, out, errOut := iostreams.Test()
	dir := filepath.Dir(e.path)
	vars := map[string]string{"AWSFED_CONFIG": e.path, "AWS_CONFIG_FILE": filepath.Join(dir, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "aws-credentials")}
	f := &factory.Factory{IO: io, Env: func(k string) string { return vars[k] }, Prompt: p, Providers: all.Registry(), Now: time.Now}
	cmd := build(f)
	cmd.SetArgs(args)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	err := cmd.ExecuteContext(context.Background())
	return err, out.String(), errOut.String()
}

// installed stands for an awsfed installed in a permanent place: the test
// binary itself lives in a Go build directory, which configure refuses.
var installed = &setupprofile.Locator{
	Executable: func() (string, error) { return "/usr/local/bin/awsfed", nil },
	LookPath:   func(string) (string, error) { return "", errors.New("not on PATH") },
}

func configure(f *factory.Factory) *cobra.Command { return configureWith(f, installed) }

func configureWith(f *factory.Factory, loc *setupprofile.Locator) *cobra.Command {
	return NewCmd(f, func(ctx context.Context, o *Options) error {
		o.Locator = loc
		return Run(ctx, o)
	})
}
func showCmd(f *factory.Factory) *cobra.Command { return NewConfigCmd(f, nil) }

func (e *env) load() *config.File {
	e.t.Helper()
	file, err := config.Load(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	return file
}

func TestFlagsOnly(t *testing.T) {
	e := newEnv(t)
	stub := &prompt.Stub{}
	err, _, stderr := e.run(stub, configure, "--idp", "corp", "--url", "https://idp.example/sso", "--username", "alice",
		"--account", "dev", "--role", "Dev", "--region", "eu-west-1", "--duration", "8h")
	if err != nil {
		t.Fatal(err)
	}
	if len(stub.Asked) > 0 {
		t.Errorf("asked %q though flags gave everything", stub.Asked)
	}
	file := e.load()
	idp, acct := file.IdPs["corp"], file.Accounts["dev"]
	if idp == nil || idp.URL != "https://idp.example/sso" || idp.Username != "alice" || idp.Provider != "form" {
		t.Errorf("idp %+v", idp)
	}
	if acct == nil || acct.IdP != "corp" || acct.RoleARN != "Dev" || acct.Region != "eu-west-1" || acct.Duration != 8*time.Hour || acct.Profile != "" {
		t.Errorf("account %+v", acct)
	}
	awsConfig, err := os.ReadFile(filepath.Join(filepath.Dir(e.path), "aws-config"))
	if err != nil || !strings.Contains(string(awsConfig), "[profile dev]\ncredential_process = ") || !strings.Contains(string(awsConfig), " credential-process dev\nregion = eu-west-1\n") {
		t.Errorf("AWS config file: %v\n%s", err, awsConfig)
	}
	for _, want := range []string{"Wrote " + e.path + ":\n", "[idp corp]\n", "url = https://idp.example/sso\n", "[account dev]\n", "duration = 8h\n", "Next: awsfed login dev\n", `Profile "dev" in `, " credential-process dev\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// Under go run, configure still writes awsfed's configuration but no
// profile that would run the temporary binary; it fails, saying how to
// finish.
func TestProfileRefusedForTemporaryBuild(t *testing.T) {
	e := newEnv(t)
	goRun := &setupprofile.Locator{
		Executable: func() (string, error) { return "/tmp/go-build1/b001/exe/awsfed", nil },
		LookPath:   func(string) (string, error) { return "", errors.New("not on PATH") },
	}
	err, _, stderr := e.run(&prompt.Stub{}, func(f *factory.Factory) *cobra.Command { return configureWith(f, goRun) },
		"--url", "https://idp.example/sso", "--account", "dev", "--region", "eu-west-1")
	var in *provider.InputNeededError
	if !errors.As(err, &in) || !strings.Contains(in.What, "wrote "+e.path) || !strings.Contains(in.What, "/tmp/go-build1/b001/exe/awsfed") ||
		!strings.Contains(in.Hint, "go install ./cmd/awsfed") || !strings.Contains(in.Hint, "awsfed setup-profile dev") || !strings.Contains(in.Hint, "--no-profile") {
		t.Fatalf("err = %v (%#v)", err, in)
	}
	if e.load().Accounts["dev"] == nil {
		t.Error("the account was not saved")
	}
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(e.path), "aws-config")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("AWS config file written: %v\n%s", err, b)
	}
	if !strings.Contains(stderr, "Wrote "+e.path) || strings.Contains(stderr, "Next: awsfed login") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

func TestInteractive(t *testing.T) {
	e := newEnv(t)
	// account, IdP kind (form), url, username, test login? (n), role, region
	stub := &prompt.Stub{Answers: []string{"prod", kindChoice("form"), "https://idp.example/aws", "bob", "n", "arn:aws:iam::123456789012:role/Admin", ""}}
	err, _, _ := e.run(stub, configure)
	if err != nil {
		t.Fatal(err)
	}
	if len(stub.Answers) != 0 {
		t.Errorf("answers left over: %q (asked %q)", stub.Answers, stub.Asked)
	}
	file := e.load()
	idp, acct := file.IdPs["default"], file.Accounts["prod"]
	if idp == nil || idp.URL != "https://idp.example/aws" || idp.Username != "bob" || idp.Provider != "form" {
		t.Errorf("idp %+v", idp)
	}
	if acct == nil || acct.IdP != "default" || acct.RoleARN != "arn:aws:iam::123456789012:role/Admin" || acct.Region != "" {
		t.Errorf("account %+v", acct)
	}
}

func TestKeepsExistingKeys(t *testing.T) {
	e := newEnv(t)
	if err := os.MkdirAll(filepath.Dir(e.path), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := "# keep me\n[idp corp]\nprovider = form\nurl = https://old.example/sso\nca_file = /ca.pem\n\n[account prod]\nidp = corp\nrole_arn = Admin\nduration = 1h\n\n[account other]\nidp = corp\n"
	if err := os.WriteFile(e.path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	// --account given, so: IdP kind (form), url, username, role, region; empty answers keep the file's values.
	stub := &prompt.Stub{Answers: []string{kindChoice("form"), "", "carol", "no", "", "us-east-1"}}
	err, _, _ := e.run(stub, configure, "--account", "prod")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(e.path)
	want := "# keep me\n[idp corp]\nprovider = form\nurl = https://old.example/sso\nca_file = /ca.pem\nusername = carol\n\n[account prod]\nidp = corp\nrole_arn = Admin\nduration = 1h\nregion = us-east-1\n\n[account other]\nidp = corp\n"
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s\n(asked %q)", got, want, stub.Asked)
	}
}

func TestNoTerminal(t *testing.T) {
	e := newEnv(t)
	err, _, _ := e.run(&prompt.Stub{}, configure, "--account", "dev")
	var ine *provider.InputNeededError
	if !errors.As(err, &ine) {
		t.Fatalf("err %v (%T), want InputNeededError", err, err)
	}
	if !strings.Contains(ine.What, "--url") || strings.Contains(ine.What, "--account") {
		t.Errorf("What %q should name --url only", ine.What)
	}
	if _, serr := os.Stat(e.path); serr == nil {
		t.Error("file written")
	}
	err, _, _ = e.run(&prompt.Stub{}, configure, "--no-input", "--url", "https://x.example/")
	if !errors.As(err, &ine) || !strings.Contains(ine.What, "--account") {
		t.Fatalf("--no-input without --account: %v", err)
	}
}

func TestBadFlags(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{
		{"--url", "ftp://x/", "--account", "a"},
		{"--url", "https://x/", "--account", "a", "--duration", "1m"},
		{"--url", "https://x/", "--account", "a", "--provider", "nope"},
	} {
		if err, _, _ := e.run(&prompt.Stub{}, configure, args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	if _, err := os.Stat(e.path); err == nil {
		t.Error("file written")
	}
}

const secretFile = "[idp corp]\nprovider = form\nurl = https://idp.example/sso\nclient_secret = abc\n\n[account dev]\nidp = corp\nregion = eu-west-1\n"

func (e *env) write(s string) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(e.path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.path, []byte(s), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func TestShowMasks(t *testing.T) {
	e := newEnv(t)
	e.write(secretFile)
	err, stdout, _ := e.run(nil, showCmd, "show")
	if err != nil {
		t.Fatal(err)
	}
	want := "# " + e.path + "\n\n[idp corp]\nprovider = form\nurl = https://idp.example/sso\nclient_secret = ****\n\n[account dev]\nidp = corp\nregion = eu-west-1\n"
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestShowJSON(t *testing.T) {
	e := newEnv(t)
	e.write(secretFile)
	err, stdout, _ := e.run(nil, showCmd, "show", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if got["path"] != e.path {
		t.Errorf("path %v", got["path"])
	}
	idps, _ := got["idps"].(map[string]any)
	corp, _ := idps["corp"].(map[string]any)
	if corp["client_secret"] != "****" || corp["url"] != "https://idp.example/sso" {
		t.Errorf("idps %v", idps)
	}
	accts, _ := got["accounts"].(map[string]any)
	dev, _ := accts["dev"].(map[string]any)
	if dev["region"] != "eu-west-1" || len(accts) != 1 {
		t.Errorf("accounts %v", accts)
	}
	if strings.Contains(stdout, "abc") {
		t.Errorf("secret shown:\n%s", stdout)
	}
}

func TestShowMissing(t *testing.T) {
	e := newEnv(t)
	err, stdout, stderr := e.run(nil, showCmd, "show")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, e.path) || !strings.Contains(stderr, "(no configuration file yet; run awsfed configure)") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
}

// Choosing vro asks for the broker's own keys; answers equal to a default
// are not written, and the workflow id is required.
func TestInteractiveVRO(t *testing.T) {
	e := newEnv(t)
	names := all.Registry().Names()
	vroChoice := ""
	for i, n := range names {
		if n == "vro" {
			vroChoice = strconv.Itoa(i + 1)
		}
	}
	// account, kind, workflow_id, username_param, password_param, output_param, url, username, test login?, role, region
	stub := &prompt.Stub{Answers: []string{"dev", vroChoice, "wf-1234", "", "pw", "", "https://vco.example.com:8281", "alice", "n", "Dev", ""}}
	if err, _, _ := e.run(stub, configure); err != nil {
		t.Fatalf("%v (asked %q)", err, stub.Asked)
	}
	if len(stub.Answers) != 0 {
		t.Errorf("answers left over: %q (asked %q)", stub.Answers, stub.Asked)
	}
	idp := e.load().IdPs["default"]
	if idp == nil || idp.Provider != "vro" || idp.URL != "https://vco.example.com:8281" {
		t.Fatalf("idp %+v", idp)
	}
	want := map[string]string{"workflow_id": "wf-1234", "password_param": "pw"}
	if len(idp.Settings) != len(want) || idp.Settings["workflow_id"] != "wf-1234" || idp.Settings["password_param"] != "pw" {
		t.Errorf("settings %v, want %v", idp.Settings, want)
	}

	// Flags only: the workflow id is required and named in the error.
	e2 := newEnv(t)
	err, _, _ := e2.run(&prompt.Stub{}, configure, "--no-input", "--provider", "vro", "--url", "https://vco.example.com:8281", "--account", "dev")
	var ine *provider.InputNeededError
	if !errors.As(err, &ine) || !strings.Contains(ine.What, "--set workflow_id=") {
		t.Fatalf("err %v, want one naming --set workflow_id=", err)
	}
	if err, _, _ := e2.run(&prompt.Stub{}, configure, "--no-input", "--provider", "vro", "--url", "https://vco.example.com:8281", "--account", "dev", "--set", "workflow_id=wf-9"); err != nil {
		t.Fatal(err)
	}
	if got := e2.load().IdPs["default"].Settings["workflow_id"]; got != "wf-9" {
		t.Errorf("workflow_id %q", got)
	}
}

// A secret never comes from argv, and a file holding one is 0600.
func TestSecretSettings(t *testing.T) {
	e := newEnv(t)
	base := []string{"--no-input", "--provider", "onelogin", "--account", "dev", "--set", "subdomain=acme", "--set", "app_id=1", "--set", "client_id=cid"}
	err, _, _ := e.run(&prompt.Stub{}, configure, append(base, "--set", "client_secret=TOPSECRET")...)
	var ine *provider.InputNeededError
	if !errors.As(err, &ine) || !strings.Contains(ine.Hint, "AWSFED_ONELOGIN_CLIENT_SECRET") || strings.Contains(err.Error(), "TOPSECRET") {
		t.Fatalf("err %v", err)
	}
	if err, _, _ := e.run(&prompt.Stub{}, configure, base...); err != nil {
		t.Fatalf("without the secret: %v", err)
	}
	idp := e.load().IdPs["default"]
	if idp.URL != "" || idp.Settings["subdomain"] != "acme" {
		t.Errorf("idp %+v", idp)
	}

	// Asked at a terminal, the secret is written and the file made 0600.
	if err := os.Chmod(e.path, 0o644); err != nil {
		t.Fatal(err)
	}
	// account, kind (onelogin), subdomain, app id, client id, secret, mfa, username, test login?, role, region
	names := all.Registry().Names()
	kind := ""
	for i, n := range names {
		if n == "onelogin" {
			kind = strconv.Itoa(i + 1)
		}
	}
	stub := &prompt.Stub{Answers: []string{"dev", kind, "acme", "1", "cid", "s3cret", "", "alice", "n", "Dev", ""}}
	err, _, stderr := e.run(stub, configure)
	if err != nil {
		t.Fatalf("%v (asked %q)", err, stub.Asked)
	}
	if fi, _ := os.Stat(e.path); fi.Mode().Perm() != 0o600 || !strings.Contains(stderr, "mode 0600") {
		t.Errorf("mode %v; stderr %s", fi.Mode().Perm(), stderr)
	}
	if strings.Contains(stderr, "s3cret") {
		t.Error("the secret was printed")
	}
}
