package indicators

import "math"

// Response times are kept as a histogram in fixed buckets of whole hours,
// per département, month and kind of request, so that a median or a 9th
// decile over any territory and period is read from summed counts. A
// quantile is reported as the upper bound of the bucket that holds it: it
// is exact to the hour under 2 days, to 6 hours under a week, to a day
// under 30 days; beyond, it says "30 days or more" (720).
const (
	hourBuckets    = 48  // [0,1) … [47,48): one per hour
	sixHourEnd     = 168 // then 6-hour buckets up to a week
	dayEnd         = 720 // then daily buckets up to 30 days
	lastBucket     = hourBuckets + (sixHourEnd-hourBuckets)/6 + (dayEnd-sixHourEnd)/24
	bucketCaseTmpl = "CASE WHEN %[1]s < 0 THEN 0 WHEN %[1]s < 48 THEN %[1]s WHEN %[1]s < 168 THEN 48 + (%[1]s - 48) / 6 " +
		"WHEN %[1]s < 720 THEN 68 + (%[1]s - 168) / 24 ELSE 91 END"
)

// bucketOf is the bucket of a response time of h whole hours (the SQL of
// bucketCaseTmpl does the same in the refresh).
func bucketOf(h int) int {
	switch {
	case h < 0:
		return 0
	case h < hourBuckets:
		return h
	case h < sixHourEnd:
		return hourBuckets + (h-hourBuckets)/6
	case h < dayEnd:
		return 68 + (h-sixHourEnd)/24
	}
	return lastBucket
}

// bucketUpper is the upper bound, in hours, of bucket b (720 for the last,
// open one).
func bucketUpper(b int) float64 {
	switch {
	case b < hourBuckets:
		return float64(b + 1)
	case b < 68:
		return float64(hourBuckets + (b-hourBuckets+1)*6)
	case b < lastBucket:
		return float64(sixHourEnd + (b-68+1)*24)
	}
	return dayEnd
}

// histogram counts response times by bucket.
type histogram [lastBucket + 1]int64

func (h *histogram) total() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// quantile is the q-quantile (0 < q ≤ 1, nearest rank) of the histogram,
// as its bucket's upper bound; ok is false when it is empty.
func (h *histogram) quantile(q float64) (float64, bool) {
	n := h.total()
	if n == 0 {
		return 0, false
	}
	rank := int64(math.Ceil(q * float64(n)))
	rank = max(rank, 1)
	var seen int64
	for b, c := range h {
		seen += c
		if seen >= rank {
			return bucketUpper(b), true
		}
	}
	return bucketUpper(lastBucket), true
}
