package cooperation_test

import (
	"slices"
	"testing"

	"passerelle/internal/cooperation"
)

func TestEndFrom(t *testing.T) {
	cases := []struct {
		start  string
		months int
		want   string
	}{
		{"2026-01-01", 12, "2026-12-31"},
		{"2026-03-01", 12, "2027-02-28"},
		{"2027-03-01", 12, "2028-02-29"},
		{"2026-01-31", 1, "2026-02-27"}, // to 28 February, the day before
		{"2026-01-15", 36, "2029-01-14"},
		{"2026-01-15", 0, ""},
		{"pas une date", 12, ""},
	}
	for _, c := range cases {
		if got := cooperation.EndFrom(c.start, c.months); got != c.want {
			t.Errorf("EndFrom(%s, %d) = %s, want %s", c.start, c.months, got, c.want)
		}
	}
}

func TestNoticeDeadline(t *testing.T) {
	if got := cooperation.NoticeDeadline("2026-12-31", 3); got != "2026-09-30" {
		t.Errorf("3 months before 31 December: %s", got)
	}
	if got := cooperation.NoticeDeadline("2026-12-31", 0); got != "2026-12-31" {
		t.Errorf("no notice period: %s", got)
	}
}

// A signed agreement is in force from its start; tacit renewal extends
// the end by the duration unless notice was given in time; expired after
// the end without renewal; terminated from the termination's day.
func TestStatusOn(t *testing.T) {
	year := cooperation.Terms{SignedOn: "2025-12-15", StartsOn: "2026-01-01", EndsOn: "2026-12-31", DurationMonths: 12}
	tacit := year
	tacit.Tacit, tacit.NoticeMonths = true, 3
	noticeInTime := tacit
	noticeInTime.NoticeGivenOn = "2026-09-01"
	noticeLate := tacit
	noticeLate.NoticeGivenOn = "2026-10-15" // after 30 September: one more year
	terminated := year
	terminated.TerminatedOn = "2026-06-30"
	openEnded := cooperation.Terms{SignedOn: "2020-01-01", StartsOn: "2020-01-01"}
	cases := []struct {
		name    string
		terms   cooperation.Terms
		today   string
		want    cooperation.Status
		wantEnd string
	}{
		{"not signed", cooperation.Terms{StartsOn: "2026-01-01", EndsOn: "2026-12-31"}, "2026-06-01", cooperation.Draft, "2026-12-31"},
		{"signed, before its start", year, "2025-12-20", cooperation.Signed, "2026-12-31"},
		{"on its first day", year, "2026-01-01", cooperation.InForce, "2026-12-31"},
		{"on its last day", year, "2026-12-31", cooperation.InForce, "2026-12-31"},
		{"the day after, not renewed", year, "2027-01-01", cooperation.Expired, "2026-12-31"},
		{"tacitly renewed", tacit, "2027-01-01", cooperation.InForce, "2027-12-31"},
		{"renewed three times", tacit, "2029-06-01", cooperation.InForce, "2029-12-31"},
		{"notice in time", noticeInTime, "2027-01-01", cooperation.Expired, "2026-12-31"},
		{"notice too late: one more period", noticeLate, "2027-01-01", cooperation.InForce, "2027-12-31"},
		{"notice too late, then the period ends", noticeLate, "2028-01-01", cooperation.Expired, "2027-12-31"},
		{"terminated: before the day", terminated, "2026-06-29", cooperation.InForce, "2026-12-31"},
		{"terminated: from the day", terminated, "2026-06-30", cooperation.Terminated, "2026-12-31"},
		{"terminated draft", cooperation.Terms{TerminatedOn: "2026-01-01"}, "2026-02-01", cooperation.Terminated, ""},
		{"no end: in force for ever", openEnded, "2040-01-01", cooperation.InForce, ""},
		{"tacit without a duration does not renew", cooperation.Terms{SignedOn: "2025-01-01", StartsOn: "2025-01-01", EndsOn: "2025-12-31", Tacit: true},
			"2026-01-01", cooperation.Expired, "2025-12-31"},
	}
	for _, c := range cases {
		if got := cooperation.StatusOn(c.terms, c.today); got != c.want {
			t.Errorf("%s: status %s, want %s", c.name, got, c.want)
		}
		if got := cooperation.CurrentEnd(c.terms, c.today); got != c.wantEnd {
			t.Errorf("%s: end %s, want %s", c.name, got, c.wantEnd)
		}
	}
}

func TestReserving(t *testing.T) {
	for st, want := range map[cooperation.Status]bool{cooperation.Draft: false, cooperation.Signed: true, cooperation.InForce: true,
		cooperation.Expired: false, cooperation.Terminated: false} {
		if st.Reserving() != want {
			t.Errorf("%s reserving: %v", st, !want)
		}
	}
}

func TestDueReminders(t *testing.T) {
	year := cooperation.Terms{SignedOn: "2025-12-15", StartsOn: "2026-01-01", EndsOn: "2026-12-31", DurationMonths: 12}
	tacit := year
	tacit.Tacit, tacit.NoticeMonths = true, 3 // last day to give notice: 30 September
	given := tacit
	given.NoticeGivenOn = "2026-08-01"
	terminating := tacit
	terminating.TerminatedOn = "2026-12-20"
	terminatingLater := tacit
	terminatingLater.TerminatedOn = "2027-03-01"
	if cooperation.Renews(terminating, "2026-09-15") || !cooperation.Renews(terminatingLater, "2026-09-15") {
		t.Error("an agreement terminated by the end of its period renews, or one terminated later does not")
	}
	cases := []struct {
		name    string
		terms   cooperation.Terms
		today   string
		wantEnd string
		want    []cooperation.Reminder
	}{
		{"early in the year", year, "2026-03-01", "2026-12-31", nil},
		{"91 days before the end", year, "2026-10-01", "2026-12-31", nil},
		{"90 days before the end", year, "2026-10-02", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnd90}},
		{"31 days before the end", year, "2026-11-30", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnd90}},
		{"30 days before the end", year, "2026-12-01", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnd30}},
		{"expired", year, "2027-01-01", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnded}},
		{"expired long ago: nothing", year, "2027-03-01", "2026-12-31", nil},
		{"31 days before the notice deadline", tacit, "2026-08-30", "2026-12-31", nil},
		{"30 days before the notice deadline", tacit, "2026-08-31", "2026-12-31", []cooperation.Reminder{cooperation.RemindNotice}},
		{"on the notice deadline", tacit, "2026-09-30", "2026-12-31", []cooperation.Reminder{cooperation.RemindNotice}},
		{"notice given: no notice reminder", given, "2026-09-15", "2026-12-31", nil},
		{"renewed: the next period's", tacit, "2027-10-02", "2027-12-31", []cooperation.Reminder{cooperation.RemindEnd90}},
		{"draft", cooperation.Terms{StartsOn: "2026-01-01", EndsOn: "2026-12-31"}, "2026-12-15", "2026-12-31", nil},
		{"no end", cooperation.Terms{SignedOn: "2026-01-01"}, "2026-12-15", "", nil},
		{"end today", year, "2026-12-31", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnd30}},
		{"termination to come: no notice reminder", terminating, "2026-09-15", "2026-12-31", nil},
		{"termination to come: no end reminder", terminating, "2026-12-15", "2026-12-31", nil},
		{"termination after this period's end", terminatingLater, "2026-12-15", "2026-12-31", []cooperation.Reminder{cooperation.RemindEnd30}},
	}
	for _, c := range cases {
		end, got := cooperation.DueReminders(c.terms, c.today)
		if end != c.wantEnd || !slices.Equal(got, c.want) {
			t.Errorf("%s: %s %v, want %s %v", c.name, end, got, c.wantEnd, c.want)
		}
	}
}
