package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/directory/hsds"
)

// The HSDS API serves offers as services: these find them by their own id
// and page over them, with the same public view as HSDSPage.

func errServiceNotFound() error {
	return apperr.New(apperr.NotFound, "Service introuvable dans l'annuaire.")
}

// servicesFrom selects the published services: the active offers of the
// active entries.
const servicesFrom = ` FROM offers f JOIN organisations o ON o.id = f.structure_id JOIN structures s ON s.id = o.id`

// HSDSService returns, as HSDS input, the entry holding the active offer
// offerID and the offer's index in its Offers; NotFound when the offer or
// its entry is not published.
func (s *Service) HSDSService(ctx context.Context, offerID string) (hsds.Structure, int, error) {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return hsds.Structure{}, 0, err
	}
	if !db.ValidID(offerID) {
		return hsds.Structure{}, 0, errServiceNotFound()
	}
	var out []hsds.Structure
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := activeEntries + " AND f.active = TRUE AND f.id = " + args.Add(offerID)
		var structureID string
		err := tx.QueryRowContext(ctx, `SELECT f.structure_id`+servicesFrom+` WHERE `+where, args.Values()...).Scan(&structureID)
		if errors.Is(err, sql.ErrNoRows) {
			return errServiceNotFound()
		}
		if err != nil {
			return fmt.Errorf("find service: %w", err)
		}
		out, err = hsdsStructures(ctx, tx, []string{structureID})
		return err
	})
	if err != nil {
		return hsds.Structure{}, 0, err
	}
	i := slices.IndexFunc(out[0].Offers, func(o hsds.Offer) bool { return o.ID == offerID })
	if i < 0 {
		return hsds.Structure{}, 0, errServiceNotFound()
	}
	return out[0], i, nil
}

// HSDSServicePage returns one page of the published services, by entry name
// then in the entries' own order of offers, as HSDS input: each entry holds
// only its offers of the page. total counts the services of every page.
func (s *Service) HSDSServicePage(ctx context.Context, limit, offset int) ([]hsds.Structure, int, error) {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return nil, 0, err
	}
	var out []hsds.Structure
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := activeEntries + " AND f.active = TRUE"
		if err := tx.QueryRowContext(ctx, `SELECT count(*)`+servicesFrom+` WHERE `+where, args.Values()...).Scan(&total); err != nil {
			return fmt.Errorf("count services: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.id, f.structure_id`+servicesFrom+` WHERE `+where+
			` ORDER BY s.sort_name, s.id, `+listOrder("f.modality", Modalities)+`, f.age_min, f.label, f.id LIMIT `+
			args.Add(limit)+` OFFSET `+args.Add(offset), args.Values()...)
		if err != nil {
			return fmt.Errorf("page services: %w", err)
		}
		onPage := map[string]bool{}
		var ids []string
		for rows.Next() {
			var offerID, structureID string
			if err := rows.Scan(&offerID, &structureID); err != nil {
				rows.Close()
				return err
			}
			onPage[offerID] = true
			if len(ids) == 0 || ids[len(ids)-1] != structureID {
				ids = append(ids, structureID)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if out, err = hsdsStructures(ctx, tx, ids); err != nil {
			return err
		}
		for i := range out {
			out[i].Offers = slices.DeleteFunc(out[i].Offers, func(o hsds.Offer) bool { return !onPage[o.ID] })
		}
		return nil
	})
	return out, total, err
}

// HSDSOperator returns, as HSDS input, a published entry managed by the
// operator operatorID, from which hsds.OperatorOf builds the operator's
// organisation (the parent the structures' organisations point to);
// NotFound when the operator manages no published entry.
func (s *Service) HSDSOperator(ctx context.Context, operatorID string) (hsds.Structure, error) {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return hsds.Structure{}, err
	}
	if !db.ValidID(operatorID) {
		return hsds.Structure{}, apperr.New(apperr.NotFound, "Organisation introuvable dans l'annuaire.")
	}
	var out []hsds.Structure
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := activeEntries + " AND o.operator_id = " + args.Add(operatorID)
		ids, err := queryIDs(ctx, tx, `SELECT s.id FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where+
			` ORDER BY s.sort_name, s.id LIMIT 1`, args.Values()...)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return apperr.New(apperr.NotFound, "Organisation introuvable dans l'annuaire.")
		}
		out, err = hsdsStructures(ctx, tx, ids)
		return err
	})
	if err != nil {
		return hsds.Structure{}, err
	}
	return out[0], nil
}
