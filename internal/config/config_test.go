package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"passerelle/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || !c.Demo || !c.Jobs || c.SecureCookies || c.BaseURL.String() != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestErrorsNameEveryBadVariable(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"PASSERELLE_ADDR": "nope", "PASSERELLE_DEMO": "maybe", "PASSERELLE_BASE_URL": "ftp://x",
		"PASSERELLE_SESSION_IDLE": "-1h", "PASSERELLE_TRUSTED_PROXIES": "10.0.0.0/8, bad",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"PASSERELLE_ADDR", "PASSERELLE_DEMO", "PASSERELLE_BASE_URL", "PASSERELLE_SESSION_IDLE", "PASSERELLE_TRUSTED_PROXIES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSecretFromFileAndHTTPSCookies(t *testing.T) {
	f := filepath.Join(t.TempDir(), "db")
	os.WriteFile(f, []byte("postgres://u:p@h/db\n"), 0o600)
	c, err := config.Load(env(map[string]string{"PASSERELLE_DATABASE_URL_FILE": f, "PASSERELLE_BASE_URL": "https://passerelle.example/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:p@h/db" || !c.SecureCookies || c.BaseURL.String() != "https://passerelle.example" {
		t.Fatalf("%+v", c)
	}
}

// README documents every variable of the table.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}
