package export_test

import (
	"bytes"
	"math"
	"testing"
	"time"

	"passerelle/internal/export"
)

// Row by row, the file is the one WriteCSV writes for the same table.
func TestCSVWriterMatchesWriteCSV(t *testing.T) {
	tb := export.Table{Title: "T", Columns: []string{"=Nom", "N", "Oui", "Jour"}, Rows: [][]any{
		{`a; "b"`, 3, true, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"-x\r\ny", int64(-1), false, nil},
	}}
	var want, got bytes.Buffer
	if err := export.WriteCSV(&want, tb); err != nil {
		t.Fatal(err)
	}
	w, err := export.NewCSVWriter(&got, tb.Columns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb.Rows {
		if err := w.Write(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() || w.Rows() != 2 {
		t.Fatalf("streamed %q (%d rows), want %q", got.String(), w.Rows(), want.String())
	}
}

func TestCSVWriterRefusesBadRows(t *testing.T) {
	var b bytes.Buffer
	if _, err := export.NewCSVWriter(&b, nil); err == nil {
		t.Fatal("no columns accepted")
	}
	w, err := export.NewCSVWriter(&b, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write("x"); err == nil {
		t.Error("short row accepted")
	}
	if err := w.Write("x", math.NaN()); err == nil {
		t.Error("NaN accepted")
	}
	if err := w.Write("x", struct{}{}); err == nil {
		t.Error("struct accepted")
	}
}
