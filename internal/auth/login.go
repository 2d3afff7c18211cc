package auth

import (
	"context"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Throttling: failures are rows of login_failures, so every server sees
// them. Past the limit within the window, attempts are refused unchecked.
const (
	FailureWindow       = 15 * time.Minute
	MaxFailuresPerEmail = 5  // the 6th attempt within the window is refused
	MaxFailuresPerIP    = 30 // the 31st attempt from one address is refused
)

// maxCheckedPassword bounds what is hashed for a login: longer input cannot
// be a valid password and would only cost CPU.
const maxCheckedPassword = 4 * MaxPasswordLen

// LoginResult says what the web layer must do after a correct password.
type LoginResult struct {
	AccountID string
	// TOTPRequired: TOTP is enabled; ask for a code (CheckTOTP).
	TOTPRequired bool
	// TOTPEnrolmentRequired: a role needs TOTP and it is not set up; the
	// person must enrol (Begin/ConfirmTOTPEnrolment) before going further.
	TOTPEnrolmentRequired bool
}

func errBadCredentials() error {
	return apperr.New(apperr.Unauthorized, "Adresse e-mail ou mot de passe incorrect.")
}

func errThrottled(until time.Time) error {
	return &apperr.Error{Code: apperr.TooMany, RetryAt: until,
		Message: "Trop de tentatives de connexion. Réessayez à " + clockTime(until) + "."}
}

// throttledUntil returns when attempts for this e-mail or from this address
// may resume, or the zero time if they may go on now. With n counted
// failures and a limit l, attempts resume when the (n-l+1)th oldest leaves
// the window, i.e. when fewer than l remain.
func throttledUntil(ctx context.Context, tx *db.Tx, email, ip string) (time.Time, error) {
	since := tx.Now.Add(-FailureWindow)
	var until time.Time
	check := func(query, value string, limit int) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE `+query+` = $1 AND at > $2`,
			value, since).Scan(&n); err != nil {
			return err
		}
		if n < limit {
			return nil
		}
		var at time.Time
		if err := tx.QueryRowContext(ctx, `SELECT at FROM login_failures WHERE `+query+` = $1 AND at > $2
			ORDER BY at LIMIT 1 OFFSET $3`, value, since, n-limit).Scan(&at); err != nil {
			return err
		}
		if t := at.UTC().Add(FailureWindow); t.After(until) {
			until = t
		}
		return nil
	}
	if err := check("email", email, MaxFailuresPerEmail); err != nil {
		return until, err
	}
	if ip != "" {
		if err := check("ip", ip, MaxFailuresPerIP); err != nil {
			return until, err
		}
	}
	return until, nil
}

// addFailure counts a failed attempt for throttling.
func addFailure(ctx context.Context, tx *db.Tx, email, ip string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (id, email, ip, at) VALUES ($1, $2, $3, $4)`,
		db.NewID(), email, ip, tx.Now)
	return err
}

// recordAttempt audits an attempt made before anyone is logged in: the
// label is the typed e-mail, the resource the account when there is one.
func recordAttempt(ctx context.Context, tx *db.Tx, action, email, accountID string, details map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ResourceType: resourceAccount, ResourceID: accountID,
		ActorLabel: truncate(email, MaxEmailLen), Details: details})
}

// loginAccount is what Login needs to know of the account with the e-mail.
type loginAccount struct {
	found                   bool
	id, email, passwordHash string
	active, totpEnabled     bool
	needsTOTP               bool
}

func findLoginAccount(ctx context.Context, tx *db.Tx, email string) (loginAccount, error) {
	acc, err := loadAccount(ctx, tx, "email", email)
	if apperr.Is(err, apperr.NotFound) {
		return loginAccount{}, nil
	}
	if err != nil {
		return loginAccount{}, err
	}
	return loginAccount{found: true, id: acc.ID, email: acc.Email, passwordHash: acc.passwordHash,
		active: acc.Active, totpEnabled: acc.TOTPEnabled, needsTOTP: acc.requiresTwoFactor()}, nil
}

// Login checks an e-mail and password. Unknown e-mail, wrong password and
// deactivated account give the same error; past the throttling limits the
// password is not even checked. On success without a second factor to
// come, it records the login; with TOTP enabled, CheckTOTP does.
func (s *Service) Login(ctx context.Context, email, password string) (LoginResult, error) {
	var v apperr.Validation
	v.Check(email != "", "email", "Indiquez votre adresse e-mail.")
	v.Check(password != "", "password", "Indiquez votre mot de passe.")
	if err := v.Err(); err != nil {
		return LoginResult{}, err
	}
	key := loginKey(email)
	ip := ipFrom(ctx)
	var acc loginAccount
	var until time.Time
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if until, err = throttledUntil(ctx, tx, key, ip); err != nil {
			return err
		}
		acc, err = findLoginAccount(ctx, tx, key)
		return err
	})
	if err != nil {
		return LoginResult{}, err
	}
	if !until.IsZero() {
		return LoginResult{}, s.refuseThrottled(ctx, key, acc.id, until)
	}
	// The hash is checked outside any transaction (it takes ~100 ms), and
	// against a dummy hash when there is none, so timing reveals nothing.
	hash := acc.passwordHash
	if hash == "" {
		hash = dummyHash()
	}
	match := len(password) <= maxCheckedPassword && CheckPassword(hash, password)
	ok := match && acc.found && acc.passwordHash != "" && acc.active
	res := LoginResult{AccountID: acc.id, TOTPRequired: acc.totpEnabled, TOTPEnrolmentRequired: !acc.totpEnabled && acc.needsTOTP}
	var outcome error
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		// Checked again here: attempts made in parallel all passed the first check.
		until, err := throttledUntil(ctx, tx, key, ip)
		if err != nil {
			return err
		}
		if !until.IsZero() {
			outcome = errThrottled(until)
			return recordAttempt(ctx, tx, "auth.login_throttled", key, acc.id, map[string]any{"retry_at": until})
		}
		if !ok {
			outcome = errBadCredentials()
			reason := "bad_password"
			switch {
			case !acc.found:
				reason = "unknown_email"
			case acc.passwordHash == "":
				reason = "no_password"
			case !acc.active && match:
				reason = "inactive"
			}
			if err := addFailure(ctx, tx, key, ip); err != nil {
				return err
			}
			return recordAttempt(ctx, tx, "auth.login_failed", key, acc.id, map[string]any{"reason": reason})
		}
		if res.TOTPRequired {
			return nil // the login is complete, and recorded, after the code
		}
		return completeLogin(ctx, tx, acc.id, acc.email, map[string]any{"method": "password",
			"totp_enrolment_required": res.TOTPEnrolmentRequired})
	})
	if err != nil {
		return LoginResult{}, err
	}
	if outcome != nil {
		return LoginResult{}, outcome
	}
	return res, nil
}

// completeLogin sets last_login_at and records the login.
func completeLogin(ctx context.Context, tx *db.Tx, id, email string, details map[string]any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET last_login_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
		return err
	}
	return record(asAccount(ctx, id, email), tx, "auth.login", id, details)
}

// refuseThrottled records a refused attempt and returns the TooMany error.
func (s *Service) refuseThrottled(ctx context.Context, email, accountID string, until time.Time) error {
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		return recordAttempt(ctx, tx, "auth.login_throttled", email, accountID, map[string]any{"retry_at": until})
	})
	if err != nil {
		return err
	}
	return errThrottled(until)
}

// RecordLogout records that the actor logged out (the web layer destroys
// the session). Without an actor it does nothing.
func (s *Service) RecordLogout(ctx context.Context) error {
	actor := access.ActorFrom(ctx)
	if !actor.Authenticated() {
		return nil
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		return record(ctx, tx, "auth.logout", actor.AccountID, nil)
	})
}

// PurgeLoginFailures deletes failures older than before (a periodic job;
// only the system or an administrator may run it).
func (s *Service) PurgeLoginFailures(ctx context.Context, before time.Time) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if !actor.System && !actor.IsAdmin() {
		return errForbidden()
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, before.UTC())
		return err
	})
}
