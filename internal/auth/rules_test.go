package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{" Jean.Dupont@Exemple.FR ", "jean.dupont@exemple.fr"},
		{"a+tag@x.fr", "a+tag@x.fr"},
		{"", ""},
		{"jean", ""},
		{"Jean <jean@x.fr>", ""},
		{"jean@x.fr, paul@x.fr", ""},
		{"jean@@x.fr", ""},
		{strings.Repeat("a", 245) + "@exemple.fr", ""},
	}
	for _, c := range cases {
		got, problem := NormalizeEmail(c.in)
		if got != c.want || (c.want == "") != (problem != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %q; want %q", c.in, got, problem, c.want)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	cases := []struct {
		password, email string
		ok              bool
	}{
		{"Marmotte-Verte-2026", "jean.dupont@x.fr", true},
		{"élégant-été-26", "jean@x.fr", true}, // 14 characters, more bytes
		{"courtcourt1", "jean@x.fr", false},   // 11
		{"douze-carac", "jean@x.fr", false},   // 11
		{"douze-caract", "jean@x.fr", true},   // 12
		{strings.Repeat("a", 256) + "b", "jean@x.fr", false},
		{strings.Repeat("ab", 128), "jean@x.fr", true}, // 256
		{strings.Repeat("é", 20), "jean@x.fr", false},
		{"Jean.Dupont-2026", "jean.dupont@x.fr", false},
		{"mon-JEAN-secret", "jean@x.fr", false},
		{"jo-est-un-nom-court", "jo@x.fr", true}, // local part too short to matter
	}
	for _, c := range cases {
		if p := PasswordProblem(c.password, c.email); (p == "") != c.ok {
			t.Errorf("PasswordProblem(%q, %q) = %q, want ok=%v", c.password, c.email, p, c.ok)
		}
	}
}

func TestClockTime(t *testing.T) {
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 15, 13, 32, 0, 0, time.UTC), "14 h 32"}, // winter, UTC+1
		{time.Date(2026, 7, 15, 12, 32, 0, 0, time.UTC), "14 h 32"}, // summer, UTC+2
		{time.Date(2026, 1, 15, 13, 31, 1, 0, time.UTC), "14 h 32"}, // rounded up
		{time.Date(2026, 1, 15, 23, 5, 0, 0, time.UTC), "0 h 05"},   // next day
		{time.Date(2026, 3, 29, 0, 59, 30, 0, time.UTC), "3 h 00"},  // across the change to summer time
		{time.Date(2026, 1, 15, 13, 32, 0, 0, time.FixedZone("x", 7200)), "12 h 32"},
	}
	for _, c := range cases {
		if got := clockTime(c.at); got != c.want {
			t.Errorf("clockTime(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"123456", "123456", true},
		{" 123 456 ", "123456", true},
		{"12345", "12345", false},
		{"1234567", "1234567", false},
		{"12a456", "12a456", false},
		{"١٢٣٤٥٦", "١٢٣٤٥٦", false}, // non-ASCII digits
	}
	for _, c := range cases {
		got, ok := normalizeCode(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("normalizeCode(%q) = %q, %v", c.in, got, ok)
		}
	}
}

func TestTOTPStep(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 1, 15, 13, 17, 10, 0, time.UTC)
	base := now.Unix() / 30
	for _, d := range []int64{-2, -1, 0, 1, 2} {
		code, err := totp.GenerateCode(secret, now.Add(time.Duration(d)*30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := totpStep(secret, code, now)
		wantOK := d >= -1 && d <= 1
		if ok != wantOK || ok && step != base+d {
			t.Errorf("offset %d: step %d ok %v, want step %d ok %v", d, step, ok, base+d, wantOK)
		}
	}
	if _, ok := totpStep("not base32!", "123456", now); ok {
		t.Error("a bad secret matched")
	}
}

func TestValidSecret(t *testing.T) {
	for s, want := range map[string]bool{
		"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP": true,
		"jbswy3dpehpk3pxpjbswy3dpehpk3pxp": true,
		"JBSWY3DP":                         false, // 40 bits
		"not base32!":                      false,
		"":                                 false,
	} {
		if validSecret(s) != want {
			t.Errorf("validSecret(%q) != %v", s, want)
		}
	}
}
