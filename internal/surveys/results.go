package surveys

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Counts are a campaign's figures over a set of target structures.
type Counts struct {
	Targets   int
	Submitted int // on time or late
	OnTime    int // submitted at or before the deadline
	Late      int
	Drafts    int // saved, never submitted
	// ResponseRate is Submitted / Targets, OnTimeRate OnTime / Targets,
	// both in percent (0 without targets).
	ResponseRate, OnTimeRate float64
}

// Count sums up the targets' statuses.
func Count(targets []Target) Counts {
	var n Counts
	for _, t := range targets {
		n.Targets++
		switch t.Status {
		case Submitted:
			n.Submitted++
			if t.OnTime {
				n.OnTime++
			} else {
				n.Late++
			}
		case Drafted:
			n.Drafts++
		}
	}
	n.ResponseRate, n.OnTimeRate = percent(n.Submitted, n.Targets), percent(n.OnTime, n.Targets)
	return n
}

func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

// FilterTargets keeps the targets of the filter's type and département.
func FilterTargets(targets []Target, f ResultFilter) []Target {
	var out []Target
	for _, t := range targets {
		if (f.StructureType == "" || t.StructureType == f.StructureType) && (f.Departement == "" || t.Departement == f.Departement) {
			out = append(out, t)
		}
	}
	return out
}

// Sheet is one structure's submitted answers, for the aggregation.
type Sheet struct {
	StructureName string
	Values        Values
}

// Aggregate computes each question's results over the sheets: counts per
// option (choices, yes/no, every step of a scale) with their share of the
// structures that answered, number statistics, and free texts and dates
// listed with the structure's name.
func Aggregate(qs []Question, sheets []Sheet) []QuestionResult {
	out := make([]QuestionResult, 0, len(qs))
	for _, q := range qs {
		r := QuestionResult{Question: q}
		var numbers []float64
		counts := map[string]int{}
		for _, sh := range sheets {
			vals := sh.Values[q.ID]
			if len(vals) == 0 {
				continue
			}
			r.Answered++
			switch q.Kind {
			case Number:
				// Out-of-bounds numbers saved before the bound are left out.
				if f, ok := parseNumber(vals[0]); ok && tooBig(f) == "" {
					numbers = append(numbers, f)
				}
			case ShortText, LongText, Date:
				r.Texts = append(r.Texts, TextAnswer{StructureName: sh.StructureName, Text: vals[0]})
			default:
				for _, v := range vals {
					counts[v]++
				}
			}
		}
		switch q.Kind {
		case Number:
			r.Numbers = Stats(numbers)
		case Date:
			// By date, then by structure; shown as dd/mm/yyyy.
			slices.SortStableFunc(r.Texts, func(a, b TextAnswer) int {
				return cmp.Or(strings.Compare(a.Text, b.Text), strings.Compare(a.StructureName, b.StructureName))
			})
			for i := range r.Texts {
				r.Texts[i].Text = q.ValueLabel(r.Texts[i].Text)
			}
		case ShortText, LongText:
			slices.SortStableFunc(r.Texts, func(a, b TextAnswer) int { return strings.Compare(a.StructureName, b.StructureName) })
		default:
			for _, v := range categories(q) {
				r.Counts = append(r.Counts, OptionCount{Value: v, Label: categoryLabel(q, v), Count: counts[v], Percent: percent(counts[v], r.Answered)})
			}
		}
		out = append(out, r)
	}
	return out
}

// categories are the values counted for a choice, yes/no or scale
// question, in the order they are shown.
func categories(q Question) []string {
	if q.Kind != Scale {
		return q.ChoiceValues()
	}
	if q.Min == nil || q.Max == nil {
		return nil
	}
	var out []string
	for v := *q.Min; v <= *q.Max; v++ {
		out = append(out, formatNumber(v))
	}
	return out
}

func categoryLabel(q Question, v string) string {
	if q.Kind == Scale {
		switch {
		case q.Min != nil && v == formatNumber(*q.Min) && q.MinLabel != "":
			return v + " – " + q.MinLabel
		case q.Max != nil && v == formatNumber(*q.Max) && q.MaxLabel != "":
			return v + " – " + q.MaxLabel
		}
	}
	return q.ValueLabel(v)
}

// Stats sums up numbers: how many, sum, mean, median, min and max (nil for
// none).
func Stats(xs []float64) *NumberStats {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	st := &NumberStats{N: len(s), Min: s[0], Max: s[len(s)-1]}
	for _, x := range s {
		st.Sum += x
	}
	st.Mean = st.Sum / float64(len(s))
	if m := len(s) / 2; len(s)%2 == 1 {
		st.Median = s[m]
	} else {
		st.Median = (s[m-1] + s[m]) / 2
	}
	return st
}

// resultsData is what results and exports read: the campaign, its survey
// and the answers of the filtered targets.
type resultsData struct {
	campaign *Campaign
	survey   *Survey
	targets  []Target
	values   map[string]Values // by structure, submitted answers only
}

// readResults loads a campaign's results for the owner side: action is
// ActionViewResults or ActionExport.
func readResults(ctx context.Context, tx *db.Tx, campaignID string, f ResultFilter, action access.Action) (*resultsData, error) {
	c, err := loadCampaign(ctx, tx, campaignID)
	if err != nil {
		return nil, err
	}
	a := access.ActorFrom(ctx)
	if !access.Can(a, access.ActionView, c.resource()) {
		return nil, errNoCampaign()
	}
	if err := access.Check(ctx, action, c.resource()); err != nil {
		return nil, err
	}
	sv, err := loadSurvey(ctx, tx, c.SurveyID)
	if err != nil {
		return nil, err
	}
	d := &resultsData{campaign: c, survey: sv, targets: FilterTargets(c.Targets, f), values: map[string]Values{}}
	rows, err := tx.QueryContext(ctx, `SELECT structure_id, answer FROM survey_answers WHERE campaign_id = $1 AND status = 'submitted'`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, raw string
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, err
		}
		var v Values
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("answer of %s: %w", id, err)
		}
		d.values[id] = v
	}
	return d, rows.Err()
}

// Results returns a campaign's results, to its owner side only.
func (s *Service) Results(ctx context.Context, campaignID string, f ResultFilter) (*Results, error) {
	var r *Results
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		d, err := readResults(ctx, tx, campaignID, f, access.ActionViewResults)
		if err != nil {
			return err
		}
		n := Count(d.targets)
		r = &Results{Campaign: d.campaign, Filter: f, Targets: n.Targets, Submitted: n.Submitted, OnTime: n.OnTime, Late: n.Late,
			Drafts: n.Drafts, ResponseRate: n.ResponseRate, OnTimeRate: n.OnTimeRate}
		var sheets []Sheet
		for _, t := range d.targets {
			if v, ok := d.values[t.ID]; ok && t.Status == Submitted {
				sheets = append(sheets, Sheet{StructureName: t.Name, Values: v})
			}
		}
		r.Questions = Aggregate(d.survey.Questions(), sheets)
		for _, t := range d.campaign.Targets {
			if t.StructureType != "" && !slices.Contains(r.StructureTypes, t.StructureType) {
				r.StructureTypes = append(r.StructureTypes, t.StructureType)
			}
			if t.Departement != "" && !slices.Contains(r.Departements, t.Departement) {
				r.Departements = append(r.Departements, t.Departement)
			}
		}
		slices.Sort(r.StructureTypes)
		slices.Sort(r.Departements)
		d.campaign.forReader(access.ActorFrom(ctx))
		return nil
	})
	return r, err
}
