package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// TOTP parameters: those every authenticator application understands.
const (
	totpIssuer = "Passerelle"
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps accepted either side of now
	qrSize     = 256
)

// TOTPEnrolment is what a person needs to add Passerelle to their
// authenticator application. Nothing is stored until it is confirmed.
type TOTPEnrolment struct {
	Secret string // base32, to type by hand
	URL    string // otpauth:// URL, the content of the QR code
	QRPNG  []byte // 256×256 PNG of the QR code
}

// totpStep returns the time step whose code is code, within the skew around
// now, or ok=false. The step is what replay protection compares.
func totpStep(secret, code string, now time.Time) (step int64, ok bool) {
	base := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		want, err := hotp.GenerateCodeCustom(secret, uint64(base+d),
			hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return base + d, true
		}
	}
	return 0, false
}

func errCodeFormat() error {
	return invalidField("code", "Saisissez les 6 chiffres affichés par votre application.")
}

// CheckTOTP checks the second factor of a login whose password was right.
// A code is accepted once: its time step must be later than the last one
// accepted. Wrong codes count as login failures and are throttled alike.
func (s *Service) CheckTOTP(ctx context.Context, accountID, code string) error {
	code, ok := normalizeCode(code)
	if !ok {
		return errCodeFormat()
	}
	ip := ipFrom(ctx)
	var outcome error
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if apperr.Is(err, apperr.NotFound) || err == nil && (!acc.Active || !acc.TOTPEnabled) {
			outcome = apperr.New(apperr.Unauthorized, "Votre connexion a expiré. Reconnectez-vous.")
			return nil
		}
		if err != nil {
			return err
		}
		until, err := throttledUntil(ctx, tx, acc.Email, ip)
		if err != nil {
			return err
		}
		if !until.IsZero() {
			outcome = errThrottled(until)
			return recordAttempt(ctx, tx, "auth.login_throttled", acc.Email, acc.ID,
				map[string]any{"retry_at": until, "step": "totp"})
		}
		step, match := totpStep(acc.totpSecret, code, tx.Now)
		if match {
			// Conditional, so that two requests with the same code cannot both pass.
			n, err := affected(tx.ExecContext(ctx, `UPDATE accounts SET totp_last_step = $1
				WHERE id = $2 AND totp_enabled = TRUE AND totp_last_step < $1`, step, acc.ID))
			if err != nil {
				return err
			}
			if n == 1 {
				return completeLogin(ctx, tx, acc.ID, acc.Email, map[string]any{"method": "password+totp"})
			}
		}
		outcome = invalidField("code", "Code incorrect ou déjà utilisé. Saisissez le code affiché en ce moment.")
		if err := addFailure(ctx, tx, acc.Email, ip); err != nil {
			return err
		}
		return recordAttempt(ctx, tx, "auth.totp_failed", acc.Email, acc.ID, map[string]any{"replayed": match})
	})
	if err != nil {
		return err
	}
	return outcome
}

// BeginTOTPEnrolment makes a new secret for the account, which only the
// person may enrol (the web layer keeps the secret until confirmation).
// During a forced enrolment at login, put the pending account's actor
// (LoadActor) in the context.
func (s *Service) BeginTOTPEnrolment(ctx context.Context, accountID string) (TOTPEnrolment, error) {
	var acc accountRow
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if acc, err = loadAccount(ctx, tx, "id", accountID); err != nil {
			return err
		}
		if !acc.Active {
			return errAccountNotFound()
		}
		return selfOnly(ctx, acc.Account)
	})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: acc.Email,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, err
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// validSecret reports whether secret is base32 of at least 128 bits.
func validSecret(secret string) bool {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	return err == nil && len(b) >= 16
}

// ConfirmTOTPEnrolment stores the secret and enables TOTP if code is the
// current code of secret. It may replace an earlier secret (new phone).
func (s *Service) ConfirmTOTPEnrolment(ctx context.Context, accountID, secret, code string) error {
	code, ok := normalizeCode(code)
	if !ok {
		return errCodeFormat()
	}
	if !validSecret(secret) {
		return invalidField("code", "La clé de double authentification est invalide : recommencez l'activation.")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if err != nil {
			return err
		}
		if !acc.Active {
			return errAccountNotFound()
		}
		if err := selfOnly(ctx, acc.Account); err != nil {
			return err
		}
		step, match := totpStep(secret, code, tx.Now)
		if !match {
			return invalidField("code", "Code incorrect. Vérifiez que l'heure de votre téléphone est juste, puis saisissez le code affiché.")
		}
		// The code used to confirm may not serve again to log in.
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_secret = $1, totp_enabled = TRUE,
			totp_last_step = $2, updated_at = $3, credentials_changed_at = $3 WHERE id = $4`,
			secret, max(step, acc.totpLastStep), tx.Now, acc.ID); err != nil {
			return err
		}
		return record(ctx, tx, "auth.totp_enabled", acc.ID, map[string]any{"replaced": acc.TOTPEnabled})
	})
}

// DisableTOTP turns the second factor off, on the person's own account,
// with their current password. Refused when a role requires it.
func (s *Service) DisableTOTP(ctx context.Context, accountID, password string) error {
	if password == "" {
		return invalidField("password", "Indiquez votre mot de passe actuel.")
	}
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
	if acc.requiresTwoFactor() {
		return apperr.New(apperr.Forbidden, "La double authentification est obligatoire pour votre rôle : elle ne peut pas être désactivée.")
	}
	if !acc.TOTPEnabled {
		return nil
	}
	if err := s.verifyPassword(ctx, acc, password, "password"); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_enabled = FALSE, totp_secret = '', updated_at = $1, credentials_changed_at = $1
			WHERE id = $2`, tx.Now, acc.ID); err != nil {
			return err
		}
		return record(ctx, tx, "auth.totp_disabled", acc.ID, nil)
	})
}

// ResetTOTP removes another person's second factor when they lost their
// device (administrators, or the system from the command line). If a role
// requires TOTP, they must enrol again at their next login.
func (s *Service) ResetTOTP(ctx context.Context, accountID string) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", accountID)
		if err != nil {
			return err
		}
		if err := visible(ctx, acc.Account); err != nil {
			return err
		}
		if !actor.System && (!actor.IsAdmin() || actor.AccountID == acc.ID) {
			return errForbidden()
		}
		if !acc.TOTPEnabled {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET totp_enabled = FALSE, totp_secret = '', updated_at = $1, credentials_changed_at = $1
			WHERE id = $2`, tx.Now, acc.ID); err != nil {
			return err
		}
		return record(ctx, tx, "auth.totp_disabled", acc.ID, map[string]any{"reset_by": actorKind(actor)})
	})
}

func actorKind(a access.Actor) string {
	if a.System {
		return "system"
	}
	return "admin"
}
