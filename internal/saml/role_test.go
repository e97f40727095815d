package saml

import (
	"slices"
	"testing"
)

func TestRoleAccessors(t *testing.T) {
	tests := []struct {
		arn                                  string
		wantAccount, wantName, wantPartition string
	}{
		{"arn:aws:iam::123456789012:role/Dev", "123456789012", "Dev", "aws"},
		{"arn:aws:iam::123456789012:role/team/sub/Dev", "123456789012", "Dev", "aws"},
		{"arn:aws-cn:iam::555566667777:role/DataEngineer", "555566667777", "DataEngineer", "aws-cn"},
		{"arn:aws-us-gov:iam::111122223333:role/ADFS-Production", "111122223333", "ADFS-Production", "aws-us-gov"},
		{"arn:aws:iam::123456789012:role/with,comma", "123456789012", "with,comma", "aws"},
		{"arn:aws:iam::123456789012:saml-provider/Okta", "123456789012", "", "aws"},
		{"not-an-arn", "", "", ""},
		{"", "", "", ""},
		{"arn::iam::123456789012:role/Dev", "", "", ""},
	}
	for _, tt := range tests {
		r := Role{RoleARN: tt.arn, PrincipalARN: "arn:aws:iam::123456789012:saml-provider/X"}
		if got := r.Account(); got != tt.wantAccount {
			t.Errorf("Role{%q}.Account() = %q, want %q", tt.arn, got, tt.wantAccount)
		}
		if got := r.Name(); got != tt.wantName {
			t.Errorf("Role{%q}.Name() = %q, want %q", tt.arn, got, tt.wantName)
		}
		if got := r.Partition(); got != tt.wantPartition {
			t.Errorf("Role{%q}.Partition() = %q, want %q", tt.arn, got, tt.wantPartition)
		}
		if got := r.String(); got != tt.arn {
			t.Errorf("Role{%q}.String() = %q", tt.arn, got)
		}
	}
}

func TestParseRoleValue(t *testing.T) {
	const (
		role = "arn:aws:iam::123456789012:role/Dev"
		prov = "arn:aws:iam::123456789012:saml-provider/Okta"
	)
	tests := []struct {
		name, value string
		want        Role
		ok          bool
	}{
		{"role first", role + "," + prov, Role{role, prov}, true},
		{"provider first", prov + "," + role, Role{role, prov}, true},
		{"spaces around", "  " + role + " ,\n\t" + prov + " ", Role{role, prov}, true},
		{"comma in role name", "arn:aws:iam::123456789012:role/a,b," + prov, Role{"arn:aws:iam::123456789012:role/a,b", prov}, true},
		{"comma in role name provider first", prov + ",arn:aws:iam::123456789012:role/a,b", Role{"arn:aws:iam::123456789012:role/a,b", prov}, true},
		{"role path", "arn:aws-us-gov:iam::111122223333:role/team/Dev,arn:aws-us-gov:iam::111122223333:saml-provider/ADFS",
			Role{"arn:aws-us-gov:iam::111122223333:role/team/Dev", "arn:aws-us-gov:iam::111122223333:saml-provider/ADFS"}, true},
		{"one arn", role, Role{}, false},
		{"two roles", role + "," + role, Role{}, false},
		{"two providers", prov + "," + prov, Role{}, false},
		{"empty role", "," + prov, Role{}, false},
		{"not arns", "Dev,Okta:saml-provider/x", Role{}, false},
		{"bad account", "arn:aws:iam::12345:role/Dev,arn:aws:iam::12345:saml-provider/Okta", Role{}, false},
		{"wrong service", "arn:aws:sts::123456789012:role/Dev," + prov, Role{}, false},
		{"role without name", "arn:aws:iam::123456789012:role/," + prov, Role{}, false},
		{"role path without name", "arn:aws:iam::123456789012:role/team/," + prov, Role{}, false},
		{"space inside", "arn:aws:iam::123456789012:role/D ev," + prov, Role{}, false},
		{"empty", "", Role{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRoleValue(tt.value)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseRoleValue(%q) = %+v, %v; want %+v, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFindRoles(t *testing.T) {
	p1 := "arn:aws:iam::123456789012:saml-provider/IdP"
	p2 := "arn:aws:iam::210987654321:saml-provider/IdP"
	dev1 := Role{"arn:aws:iam::123456789012:role/Dev", p1}
	admin1 := Role{"arn:aws:iam::123456789012:role/Admin", p1}
	dev2 := Role{"arn:aws:iam::210987654321:role/team/Dev", p2}
	dev1Other := Role{"arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/Other"}
	roles := []Role{dev1, admin1, dev2, dev1Other}

	tests := []struct {
		want string
		out  []Role
	}{
		{"arn:aws:iam::123456789012:role/Dev", []Role{dev1, dev1Other}},
		{"arn:aws:iam::123456789012:role/dev", nil}, // ARNs are case-sensitive
		{"arn:aws:iam::210987654321:role/team/Dev", []Role{dev2}},
		{"Dev", []Role{dev1, dev2, dev1Other}},
		{"dev", []Role{dev1, dev2, dev1Other}},
		{" admin ", []Role{admin1}},
		{"team/Dev", []Role{dev2}},
		{"123456789012:Dev", []Role{dev1, dev1Other}},
		{"210987654321:dev", []Role{dev2}},
		{"210987654321:Admin", nil},
		{"999999999999:Dev", nil},
		{"Nope", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := FindRoles(roles, tt.want); !slices.Equal(got, tt.out) {
			t.Errorf("FindRoles(%q) = %v, want %v", tt.want, got, tt.out)
		}
	}
}
