package mlmd

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
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
// from their init function, so a program opens the backends it imports
// (e.g. _ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" for "sqlite").
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

// Options are the options of Open and of the backends' own constructors;
// nil means the zero value, the defaults.
type Options struct {
	// SkipMigrations makes Open leave the schema alone. By default Open
	// creates MLMD's schema (version 10) in an empty database and adopts an
	// existing version-10 database in place, and stores MLMD's system base
	// types (mlmd.Dataset, mlmd.Train, ...) if they are missing; with
	// SkipMigrations the database must already hold version 10, and Open
	// writes nothing.
	SkipMigrations bool
	// EnableUpgradeMigration makes Open upgrade a database at an older
	// MLMD schema version (0, MLMD 0.13.2's, to 9) to version 10, keeping
	// its rows, before it adopts it (MLMD's
	// MigrationOptions.enable_upgrade_migration). Without it Open refuses
	// such a database with FailedPrecondition naming both versions. See
	// Downgrade for the way back.
	EnableUpgradeMigration bool
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
	// OnRetry, if set, is told each time the backend rolls a transaction
	// back to run it again after a transient conflict (see MaxRetries) or
	// a broken connection, e.g. to count retries in metrics. It is called
	// from the goroutine of the call and must be quick and safe for
	// concurrent use.
	OnRetry func(Retry)
}

// Retry describes one rerun of a transaction, for Options.OnRetry.
type Retry struct {
	// Backend is the backend's driver name: "sqlite", "mysql" or
	// "postgres".
	Backend string
	// Reason is why the transaction is run again: "deadlock",
	// "serialization" (a serialization failure), "lock_timeout", "busy"
	// (SQLite's database locked by another writer), "conflict" (another
	// transaction committed a conflicting row meanwhile) or
	// "connection_lost"; a backend may add words of its own.
	Reason string
	// Attempt counts the reruns of this call: 1 for the first.
	Attempt int
}

// driverOnRetry adapts Options.OnRetry to the backend's hook.
func (o *Options) driverOnRetry() func(driver.Retry) {
	if o.OnRetry == nil {
		return nil
	}
	f := o.OnRetry
	return func(r driver.Retry) { f(Retry{Backend: r.Backend, Reason: r.Reason, Attempt: r.Attempt}) }
}

// Store is an ML Metadata store: the portable type over a backend. It is
// safe for concurrent use by many goroutines.
type Store struct {
	conn   driver.Conn
	now    func() time.Time
	closed atomic.Bool
	// walk, if not "", forces the lineage walk of GetLineageSubgraph:
	// "traced" or "hops" (see subgraphPlan.run), for tests.
	walk string
}

// Open opens the store that dsn names with the backend registered as
// driverName, e.g.
//
//	mlmd.Open(ctx, "sqlite", "file:mlmd.db", nil)   // a SQLite file
//	mlmd.Open(ctx, "sqlite", ":memory:", nil)       // in memory, like MLMD's fake_database
//
// and creates or adopts MLMD's schema (see Options.SkipMigrations); nil
// opts means the defaults. The backend must be registered, which its
// package does when imported (_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore").
// The backends also have typed constructors of their own (e.g.
// mysqlstore.Open, from the fields of MLMD's MySQLDatabaseConfig).
func Open(ctx context.Context, driverName, dsn string, opts *Options) (*Store, error) {
	driversMu.RLock()
	d, ok := drivers[driverName]
	driversMu.RUnlock()
	if !ok {
		return nil, errcode.New(errcode.InvalidArgument, "mlmd: unknown driver %q (available: %v)", driverName, Drivers())
	}
	s, err := OpenConnector(ctx, dsnConnector{d, dsn}, opts)
	if err != nil {
		return nil, errcode.Annotate(err, "mlmd: open %s store", driverName)
	}
	return s, nil
}

// dsnConnector is the driver.Connector of a registered driver and a DSN.
type dsnConnector struct {
	d   driver.Driver
	dsn string
}

func (c dsnConnector) Connect(ctx context.Context, opts *driver.OpenOptions) (driver.Conn, error) {
	return c.d.Open(ctx, c.dsn, opts)
}

// OpenConnector opens the store of a backend connection that c makes, as
// Open does (c gets the backend's part of opts). It is how a backend's
// typed constructor, which needs no DSN, returns a *Store.
func OpenConnector(ctx context.Context, c driver.Connector, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	conn, err := c.Connect(ctx, &driver.OpenOptions{
		SkipMigrations:         opts.SkipMigrations,
		EnableUpgradeMigration: opts.EnableUpgradeMigration,
		MaxRetries:             opts.MaxRetries,
		OnRetry:                opts.driverOnRetry(),
	})
	if err != nil {
		return nil, err
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

// Close closes the store's backend. Every later call, Close included,
// returns FailedPrecondition.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return errClosed
	}
	return s.conn.Close()
}

// nowMillis returns the store clock in milliseconds since the epoch.
func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

// As sets the value that target points to from the store's backend, for
// the few needs the portable API leaves to the backend, in the manner of
// gocloud.dev's As: with a **sql.DB, the SQL backends give their
// connection pool, meant for health checks and pool statistics
// (sql.DB.Stats); queries must go through the Store. It reports whether
// the backend could set target.
func (s *Store) As(target any) bool {
	a, ok := s.conn.(interface{ As(any) bool })
	return ok && a.As(target)
}
