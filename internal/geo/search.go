package geo

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search limits.
const (
	DefaultSearchLimit = 10
	MaxSearchLimit     = 50

	maxQueryBytes  = 200 // longer queries are cut
	maxQueryTokens = 8   // further words are ignored
)

// abbreviations maps the usual abbreviations of commune names to the word
// they stand for. A query word found here matches that whole word as well as
// the words it is a prefix of ("st" finds Saint-Étienne and Strasbourg).
var abbreviations = map[string]string{
	"st":   "saint",
	"ste":  "sainte",
	"sts":  "saints",
	"stes": "saintes",
	"mt":   "mont",
}

// normalize folds s for matching: accents and other combining marks are
// removed, letters are lower-cased, ligatures expanded (œ → oe), and every
// run of characters that are neither letters nor digits (spaces, hyphens,
// apostrophes, punctuation) becomes one space, with none at either end.
// "L'Haÿ-les-Roses" gives "l hay les roses".
func normalize(s string) string {
	return string(appendNormalized(nil, s))
}

func appendNormalized(dst []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFKD.String(s)
	}
	start := len(dst)
	sep := false
	put := func(r rune) {
		if sep && len(dst) > start {
			dst = append(dst, ' ')
		}
		sep = false
		dst = utf8.AppendRune(dst, r)
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				put(r)
			case 'A' <= r && r <= 'Z':
				put(r + 'a' - 'A')
			default:
				sep = true
			}
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue // combining accent left by the decomposition
		}
		r = unicode.ToLower(r)
		switch r {
		case 'œ':
			put('o')
			put('e')
		case 'æ':
			put('a')
			put('e')
		case 'ß':
			put('s')
			put('s')
		case 'ø':
			put('o')
		case 'đ':
			put('d')
		case 'ł':
			put('l')
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				put(r)
			} else {
				sep = true
			}
		}
	}
	return dst
}

// canonicalWord rewrites the spellings of ordinals so that "15eme",
// "15ème" and "15e" are the same word, as are "1ere", "1re" and "1er".
func canonicalWord(w string) string {
	i := 0
	for i < len(w) && '0' <= w[i] && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) {
		return w
	}
	switch w[i:] {
	case "eme", "ieme", "em", "e":
		if w[:i] == "1" {
			return "1er"
		}
		return w[:i] + "e"
	case "er", "re", "ere":
		return w[:i] + "er"
	}
	return w
}

// nameWords returns the normalised words of a commune name, abbreviations
// expanded.
func nameWords(name string) []string {
	words := strings.Fields(normalize(name))
	for i, w := range words {
		w = canonicalWord(w)
		if full, ok := abbreviations[w]; ok {
			w = full
		}
		words[i] = w
	}
	return words
}

// elisions are the words that French names elide before a vowel ("L'Oie",
// "Villeneuve-d'Ascq", "Saint-Jean-d'Angély"). Names containing them are
// also indexed with the elided word glued to the next one, so that "loie",
// "villeneuve dascq" and "l oie" all find L'Oie.
var elisions = map[string]bool{"l": true, "d": true, "qu": true}

// joinElisions returns words with each elided word glued to the next, or nil
// if there is none.
func joinElisions(words []string) []string {
	var joined []string
	for i := 0; i < len(words); i++ {
		if elisions[words[i]] && i+1 < len(words) {
			if joined == nil {
				joined = append(make([]string, 0, len(words)-1), words[:i]...)
			}
			joined = append(joined, words[i]+words[i+1])
			i++
			continue
		}
		if joined != nil {
			joined = append(joined, words[i])
		}
	}
	return joined
}

// searchIndex holds the precomputed search keys of the communes.
type searchIndex struct {
	words    [][]string // normalised name words of each commune
	joined   [][]string // the same with elisions glued (joinElisions), or nil
	isParent []bool     // the commune has arrondissements
	// keys are the distinct name words, sorted; the communes whose name has
	// keys[k] are postings[offsets[k]:offsets[k+1]], in increasing order.
	keys     []string
	offsets  []int32
	postings []int32
	// postal lists every (postal code, commune) pair, sorted by code.
	postal []postalEntry
}

type postalEntry struct {
	code string
	id   int32
}

func newSearchIndex(communes []Commune) searchIndex {
	s := searchIndex{
		words:    make([][]string, len(communes)),
		joined:   make([][]string, len(communes)),
		isParent: make([]bool, len(communes)),
	}
	byWord := map[string][]int32{}
	codeIndex := map[string]int{}
	for i, c := range communes {
		codeIndex[c.Code] = i
	}
	for i, c := range communes {
		id := int32(i)
		s.words[i] = nameWords(c.Name)
		s.joined[i] = joinElisions(s.words[i])
		for _, list := range [][]string{s.words[i], s.joined[i]} {
			for _, w := range list {
				if p := byWord[w]; len(p) == 0 || p[len(p)-1] != id {
					byWord[w] = append(p, id)
				}
			}
		}
		for _, pc := range c.PostalCodes {
			s.postal = append(s.postal, postalEntry{pc, id})
		}
		if c.Parent != "" {
			if p, ok := codeIndex[c.Parent]; ok {
				s.isParent[p] = true
			}
		}
	}
	s.keys = make([]string, 0, len(byWord))
	for w := range byWord {
		s.keys = append(s.keys, w)
	}
	slices.Sort(s.keys)
	s.offsets = make([]int32, 0, len(s.keys)+1)
	for _, w := range s.keys {
		s.offsets = append(s.offsets, int32(len(s.postings)))
		s.postings = append(s.postings, byWord[w]...)
	}
	s.offsets = append(s.offsets, int32(len(s.postings)))
	slices.SortFunc(s.postal, func(a, b postalEntry) int {
		if c := strings.Compare(a.code, b.code); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	return s
}

// queryToken is one word of a search query.
type queryToken struct {
	text   string // matches name words it is a prefix of
	full   string // abbreviation expansion, matches that whole name word; or ""
	code   string // upper-cased INSEE code prefix, or "" if the word cannot be one
	postal bool   // the word is ≥ 2 digits: it also matches postal code prefixes
}

func parseQuery(q string) []queryToken {
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
	}
	fields := strings.Fields(normalize(q))
	if len(fields) > maxQueryTokens {
		fields = fields[:maxQueryTokens]
	}
	tokens := make([]queryToken, len(fields))
	for i, f := range fields {
		t := queryToken{text: canonicalWord(f), full: abbreviations[f]}
		if isCodeLike(f) {
			t.code = strings.ToUpper(f)
			t.postal = f[0] != '2' || (f[1] != 'a' && f[1] != 'b')
		}
		tokens[i] = t
	}
	return tokens
}

// isCodeLike reports whether w may be the start of an INSEE or postal code:
// at least two characters, digits only or "2a"/"2b" then digits, at most 5.
func isCodeLike(w string) bool {
	if len(w) < 2 || len(w) > 5 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if i == 1 && w[0] == '2' && (c == 'a' || c == 'b') {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (t *queryToken) matchesWord(w string) (ok, whole bool) {
	if w == t.full || w == t.text {
		return true, true
	}
	return strings.HasPrefix(w, t.text), false
}

func (t *queryToken) matchesAny(words []string) bool {
	for _, w := range words {
		if ok, _ := t.matchesWord(w); ok {
			return true
		}
	}
	return false
}

// span is a range of an index's sorted keys.
type span struct{ lo, hi int }

// ranges finds the keys token t can match: name words, INSEE codes, postal
// codes; and returns how many postings they hold.
func (ix *index) ranges(t *queryToken) (words, full, codes, postal span, n int) {
	s := &ix.search
	words.lo = sort.SearchStrings(s.keys, t.text)
	words.hi = words.lo
	for words.hi < len(s.keys) && strings.HasPrefix(s.keys[words.hi], t.text) {
		words.hi++
	}
	n += int(s.offsets[words.hi] - s.offsets[words.lo])
	if t.full != "" && !strings.HasPrefix(t.full, t.text) {
		if k, ok := slices.BinarySearch(s.keys, t.full); ok {
			full = span{k, k + 1}
			n += int(s.offsets[k+1] - s.offsets[k])
		}
	}
	if t.code != "" {
		codes.lo = sort.SearchStrings(ix.codes, t.code)
		codes.hi = codes.lo
		for codes.hi < len(ix.codes) && strings.HasPrefix(ix.codes[codes.hi], t.code) {
			codes.hi++
		}
		n += codes.hi - codes.lo
	}
	if t.postal {
		postal.lo = sort.Search(len(s.postal), func(i int) bool { return s.postal[i].code >= t.text })
		postal.hi = postal.lo
		for postal.hi < len(s.postal) && strings.HasPrefix(s.postal[postal.hi].code, t.text) {
			postal.hi++
		}
		n += postal.hi - postal.lo
	}
	return words, full, codes, postal, n
}

// matches reports whether commune i matches token t.
func (ix *index) matches(t *queryToken, i int32) bool {
	if t.matchesAny(ix.search.words[i]) || t.matchesAny(ix.search.joined[i]) {
		return true
	}
	c := &ix.communes[i]
	if t.code != "" && strings.HasPrefix(c.Code, t.code) {
		return true
	}
	if t.postal {
		for _, p := range c.PostalCodes {
			if strings.HasPrefix(p, t.text) {
				return true
			}
		}
	}
	return false
}

// Ranking tiers, best first.
const (
	tierExact   = iota // the name is the query; or a code equals it
	tierParent         // a code equals the query, but the commune has arrondissements that are more precise
	tierPrefix         // the query's words start the name's words, in order
	tierAnyWord        // every query word starts some word of the name or code
)

// tier ranks a commune that matches every token.
func (ix *index) tier(tokens []queryToken, i int32) int {
	allCodes := true
	for k := range tokens {
		if tokens[k].code == "" {
			allCodes = false
			break
		}
	}
	if allCodes {
		c := &ix.communes[i]
		for k := range tokens {
			t := &tokens[k]
			if c.Code == t.code || (t.postal && slices.Contains(c.PostalCodes, t.text)) {
				if ix.search.isParent[i] {
					return tierParent
				}
				return tierExact
			}
		}
	}
	tier := positionalTier(tokens, ix.search.words[i])
	if j := ix.search.joined[i]; j != nil && tier != tierExact {
		tier = min(tier, positionalTier(tokens, j))
	}
	return tier
}

// positionalTier compares the query words with the name words in order.
func positionalTier(tokens []queryToken, words []string) int {
	if len(tokens) > len(words) {
		return tierAnyWord
	}
	exact := len(tokens) == len(words)
	for k := range tokens {
		ok, whole := tokens[k].matchesWord(words[k])
		if !ok {
			return tierAnyWord
		}
		exact = exact && whole
	}
	if exact {
		return tierExact
	}
	return tierPrefix
}

type hit struct {
	tier int
	pop  int
	id   int32 // communes are sorted by code: ties go to the lower code
}

func (a hit) better(b hit) bool {
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	if a.pop != b.pop {
		return a.pop > b.pop
	}
	return a.id < b.id
}

// SearchCommunes finds communes and arrondissements for a free-text query,
// typically typed in an autocomplete field.
//
// Matching ignores case, accents, hyphens, apostrophes and punctuation. Every
// word of the query must start a word of the name, in any order ("etienne
// st" works), where "st", "ste", "sts", "stes" and "mt" also stand for
// "saint", "sainte", "saints", "saintes" and "mont"; an elided article may be
// glued to the next word ("loie" finds L'Oie). A word of two to five
// digits (or "2A…"/"2B…") may instead start one of the commune's postal codes
// or its INSEE code: "42000", "75015", "690", "2A004".
//
// Results come best first: the name equal to the query (or, for a code, the
// commune having exactly that code, arrondissements before their city), then
// names starting with the query, then the other matches; within each group
// by population, largest first. At most limit results are returned (10 when
// limit ≤ 0, never more than 50). An empty query returns nothing.
func SearchCommunes(q string, limit int) []Commune {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	tokens := parseQuery(q)
	if len(tokens) == 0 {
		return nil
	}
	ix := idx()

	// Walk the candidates of the most selective token; check the others.
	best, bestN := 0, -1
	for k := range tokens {
		_, _, _, _, n := ix.ranges(&tokens[k])
		if bestN < 0 || n < bestN {
			best, bestN = k, n
		}
	}
	if bestN == 0 {
		return nil
	}
	lead := &tokens[best]
	words, full, codes, postal, _ := ix.ranges(lead)

	seen := make([]uint64, (len(ix.communes)+63)/64)
	top := make([]hit, 0, limit)
	consider := func(id int32) {
		if seen[id/64]&(1<<(id%64)) != 0 {
			return
		}
		seen[id/64] |= 1 << (id % 64)
		for k := range tokens {
			if k != best && !ix.matches(&tokens[k], id) {
				return
			}
		}
		h := hit{tier: ix.tier(tokens, id), pop: ix.communes[id].Population, id: id}
		if len(top) == limit && !h.better(top[len(top)-1]) {
			return
		}
		pos := sort.Search(len(top), func(j int) bool { return h.better(top[j]) })
		if len(top) < limit {
			top = append(top, hit{})
		}
		copy(top[pos+1:], top[pos:len(top)-1])
		top[pos] = h
	}
	s := &ix.search
	for _, sp := range []span{words, full} {
		for _, id := range s.postings[s.offsets[sp.lo]:s.offsets[sp.hi]] {
			consider(id)
		}
	}
	for i := codes.lo; i < codes.hi; i++ {
		consider(int32(i))
	}
	for i := postal.lo; i < postal.hi; i++ {
		consider(s.postal[i].id)
	}

	out := make([]Commune, len(top))
	for i, h := range top {
		out[i] = clone(ix.communes[h.id])
	}
	return out
}
