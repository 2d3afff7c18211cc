package surveys

import (
	"time"
)

// KindReminders is the job that reminds the structures that have not
// submitted their answer before a campaign's deadline.
const KindReminders = "surveys.reminders"

// QuestionKind is what a question asks for.
type QuestionKind string

const (
	Single    QuestionKind = "single"     // one option among several
	Multiple  QuestionKind = "multiple"   // any number of options
	Number    QuestionKind = "number"     // a number, with optional bounds and unit
	ShortText QuestionKind = "short_text" // one line of text
	LongText  QuestionKind = "long_text"  // a paragraph
	Scale     QuestionKind = "scale"      // an integer from Min to Max, with end labels
	Date      QuestionKind = "date"       // a day, YYYY-MM-DD
	YesNo     QuestionKind = "yes_no"     // "yes" or "no"
)

// KindInfo is a question kind with its French label.
type KindInfo struct {
	Kind  QuestionKind
	Label string
}

// QuestionKinds lists the kinds in the order the builder offers them.
var QuestionKinds = []KindInfo{
	{Single, "Choix unique"},
	{Multiple, "Choix multiple"},
	{YesNo, "Oui / non"},
	{Scale, "Échelle"},
	{Number, "Nombre"},
	{ShortText, "Texte court"},
	{LongText, "Texte long"},
	{Date, "Date"},
}

// Yes and No are the values of a yes/no answer.
const (
	Yes = "yes"
	No  = "no"
)

// Condition shows a question only when an earlier single choice, multiple
// choice or yes/no question was answered with one of Values.
type Condition struct {
	QuestionID string
	Values     []string
}

// Question is one question of a survey.
type Question struct {
	ID        string
	SectionID string
	Position  int // order inside its section, from 1
	Number    int // order in the whole survey, from 1 (for display)
	Kind      QuestionKind
	Label     string
	Help      string
	Required  bool
	// Options are the choices of a single or multiple choice question; an
	// answer holds the option's text.
	Options []string
	// Min and Max bound a number (each optional) or a scale (both set,
	// integers).
	Min, Max *float64
	Unit     string // a number's unit ("jours", "places")
	// MinLabel and MaxLabel name the ends of a scale.
	MinLabel, MaxLabel string
	// ShowIf, when set, shows the question only for some earlier answers.
	ShowIf *Condition
}

// Section is an ordered group of questions.
type Section struct {
	ID        string
	Position  int
	Title     string
	Intro     string
	Questions []Question
}

// Survey is a survey definition with its sections and questions.
type Survey struct {
	ID, Title, Intro string
	OwnerOrgID       string // the steering organisation that owns it
	OwnerOrgName     string
	Departement      string
	TemplateKey      string // the template it was made from, "" for a blank one
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Sections         []Section
	// Campaigns counts the campaigns launched with it; a survey with a
	// campaign is frozen (Locked): duplicate it to change it.
	Campaigns int
	Locked    bool
}

// Questions returns the survey's questions in order.
func (s *Survey) Questions() []Question {
	var out []Question
	for _, sec := range s.Sections {
		out = append(out, sec.Questions...)
	}
	return out
}

// SurveySummary is a survey in a list.
type SurveySummary struct {
	ID, Title    string
	OwnerOrgName string
	Departement  string
	Questions    int
	Campaigns    int
	UpdatedAt    time.Time
}

// SurveyInput is what the builder sends to create or retitle a survey.
type SurveyInput struct {
	Title, Intro string
	// OwnerOrgID is the steering organisation that will own the survey;
	// "" takes the actor's first steering organisation.
	OwnerOrgID string
	// Template is the key of a template to copy, "" for a blank survey.
	Template string
}

// SectionInput is a section's title and introduction.
type SectionInput struct {
	Title, Intro string
}

// QuestionInput is a question as typed in the builder. Numbers are kept as
// typed so that a bad one comes back with a French message.
type QuestionInput struct {
	SectionID string
	Kind      QuestionKind
	Label     string
	Help      string
	Required  bool
	Options   []string // one per option; blank lines are dropped
	Min, Max  string   // number bounds (optional) or scale ends (required)
	Unit      string
	MinLabel  string
	MaxLabel  string
	// ShowIfQuestion is the id of an earlier question, "" for always shown;
	// ShowIfValues are the answers that show this one.
	ShowIfQuestion string
	ShowIfValues   []string
}

// Template is a built-in survey the steering copies and then edits.
type Template struct {
	Key         string
	Title       string
	Description string
}

// Targeting says which structures a campaign goes to. The filters combine
// with AND (an empty filter does not restrict); StructureIDs adds
// structures to those the filters chose. Only structures of the owner's
// département are ever targeted. With no filter and no list, every
// structure of the département is targeted.
type Targeting struct {
	StructureTypes []string // org structure type codes
	Sector         string   // org.Sectors code
	Departements   []string
	Communes       []string // INSEE commune codes
	StructureIDs   []string
	// Explicit, when true, targets only StructureIDs (the filters are not
	// applied at all).
	Explicit bool
}

// TargetStructure is a structure a campaign would go to or went to.
type TargetStructure struct {
	ID, Name      string
	StructureType string
	Departement   string
	CommuneCode   string
}

// Preview is the count of structures a targeting chooses, before launch.
type Preview struct {
	Count      int
	Structures []TargetStructure
}

// LaunchInput is a campaign as the steering launches it.
type LaunchInput struct {
	// Deadline is a date-time in the future: "2006-01-02T15:04" (Paris
	// time, as an HTML datetime-local field sends it) or RFC 3339.
	Deadline  string
	Targeting Targeting
}

// AnswerStatus is where a target structure's answer stands.
type AnswerStatus string

const (
	NotStarted AnswerStatus = "none"      // nothing saved
	Drafted    AnswerStatus = "draft"     // saved, not submitted
	Submitted  AnswerStatus = "submitted" // submitted (may still be edited until the deadline)
)

// AnswerStatusLabels say the statuses in French.
var AnswerStatusLabels = map[AnswerStatus]string{NotStarted: "Sans réponse", Drafted: "Brouillon", Submitted: "Envoyée"}

// Target is a structure of a campaign with its answer's status.
type Target struct {
	TargetStructure
	Status      AnswerStatus
	SubmittedAt *time.Time
	OnTime      bool // submitted at or before the deadline
}

// Campaign is a survey sent to structures with a deadline.
type Campaign struct {
	ID           string
	SurveyID     string
	Title        string // the survey's title
	Intro        string
	OwnerOrgID   string
	OwnerOrgName string
	Departement  string
	Deadline     time.Time
	LaunchedAt   time.Time
	ClosedAt     *time.Time
	// Targets are filled for the owner's side only.
	Targets                        []Target
	TargetCount, SubmittedCount    int
	OnTimeCount, DraftCount        int
	CanClose                       bool // the reader may close it (owner side, still open)
	CanSeeResults                  bool
	MyStatus                       AnswerStatus // for a target structure's reader (list of their campaigns)
	MyStructureID, MyStructureName string
	// Mine are the target structures where the reader is director or
	// educator (the first is MyStructureID), with their statuses.
	Mine      []Target
	targetIDs []string // every target, for the policy
}

// Open reports whether answers are still taken (not closed).
func (c *Campaign) Open() bool { return c.ClosedAt == nil }

// Past reports whether the deadline has passed at now.
func (c *Campaign) Past(now time.Time) bool { return now.After(c.Deadline) }

// Values are the answers of a structure: question id → values (one value
// for every kind but multiple choice; numbers and scales as decimal text,
// dates as YYYY-MM-DD, yes/no as Yes or No).
type Values map[string][]string

// Answer is the answer sheet of one target structure: the campaign, its
// survey and what was saved.
type Answer struct {
	Campaign      *Campaign
	Survey        *Survey
	StructureID   string
	StructureName string
	Status        AnswerStatus
	Values        Values
	SavedAt       *time.Time
	SubmittedAt   *time.Time
	Late          bool // submitted after the deadline
	// CanEdit: the reader may save or submit now (director of the
	// structure, campaign open, and either before the deadline or not yet
	// submitted).
	CanEdit bool
}

// ResultFilter narrows results to structures of a type and/or a département.
type ResultFilter struct {
	StructureType string
	Departement   string
}

// OptionCount is how many answers chose an option (or a scale value, or
// yes/no), with its share of the answers to the question.
type OptionCount struct {
	Value   string
	Label   string
	Count   int
	Percent float64 // 0..100, of the structures that answered the question
}

// NumberStats sums up the answers to a number question.
type NumberStats struct {
	N                           int
	Sum, Mean, Median, Min, Max float64
}

// TextAnswer is one free-text (or date) answer with its structure's name.
type TextAnswer struct {
	StructureName string
	Text          string
}

// QuestionResult is the results of one question over the submitted answers.
type QuestionResult struct {
	Question Question
	Answered int           // structures that answered it
	Counts   []OptionCount // single, multiple, yes/no, scale
	Numbers  *NumberStats  // number
	Texts    []TextAnswer  // short/long text and dates, sorted
}

// Results are a campaign's results after the filter.
type Results struct {
	Campaign *Campaign
	Filter   ResultFilter
	// Targets, Submitted (on time or late), OnTime, Late, Drafts count the
	// filtered target structures.
	Targets, Submitted, OnTime, Late, Drafts int
	ResponseRate, OnTimeRate                 float64 // 0..100
	Questions                                []QuestionResult
	// StructureTypes and Departements are the values the filters offer.
	StructureTypes, Departements []string
}
