package postgresstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// Driver is the PostgreSQL driver.Driver. The zero value is ready to
// use; importing the package registers it as "postgres".
type Driver struct{}

func init() { mlmd.Register("postgres", Driver{}) }

// Open connects to the database that dsn names (see the package
// documentation), creating it if needed, and prepares its schema, see
// driver.Driver.
func (Driver) Open(ctx context.Context, dsn string, opts *driver.OpenOptions) (driver.Conn, error) {
	return sqlstore.OpenDSN(ctx, dsn, opts, parseDSN, open)
}

// open opens the pool of cfg, prepares the schema and returns the Conn.
func open(ctx context.Context, cfg *pgx.ConnConfig, o options, opts *driver.OpenOptions) (driver.Conn, error) {
	opts = sqlstore.OrZero(opts)
	db, err := prepare(ctx, cfg, o, sqlstore.SchemaOptionsOf(opts))
	if err != nil {
		return nil, err
	}
	return sqlstore.New(sqlstore.Config{
		DB:         db,
		Dialect:    dialect{},
		MaxRetries: opts.MaxRetries,
		OnRetry:    opts.OnRetry,
	}), nil
}
