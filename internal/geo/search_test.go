package geo

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Saint-Étienne", "saint etienne"},
		{"SAINT-ÉTIENNE", "saint etienne"},
		{"saint  etienne", "saint etienne"},
		{"L'Haÿ-les-Roses", "l hay les roses"},
		{"L’Oie", "l oie"},
		{"Œuilly", "oeuilly"},
		{"Bœurs-en-Othe", "boeurs en othe"},
		{"ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ", "aaaceeeeiioouuuy"},
		{"Bors (Canton de Tude-et-Lavalette)", "bors canton de tude et lavalette"},
		{"  --Foo__bar.. ", "foo bar"},
		{"Paris 15e Arrondissement", "paris 15e arrondissement"},
		{"ﬁnistère", "finistere"}, // compatibility ligature
		{"ｌｙｏｎ", "lyon"},          // full-width letters
		{"St.-Jean", "st jean"},
		{"a\xffb", "a b"}, // invalid UTF-8 separates
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"15e", "15e"}, {"15eme", "15e"}, {"15ieme", "15e"}, {"15", "15"},
		{"1er", "1er"}, {"1ere", "1er"}, {"1re", "1er"}, {"1e", "1er"}, {"1eme", "1er"},
		{"saint", "saint"}, {"2a004", "2a004"}, {"", ""},
	}
	for _, tt := range tests {
		if got := canonicalWord(tt.in); got != tt.want {
			t.Errorf("canonicalWord(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func codes(cs []Commune) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

func TestSearchCommunes(t *testing.T) {
	tests := []struct {
		q     string
		first string   // code of the first result; "" for no result
		also  []string // codes that must be among the results
	}{
		{"st etienne", "42218", nil},
		{"St-Étienne", "42218", nil},
		{"saint etienne", "42218", []string{"76575"}}, // Saint-Étienne-du-Rouvray
		{"saint-etienne", "42218", nil},
		{"SAINT-ÉTIENNE", "42218", nil},
		{"Saint Étienne", "42218", nil},
		{"  saint   étienne  ", "42218", nil},
		{"etienne st", "42218", nil},
		{"st etien", "42218", nil},
		{"42000", "42218", nil},
		{"42100", "42218", nil},
		{"42218", "42218", nil}, // INSEE code
		{"42", "42218", nil},    // partial code: largest first
		{"lyon", "69123", []string{"69381", "69383"}},
		{"LYON", "69123", nil},
		{"lyon 3", "69383", nil},
		{"paris", "75056", []string{"75115"}},
		{"paris 15", "75115", nil},
		{"paris 15e", "75115", nil},
		{"paris 15eme", "75115", nil},
		{"paris 1er", "75101", nil},
		{"75015", "75115", []string{"75056"}},
		{"75116", "75116", nil},
		{"marseille", "13055", []string{"13208"}},
		{"13008", "13208", nil},
		{"ste florence", "85212", []string{"33401"}},
		{"sainte florence", "85212", nil},
		{"l'oie", "85165", nil},
		{"loie", "85165", nil},
		{"villeneuve d'ascq", "59009", nil},
		{"villeneuve dascq", "59009", nil},
		{"lhay les roses", "94038", nil},
		{"2A004", "2A004", nil},
		{"ajaccio", "2A004", nil},
		{"saint denis 93", "93066", nil},
		{"saint denis", "97411", []string{"93066"}}, // La Réunion's is larger
		{"bors", "16052", []string{"16053"}},
		{"chateau chinon campagne", "58063", nil},
		{"strasbourg", "67482", nil},
		{"xqzw", "", nil},
		{"lyon xqzw", "", nil},
		{"00000", "", nil},
		{"", "", nil},
		{"   ", "", nil},
		{"-'.,", "", nil},
	}
	for _, tt := range tests {
		got := codes(SearchCommunes(tt.q, 50))
		if tt.first == "" {
			if len(got) != 0 {
				t.Errorf("SearchCommunes(%q) = %v, want nothing", tt.q, got)
			}
			continue
		}
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("SearchCommunes(%q) = %v, want %s first", tt.q, head(got), tt.first)
		}
		for _, c := range tt.also {
			if !slices.Contains(got, c) {
				t.Errorf("SearchCommunes(%q) = %v, want %s among them", tt.q, head(got), c)
			}
		}
	}
}

func head(s []string) []string { return s[:min(len(s), 8)] }

func TestSearchEquivalentQueries(t *testing.T) {
	groups := [][]string{
		{"saint etienne", "saint-etienne", "Saint-Étienne", "SAINT ETIENNE", "st etienne", "st-étienne", "saint, etienne"},
		{"sainte florence", "ste florence", "Ste-Florence"},
		{"l oie", "l'oie", "L’Oie", "L-OIE"},
	}
	for _, g := range groups {
		want := codes(SearchCommunes(g[0], 50))
		for _, q := range g[1:] {
			if got := codes(SearchCommunes(q, 50)); !slices.Equal(got, want) {
				t.Errorf("SearchCommunes(%q) = %v, want as for %q: %v", q, head(got), g[0], head(want))
			}
		}
	}
}

func TestSearchLyonBeforeArrondissements(t *testing.T) {
	got := SearchCommunes("lyon", 50)
	if len(got) < 10 || got[0].Code != "69123" {
		t.Fatalf("lyon: %v", head(codes(got)))
	}
	// Arrondissements (prefix matches) by population, then smaller prefix
	// matches such as Lyons-la-Forêt.
	for i := 2; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if strings.HasPrefix(a.Name, "Lyon ") && strings.HasPrefix(b.Name, "Lyon ") && a.Population < b.Population {
			t.Errorf("%s (%d) before %s (%d)", a.Name, a.Population, b.Name, b.Population)
		}
	}
}

func TestSearchAllWordsMustMatch(t *testing.T) {
	for _, q := range []string{"saint jean", "st j", "sur mer", "le pont", "paris 1"} {
		toks := parseQuery(q)
		for _, c := range SearchCommunes(q, 50) {
			words := nameWords(c.Name)
			for _, tok := range toks {
				if !tok.matchesAny(words) && !tok.matchesAny(joinElisions(words)) {
					t.Errorf("%q returned %s, whose words %v miss %q", q, c.Name, words, tok.text)
				}
			}
		}
	}
}

func TestSearchRanking(t *testing.T) {
	// Exact names first; then within a tier, population decreasing.
	got := SearchCommunes("saint", 50)
	if len(got) != 50 {
		t.Fatalf("saint: %d results", len(got))
	}
	for _, c := range got {
		if !strings.HasPrefix(normalize(c.Name), "saint") {
			t.Errorf("saint returned %s before names starting with it", c.Name)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Population < got[i].Population {
			t.Errorf("%s (%d) before %s (%d)", got[i-1].Name, got[i-1].Population, got[i].Name, got[i].Population)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	tests := []struct{ limit, want int }{
		{-1, DefaultSearchLimit}, {0, DefaultSearchLimit}, {1, 1}, {3, 3}, {50, 50}, {51, MaxSearchLimit}, {1 << 30, MaxSearchLimit},
	}
	for _, tt := range tests {
		if got := len(SearchCommunes("saint", tt.limit)); got != tt.want {
			t.Errorf("limit %d: %d results, want %d", tt.limit, got, tt.want)
		}
	}
	if got := SearchCommunes("42000", 50); len(got) != 1 {
		t.Errorf("42000: %v", codes(got))
	}
	// The first results do not depend on the limit.
	all := codes(SearchCommunes("mont", 50))
	for _, n := range []int{1, 7, 20} {
		if got := codes(SearchCommunes("mont", n)); !slices.Equal(got, all[:n]) {
			t.Errorf("limit %d: %v, want %v", n, got, all[:n])
		}
	}
}

func FuzzSearchCommunes(f *testing.F) {
	for _, q := range []string{"st etienne", "SAINT-ÉTIENNE", "42000", "2a", "l'oie", "", " ", "paris 15e", "\xff", "1er", "ste", strings.Repeat("a ", 100)} {
		f.Add(q, 10)
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		got := SearchCommunes(q, limit)
		if len(got) > MaxSearchLimit || (limit > 0 && len(got) > limit) || (limit <= 0 && len(got) > DefaultSearchLimit) {
			t.Fatalf("SearchCommunes(%q, %d): %d results", q, limit, len(got))
		}
		if strings.TrimSpace(q) == "" && len(got) != 0 {
			t.Fatalf("SearchCommunes(%q): results for a blank query", q)
		}
		for _, c := range got {
			if _, ok := CommuneByCode(c.Code); !ok {
				t.Fatalf("SearchCommunes(%q) returned unknown %q", q, c.Code)
			}
		}
		if n := normalize(q); !utf8.ValidString(n) || strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("normalize(%q) = %q", q, n)
		}
	})
}

var benchQueries = []string{
	"st etienne", "lyon", "paris 15", "75015", "marseille", "Bordeaux", "ste florence",
	"villeneuve", "saint jean de", "42", "l'oie", "mont", "aix en pro", "xqzw",
}

func BenchmarkSearchCommunes(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		SearchCommunes(benchQueries[i%len(benchQueries)], DefaultSearchLimit)
		i++
	}
}

// BenchmarkSearchCommunesWorst is a one-letter query, which matches a third
// of the communes.
func BenchmarkSearchCommunesWorst(b *testing.B) {
	if err := Load(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		SearchCommunes("s", DefaultSearchLimit)
	}
}
