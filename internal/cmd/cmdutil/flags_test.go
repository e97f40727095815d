package cmdutil

import (
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/provider/all"
)

func TestProviderFlagNamesEveryProvider(t *testing.T) {
	names := all.Registry().Names()
	want := "IdP kind: " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if ProviderFlagUsage != want {
		t.Errorf("--provider help = %q, want %q", ProviderFlagUsage, want)
	}
}
