// Package auth owns accounts and how people prove who they are: passwords,
// TOTP second factor, login throttling, invitation and reset links, API
// tokens and the database-backed web session store. Authorization itself
// (who may do what) stays in package access; auth asks it.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris for messages, even on hosts without tzdata

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Service holds the use cases on accounts and authentication. The actor
// comes from the context (access.ActorFrom). Methods that prove identity
// (Login, CheckTOTP, AuthenticateToken, LoadActor, the one-time links) work
// without one; every other method asks the access policy.
type Service struct {
	DB *db.DB
	// BaseURL prefixes the links sent by e-mail, e.g. http://127.0.0.1:8080.
	BaseURL *url.URL
}

// resourceAccount is the audit resource type of every entry written here.
const resourceAccount = "account"

// paris is the time zone of the times shown to users.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("UTC+1", 3600)
	}
	return loc
}()

func errAccountNotFound() error { return apperr.New(apperr.NotFound, "Compte introuvable.") }

func errNeedLogin() error { return apperr.New(apperr.Unauthorized, "Vous devez vous connecter.") }

func errForbidden() error {
	return apperr.New(apperr.Forbidden, "Vous n'avez pas les droits nécessaires pour cette action.")
}

func invalidField(field, message string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
		Fields: map[string]string{field: message}}
}

// requireActor returns the actor of ctx, or Unauthorized when nobody acts.
func requireActor(ctx context.Context) (access.Actor, error) {
	a := access.ActorFrom(ctx)
	if !a.Authenticated() && !a.System {
		return a, errNeedLogin()
	}
	return a, nil
}

// link joins the service's base URL and path.
func (s *Service) link(path string) (string, error) {
	if s.BaseURL == nil {
		return "", fmt.Errorf("auth: BaseURL is not set, cannot build e-mailed links")
	}
	return strings.TrimRight(s.BaseURL.String(), "/") + path, nil
}

// asAccount returns ctx whose actor is the account itself, so that audit
// rows of a login or a reset name the person even before a session exists.
func asAccount(ctx context.Context, id, email string) context.Context {
	if access.ActorFrom(ctx).Authenticated() {
		return ctx
	}
	return access.WithActor(ctx, access.Actor{AccountID: id, Email: email})
}

// record appends an audit entry about the account.
func record(ctx context.Context, tx *db.Tx, action, accountID string, details map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ResourceType: resourceAccount,
		ResourceID: accountID, Details: details})
}

// randomBytes returns n bytes from the system's secure generator.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return b
}

// hashToken is how tokens are stored: SHA-256 of the plaintext, in hex.
// Tokens carry 256 random bits, so a fast hash is enough.
func hashToken(plaintext string) string {
	sum := sha256.Sum256([]byte(plaintext))
	return hex.EncodeToString(sum[:])
}

// nullTime converts a nullable column to the zero-time convention.
func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// ipFrom is the client address of the request being served ("" outside one).
func ipFrom(ctx context.Context) string { return audit.RequestFrom(ctx).IP }

// affected returns the number of rows an Exec changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// check asks the access policy. The system actor (command line, jobs) is
// let through: it must manage accounts (the first administrator is made
// from the command line) but holds no role the policy table knows.
func check(ctx context.Context, act access.Action, r access.Resource) error {
	return access.Check(ctx, act, r)
}
