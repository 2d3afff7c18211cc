package db

// SkipLocked is appended to a SELECT that claims rows: on PostgreSQL other
// servers skip the rows one has locked; SQLite has a single writer anyway.
func (d Dialect) SkipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
