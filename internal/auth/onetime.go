package auth

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// Purposes of one-time links, and how long they stay valid.
const (
	purposeReset  = "reset"
	purposeInvite = "invite"

	ResetValidity      = time.Hour
	InvitationValidity = 7 * 24 * time.Hour
	// MaxResetMailsPerHour bounds the reset mails one account receives, so
	// that nobody can flood a mailbox through the form.
	MaxResetMailsPerHour = 3
)

func errLinkInvalid() error {
	return apperr.New(apperr.Invalid, "Ce lien n'est plus valable. Demandez-en un nouveau.")
}

// newOneTimeToken stores the hash of a new single-use token and returns the
// token itself (32 random bytes, base64url), which only the e-mail carries.
func newOneTimeToken(ctx context.Context, tx *db.Tx, accountID, purpose string, validity time.Duration) (string, error) {
	token := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	_, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, account_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, hashToken(token), accountID, purpose, tx.Now, tx.Now.Add(validity))
	return token, err
}

// voidTokens marks the account's pending links of the purpose as used.
func voidTokens(ctx context.Context, tx *db.Tx, accountID, purpose string) error {
	_, err := tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = $1
		WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL`, tx.Now, accountID, purpose)
	return err
}

// sendInvitation creates an invitation link and puts the mail in the outbox.
func (s *Service) sendInvitation(ctx context.Context, tx *db.Tx, inviter access.Actor, accountID, email, name string) error {
	token, err := newOneTimeToken(ctx, tx, accountID, purposeInvite, InvitationValidity)
	if err != nil {
		return err
	}
	link, err := s.link("/invitation/" + token)
	if err != nil {
		return err
	}
	return notify.EnqueueMail(ctx, tx, invitationMail(email, name, inviter, link))
}

// RequestPasswordReset e-mails a reset link valid one hour to the account
// with this address. It answers the same whether or not the account exists,
// and sends nothing for unknown or deactivated accounts, nor past
// MaxResetMailsPerHour.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	e, problem := NormalizeEmail(email)
	if problem != "" {
		return invalidField("email", problem)
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "email", e)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil || !acc.Active {
			return err
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM one_time_tokens
			WHERE account_id = $1 AND purpose = $2 AND created_at > $3`,
			acc.ID, purposeReset, tx.Now.Add(-time.Hour)).Scan(&recent); err != nil {
			return err
		}
		if recent >= MaxResetMailsPerHour {
			return recordAttempt(ctx, tx, "auth.password_reset_requested", e, acc.ID,
				map[string]any{"mail_sent": false, "reason": "limit"})
		}
		token, err := newOneTimeToken(ctx, tx, acc.ID, purposeReset, ResetValidity)
		if err != nil {
			return err
		}
		link, err := s.link("/mot-de-passe/reinitialiser/" + token)
		if err != nil {
			return err
		}
		if err := notify.EnqueueMail(ctx, tx, resetMail(acc.Email, acc.Name, link)); err != nil {
			return err
		}
		return recordAttempt(ctx, tx, "auth.password_reset_requested", e, acc.ID, map[string]any{"mail_sent": true})
	})
}

// linkAccount is the account a valid link belongs to.
type linkAccount struct{ id, email string }

// findLink returns the active account of a valid, unused link.
func findLink(ctx context.Context, tx *db.Tx, purpose, token string) (linkAccount, error) {
	var a linkAccount
	if purpose != purposeReset && purpose != purposeInvite || token == "" || len(token) > 100 {
		return a, errLinkInvalid()
	}
	err := tx.QueryRowContext(ctx, `SELECT a.id, a.email FROM one_time_tokens t JOIN accounts a ON a.id = t.account_id
		WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3 AND a.active = TRUE`,
		hashToken(token), purpose, tx.Now).Scan(&a.id, &a.email)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errLinkInvalid()
	}
	return a, err
}

// CheckOneTimeToken returns the e-mail of the account a valid link
// (purpose "reset" or "invite") belongs to, to show the form; it does not
// use the link.
func (s *Service) CheckOneTimeToken(ctx context.Context, purpose, token string) (string, error) {
	var a linkAccount
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		a, err = findLink(ctx, tx, purpose, token)
		return err
	})
	return a.email, err
}

// ResetPassword sets a new password through a reset link, which it uses up.
// API tokens stay; the old password stops working.
func (s *Service) ResetPassword(ctx context.Context, token, next string) error {
	_, err := s.useLink(ctx, purposeReset, token, next, "auth.password_reset")
	return err
}

// AcceptInvitation sets the password of an invited account through its
// invitation link, which it uses up, and returns the account's id.
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (string, error) {
	return s.useLink(ctx, purposeInvite, token, password, "auth.invitation_accepted")
}

// useLink checks the link and the password, then, in one transaction, uses
// the link up with a conditional update (so that of two concurrent uses
// exactly one succeeds) and stores the password.
func (s *Service) useLink(ctx context.Context, purpose, token, password, action string) (string, error) {
	var a linkAccount
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		a, err = findLink(ctx, tx, purpose, token)
		return err
	}); err != nil {
		return "", err
	}
	if p := PasswordProblem(password, a.email); p != "" {
		return "", invalidField("password", p)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = $1
			WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1`,
			tx.Now, hashToken(token), purpose))
		if err != nil {
			return err
		}
		if n != 1 {
			return errLinkInvalid()
		}
		n, err = affected(tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, updated_at = $2, credentials_changed_at = $2
			WHERE id = $3 AND active = TRUE`, hash, tx.Now, a.id))
		if err != nil {
			return err
		}
		if n != 1 {
			return errLinkInvalid()
		}
		// Other pending links of either kind would set the password again.
		if err := voidTokens(ctx, tx, a.id, purposeReset); err != nil {
			return err
		}
		if err := voidTokens(ctx, tx, a.id, purposeInvite); err != nil {
			return err
		}
		// The person proved they hold the mailbox: let them log in at once.
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE email = $1`, a.email); err != nil {
			return err
		}
		return record(asAccount(ctx, a.id, a.email), tx, action, a.id, nil)
	})
	if err != nil {
		return "", err
	}
	return a.id, nil
}
