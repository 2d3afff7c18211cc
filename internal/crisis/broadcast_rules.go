package crisis

import "time"

// A structure that has not acknowledged a broadcast is reminded
// FirstReminder after it was sent, then every ReminderEvery, MaxReminders
// times at most.
const (
	FirstReminder = 2 * time.Hour
	ReminderEvery = 4 * time.Hour
	MaxReminders  = 3
)

// RemindersDue returns how many reminders a structure that has not
// acknowledged a broadcast sent at sent should have had by now.
func RemindersDue(sent, now time.Time) int {
	since := now.Sub(sent)
	if since < FirstReminder {
		return 0
	}
	return min(MaxReminders, 1+int((since-FirstReminder)/ReminderEvery))
}

// AckRate is an acknowledgement rate in whole per cent (0 without
// recipients), rounded down: 100 % only once every structure has
// acknowledged, never while one is still missing (199 of 200).
func AckRate(acknowledged, structures int) int {
	if structures == 0 {
		return 0
	}
	return acknowledged * 100 / structures
}
