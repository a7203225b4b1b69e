package mlmd

import (
	"context"
	"database/sql"
	"sort"
	"sync"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var (
	driversMu sync.RWMutex
	drivers   = map[string]driver.Driver{}
)

// Register makes a backend available under name to Open. It panics if d is
// nil, if name is empty, or if name is registered already. Backends call it
// from their init function; "sqlite" is registered by this package.
func Register(name string, d driver.Driver) {
	driversMu.Lock()
	defer driversMu.Unlock()
	if d == nil {
		panic("mlmd: Register driver is nil")
	}
	if name == "" {
		panic("mlmd: Register called with an empty name")
	}
	if _, dup := drivers[name]; dup {
		panic("mlmd: Register called twice for driver " + name)
	}
	drivers[name] = d
}

// Drivers returns the names of the registered backends, sorted.
func Drivers() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	names := make([]string, 0, len(drivers))
	for n := range drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Options are the options of OpenWith. The zero value is what Open uses.
type Options struct {
	// SkipMigrations makes Open leave the schema alone. By default Open
	// creates MLMD's schema (version 10) in an empty database and adopts an
	// existing version-10 database in place, and stores MLMD's system base
	// types (mlmd.Dataset, mlmd.Train, ...) if they are missing; with
	// SkipMigrations the database must already hold version 10, and Open
	// writes nothing.
	SkipMigrations bool
	// MaxRetries is how many times a call is retried after a transient
	// conflict (deadlock, lock timeout, busy database) before it fails with
	// Aborted; 0 means the backend's default. MLMD's
	// ConnectionConfig.retry_options.max_num_retries.
	MaxRetries int
	// Now, if set, replaces time.Now as the store's clock (for tests).
	Now func() time.Time
	// MaxResultRows bounds the nodes of one unpaged listing (GetArtifacts,
	// GetArtifactsByType, ... without ListOptions): a listing that would
	// return more fails with ResourceExhausted, asking for pages. 0 means
	// no limit.
	MaxResultRows int
}

// Store is an ML Metadata store: the portable type over a backend. It is
// safe for concurrent use by many goroutines.
type Store struct {
	conn driver.Conn
	now  func() time.Time
}

// Open opens the store that dsn names with the backend registered as
// driverName, e.g.
//
//	mlmd.Open(ctx, "sqlite", "file:mlmd.db")   // a SQLite file
//	mlmd.Open(ctx, "sqlite", ":memory:")       // in memory, like MLMD's fake_database
//
// and creates or adopts MLMD's schema (see Options.SkipMigrations).
func Open(ctx context.Context, driverName, dsn string) (*Store, error) {
	return OpenWith(ctx, driverName, dsn, nil)
}

// OpenWith is Open with options; nil opts means the defaults.
func OpenWith(ctx context.Context, driverName, dsn string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	driversMu.RLock()
	d, ok := drivers[driverName]
	driversMu.RUnlock()
	if !ok {
		return nil, errcode.New(errcode.InvalidArgument, "mlmd: unknown driver %q (available: %v)", driverName, Drivers())
	}
	conn, err := d.Open(ctx, dsn, &driver.OpenOptions{SkipMigrations: opts.SkipMigrations, MaxRetries: opts.MaxRetries})
	if err != nil {
		return nil, errcode.Annotate(err, "mlmd: open %s store", driverName)
	}
	s := NewStore(conn, opts)
	if !opts.SkipMigrations {
		// MLMD stores its system base types (mlmd.Dataset, ...) whenever it
		// initializes a store; so does Open.
		if err := s.initSimpleTypes(ctx); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return s, nil
}

// NewStore returns a Store over an open backend connection. It is meant for
// backends and tests; applications use Open. Unlike Open, it writes
// nothing: MLMD's system base types are then stored when a type first
// names one as its base type.
func NewStore(conn driver.Conn, opts *Options) *Store {
	s := &Store{conn: conn, now: time.Now}
	if opts != nil && opts.Now != nil {
		s.now = opts.Now
	}
	if opts != nil && opts.MaxResultRows > 0 {
		s.conn = rowLimitConn{conn, opts.MaxResultRows}
	}
	return s
}

// Close closes the store's backend.
func (s *Store) Close() error { return s.conn.Close() }

// nowMillis returns the store clock in milliseconds since the epoch.
func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

// DB returns the connection pool of the store's backend, or nil if the
// backend has none. It is meant for health checks and pool statistics
// (sql.DB.Stats); queries must go through the Store.
func (s *Store) DB() *sql.DB {
	if p, ok := s.conn.(interface{ DB() *sql.DB }); ok {
		return p.DB()
	}
	return nil
}
