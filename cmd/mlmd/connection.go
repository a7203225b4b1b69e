package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
	"github.com/gomlmd/gomlmd/server/serverconfig"
)

// connection is the database the command line names.
type connection struct {
	sqlite string
	config func() (*serverconfig.Config, error)
}

// target is a resolved connection.
type target struct {
	backend *serverconfig.Backend
	// sqlitePath is the database file of a SQLite store.
	sqlitePath string
}

// resolve checks the connection flags.
func (c *connection) resolve() (*target, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, usageError{err}
	}
	if c.sqlite != "" {
		if cfg.Server.GetConnectionConfig().GetFakeDatabase() == nil {
			return nil, usagef("--sqlite and a config file or --mysql_config_*/--postgres_config_* flags name two databases: give one")
		}
		dsn, _, err := serverconfig.SQLiteDSN(&pb.SqliteMetadataSourceConfig{FilenameUri: &c.sqlite})
		if err != nil {
			return nil, usageError{err}
		}
		return &target{backend: &serverconfig.Backend{Driver: "sqlite", DSN: dsn, Description: "SQLite " + c.sqlite},
			sqlitePath: c.sqlite}, nil
	}
	if cfg.Server.GetConnectionConfig().GetFakeDatabase() != nil {
		return nil, usagef("no database named: give --sqlite FILE, --metadata_store_server_config_file, the --mysql_config_* flags or --metadata_source_config_type=postgresql and the --postgres_config_* flags")
	}
	b, err := cfg.Backend()
	if err != nil {
		return nil, usageError{err}
	}
	t := &target{backend: b}
	if s := cfg.Server.GetConnectionConfig().GetSqlite(); s != nil {
		t.sqlitePath = strings.TrimPrefix(strings.SplitN(s.GetFilenameUri(), "?", 2)[0], "file:")
	}
	return t, nil
}

// openMode says whether opening may create or change the schema.
type openMode int

const (
	// existing opens a database that must already hold MLMD's schema, and
	// writes nothing on open.
	existing openMode = iota
	// create creates MLMD's schema in an empty database.
	create
	// upgrade creates MLMD's schema in an empty database and upgrades an
	// older MLMD schema to version 10.
	upgrade
)

// open opens the store.
func (t *target) open(ctx context.Context, mode openMode) (*mlmd.Store, error) {
	opts := t.backend.Options
	switch mode {
	case existing:
		opts.SkipMigrations = true
		if err := t.checkExists(); err != nil {
			return nil, err
		}
	case upgrade:
		opts.EnableUpgradeMigration = true
	}
	s, err := t.backend.OpenWith(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", t.backend.Description, err)
	}
	return s, nil
}

// checkExists fails for a SQLite file that does not exist, which opening
// would create.
func (t *target) checkExists() error {
	if t.sqlitePath == "" {
		return nil
	}
	if _, err := os.Stat(t.sqlitePath); err != nil {
		return fmt.Errorf("%s: %w", t.backend.Description, err)
	}
	return nil
}

// openStore resolves the connection and opens the store.
func (a *app) openStore(ctx context.Context, mode openMode) (*mlmd.Store, *target, error) {
	t, err := a.conn.resolve()
	if err != nil {
		return nil, nil, err
	}
	s, err := t.open(ctx, mode)
	return s, t, err
}

// rawDB opens the MySQL or PostgreSQL database itself, for what the
// store's API does not tell: the size.
func (t *target) rawDB(ctx context.Context) (*sql.DB, error) {
	switch {
	case t.backend.Postgres != nil:
		return postgresstore.OpenDB(ctx, *t.backend.Postgres)
	case t.backend.MySQL != nil:
		dsn, err := t.backend.MySQL.FormatDSN()
		if err != nil {
			return nil, err
		}
		return sql.Open("mysql", dsn)
	}
	return nil, fmt.Errorf("%s: reading the size directly is supported for MySQL and PostgreSQL only", t.backend.Description)
}
