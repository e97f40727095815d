package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/provider/all"
)

// Every --flag that awsfed can print (hints, errors, help) or that the
// README shows exists: a hint naming a flag that is not there sends the
// user to "unknown flag" instead of the fix. A flag written after
// `awsfed CMD` must exist on CMD; one named alone must exist on some
// command (the command a hint is returned from is not known here).
func TestEveryNamedFlagExists(t *testing.T) {
	tree := newFlagTree()
	var refs []flagRef

	// Help texts: a flag named alone belongs to the command it helps.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		where := "help of " + c.CommandPath()
		for _, text := range []string{c.Short, c.Long, c.Example} {
			refs = append(refs, tree.scan(text, where, c)...)
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			refs = append(refs, tree.scan(f.Usage, where+" --"+f.Name, c)...)
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(tree.root)

	// Every string literal of the module's Go code: hints and errors are
	// built from them, often far from the command that returns them.
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		files++
		rel, _ := filepath.Rel(root, path)
		found, err := tree.scanGo(path, rel)
		refs = append(refs, found...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d Go files under %s", files, root)
	}

	// The README's command lines and prose.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	for i := 0; i < len(lines); i++ {
		start, line := i, lines[i]
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) { // a shell command goes on
			i++
			line = strings.TrimSuffix(line, "\\") + lines[i]
		}
		refs = append(refs, tree.scan(line, "README.md:"+strconv.Itoa(start+1), nil)...)
	}

	checked := 0
	for _, r := range refs {
		checked++
		switch {
		case r.cmd != nil && !tree.flags[r.cmd][r.flag]:
			t.Errorf("%s: --%s is not a flag of %s (in %q)", r.where, r.flag, r.cmd.CommandPath(), r.text)
		case r.cmd == nil && !tree.any[r.flag]:
			t.Errorf("%s: --%s is not a flag of any awsfed command (in %q)", r.where, r.flag, r.text)
		}
	}
	if checked < 100 {
		t.Errorf("checked only %d flag mentions: the scan is broken", checked)
	}
}

// The scan itself: which command a flag is given to.
func TestFlagScan(t *testing.T) {
	tree := newFlagTree()
	login := tree.find("login")
	tests := []struct {
		text string
		want []string // "cmd --flag", cmd "" = any
	}{
		{"pass --mfa-code with the current code", []string{" --mfa-code"}},
		{"run `awsfed login %s --store-password` in a terminal", []string{"awsfed login --store-password"}},
		{"run `awsfed login dev` once; `--store-password` lets", []string{" --store-password"}},
		{"Use them with: aws --profile demo --endpoint-url %s sts get-caller-identity", nil},
		{"awsfed exec dev --refresh-window 2s -- terraform apply --auto-approve", []string{"awsfed exec --refresh-window"}},
		{"awsfed config show --json", []string{"awsfed config show --json"}},
		{"run awsfed in a terminal with --password-stdin", []string{" --password-stdin"}},
		{"CGO_ENABLED=0 go install ./cmd/awsfed; go test -race --count=1 ./...", nil},
		{"credential_process = /usr/local/bin/awsfed credential-process dev --username=x", []string{"awsfed credential-process --username"}},
		{"for awsfed login --url/--sts-endpoint.", []string{"awsfed login --url", "awsfed login --sts-endpoint"}},
		{"there is deliberately no `--mfa-code VALUE`", nil},
		{"awsfed completion zsh > $(brew --prefix)/share", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range tree.scan(tt.text, "", nil) {
			cmd := ""
			if r.cmd != nil {
				cmd = r.cmd.CommandPath()
			}
			got = append(got, cmd+" --"+r.flag)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("scan(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := tree.scan("with --force, sign in again", "", login); len(got) != 1 || got[0].cmd != login {
		t.Errorf("help of login: %+v", got)
	}
}

// foreign are the programs besides awsfed whose flags awsfed's texts show
// (aws --profile, go test -race, apt-get --no-install-recommends, gpg,
// brew --prefix, goreleaser release --snapshot, sha256sum --ignore-missing):
// their flags are not awsfed's to check. Not "pass": in prose it is the
// verb of "pass --password-stdin".
var foreign = map[string]bool{"aws": true, "go": true, "apt-get": true, "gpg": true, "terraform": true, "brew": true, "goreleaser": true, "sha256sum": true}

// execCallee names calls whose string arguments are another program's
// argv (pass insert --multiline), not text for the user.
var execCallee = map[string]bool{"Command": true, "CommandContext": true, "runTool": true}

type flagRef struct {
	where, text, flag string
	cmd               *cobra.Command // nil = any awsfed command
}

type flagTree struct {
	root  *cobra.Command
	flags map[*cobra.Command]map[string]bool
	any   map[string]bool
}

func newFlagTree() *flagTree {
	io, _, _, _ := iostreams.Test()
	// A Version, as every build has one: awsfed answers --version.
	root := NewRootCmd(&factory.Factory{IO: io, Providers: all.Registry(), Version: "test"})
	// cobra adds these when it executes.
	root.InitDefaultVersionFlag()
	root.InitDefaultCompletionCmd()
	tr := &flagTree{root: root, flags: map[*cobra.Command]map[string]bool{}, any: map[string]bool{}}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		names := map[string]bool{}
		add := func(f *pflag.Flag) { names[f.Name], tr.any[f.Name] = true, true }
		c.LocalFlags().VisitAll(add)
		c.InheritedFlags().VisitAll(add)
		tr.flags[c] = names
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return tr
}

func (tr *flagTree) find(path ...string) *cobra.Command {
	c, _, err := tr.root.Find(path)
	if err != nil {
		panic(err)
	}
	return c
}

// scan finds the --flags in text. A flag belongs to the awsfed command
// named before it in the same clause (`awsfed login dev --force`), to no
// one when a foreign program or the -- separator came first, else to
// help's command (nil = any). Clauses end at a line break and at a word
// ending in , ; . : ) ` ' or "|".
func (tr *flagTree) scan(text, where string, help *cobra.Command) []flagRef {
	var refs []flagRef
	for line := range strings.Lines(text) {
		cmd, skip, descending := help, false, false
		prev := ""
		for _, word := range strings.Fields(line) {
			core := strings.Trim(word, "`'\"$()[]{},;:.!?")
			switch {
			case core == "awsfed" || strings.HasSuffix(core, "/awsfed"):
				// "run awsfed in a terminal" names no command: any.
				cmd, skip, descending = nil, false, true
			case descending && cmd == nil && tr.sub(tr.root, core) != nil:
				cmd = tr.sub(tr.root, core)
			case descending && cmd != nil && tr.sub(cmd, core) != nil:
				cmd = tr.sub(cmd, core)
			case foreign[core] || core == "--":
				cmd, skip, descending = nil, true, false
			default:
				descending = false
				// "there is no --mfa-code" names a flag to say it is absent.
				if skip || prev == "no" {
					break
				}
				for _, m := range flagPattern.FindAllStringSubmatch(word, -1) {
					refs = append(refs, flagRef{where: where, text: strings.TrimSpace(line), flag: m[1], cmd: cmd})
				}
			}
			if strings.ContainsAny(word[len(word)-1:], ",;.:)`'") || word == "|" || word == "&&" {
				cmd, skip, descending = help, false, false
			}
			prev = core
		}
	}
	return refs
}

// flagPattern is a --flag not inside a longer word.
var flagPattern = regexp.MustCompile(`(?:^|[^A-Za-z0-9_-])--([a-z][a-z0-9-]*)`)

func (tr *flagTree) sub(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// scanGo scans the string literals of one Go file, leaving out another
// program's argv.
func (tr *flagTree) scanGo(path, rel string) ([]flagRef, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	argv := map[*ast.BasicLit]bool{}
	var refs []flagRef
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			if execCallee[name] {
				for _, a := range n.Args {
					if lit, ok := a.(*ast.BasicLit); ok {
						argv[lit] = true
					}
				}
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING || argv[n] {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil || !strings.Contains(s, "--") {
				return true
			}
			where := rel + ":" + strconv.Itoa(fset.Position(n.Pos()).Line)
			refs = append(refs, tr.scan(s, where, nil)...)
		}
		return true
	})
	return refs, nil
}
