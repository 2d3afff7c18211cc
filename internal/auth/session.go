package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"passerelle/internal/db"
)

// SessionStore keeps web sessions in the sessions table, so that every
// server sees every session. It implements scs.Store and scs.CtxStore with
// SQL that both dialects accept; times come from DB.Clock, in UTC.
type SessionStore struct {
	DB *db.DB
}

var _ scs.CtxStore = SessionStore{}

// Find returns the data of an unexpired session.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit adds or replaces a session.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete removes a session; an absent one is not an error.
func (s SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// FindCtx is Find with a context.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
			token, tx.Now).Scan(&b)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx is Commit with a context.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{} // data is NOT NULL
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			token, b, expiry.UTC().Truncate(time.Microsecond))
		return err
	})
}

// DeleteCtx is Delete with a context.
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
		return err
	})
}

// DeleteExpired removes expired sessions (a periodic job) and returns how
// many it removed.
func (s SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		n, err = affected(tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, tx.Now))
		return err
	})
	return n, err
}
