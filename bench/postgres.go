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
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore" // registers "postgres"
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

// openPostgresLineage opens the driver on a fresh database for the lineage
// fixture, and a raw pool on it, as openPostgres does.
func openPostgresLineage(ctx context.Context, dsn string) (driver.Conn, *sql.DB, string, error) {
	if dsn == "" {
		dsn = defaultPostgresDSN
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, "", err
	}
	name := "mlmd_bench_lineage_" + randomSuffix()
	conn, err := (postgresstore.Driver{}).Open(ctx, pgDSN(dsn, name), &driver.OpenOptions{})
	if err != nil {
		return nil, nil, "", err
	}
	dbCfg := cfg.Copy()
	dbCfg.Database = name
	dbCfg.RuntimeParams["default_transaction_isolation"] = "repeatable read"
	noBackquotes := func(q string) string { return strings.ReplaceAll(q, "`", "") }
	return conn, sql.OpenDB(placeholder.Connector(stdlib.GetConnector(*dbCfg), noBackquotes)), name, nil
}

// dropPostgresLineage returns a closer that drops the lineage database.
func dropPostgresLineage(dsn, name string) func() {
	return func() {
		if dsn == "" {
			dsn = defaultPostgresDSN
		}
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return
		}
		server := stdlib.OpenDB(*cfg)
		defer server.Close()
		if _, err := server.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			fmt.Printf("drop the lineage database: %v\n", err)
		}
	}
}

// The lineage CTEs for PostgreSQL: the same walks, with the two steps in
// one recursive SELECT (a LATERAL union), as the backend writes its own.
func init() {
	upstreamQuery.pgCTE = func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE up(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ?
  UNION SELECT x.k, x.id, up.d + 1 FROM up CROSS JOIN LATERAL (
    SELECT 0 AS k, ev.execution_id AS id FROM Event AS ev WHERE up.k = 1 AND ev.artifact_id = up.id AND ev.type IN ` + cteOutputs + `
    UNION ALL SELECT 1, ev.artifact_id FROM Event AS ev WHERE up.k = 0 AND ev.execution_id = up.id AND ev.type IN ` + cteInputs + `) AS x
  WHERE up.d < 20)
SELECT DISTINCT k, id FROM up`, []any{le.model}
	}
	tfxQuery.pgCTE = func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE w(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ? AND state = 2
  UNION SELECT x.k, x.id, w.d + 1 FROM w CROSS JOIN LATERAL (
    SELECT 0 AS k, ev.execution_id AS id FROM Event AS ev WHERE w.k = 1 AND ev.artifact_id = w.id AND NOT EXISTS (
      SELECT 1 FROM Event AS r WHERE r.execution_id = ev.execution_id AND r.artifact_id = ? AND r.type = 3)
    UNION ALL SELECT 1, ev.artifact_id FROM Event AS ev WHERE w.k = 0 AND ev.execution_id = w.id) AS x
  WHERE w.d < 2)
SELECT DISTINCT k, id FROM w`, []any{le.model, le.model}
	}
	fanoutQuery.pgCTE = func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE w(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ?
  UNION SELECT x.k, x.id, w.d + 1 FROM w CROSS JOIN LATERAL (
    SELECT 0 AS k, ev.execution_id AS id FROM Event AS ev WHERE w.k = 1 AND ev.artifact_id = w.id
    UNION ALL SELECT 1, ev.artifact_id FROM Event AS ev WHERE w.k = 0 AND ev.execution_id = w.id) AS x
  WHERE w.d < 2)
SELECT DISTINCT k, id FROM w`, []any{le.shared}
	}
}
