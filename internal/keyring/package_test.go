package keyring

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestNoInitWork parses the package's own files: no init function, and no
// package-level variable computed by a call other than errors.New. Linking
// the package must cost awsfed nothing until Open (credential-process starts
// on every AWS SDK call).
func TestNoInitWork(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.Name == "init" {
					t.Errorf("%s: func init", fset.Position(d.Pos()))
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						ast.Inspect(v, func(n ast.Node) bool {
							call, ok := n.(*ast.CallExpr)
							if !ok {
								return true
							}
							if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" {
								if id, ok := sel.X.(*ast.Ident); ok && id.Name == "errors" {
									return false
								}
							}
							t.Errorf("%s: package-level variable computed at init", fset.Position(call.Pos()))
							return false
						})
					}
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d files: run from the package directory", checked)
	}
}

// TestNoDBusLaunchingDependency keeps the libraries whose init dials D-Bus
// (and may run dbus-launch) out of the awsfed binary.
func TestNoDBusLaunchingDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command")
		}
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(goCmd, "list", "-e", "-deps", "github.com/awsfed/awsfed/cmd/awsfed")
		cmd.Env = append(os.Environ(), "GOOS="+goos)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (GOOS=%s): %v", goos, err)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, "github.com/awsfed/awsfed/internal/keyring") {
			t.Fatalf("GOOS=%s: awsfed does not link the keyring package: the check sees nothing", goos)
		}
		for _, p := range deps {
			if strings.HasPrefix(p, "github.com/99designs/keyring") || p == "github.com/godbus/dbus" ||
				strings.HasPrefix(p, "github.com/gsterjov/go-libsecret") {
				t.Errorf("GOOS=%s: awsfed links %s", goos, p)
			}
		}
	}
}
