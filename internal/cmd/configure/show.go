package configure

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
)

// ShowOptions are the flags of `awsfed config show`.
type ShowOptions struct {
	F    *factory.Factory
	JSON bool
}

// NewConfigCmd returns the `config` command with its `show` subcommand;
// runF replaces the show run function in tests.
func NewConfigCmd(f *factory.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect awsfed's configuration file",
		Args:  cobra.NoArgs,
	}
	opts := &ShowOptions{F: f}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the configuration file's path and its sections, secrets masked",
		Long: `Print the path of the configuration file in effect and its sections. The value
of any key whose name contains secret, password or token is shown as ****.`,
		Example: `  awsfed config show
  awsfed config show --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return RunShow(cmd.Context(), opts)
		},
	}
	show.Flags().BoolVar(&opts.JSON, "json", false, "print {path, idps, accounts} as JSON")
	cmd.AddCommand(show)
	return cmd
}

// showJSON is the --json output; section maps hold each section's keys.
type showJSON struct {
	Path     string                       `json:"path"`
	IdPs     map[string]map[string]string `json:"idps"`
	Accounts map[string]map[string]string `json:"accounts"`
}

// RunShow prints the configuration file.
func RunShow(ctx context.Context, opts *ShowOptions) error {
	f := opts.F
	path, err := config.Path(f.Getenv)
	if err != nil {
		return err
	}
	doc, exists, err := readDoc(path)
	if err != nil {
		// config.Load words syntax errors with a line and a hint.
		if _, lerr := config.Load(path); lerr != nil {
			return lerr
		}
		return err
	}
	if !exists {
		if opts.JSON {
			if err := writeJSON(f, showJSON{Path: path, IdPs: map[string]map[string]string{}, Accounts: map[string]map[string]string{}}); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(f.IO.Out, "# %s\n", path)
		}
		fmt.Fprintln(f.IO.ErrOut, "(no configuration file yet; run awsfed configure)")
		return nil
	}
	if opts.JSON {
		out := showJSON{Path: path, IdPs: map[string]map[string]string{}, Accounts: map[string]map[string]string{}}
		for _, s := range doc.Sections() {
			kind, name := splitSection(s.Name)
			var into map[string]map[string]string
			switch kind {
			case "idp":
				into = out.IdPs
			case "account":
				into = out.Accounts
			default:
				continue
			}
			if _, dup := into[name]; dup {
				continue
			}
			keys := map[string]string{}
			for _, k := range doc.Keys(s.Name) {
				if _, dup := keys[k.Name]; !dup {
					keys[k.Name] = maskValue(k.Name, k.Value)
				}
			}
			into[name] = keys
		}
		return writeJSON(f, out)
	}
	w := f.IO.Out
	fmt.Fprintf(w, "# %s\n", path)
	for _, s := range doc.Sections() {
		fmt.Fprintln(w)
		writeSection(w, doc, s.Name)
	}
	return nil
}

func writeJSON(f *factory.Factory, v any) error {
	enc := json.NewEncoder(f.IO.Out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
