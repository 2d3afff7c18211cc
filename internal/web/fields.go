package web

import (
	"net/url"
	"strconv"
	"strings"
)

// field describes one form input for the "input" template.
type field struct {
	Name, Label, Type, Value, Error, Hint string
	Autocomplete, List, Inputmode         string
	Required                              bool
	Extra                                 []string
}

// input builds a field from the form and options such as "required",
// "autocomplete=email", "hint=…", "list=communes", "inputmode=numeric".
func input(f Form, name, label, typ string, opts ...string) field {
	fd := field{Name: name, Label: label, Type: typ, Value: f.Values.Get(name), Error: f.Errors[name]}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			fd.Required = true
		case "autocomplete":
			fd.Autocomplete = v
		case "hint":
			fd.Hint = v
		case "list":
			fd.List = v
		case "inputmode":
			fd.Inputmode = v
		case "value":
			if fd.Value == "" {
				fd.Value = v
			}
		}
	}
	return fd
}

// pager computes the paging links of a list, keeping the other filters.
type pager struct {
	Total, From, To int
	Prev, Next      string
}

const pageSize = 50

// offsetOf reads the page number ("page", from 1) of a query.
func offsetOf(q url.Values) int {
	p, err := strconv.Atoi(q.Get("page"))
	if err != nil || p < 1 || p > 100000 {
		p = 1
	}
	return (p - 1) * pageSize
}

func newPager(q url.Values, offset, shown, total int) pager {
	return newPagerSize(q, offset, shown, total, pageSize)
}

// newPagerSize is newPager for lists whose pages are size long.
func newPagerSize(q url.Values, offset, shown, total, size int) pager {
	p := pager{Total: total, From: offset + 1, To: offset + shown}
	if shown == 0 {
		p.From = 0
	}
	page := offset/size + 1
	if offset > 0 {
		p.Prev = pageQuery(q, "page", strconv.Itoa(page-1))
	}
	if offset+shown < total {
		p.Next = pageQuery(q, "page", strconv.Itoa(page+1))
	}
	return p
}
