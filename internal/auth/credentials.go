package auth

import (
	"context"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// verifyPassword checks the password of a logged-in person before a
// sensitive change. Wrong passwords count as login failures, so a stolen
// session cannot be used to guess the password faster than the login page.
func (s *Service) verifyPassword(ctx context.Context, acc accountRow, password, field string) error {
	ip := ipFrom(ctx)
	var until time.Time
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		until, err = throttledUntil(ctx, tx, acc.Email, ip)
		return err
	}); err != nil {
		return err
	}
	if !until.IsZero() {
		return errThrottled(until)
	}
	hash := acc.passwordHash
	if hash == "" {
		hash = dummyHash()
	}
	if len(password) <= maxCheckedPassword && CheckPassword(hash, password) && acc.passwordHash != "" {
		return nil
	}
	if err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := addFailure(ctx, tx, acc.Email, ip); err != nil {
			return err
		}
		return record(ctx, tx, "auth.login_failed", acc.ID, map[string]any{"reason": "bad_password", "step": "confirmation"})
	}); err != nil {
		return err
	}
	return invalidField(field, "Mot de passe incorrect.")
}

// ChangePassword replaces the person's own password, given the current one.
// Pending reset links of the account stop working.
func (s *Service) ChangePassword(ctx context.Context, accountID, current, next string) error {
	var acc accountRow
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if acc, err = loadAccount(ctx, tx, "id", accountID); err != nil {
			return err
		}
		return selfOnly(ctx, acc.Account)
	})
	if err != nil {
		return err
	}
	var v apperr.Validation
	v.Check(current != "", "current_password", "Indiquez votre mot de passe actuel.")
	if p := PasswordProblem(next, acc.Email); p != "" {
		v.Add("password", p)
	} else if next == current {
		v.Add("password", "Choisissez un mot de passe différent de l'actuel.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.verifyPassword(ctx, acc, current, "current_password"); err != nil {
		return err
	}
	return s.storePassword(ctx, acc.ID, next, "auth.password_changed", nil)
}

// SetPassword sets an account's password without the current one: for the
// command line only (access.SystemActor), e.g. when the last administrator
// is locked out.
func (s *Service) SetPassword(ctx context.Context, accountID, next string) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if !actor.System {
		return errForbidden()
	}
	var acc accountRow
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		acc, err = loadAccount(ctx, tx, "id", accountID)
		return err
	}); err != nil {
		return err
	}
	if p := PasswordProblem(next, acc.Email); p != "" {
		return invalidField("password", p)
	}
	return s.storePassword(ctx, acc.ID, next, "auth.password_changed", map[string]any{"by": "system"})
}

// storePassword hashes next (outside the transaction: it takes ~100 ms)
// and stores it, voiding pending reset links.
func (s *Service) storePassword(ctx context.Context, accountID, next, action string, details map[string]any) error {
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, updated_at = $2, credentials_changed_at = $2 WHERE id = $3`,
			hash, tx.Now, accountID); err != nil {
			return err
		}
		if err := voidTokens(ctx, tx, accountID, purposeReset); err != nil {
			return err
		}
		return record(ctx, tx, action, accountID, details)
	})
}
