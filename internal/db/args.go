package db

import (
	"strconv"
	"strings"
)

// Args numbers query parameters ($1, $2…: both dialects accept them) so that
// conditions from several places, the access policy's among them, compose.
type Args struct {
	values []any
}

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	a.values = append(a.values, v)
	return "$" + strconv.Itoa(len(a.values))
}

// List appends each value and returns "$i, $j, …" for an IN list. An empty
// list gives NULL, so that "x IN (NULL)" matches nothing.
func List[T any](a *Args, vs []T) string {
	if len(vs) == 0 {
		return "NULL"
	}
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = a.Add(v)
	}
	return strings.Join(ph, ", ")
}

// Values returns the arguments in placeholder order.
func (a *Args) Values() []any { return a.values }

// Like escapes s for a LIKE pattern using '\' as the escape character
// (write "ESCAPE '\'" in the query) and wraps it in %…%.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
