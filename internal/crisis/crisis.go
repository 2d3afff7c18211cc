// Package crisis is crisis mode on a territory: a crisis activated by the
// steering, its cell (members, notes, decisions), the structures' status
// reports, continuity plans, broadcasts with acknowledgement, and the
// mobile teams' on-call rota.
package crisis

import (
	"net/url"

	"passerelle/internal/db"
)

// Service holds crises, continuity plans, broadcasts and on-call rotas.
type Service struct {
	DB      *db.DB
	BaseURL *url.URL // links in e-mails
}
