// Package surveys holds flash surveys sent to structures: the builder,
// templates, campaigns with their deadline, one answer per structure, the
// reminders before the deadline and the results.
package surveys

import (
	"net/url"

	"passerelle/internal/db"
)

// Service holds the surveys' use cases; ctx carries the actor.
type Service struct {
	DB      *db.DB
	BaseURL *url.URL
}
