package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/gomlmd/gomlmd/internal/placeholder"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/postgresstore" // registers "postgres"
)

// defaultPostgresDSN is the server the PostgreSQL benchmarks use without
// -dsn or MLMD_BENCH_DSN: the local PostgreSQL of CI.
const defaultPostgresDSN = "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"

func init() {
	next := openOther
	openOther = func(ctx context.Context, driverName, dsn string) (opened, error) {
		if driverName != "postgres" {
			return next(ctx, driverName, dsn)
		}
		return openPostgres(ctx, dsn)
	}
}

// openPostgres opens the store on a fresh database of the server of dsn
// (whose own database is only used to drop the fresh one), and a plain
// pgx pool on it for the raw-SQL baseline. The baseline's SQL is written
// for MySQL and SQLite; its pool drops the backquotes and numbers the ?
// placeholders, as the store's connections number theirs.
func openPostgres(ctx context.Context, dsn string) (opened, error) {
	if dsn == "" {
		dsn = defaultPostgresDSN
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return opened{}, err
	}
	server := stdlib.OpenDB(*cfg)
	name := "mlmd_bench_" + randomSuffix()
	drop := func() {
		if _, err := server.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Printf("drop database %s: %v\n", name, err)
		}
		server.Close()
	}
	dbCfg := cfg.Copy()
	dbCfg.Database = name
	// The store's session settings, for the baseline too.
	dbCfg.RuntimeParams["default_transaction_isolation"] = "repeatable read"
	store, err := mlmd.Open(ctx, "postgres", pgDSN(dsn, name), nil) // creates the database
	if err != nil {
		drop()
		return opened{}, err
	}
	noBackquotes := func(q string) string { return strings.ReplaceAll(q, "`", "") }
	raw := sql.OpenDB(placeholder.Connector(stdlib.GetConnector(*dbCfg), noBackquotes))
	raw.SetMaxIdleConns(16)
	return opened{store: store, raw: raw, cleanup: drop}, nil
}

// pgDSN is dsn naming database name instead.
func pgDSN(dsn, name string) string {
	if strings.Contains(dsn, "://") {
		base, query, _ := strings.Cut(dsn, "?")
		if i := strings.LastIndex(base, "/"); i > len("postgres://") {
			base = base[:i]
		}
		return base + "/" + name + "?" + query
	}
	return dsn + " dbname=" + name
}

// supported reports whether the pair runs on the driver: the lineage
// fixture and its hand-written CTEs (several recursive references, which
// PostgreSQL refuses) are not written for PostgreSQL yet.
func supported(driverName, pair string) bool {
	return driverName != "postgres" || !strings.HasPrefix(pair, "Lineage/")
}
