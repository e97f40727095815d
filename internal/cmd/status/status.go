// Package status implements `awsfed status`: a table (or JSON) of the
// configured accounts and the keys awsfed holds for them, with the time
// they have left. It reads the configuration and the cache; it changes
// nothing and makes no network call.
package status

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
)

// Row is one account (and role) in the status.
type Row struct {
	Account    string     `json:"account"`
	Profile    string     `json:"profile"`
	Role       string     `json:"role"`
	Expiration *time.Time `json:"expiration"`
	// SecondsLeft is 0 once the keys have expired or when there are none.
	SecondsLeft int64  `json:"seconds_left"`
	State       string `json:"state"` // valid, expired, none
}

// NewCmd returns the status command.
func NewCmd(f *factory.Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the accounts, their profiles and how long their keys last",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(cmd.Context(), f, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

// Run prints the status.
func Run(ctx context.Context, f *factory.Factory, asJSON bool) error {
	rows, err := Rows(f)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "No accounts configured and no keys cached; run awsfed configure, or awsfed demo to see it work.")
		return nil
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tPROFILE\tROLE\tEXPIRES\tLEFT")
	for _, r := range rows {
		exp, left := "-", "-"
		if r.Expiration != nil {
			exp = r.Expiration.In(time.Local).Format("2006-01-02 15:04")
			left = "expired"
			if r.SecondsLeft > 0 {
				left = (time.Duration(r.SecondsLeft) * time.Second).String()
			}
		}
		role := r.Role
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Account, r.Profile, role, exp, left)
	}
	return tw.Flush()
}

// Rows joins the configured accounts with the cached keys: every account
// appears, with each role it holds keys for, or once with none.
func Rows(f *factory.Factory) ([]Row, error) {
	file, err := config.LoadDefault(f.Getenv)
	if err != nil {
		return nil, err
	}
	dir, err := cache.Dir(f.Getenv)
	if err != nil {
		return nil, err
	}
	entries, err := (&cache.Cache{Dir: dir, Now: f.Now}).List()
	if err != nil {
		return nil, err
	}
	now := f.Now()
	seen := map[string]bool{}
	var rows []Row
	for _, e := range entries {
		seen[e.Account] = true
		exp := e.Expiration.UTC()
		left := max(e.Remaining(now).Truncate(time.Second), 0)
		state := "valid"
		if left == 0 {
			state = "expired"
		}
		role := e.RoleARN
		if role == "" {
			role = e.Role
		}
		rows = append(rows, Row{Account: e.Account, Profile: e.Profile, Role: role, Expiration: &exp, SecondsLeft: int64(left / time.Second), State: state})
	}
	for name, a := range file.Accounts {
		if seen[name] {
			continue
		}
		profile := a.Profile
		if profile == "" {
			profile = name
		}
		rows = append(rows, Row{Account: name, Profile: profile, Role: a.RoleARN, State: "none"})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Account != rows[j].Account {
			return rows[i].Account < rows[j].Account
		}
		return rows[i].Role < rows[j].Role
	})
	return rows, nil
}
