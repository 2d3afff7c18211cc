package request

import "time"

// Timing is a territory's rule for answering one kind of request: the
// deadline, the reminder before it, and the escalation steps after it.
type Timing struct {
	Deadline time.Duration
	// RemindBefore: the recipient is reminded this long before the deadline.
	RemindBefore time.Duration
	// DirectorAfter: unanswered this long after the deadline, the request
	// goes to the recipient's directors.
	DirectorAfter time.Duration
	// SteeringAfter: unanswered this long after the deadline, it goes to
	// the territory's steering.
	SteeringAfter time.Duration
}

// DefaultTiming is the timing of kind k before the territory sets its own:
// a reminder at three quarters of the delay, the directors at the
// deadline, the steering half a delay later.
func DefaultTiming(k Kind) Timing {
	info, _ := KindOf(k)
	d := info.Deadline
	return Timing{Deadline: d, RemindBefore: d / 4, DirectorAfter: 0, SteeringAfter: d / 2}
}

// Step is how far an unanswered request has gone.
type Step int

const (
	StepNone     Step = iota // nothing to do yet
	StepReminder             // the recipient was reminded
	StepDirector             // the recipient's directors were told
	StepSteering             // the territory's steering was told
)

// StepLabels say the steps in French, for the sender's view.
var StepLabels = map[Step]string{StepNone: "", StepReminder: "relance envoyée",
	StepDirector: "transmise à la direction de la structure", StepSteering: "signalée au pilotage du territoire"}

// DueStep returns the step an unanswered request sent at sent has reached
// at now.
func DueStep(sent, now time.Time, t Timing) Step {
	deadline := sent.Add(t.Deadline)
	switch {
	case !now.Before(deadline.Add(t.SteeringAfter)):
		return StepSteering
	case !now.Before(deadline.Add(t.DirectorAfter)):
		return StepDirector
	case !now.Before(deadline.Add(-t.RemindBefore)):
		return StepReminder
	}
	return StepNone
}

// UndatedLife is how long a request without dates waits for an answer
// before it expires.
const UndatedLife = 30 * day

// ExpiresAt returns when an open request ends by itself: the first day of
// the stay it asks for (Paris midnight), or, without dates, UndatedLife
// after it was sent.
func ExpiresAt(sent time.Time, from string, loc *time.Location) time.Time {
	if d, err := time.ParseInLocation(time.DateOnly, from, loc); err == nil {
		return d
	}
	return sent.Add(UndatedLife)
}
