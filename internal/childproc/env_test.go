package childproc

import (
	"slices"
	"testing"
)

func TestBuildEnv(t *testing.T) {
	tests := []struct {
		name  string
		base  []string
		set   map[string]string
		unset []string
		fold  bool
		want  []string
	}{
		{
			name: "nothing to change",
			base: []string{"B=2", "A=1"},
			want: []string{"B=2", "A=1"},
		},
		{
			name:  "unset removes every copy",
			base:  []string{"AWS_PROFILE=dev", "HOME=/h", "AWS_PROFILE=prod", "AWS_ACCESS_KEY_ID=AKIA"},
			unset: []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "NOT_THERE"},
			want:  []string{"HOME=/h"},
		},
		{
			name: "set replaces in place of nothing and goes last, sorted",
			base: []string{"HOME=/h", "AWS_REGION=eu-west-1", "PATH=/bin"},
			set:  map[string]string{"AWS_REGION": "us-east-1", "AWS_A": "x", "Z": ""},
			want: []string{"HOME=/h", "PATH=/bin", "AWS_A=x", "AWS_REGION=us-east-1", "Z="},
		},
		{
			name: "duplicates in base: last value wins at the first place",
			base: []string{"A=1", "B=2", "A=3"},
			want: []string{"A=3", "B=2"},
		},
		{
			name:  "set wins over unset",
			base:  []string{"A=1"},
			set:   map[string]string{"A": "2"},
			unset: []string{"A"},
			want:  []string{"A=2"},
		},
		{
			name:  "case matters on unix",
			base:  []string{"aws_profile=x", "Path=/p"},
			set:   map[string]string{"PATH": "/bin"},
			unset: []string{"AWS_PROFILE"},
			want:  []string{"aws_profile=x", "Path=/p", "PATH=/bin"},
		},
		{
			name:  "case folds on windows",
			base:  []string{"aws_profile=x", "Path=/p", "=C:=C:\\dir"},
			set:   map[string]string{"PATH": "/bin"},
			unset: []string{"AWS_PROFILE"},
			fold:  true,
			want:  []string{"=C:=C:\\dir", "PATH=/bin"},
		},
		{
			name: "malformed entries dropped, values with = kept whole",
			base: []string{"NOEQUALS", "", "URL=http://h/?a=b", "=weird"},
			want: []string{"URL=http://h/?a=b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := slices.Clone(tt.base)
			got := buildEnv(tt.base, tt.set, tt.unset, tt.fold)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(base, tt.base) {
				t.Errorf("base was modified: %q", tt.base)
			}
		})
	}
}

func TestEnvIsDeterministic(t *testing.T) {
	set := map[string]string{"C": "3", "A": "1", "B": "2", "E": "5", "D": "4"}
	first := Env([]string{"X=1"}, set, nil)
	for range 20 {
		if got := Env([]string{"X=1"}, set, nil); !slices.Equal(got, first) {
			t.Fatalf("Env changed order: %q then %q", first, got)
		}
	}
}

func TestNamesWithPrefix(t *testing.T) {
	base := []string{"AWSFED_PASSWORD=a", "awsfed_mfa_code=b", "PATH=/bin", "=C:=C:\\x", "AWSFED=c", "MY_AWSFED_X=d", "AWSFED_PASSWORD=again"}
	got := NamesWithPrefix(base, "AWSFED_")
	want := []string{"AWSFED_PASSWORD", "awsfed_mfa_code", "AWSFED_PASSWORD"}
	if !slices.Equal(got, want) {
		t.Errorf("NamesWithPrefix = %q, want %q", got, want)
	}
}
