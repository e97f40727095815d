package inifile

import (
	"fmt"
	"testing"
)

// BenchmarkSetProfiles writes five keys into each of 20 profiles, as a
// sign-in for 20 accounts does: into a new file, and over the same
// profiles of an earlier sign-in.
func BenchmarkSetProfiles(b *testing.B) {
	set := func(d *Doc) {
		for p := range 20 {
			section := fmt.Sprintf("acct%d", p)
			d.Set(section, "aws_access_key_id", "ASIAXXXXXXXXXXXXXXXX")
			d.Set(section, "aws_secret_access_key", "0123456789012345678901234567890123456789")
			d.Set(section, "aws_session_token", "IQoJb3JpZ2luX2Vj"+fmt.Sprint(p))
			d.Set(section, "aws_security_token", "IQoJb3JpZ2luX2Vj"+fmt.Sprint(p))
			d.Set(section, "x_security_token_expires", "2026-12-01T03:00:00Z")
		}
	}
	full, _ := Parse(nil)
	set(full)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"new", nil}, {"again", full.Bytes()}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				d, err := Parse(bc.data)
				if err != nil {
					b.Fatal(err)
				}
				set(d)
				if d.Err() != nil {
					b.Fatal(d.Err())
				}
			}
		})
	}
}
