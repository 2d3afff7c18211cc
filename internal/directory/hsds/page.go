package hsds

// Page is the envelope of every list of the HSDS API (the Page schema of
// schema/openapi.json plus its contents). Pages are numbered from 1; Size is
// the number of items on this page, as the 3.0 specification defines it,
// not the requested page size.
type Page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

// NewPage wraps items, the page-th page (from 1) of perPage items out of
// total. A page below 1 is taken as 1, a perPage below 1 as 1 and a negative
// total as 0. There are no pages when total is 0; a page past the last one
// is empty and counts as last.
func NewPage[T any](items []T, total, page, perPage int) Page[T] {
	page, perPage, total = max(page, 1), max(perPage, 1), max(total, 0)
	if items == nil {
		items = []T{} // "contents": [], never null
	}
	pages := (total + perPage - 1) / perPage
	return Page[T]{
		TotalItems: total,
		TotalPages: pages,
		PageNumber: page,
		Size:       len(items),
		FirstPage:  page == 1,
		LastPage:   page >= pages,
		Empty:      len(items) == 0,
		Contents:   items,
	}
}

// ServicePage is the response of GET /services: the services reduced to
// their basic form, as the specification's list schema has them. Use NewPage
// with full services to answer a request with full=true.
func ServicePage(items []Service, total, page, perPage int) Page[Service] {
	basic := make([]Service, len(items))
	for i, s := range items {
		basic[i] = s.Basic()
	}
	return NewPage(basic, total, page, perPage)
}

// OrganizationPage is the response of GET /organizations, the organizations
// reduced to their basic form.
func OrganizationPage(items []Organization, total, page, perPage int) Page[Organization] {
	basic := make([]Organization, len(items))
	for i, o := range items {
		basic[i] = o.Basic()
	}
	return NewPage(basic, total, page, perPage)
}
