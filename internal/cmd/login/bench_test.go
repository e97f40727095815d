package login_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/app"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider/all"
	"github.com/awsfed/awsfed/internal/sandbox"
)

// BenchmarkLoginAccounts is scripts/bench-accounts.sh in one process, for
// `go test -cpuprofile` (awsfed's work and the sandbox's, told apart by
// function): `awsfed login acct1 … acctN --force` against the sandbox, a
// fresh form sign-in and N AssumeRoleWithSAML each run, the profiles
// written durably, the keys tested unless --no-verify. Process start-up is
// not in it.
func BenchmarkLoginAccounts(b *testing.B) {
	const most = 20
	s, err := sandbox.Start(context.Background(), sandbox.Options{TeamAccounts: most})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	home := b.TempDir()
	var conf strings.Builder
	fmt.Fprintf(&conf, "[idp sb]\nprovider = form\nurl = %s\nusername = team\n", s.IdPURL)
	for i := range most {
		fmt.Fprintf(&conf, "\n[account acct%d]\nidp = sb\nrole_arn = %s\nsts_endpoint = %s\n",
			i+1, sandbox.AccountRoleARN(sandbox.TeamAccount(i), sandbox.TeamRole(i)), s.STSURL)
	}
	dir := filepath.Join(home, ".config", "awsfed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(conf.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "aws-config"), "AWSFED_PASSWORD": "team"}
	login := func(b *testing.B, args []string) {
		io, _, _, errOut := iostreams.Test()
		f := &factory.Factory{
			IO: io, Env: func(k string) string { return env[k] }, Environ: func() []string { return nil },
			Prompt: &prompt.Stub{}, Providers: all.Registry(), Now: time.Now, Version: "bench",
		}
		if code := app.Run(context.Background(), f, args); code != 0 {
			b.Fatalf("exit %d\n%s", code, errOut)
		}
	}
	for _, n := range []int{1, 5, most} {
		for _, verify := range []bool{false, true} {
			args := []string{"login"}
			for i := range n {
				args = append(args, fmt.Sprintf("acct%d", i+1))
			}
			args = append(args, "--force")
			name := fmt.Sprintf("N=%d", n)
			if !verify {
				args = append(args, "--no-verify")
				name += "/no-verify"
			}
			b.Run(name, func(b *testing.B) {
				login(b, args) // the credentials file holds the profiles, as in every later run
				for b.Loop() {
					login(b, args)
				}
			})
		}
	}
}
