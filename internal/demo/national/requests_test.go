package national

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"passerelle/internal/request"
)

// The year of requests and alerts of a plan: drawn again the same, each
// request consistent with the request's state machine, and the volumes
// and spreads the dashboards need (refusals with reasons, some answers
// late or missing, every outcome).
func TestRequestsDrawn(t *testing.T) {
	cp := NewChildPlan(NewPlan(300, 7), 4000, 7)
	var children, withRequests, requests, recipients, answered, refused, late, alerts int
	statuses := map[string]int{}
	kinds := map[request.Kind]int{}
	var firstHours []float64
	for si, svc := range cp.Services {
		for k := range svc.N {
			c := cp.draw(si, k)
			if again := cp.draw(si, k); !reflect.DeepEqual(c.Requests, again.Requests) || !reflect.DeepEqual(c.Alerts, again.Alerts) {
				t.Fatalf("child %d/%d drawn twice differs", si, k)
			}
			children++
			if len(c.Requests) > 0 {
				withRequests++
			}
			for _, e := range c.Alerts {
				alerts++
				if e.Kind != "alert" || e.At <= 0 || e.At > 366*day || !slices.Contains([]string{"measures", "notifications", "planning", "project"}, e.Section) {
					t.Fatalf("alert %+v", e)
				}
			}
			for _, q := range c.Requests {
				requests++
				statuses[q.Status]++
				kinds[q.Kind]++
				checkRequest(t, q)
				info, _ := request.KindOf(q.Kind)
				for _, x := range q.Recipients {
					recipients++
					if x.First >= 0 {
						answered++
						firstHours = append(firstHours, x.First.Hours())
					}
					if x.Status == request.Refused {
						refused++
					}
					if x.First > info.Deadline || x.Status == request.Expired {
						late++
					}
				}
			}
		}
	}
	share := func(n, of int) float64 { return float64(n) / float64(of) }
	slices.Sort(firstHours)
	for what, c := range map[string]struct{ got, lo, hi float64 }{
		"children with requests":      {share(withRequests, children), 0.35, 0.45},
		"requests a child":            {share(requests, children), 0.8, 1.2},
		"recipients a request":        {share(recipients, requests), 1.7, 2.3},
		"refusals among answers":      {share(refused, answered), 0.45, 0.65},
		"late or missing answers":     {share(late, recipients), 0.08, 0.3},
		"alerts a child":              {share(alerts, children), 0.35, 0.65},
		"median first answer (hours)": {firstHours[len(firstHours)/2], 12, 96},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.2f, want between %.2f and %.2f", what, c.got, c.lo, c.hi)
		}
	}
	for _, s := range []string{"open", "confirmed", "withdrawn", "ended"} {
		if statuses[s] == 0 {
			t.Errorf("no %s request among %v", s, statuses)
		}
	}
	for _, k := range requestKinds {
		if kinds[k] == 0 {
			t.Errorf("no %s request", k)
		}
	}
	var s ChildSummary
	for si, svc := range cp.Services {
		for k := range svc.N {
			s.add(cp.draw(si, k))
		}
	}
	if s.Requests != requests || s.Recipients != recipients || s.Refusals != refused || s.Alerts != alerts || s.RequestEvents < 3*requests {
		t.Errorf("summary %+v", s)
	}
}

// checkRequest: what the request's state machine allows, in time order,
// nothing after the load.
func checkRequest(t *testing.T, q drawnRequest) {
	t.Helper()
	info, ok := request.KindOf(q.Kind)
	if !ok || q.Sent < 0 || q.Sent > 366*day || len(q.Recipients) < 1 || len(q.Recipients) > 3 {
		t.Fatalf("request %+v", q)
	}
	if info.Dates != (q.From != 0 || q.To != 0) || q.To < q.From || (info.MaxDays > 0 && q.To-q.From >= info.MaxDays) {
		t.Fatalf("stay of %+v", q)
	}
	open, confirmed := 0, 0
	seen := map[int]bool{}
	for _, x := range q.Recipients {
		if seen[x.Structure] {
			t.Fatalf("a structure twice in %+v", q)
		}
		seen[x.Structure] = true
		for _, at := range []time.Duration{x.Seen, x.First, x.Decided, x.Closed} {
			if at > q.Sent {
				t.Fatalf("a step after the load in %+v", q)
			}
		}
		if x.Seen >= 0 && x.First >= 0 && x.Seen > x.First {
			t.Fatalf("answered before seen: %+v", x)
		}
		switch x.Status {
		case request.Accepted, request.Refused:
			if x.Decided != x.First || x.Decided < 0 {
				t.Fatalf("decision of %+v", x)
			}
		case request.Confirmed:
			confirmed++
		case request.Expired, request.Closed, request.Withdrawn:
			if x.Closed < 0 {
				t.Fatalf("ended without its step: %+v", x)
			}
		}
		if (x.Status == request.Refused) != (x.Reason != "") {
			t.Fatalf("refusal reason of %+v", x)
		}
		if x.Status.Open() {
			open++
		}
	}
	switch q.Status {
	case "open":
		if open == 0 || q.Ended >= 0 {
			t.Fatalf("open without anyone to answer: %+v", q)
		}
	case "confirmed":
		if confirmed != 1 || open > 0 || q.Ended < 0 {
			t.Fatalf("confirmed: %+v", q)
		}
	case "withdrawn", "ended":
		if open > 0 || q.Ended < 0 || q.Ended > q.Sent {
			t.Fatalf("%s: %+v", q.Status, q)
		}
	default:
		t.Fatalf("status %q", q.Status)
	}
	if evs := q.events(); len(evs) < 2 || evs[0].event != "created" || evs[1].event != "sent" {
		t.Fatalf("history %+v", evs)
	}
}
