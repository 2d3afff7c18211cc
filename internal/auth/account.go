package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Account is a person who may log in, with their roles in organisations.
type Account struct {
	ID, Email, Name string
	Active          bool
	TOTPEnabled     bool
	HasPassword     bool // false until an invitation is accepted
	MailDigest      bool // one e-mail a day rather than one per notification
	CreatedAt       time.Time
	LastLoginAt     time.Time // zero if never
	Memberships     []access.Membership
}

// MembershipInput is one role in one organisation, as typed in a form.
type MembershipInput struct {
	OrganisationID string
	Role           access.Role
}

// NewAccount is the input of CreateAccount. With Invite (or no Password),
// the person receives a link to choose their password.
type NewAccount struct {
	Email, Name, Password string
	Memberships           []MembershipInput
	Invite                bool
}

// AccountFilter selects accounts in ListAccounts; zero fields select all
// the actor may see. Limit defaults to 50 and is at most 500.
type AccountFilter struct {
	Q               string // part of the name or e-mail
	OrganisationID  string
	Role            access.Role
	IncludeInactive bool
	Limit, Offset   int
}

// accountRow is an account with the secrets that never leave the package.
type accountRow struct {
	Account
	passwordHash string
	totpSecret   string
	totpLastStep int64
}

// resource describes the account to the access policy.
func (a Account) resource() access.Resource {
	r := access.Resource{Type: access.ResAccount, ID: a.ID}
	for _, m := range a.Memberships {
		if !slices.Contains(r.OrganisationIDs, m.OrganisationID) {
			r.OrganisationIDs = append(r.OrganisationIDs, m.OrganisationID)
		}
	}
	return r
}

// requiresTwoFactor reports whether one of the account's roles needs TOTP.
func (a Account) requiresTwoFactor() bool {
	for _, m := range a.Memberships {
		if m.Role.RequiresTwoFactor() {
			return true
		}
	}
	return false
}

const accountColumns = `a.id, a.email, a.display_name, a.active, a.totp_enabled, a.password_hash,
	a.totp_secret, a.totp_last_step, a.created_at, a.last_login_at, a.mail_digest`

func scanAccount(sc interface{ Scan(...any) error }) (accountRow, error) {
	var r accountRow
	var last sql.NullTime
	err := sc.Scan(&r.ID, &r.Email, &r.Name, &r.Active, &r.TOTPEnabled, &r.passwordHash,
		&r.totpSecret, &r.totpLastStep, &r.CreatedAt, &last, &r.MailDigest)
	r.CreatedAt = r.CreatedAt.UTC()
	r.LastLoginAt = nullTime(last)
	r.HasPassword = r.passwordHash != ""
	return r, err
}

// loadAccount reads one account (active or not) with its memberships;
// NotFound when absent.
func loadAccount(ctx context.Context, tx *db.Tx, column, value string) (accountRow, error) {
	if column == "id" && !db.ValidID(value) {
		return accountRow{}, errAccountNotFound()
	}
	r, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE a.`+column+` = $1`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errAccountNotFound()
	}
	if err != nil {
		return r, err
	}
	ms, err := loadMemberships(ctx, tx, []string{r.ID}, false)
	r.Memberships = ms[r.ID]
	return r, err
}

// loadMemberships returns the memberships of the accounts, by account id,
// ordered by organisation name; activeOnly skips deactivated organisations.
func loadMemberships(ctx context.Context, tx *db.Tx, accountIDs []string, activeOnly bool) (map[string][]access.Membership, error) {
	out := map[string][]access.Membership{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	var args db.Args
	q := `SELECT m.account_id, m.organisation_id, o.name, o.kind, o.departement, m.role
		FROM memberships m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.account_id IN (` + db.List(&args, accountIDs) + `)`
	if activeOnly {
		q += ` AND o.active = TRUE`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY o.name, o.id, m.role`, args.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var m access.Membership
		if err := rows.Scan(&id, &m.OrganisationID, &m.OrganisationName, &m.OrganisationKind, &m.Departement, &m.Role); err != nil {
			return nil, err
		}
		out[id] = append(out[id], m)
	}
	return out, rows.Err()
}

// visible returns NotFound unless the actor may view the account, so that
// an account one may not see is indistinguishable from an absent one.
func visible(ctx context.Context, a Account) error {
	err := check(ctx, access.ActionView, a.resource())
	if apperr.Is(err, apperr.Forbidden) {
		return errAccountNotFound()
	}
	return err
}

// selfOnly lets only the account itself through: what it checks (current
// password, second factor) belongs to the person alone.
func selfOnly(ctx context.Context, a Account) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if actor.AccountID == a.ID {
		return nil
	}
	if err := visible(ctx, a); err != nil {
		return err
	}
	return apperr.New(apperr.Forbidden, "Seule la personne titulaire du compte peut faire cette modification.")
}

// selfOrAdmin lets the account itself, administrators and the system through.
func selfOrAdmin(ctx context.Context, a Account) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if actor.AccountID == a.ID || actor.IsAdmin() || actor.System {
		return nil
	}
	if err := visible(ctx, a); err != nil {
		return err
	}
	return errForbidden()
}

// CreateAccount creates an account with its memberships. Without a password
// (or with Invite) it e-mails an invitation link valid 7 days.
func (s *Service) CreateAccount(ctx context.Context, in NewAccount) (Account, error) {
	actor, err := requireActor(ctx)
	if err != nil {
		return Account{}, err
	}
	email, ms, err := validateNewAccount(&in)
	if err != nil {
		return Account{}, err
	}
	for _, m := range ms {
		if err := check(ctx, access.ActionCreate, access.Resource{Type: access.ResAccount,
			OrganisationIDs: []string{m.OrganisationID}, Role: m.Role}); err != nil {
			return Account{}, err
		}
	}
	invite := in.Invite || in.Password == ""
	var hash string
	if !invite {
		if hash, err = HashPassword(in.Password); err != nil {
			return Account{}, err
		}
	}
	var out accountRow
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := checkOrganisations(ctx, tx, ms); err != nil {
			return err
		}
		id := db.NewID()
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, email, display_name, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, email, in.Name, hash, tx.Now, tx.Now)
		if db.IsUniqueViolation(err) {
			return invalidField("email", "Un compte existe déjà avec cette adresse.")
		}
		if err != nil {
			return err
		}
		var grants []map[string]string
		for _, m := range ms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (account_id, organisation_id, role, created_at)
				VALUES ($1, $2, $3, $4)`, id, m.OrganisationID, m.Role, tx.Now); err != nil {
				return err
			}
			grants = append(grants, map[string]string{"organisation_id": m.OrganisationID, "role": string(m.Role)})
		}
		if invite {
			if err := s.sendInvitation(ctx, tx, actor, id, email, in.Name); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "account.create", ResourceType: resourceAccount,
			ResourceID: id, OrganisationID: ms[0].OrganisationID,
			Details: map[string]any{"email": email, "memberships": grants, "invited": invite}}); err != nil {
			return err
		}
		out, err = loadAccount(ctx, tx, "id", id)
		return err
	})
	return out.Account, err
}

// validateNewAccount normalises in and returns the e-mail and the memberships
// without duplicates, or Invalid with a message per field.
func validateNewAccount(in *NewAccount) (string, []MembershipInput, error) {
	var v apperr.Validation
	email, problem := NormalizeEmail(in.Email)
	v.Check(problem == "", "email", problem)
	in.Name = strings.TrimSpace(in.Name)
	if p := NameProblem(in.Name); p != "" {
		v.Add("name", p)
	}
	var ms []MembershipInput
	for _, m := range in.Memberships {
		m.OrganisationID = strings.TrimSpace(m.OrganisationID)
		switch {
		case m.OrganisationID == "":
			v.Add("memberships", "Choisissez la structure de chaque rattachement.")
		case !m.Role.Valid():
			v.Add("memberships", "Choisissez un rôle valable pour chaque rattachement.")
		case !slices.Contains(ms, m):
			ms = append(ms, m)
		}
	}
	if len(in.Memberships) == 0 {
		v.Add("memberships", "Indiquez au moins un rattachement (structure et rôle).")
	}
	if !in.Invite && in.Password != "" {
		if p := PasswordProblem(in.Password, email); p != "" {
			v.Add("password", p)
		}
	}
	return email, ms, v.Err()
}

// checkOrganisations refuses memberships in absent or deactivated organisations.
func checkOrganisations(ctx context.Context, tx *db.Tx, ms []MembershipInput) error {
	var ids []string
	for _, m := range ms {
		if !slices.Contains(ids, m.OrganisationID) {
			ids = append(ids, m.OrganisationID)
		}
	}
	var args db.Args
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE active = TRUE AND id IN (`+
		db.List(&args, ids)+`)`, args.Values()...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return invalidField("memberships", "Structure inconnue ou désactivée : choisissez-en une dans la liste.")
	}
	return nil
}

// GetAccount returns the account if the actor may see it.
func (s *Service) GetAccount(ctx context.Context, id string) (Account, error) {
	if _, err := requireActor(ctx); err != nil {
		return Account{}, err
	}
	var out accountRow
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if out, err = loadAccount(ctx, tx, "id", id); err != nil {
			return err
		}
		return visible(ctx, out.Account)
	})
	if err != nil {
		return Account{}, err
	}
	return out.Account, nil
}

// ListAccounts returns one page of the accounts the actor may see, ordered
// by name, and how many match in all.
func (s *Service) ListAccounts(ctx context.Context, f AccountFilter) ([]Account, int, error) {
	if err := check(ctx, access.ActionList, access.Resource{Type: access.ResAccount}); err != nil {
		return nil, 0, err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, 0, invalidField("role", "Rôle inconnu.")
	}
	var args db.Args
	where := []string{access.AccountScope(access.ActorFrom(ctx), "a.id", &args)}
	if !f.IncludeInactive {
		where = append(where, "a.active = TRUE")
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		p := args.Add(db.Like(q))
		where = append(where, `(a.email LIKE `+p+` ESCAPE '\' OR lower(a.display_name) LIKE `+p+` ESCAPE '\')`)
	}
	if f.OrganisationID != "" || f.Role != "" {
		cond := "m.account_id = a.id"
		if f.OrganisationID != "" {
			cond += " AND m.organisation_id = " + args.Add(f.OrganisationID)
		}
		if f.Role != "" {
			cond += " AND m.role = " + args.Add(string(f.Role))
		}
		where = append(where, "EXISTS (SELECT 1 FROM memberships m WHERE "+cond+")")
	}
	cond := strings.Join(where, " AND ")
	countArgs := slices.Clone(args.Values())
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := `SELECT ` + accountColumns + ` FROM accounts a WHERE ` + cond +
		` ORDER BY lower(a.display_name), a.email LIMIT ` + args.Add(limit) + ` OFFSET ` + args.Add(max(f.Offset, 0))
	accounts := []Account{}
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts a WHERE `+cond, countArgs...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			r, err := scanAccount(rows)
			if err != nil {
				return err
			}
			accounts = append(accounts, r.Account)
			ids = append(ids, r.ID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ms, err := loadMemberships(ctx, tx, ids, false)
		for i := range accounts {
			accounts[i].Memberships = ms[accounts[i].ID]
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return accounts, total, nil
}

// SetAccountActive deactivates or reactivates an account. A deactivated
// account cannot log in, its sessions and API tokens stop working; nothing
// is deleted, so reactivation restores them (except sessions).
func (s *Service) SetAccountActive(ctx context.Context, id string, active bool) error {
	actor, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := visible(ctx, acc.Account); err != nil {
			return err
		}
		if !active && actor.AccountID == acc.ID {
			return apperr.New(apperr.Forbidden, "Vous ne pouvez pas désactiver votre propre compte.")
		}
		if err := check(ctx, access.ActionDeactivate, acc.resource()); err != nil {
			return err
		}
		if acc.Active == active {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET active = $1, updated_at = $2 WHERE id = $3`,
			active, tx.Now, acc.ID); err != nil {
			return err
		}
		action := "account.deactivate"
		if active {
			action = "account.reactivate"
		}
		return record(ctx, tx, action, acc.ID, nil)
	})
}

// UpdateName changes the display name of an account.
func (s *Service) UpdateName(ctx context.Context, id, name string) error {
	if _, err := requireActor(ctx); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if p := NameProblem(name); p != "" {
		return invalidField("name", p)
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := visible(ctx, acc.Account); err != nil {
			return err
		}
		if err := check(ctx, access.ActionUpdate, acc.resource()); err != nil {
			return err
		}
		if acc.Name == name {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = $1, updated_at = $2 WHERE id = $3`,
			name, tx.Now, acc.ID); err != nil {
			return err
		}
		return record(ctx, tx, "account.update", acc.ID, map[string]any{"fields": []string{"name"}})
	})
}

// SetMailDigest chooses one e-mail a day (digest) or one per
// notification for an account (its own choice).
func (s *Service) SetMailDigest(ctx context.Context, id string, digest bool) error {
	if _, err := requireActor(ctx); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "id", id)
		if err != nil {
			return err
		}
		if err := visible(ctx, acc.Account); err != nil {
			return err
		}
		if err := check(ctx, access.ActionUpdate, acc.resource()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET mail_digest = $1, updated_at = $2 WHERE id = $3`, digest, tx.Now, acc.ID); err != nil {
			return err
		}
		return record(ctx, tx, "account.update", acc.ID, map[string]any{"fields": []string{"mail_digest"}, "mail_digest": digest})
	})
}

// LoadActor returns the actor of an active account, with its memberships in
// active organisations. It asks no actor: it is how the web layer makes one
// from a session or a token. NotFound if absent or deactivated.
func (s *Service) LoadActor(ctx context.Context, accountID string) (access.Actor, error) {
	if !db.ValidID(accountID) {
		return access.Actor{}, errAccountNotFound()
	}
	return s.queryActor(ctx, actorSelect+` FROM accounts a`+actorJoins+` WHERE a.id = $1 AND a.active = TRUE`+actorOrder,
		[]any{accountID})
}

// An actor is read in one statement outside a transaction, the account
// with its memberships in active organisations, one row each: this runs
// on every request.
const (
	actorSelect = `SELECT a.id, a.email, a.display_name, a.credentials_changed_at,
		o.id, o.name, o.kind, o.departement, m.role`
	actorJoins = `
		LEFT JOIN memberships m ON m.account_id = a.id
		LEFT JOIN organisations o ON o.id = m.organisation_id AND o.active = TRUE`
	actorOrder = ` ORDER BY o.name, o.id, m.role`
)

// queryActor runs an actor query; extra columns after actorSelect's, the
// same on every row, are scanned into extra. NotFound when no row.
func (s *Service) queryActor(ctx context.Context, query string, args []any, extra ...any) (access.Actor, error) {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return access.Actor{}, err
	}
	defer rows.Close()
	var a access.Actor
	for rows.Next() {
		var changed sql.NullTime
		var orgID, name, kind, dep, role sql.NullString
		dest := append([]any{&a.AccountID, &a.Email, &a.Name, &changed, &orgID, &name, &kind, &dep, &role}, extra...)
		if err := rows.Scan(dest...); err != nil {
			return access.Actor{}, err
		}
		a.SessionsValidFrom = changed.Time
		if orgID.Valid { // a membership of an active organisation
			a.Memberships = append(a.Memberships, access.Membership{OrganisationID: orgID.String, OrganisationName: name.String,
				OrganisationKind: access.OrgKind(kind.String), Departement: dep.String, Role: access.Role(role.String)})
		}
	}
	if err := rows.Err(); err != nil {
		return access.Actor{}, err
	}
	if a.AccountID == "" {
		return access.Actor{}, errAccountNotFound()
	}
	return a, nil
}

// AccountIDByEmail finds the account with this e-mail among those the actor
// may see (the CLI acts as access.SystemActor).
func (s *Service) AccountIDByEmail(ctx context.Context, email string) (string, error) {
	if _, err := requireActor(ctx); err != nil {
		return "", err
	}
	e, problem := NormalizeEmail(email)
	if problem != "" {
		return "", invalidField("email", problem)
	}
	var id string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		acc, err := loadAccount(ctx, tx, "email", e)
		if err != nil {
			return err
		}
		id = acc.ID
		return visible(ctx, acc.Account)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}
