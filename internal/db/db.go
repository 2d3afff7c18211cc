// Package db opens Passerelle's database, SQLite (embedded default) or
// PostgreSQL, applies the embedded migrations and runs transactions. The few
// differences between the two dialects live here and nowhere else.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultURL is where Passerelle keeps its data when nothing is configured.
const DefaultURL = "sqlite:passerelle-data/passerelle.db"

// DB is an open database. On SQLite, writes go through one connection (SQLite
// allows one writer) and reads through a pool; on PostgreSQL both are one pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// Clock gives the time of each transaction; tests replace it.
	Clock func() time.Time
	// Description says where the data lives, without secrets.
	Description string
	path        string   // SQLite file, for the migration lock
	stmts       sync.Map // query → *sql.Stmt on the reader pool (QueryRow, Query)
}

// Open connects to the database named by rawURL: a postgres:// or
// postgresql:// URL, a sqlite: URL, or a plain file path for SQLite.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	if strings.TrimSpace(rawURL) == "" {
		rawURL = DefaultURL
	}
	var d *DB
	var err error
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		d, err = openPostgres(rawURL)
	default:
		d, err = openSQLite(rawURL)
	}
	if err != nil {
		return nil, err
	}
	d.Clock = time.Now
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("database %s unreachable: %w", d.Description, err)
	}
	return d, nil
}

// sqlitePath extracts the file path from "sqlite:PATH", "sqlite://PATH",
// "file:PATH" or a bare path.
func sqlitePath(rawURL string) string {
	p := rawURL
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		if strings.HasPrefix(p, prefix) {
			p = strings.TrimPrefix(p, prefix)
			break
		}
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

func openSQLite(rawURL string) (*DB, error) {
	path := sqlitePath(rawURL)
	if path == "" {
		return nil, errors.New("SQLite database path is empty")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	file := "file:" + (&url.URL{Path: path}).EscapedPath()
	if err := enableWAL(path, file); err != nil {
		return nil, err
	}
	// synchronous(FULL): a commit is on disk before it is acknowledged, so a
	// crash or power loss never loses an acknowledged write.
	common := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_pragma=cache_size(-32768)&_pragma=mmap_size(268435456)&_time_format=sqlite"
	dsn := file + "?" + common
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, write: write, read: read, Description: "SQLite " + path, path: path}, nil
}

// enableWAL switches the file to WAL once, under the file lock: WAL is
// stored in the file, and switching it from several connections at once
// fails with SQLITE_BUSY without waiting for the busy timeout.
func enableWAL(path, file string) error {
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer unlock()
	c, err := sql.Open("sqlite", file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer c.Close()
	var mode string
	if err := c.QueryRow(`PRAGMA journal_mode=WAL`).Scan(&mode); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	if mode != "wal" {
		return fmt.Errorf("database %s: cannot use WAL (journal mode %q)", path, mode)
	}
	return nil
}

func openPostgres(rawURL string) (*DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL URL: %v", redactURLError(err))
	}
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	pool.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Dialect: Postgres, write: pool, read: pool,
		Description: "PostgreSQL " + u.Host + u.Path}, nil
}

// redactURLError drops the URL (and so any password) from a parse error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Close closes the pools.
func (d *DB) Close() error {
	d.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	if d.read != d.write {
		return d.read.PingContext(ctx)
	}
	return nil
}

// Stats reports the pool statistics of the writer and of the reader pool.
func (d *DB) Stats() (write, read sql.DBStats) { return d.write.Stats(), d.read.Stats() }

// Tx is a transaction with the time fixed at its start, in UTC to the
// microsecond (PostgreSQL's precision), so that every row it writes agrees.
type Tx struct {
	*sql.Tx
	Now     time.Time
	Dialect Dialect
}

// Write runs fn in a read-write transaction, committed when fn returns nil.
func (d *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.write, false, fn)
}

// Read runs fn in a read-only transaction.
func (d *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.read, true, fn)
}

func (d *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if d.Dialect == Postgres {
		opts.ReadOnly = readOnly
	}
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: sqlTx, Now: Now(d.Clock), Dialect: d.Dialect}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if cerr := sqlTx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", cerr)
		}
	}()
	return fn(tx)
}

// QueryRow runs one read-only statement on the reader pool, outside any
// transaction, and scans its first row into dest (sql.ErrNoRows when there
// is none). It is for the hot reads of every request that are one
// statement, and so need no transaction to be consistent: the caller's
// account, the directory's generation. Outside a transaction it is one
// round trip on PostgreSQL where Read costs three, and the statement is
// prepared once: SQLite spends more parsing such a query than running it.
// The query must be a constant: each one stays prepared.
func (d *DB) QueryRow(ctx context.Context, query string, args []any, dest ...any) error {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

// Query is QueryRow for several rows.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := d.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Now reads clock and normalises the time as every stored time is: UTC, microseconds.
func Now(clock func() time.Time) time.Time {
	if clock == nil {
		clock = time.Now
	}
	return clock().UTC().Truncate(time.Microsecond)
}

// NewID returns a new time-ordered identifier (UUIDv7, as text).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s has the shape of an identifier, so that a
// malformed id in a URL is a plain "not found" without a query.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// SQL gives direct access to the writer pool for tools (migrations, bench).
func (d *DB) SQL() *sql.DB { return d.write }

// Optimize keeps the query planner's statistics fresh. SQLite gathers
// none by itself: its planner then guesses, and guesses wrong once a table
// holds a year of figures. PostgreSQL's autovacuum does it already.
func (d *DB) Optimize(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	_, err := d.write.ExecContext(ctx, `PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002`)
	return err
}
