package auth

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// API tokens are "psl_" followed by 32 random bytes in lower-case base32;
// only their SHA-256 is stored.
const (
	tokenPrefix = "psl_"
	tokenLen    = len(tokenPrefix) + 52
	// lastUsedGranularity: last_used_at is written at most this often per
	// token, so that authenticating is not a write per request.
	lastUsedGranularity = time.Minute
)

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// APIToken describes a token; its plaintext is shown once, at creation.
type APIToken struct {
	ID, Name   string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: not revoked
}

func errBadToken() error {
	return apperr.New(apperr.Unauthorized, "Jeton d'accès invalide ou expiré.")
}

// CreateAPIToken creates a token for the account (the account itself, an
// administrator, or the system from the command line). ttl 0 means no
// expiry. The plaintext is returned once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, accountID, name string, ttl time.Duration) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	var v apperr.Validation
	if p := TokenNameProblem(name); p != "" {
		v.Add("name", p)
	}
	v.Check(ttl >= 0, "ttl", "La durée de validité ne peut pas être négative.")
	if err := v.Err(); err != nil {
		return "", APIToken{}, err
	}
	plaintext := tokenPrefix + strings.ToLower(tokenEncoding.EncodeToString(randomBytes(32)))
	t := APIToken{ID: db.NewID(), Name: name}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if err != nil {
			return err
		}
		if err := selfOrAdmin(ctx, acc.Account); err != nil {
			return err
		}
		if !acc.Active {
			return apperr.New(apperr.Conflict, "Ce compte est désactivé : il ne peut pas recevoir de jeton d'accès.")
		}
		t.CreatedAt = tx.Now
		var expires any
		if ttl > 0 {
			t.ExpiresAt = tx.Now.Add(ttl).Truncate(time.Microsecond)
			expires = t.ExpiresAt
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, account_id, name, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, acc.ID, name, hashToken(plaintext), tx.Now, expires); err != nil {
			return err
		}
		details := map[string]any{"token_id": t.ID, "name": name}
		if !t.ExpiresAt.IsZero() {
			details["expires_at"] = t.ExpiresAt
		}
		return record(ctx, tx, "auth.token_created", acc.ID, details)
	})
	if err != nil {
		return "", APIToken{}, err
	}
	return plaintext, t, nil
}

// ListAPITokens returns the account's tokens, newest first, revoked and
// expired ones included.
func (s *Service) ListAPITokens(ctx context.Context, accountID string) ([]APIToken, error) {
	out := []APIToken{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if err != nil {
			return err
		}
		if err := selfOrAdmin(ctx, acc.Account); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, name, created_at, expires_at, last_used_at, revoked_at
			FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC, id DESC`, acc.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t APIToken
			var exp, used, revoked sql.NullTime
			if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &exp, &used, &revoked); err != nil {
				return err
			}
			t.CreatedAt = t.CreatedAt.UTC()
			t.ExpiresAt, t.LastUsedAt, t.RevokedAt = nullTime(exp), nullTime(used), nullTime(revoked)
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeAPIToken revokes one of the account's tokens; revoking it again
// does nothing.
func (s *Service) RevokeAPIToken(ctx context.Context, accountID, tokenID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if err != nil {
			return err
		}
		if err := selfOrAdmin(ctx, acc.Account); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1
			WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL`, tx.Now, tokenID, acc.ID))
		if err != nil {
			return err
		}
		if n == 0 {
			var exists int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM api_tokens WHERE id = $1 AND account_id = $2`,
				tokenID, acc.ID).Scan(&exists)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "Jeton d'accès introuvable.")
			}
			return err
		}
		return record(ctx, tx, "auth.token_revoked", acc.ID, map[string]any{"token_id": tokenID})
	})
}

// AuthenticateToken returns the account a bearer token belongs to. Revoked
// and expired tokens, and tokens of deactivated accounts, are refused.
func (s *Service) AuthenticateToken(ctx context.Context, plaintext string) (string, error) {
	a, err := s.TokenActor(ctx, plaintext)
	return a.AccountID, err
}

// TokenActor returns the actor a bearer token acts for, as LoadActor
// would, in one statement: this runs on every API request.
func (s *Service) TokenActor(ctx context.Context, plaintext string) (access.Actor, error) {
	if len(plaintext) != tokenLen || !strings.HasPrefix(plaintext, tokenPrefix) {
		return access.Actor{}, errBadToken()
	}
	var id string
	var used sql.NullTime
	now := db.Now(s.DB.Clock)
	a, err := s.queryActor(ctx, actorSelect+`, t.id, t.last_used_at
		FROM api_tokens t JOIN accounts a ON a.id = t.account_id`+actorJoins+`
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
		AND a.active = TRUE`+actorOrder, []any{hashToken(plaintext), now}, &id, &used)
	if apperr.Is(err, apperr.NotFound) {
		return access.Actor{}, errBadToken()
	}
	if err != nil {
		return access.Actor{}, err
	}
	if !used.Valid || used.Time.Before(now.Add(-lastUsedGranularity)) {
		// Conditional: of several servers seeing the same stale time, one writes.
		if err := s.DB.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1
				WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
				tx.Now, id, tx.Now.Add(-lastUsedGranularity))
			return err
		}); err != nil {
			return access.Actor{}, err
		}
	}
	return a, nil
}
