package directory

import (
	"context"
	"fmt"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/directory/hsds"
)

// HSDSPage returns one page of the public directory as HSDS input, by name:
// active entries with their active offers and contacts. Confidential
// addresses are marked so for every reader, whatever the reader may see
// elsewhere, since the export is meant to be passed on.
func (s *Service) HSDSPage(ctx context.Context, limit, offset int) ([]hsds.Structure, int, error) {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return nil, 0, err
	}
	var out []hsds.Structure
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := activeEntries
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where,
			args.Values()...).Scan(&total); err != nil {
			return err
		}
		ids, err := queryIDs(ctx, tx, `SELECT s.id FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where+
			` ORDER BY s.sort_name, s.id LIMIT `+args.Add(limit)+` OFFSET `+args.Add(offset), args.Values()...)
		if err != nil {
			return err
		}
		out, err = hsdsStructures(ctx, tx, ids)
		return err
	})
	return out, total, err
}

// HSDSOne returns one active entry as HSDS input (NotFound otherwise).
func (s *Service) HSDSOne(ctx context.Context, id string) (hsds.Structure, error) {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return hsds.Structure{}, err
	}
	var out []hsds.Structure
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		e, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !e.Active {
			return errNotFound()
		}
		out, err = hsdsStructures(ctx, tx, []string{id})
		return err
	})
	if err != nil {
		return hsds.Structure{}, err
	}
	return out[0], nil
}

// RecordExport audits an export of the directory (format and size).
func (s *Service) RecordExport(ctx context.Context, format string, rows int, q Query) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "directory.export", ResourceType: string(access.ResStructure),
			Details: map[string]any{"format": format, "rows": rows, "query": fmt.Sprintf("%+v", q)}})
	})
}

func hsdsStructures(ctx context.Context, tx *db.Tx, ids []string) ([]hsds.Structure, error) {
	results, err := loadResults(access.WithActor(ctx, access.Actor{}), tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]hsds.Structure, 0, len(results))
	for _, r := range results {
		contacts, err := loadContacts(ctx, tx, r.Structure.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, toHSDS(r.Structure, r.Offers, contacts))
	}
	return out, nil
}

// toHSDS maps an entry, already redacted, to the HSDS input.
func toHSDS(s Structure, offers []Offer, contacts []Contact) hsds.Structure {
	h := hsds.Structure{ID: s.ID, Name: s.Name, Description: s.Description, Email: s.Email, Website: s.Website,
		FinessET: s.FinessET, FinessEJ: s.FinessEJ, OperatorID: s.OperatorID, OperatorName: s.OperatorName,
		TypeLabel: s.TypeLabel(), SectorLabel: s.SectorLabel(), AuthorityLabel: s.AuthorityLabel(),
		Confidential: s.Confidential, CommuneName: s.CommuneName(), CommuneCode: s.CommuneCode, Departement: s.Departement,
		OpeningDays: s.OpeningDays, ClosedPeriods: s.ClosedPeriods, CheckedAt: s.CheckedAt, UpdatedAt: s.UpdatedAt}
	if !s.Confidential {
		h.Street, h.PostalCode = s.Street, s.PostalCode
		h.Lat, h.Lng, h.HasCoordinates = s.Lat, s.Lng, s.CoordSource != ""
	}
	for _, c := range contacts {
		h.Contacts = append(h.Contacts, hsds.Contact{ID: c.ID, Function: c.Function, FunctionLabel: c.FunctionLabel(),
			Label: c.Label, Phone: c.Phone, Email: c.Email})
	}
	for _, o := range offers {
		h.Offers = append(h.Offers, hsds.Offer{ID: o.ID, Modality: o.Modality, ModalityLabel: o.ModalityLabel(), Label: o.Label,
			Description: o.Description, AgeMin: o.AgeMin, AgeMax: o.AgeMax, PublicLabel: o.PublicLabel(),
			Needs: o.NeedLabels(), Conditions: o.ConditionLabels(), PlacesAuthorised: o.PlacesAuthorised, PlacesInstalled: o.PlacesInstalled})
	}
	return h
}
