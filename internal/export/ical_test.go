package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"passerelle/internal/export"
)

// The feed follows RFC 5545: CRLF line ends, lines of at most 75 octets
// folded with a space, commas, semicolons and new lines escaped, UTC times.
func TestWriteICal(t *testing.T) {
	start := time.Date(2027, 3, 28, 16, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	var buf bytes.Buffer
	err := export.WriteICal(&buf, "Planning de L. F.", start, []export.Event{{
		UID: "slot-1-2027-03-28@passerelle", Summary: "L. F. — Lieu de vie, MECS Beauregard; accueil, suite",
		Location: "MECS Beauregard (fictif)", Start: start, End: start.Add(15*time.Hour + 30*time.Minute),
		Description: strings.Repeat("Une description longue qui dépasse la ligne. ", 4) + "\nDeuxième ligne",
	}})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(out, "END:VCALENDAR\r\n") {
		t.Fatalf("frame: %q", out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("bare LF in %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{"DTSTART:20270328T143000Z", "DTEND:20270329T060000Z", `SUMMARY:L. F. — Lieu de vie\, MECS Beauregard\; accueil\, suite`,
		`\nDeuxième ligne`, "UID:slot-1-2027-03-28@passerelle", "METHOD:PUBLISH"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q:\n%s", want, unfolded)
		}
	}
}
