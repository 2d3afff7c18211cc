package web

import (
	"context"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/capacity"
	"passerelle/internal/directory"
)

// capFreshness counts the figures of a structure the actor keeps (all of
// them for its direction, their own relay stays for a foster carer) and
// those gone stale, for the home page's prompt.
func (s *Server) capFreshness(ctx context.Context, st directory.Structure) (figures, stale int, err error) {
	actor := access.ActorFrom(ctx)
	director := access.Can(actor, access.ActionUpdate, capacity.Availability{StructureID: st.ID}.Resource(st.Departement))
	list, err := s.Capacity.Declarations(ctx, st.ID)
	if err != nil {
		return 0, 0, err
	}
	// The thresholds are the territory's; reading them is no disclosure.
	settings, err := s.Capacity.Settings(access.WithActor(ctx, access.SystemActor), st.Departement)
	if err != nil {
		return 0, 0, err
	}
	now := time.Now()
	for _, a := range list {
		if !director && a.CarerID != actor.AccountID {
			continue
		}
		figures++
		if settings.Stale(a.Kind, a.ConfirmedAt, now) {
			stale++
		}
	}
	return figures, stale, nil
}
