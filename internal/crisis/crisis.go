// Package crisis is crisis mode on a territory: a crisis activated by the
// steering, its cell (members, notes, decisions), the structures' status
// reports, continuity plans, broadcasts with acknowledgement, and the
// mobile teams' on-call rota.
package crisis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"passerelle/internal/db"
)

// Service holds crises, continuity plans, broadcasts and on-call rotas.
type Service struct {
	DB      *db.DB
	BaseURL *url.URL // links in e-mails
}

// Kind is what the crisis is about.
type Kind string

const (
	KindEpidemic Kind = "epidemic"
	KindHeatwave Kind = "heatwave"
	KindFlood    Kind = "flood"
	KindCyber    Kind = "cyber"
	KindOther    Kind = "other"
)

// Crisis is a crisis of a département.
type Crisis struct {
	ID          string
	Departement string
	Kind        Kind
	Description string
	StartedAt   time.Time
	EndedAt     time.Time // zero while active

	ActivatedName, EndedName string
	ClosingNote              string
	// ReportEvery is how often, in hours, structures report their state.
	ReportEvery int
	// MemberIDs are the accounts of the cell (for the policy).
	MemberIDs []string
}

// Active reports whether the crisis is still going on.
func (c Crisis) Active() bool { return c.EndedAt.IsZero() }

// Current returns the active crisis of a département, if any. It is not
// secret: every account of the territory sees the banner.
func (s *Service) Current(ctx context.Context, departement string) (Crisis, bool, error) {
	var c Crisis
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		c, err = scanCrisis(tx.QueryRowContext(ctx, `SELECT `+crisisCols+` FROM crises c WHERE c.departement = $1 AND c.ended_at IS NULL`, departement))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Crisis{}, false, nil
	}
	if err != nil {
		return Crisis{}, false, fmt.Errorf("crisis: current: %w", err)
	}
	return c, true, nil
}
