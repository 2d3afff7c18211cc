// Package config reads Passerelle's configuration from environment variables
// through one typed table (Vars) that also documents them. Secrets may come
// from a file named by the variable with a _FILE suffix.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is everything a Passerelle process needs to start.
type Config struct {
	Addr            string
	DatabaseURL     string
	Demo            bool
	BaseURL         *url.URL
	SecureCookies   bool
	LogLevel        slog.Level
	LogFormat       string
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	Jobs            bool
	TrustedProxies  []netip.Prefix
	SMTP            SMTP
}

// SMTP configures outgoing e-mail. An empty Addr writes mails to the log.
type SMTP struct {
	Addr     string // host:port
	Username string
	Password string
	From     string
	TLS      string // "starttls" (default when a port other than 465 is used), "tls", "none"
}

// Var is one environment variable: its name, default and documentation.
type Var struct {
	Name    string
	Default string
	Doc     string
	Secret  bool // may also be read from NAME_FILE
	set     func(c *Config, v string) error
}

// Vars is the table of every variable Passerelle reads.
var Vars = []Var{
	{Name: "PASSERELLE_ADDR", Default: "127.0.0.1:8080", Doc: "Listen address (host:port).",
		set: func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("expected host:port, got %q", v)
			}
			c.Addr = v
			return nil
		}},
	{Name: "PASSERELLE_DATABASE_URL", Default: "sqlite:passerelle-data/passerelle.db", Secret: true,
		Doc: "`postgres://user:pass@host/db` for PostgreSQL, or `sqlite:PATH` / a file path for the embedded SQLite.",
		set: func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{Name: "PASSERELLE_DEMO", Default: "on", Doc: "`on`: load the demo territory when the database is empty; `off`: start empty.",
		set: func(c *Config, v string) (err error) { c.Demo, err = parseBool(v); return }},
	{Name: "PASSERELLE_BASE_URL", Default: "", Doc: "Public address of the site, used in e-mailed links (default: http://ADDR).",
		set: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("expected an http(s) URL, got %q", v)
			}
			u.Path = strings.TrimSuffix(u.Path, "/")
			c.BaseURL = u
			return nil
		}},
	{Name: "PASSERELLE_SECURE_COOKIES", Default: "auto", Doc: "`auto` (on when BASE_URL is https), `on` or `off`.",
		set: func(c *Config, v string) error {
			if v == "auto" {
				return nil
			}
			b, err := parseBool(v)
			c.SecureCookies = b
			return err
		}},
	{Name: "PASSERELLE_LOG_LEVEL", Default: "info", Doc: "`debug`, `info`, `warn` or `error`.",
		set: func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
	{Name: "PASSERELLE_LOG_FORMAT", Default: "json", Doc: "`json` (one object per line) or `text`.",
		set: func(c *Config, v string) error {
			if v != "json" && v != "text" {
				return fmt.Errorf("expected json or text, got %q", v)
			}
			c.LogFormat = v
			return nil
		}},
	{Name: "PASSERELLE_SESSION_LIFETIME", Default: "12h", Doc: "Longest life of a login session.",
		set: func(c *Config, v string) (err error) { c.SessionLifetime, err = parseDuration(v); return }},
	{Name: "PASSERELLE_SESSION_IDLE", Default: "2h", Doc: "A session unused for this long ends.",
		set: func(c *Config, v string) (err error) { c.SessionIdle, err = parseDuration(v); return }},
	{Name: "PASSERELLE_JOBS", Default: "on", Doc: "`on`: this process also runs due jobs (mail, reminders); any number of servers may.",
		set: func(c *Config, v string) (err error) { c.Jobs, err = parseBool(v); return }},
	{Name: "PASSERELLE_TRUSTED_PROXIES", Default: "", Doc: "Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed.",
		set: func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, s := range strings.Split(v, ",") {
				s = strings.TrimSpace(s)
				if s == "" {
					continue
				}
				p, err := netip.ParsePrefix(s)
				if err != nil {
					a, aerr := netip.ParseAddr(s)
					if aerr != nil {
						return fmt.Errorf("%q is neither an address nor a CIDR range", s)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		}},
	{Name: "PASSERELLE_SMTP_ADDR", Default: "", Doc: "SMTP server host:port. Empty: e-mails are written to the log instead of sent.",
		set: func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("expected host:port, got %q", v)
				}
			}
			c.SMTP.Addr = v
			return nil
		}},
	{Name: "PASSERELLE_SMTP_USERNAME", Default: "", Doc: "SMTP login (PLAIN authentication), if the server needs one.",
		set: func(c *Config, v string) error { c.SMTP.Username = v; return nil }},
	{Name: "PASSERELLE_SMTP_PASSWORD", Default: "", Secret: true, Doc: "SMTP password.",
		set: func(c *Config, v string) error { c.SMTP.Password = v; return nil }},
	{Name: "PASSERELLE_SMTP_FROM", Default: "Passerelle <ne-pas-repondre@passerelle.invalid>", Doc: "Sender of e-mails.",
		set: func(c *Config, v string) error {
			if _, err := mail.ParseAddress(v); err != nil {
				return fmt.Errorf("not an e-mail address: %q", v)
			}
			c.SMTP.From = v
			return nil
		}},
	{Name: "PASSERELLE_SMTP_TLS", Default: "starttls", Doc: "`starttls`, `tls` (implicit, port 465) or `none` (only for a local relay).",
		set: func(c *Config, v string) error {
			if v != "starttls" && v != "tls" && v != "none" {
				return fmt.Errorf("expected starttls, tls or none, got %q", v)
			}
			c.SMTP.TLS = v
			return nil
		}},
}

// Load reads the configuration from getenv (os.Getenv in production). All
// problems are reported together, one per line, naming the variable.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	var errs []error
	for _, v := range Vars {
		val, err := lookup(getenv, v)
		if err == nil {
			err = v.set(c, val)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.Name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if c.BaseURL == nil {
		c.BaseURL = &url.URL{Scheme: "http", Host: c.Addr}
	}
	if getenv("PASSERELLE_SECURE_COOKIES") == "" || getenv("PASSERELLE_SECURE_COOKIES") == "auto" {
		c.SecureCookies = c.BaseURL.Scheme == "https"
	}
	return c, nil
}

func lookup(getenv func(string) string, v Var) (string, error) {
	if v.Secret {
		if path := getenv(v.Name + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("cannot read %s_FILE: %v", v.Name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	if val := getenv(v.Name); val != "" {
		return strings.TrimSpace(val), nil
	}
	return v.Default, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes", "oui":
		return true, nil
	case "off", "false", "0", "no", "non":
		return false, nil
	}
	return false, fmt.Errorf("expected on or off, got %q", v)
}

func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("expected a positive duration such as 30m or 12h, got %q", v)
	}
	return d, nil
}

// Getenv adapts os.Getenv; kept here so callers pass it explicitly.
func Getenv(name string) string { return os.Getenv(name) }
