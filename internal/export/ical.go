package export

import (
	"io"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ContentTypeICal is the type of an iCalendar feed.
const ContentTypeICal = "text/calendar; charset=utf-8"

// Event is one event of an iCalendar feed.
type Event struct {
	UID         string
	Summary     string
	Location    string
	Start, End  time.Time
	Description string
}

// WriteICal writes events as an iCalendar (RFC 5545) calendar named name:
// times in UTC, lines folded at 75 octets and ended by CRLF, text escaped
// by the library (golang-ical).
func WriteICal(w io.Writer, name string, stamp time.Time, events []Event) error {
	cal := ics.NewCalendarFor("Passerelle")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	for _, e := range events {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(stamp.UTC())
		ev.SetStartAt(e.Start.UTC())
		ev.SetEndAt(e.End.UTC())
		ev.SetSummary(e.Summary)
		if e.Location != "" {
			ev.SetLocation(e.Location)
		}
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
	}
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}
