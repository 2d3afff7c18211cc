package indicators

import (
	"context"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// KindRefresh is the job that recomputes the pre-aggregated figures.
const KindRefresh = "indicators.refresh"

// Formats of an export.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// RecordExport audits an export of a dashboard (format "csv", "xlsx", "pdf"),
// after checking that the actor may export it.
func (s *Service) RecordExport(ctx context.Context, d Dashboard, format string) error {
	_, _, res, err := d.Scope.check()
	if err != nil {
		return err
	}
	if err := access.Check(ctx, access.ActionExport, res); err != nil {
		return err
	}
	switch format {
	case FormatCSV, FormatXLSX, FormatPDF:
	default:
		return invalid("format", "Format d'export inconnu : « csv », « xlsx » ou « pdf ».")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "indicators.export", ResourceType: string(access.ResDashboard),
			ResourceID: string(d.Scope.Level) + ":" + d.Scope.Code, Details: map[string]any{
				"format": format, "from": d.Period.From, "to": d.Period.To, "territory": d.Label}})
	})
}
