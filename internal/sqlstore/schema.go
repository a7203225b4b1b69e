package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// SchemaVersion is the MLMD schema version gomlmd reads and writes.
const SchemaVersion = migrations.SchemaVersion

// GooseTable is the table in which goose records the applied migrations.
// MLMD ignores tables it does not know.
const GooseTable = "gomlmd_goose_version"

// mlmdTables are the tables of MLMD's schema version 10.
var mlmdTables = []string{
	"Type", "TypeProperty", "ParentType",
	"Artifact", "ArtifactProperty", "Execution", "ExecutionProperty",
	"Event", "EventPath", "MLMDEnv",
	"Context", "ContextProperty", "ParentContext", "Association", "Attribution",
}

// PrepareSchema makes the database behind db ready for gomlmd, or says why
// it cannot be:
//
//   - a database without MLMD's tables gets schema version 10 (goose
//     migration 1) and gomlmd's indexes on the link tables (migration 2);
//   - a database at version 10, made by MLMD or by gomlmd, is adopted in
//     place: goose records migration 1, whose statements change nothing,
//     and migration 2 adds gomlmd's two indexes if they are missing; no
//     row is rewritten;
//   - a database at another version, one whose MLMDEnv does not hold
//     exactly one version, and one with some of MLMD's tables but no
//     MLMDEnv (MLMD 0.13.2, or a half-made schema) are refused with
//     FailedPrecondition.
//
// With skipMigrations the schema is only checked: it must be version 10.
func PrepareSchema(ctx context.Context, db *sql.DB, d Dialect, skipMigrations bool) error {
	unlock, err := d.LockSchema(ctx, db)
	if err != nil {
		return dbError(d, err, "lock the schema")
	}
	defer unlock()

	empty, err := checkSchema(ctx, db, d)
	if err != nil {
		return err
	}
	if skipMigrations {
		if empty {
			return errcode.New(errcode.FailedPrecondition,
				"sqlstore: the database has no MLMD schema, and migrations are disabled; gomlmd needs schema version %d", SchemaVersion)
		}
		return nil
	}
	p, err := goose.NewProvider(d.GooseDialect(), db, d.Migrations(),
		goose.WithTableName(GooseTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return errcode.Wrap(errcode.Internal, err, "sqlstore: load migrations")
	}
	if _, err := p.Up(ctx); err != nil {
		var pe *goose.PartialError
		if errors.As(err, &pe) && pe.Err != nil {
			err = pe.Err
		}
		return dbError(d, err, "migrate the schema to version %d", SchemaVersion)
	}
	if empty, err := checkSchema(ctx, db, d); err != nil {
		return err
	} else if empty {
		return errcode.New(errcode.Internal, "sqlstore: the schema is still missing after migration")
	}
	return nil
}

// checkSchema inspects the database: it reports whether MLMD's schema is
// entirely absent, returns nil if it is there at version 10, and
// FailedPrecondition for anything else.
func checkSchema(ctx context.Context, db *sql.DB, d Dialect) (empty bool, err error) {
	names, err := d.TableNames(ctx, db)
	if err != nil {
		return false, dbError(d, err, "list tables")
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[strings.ToLower(n)] = true
	}
	var present, missing []string
	for _, t := range mlmdTables {
		if have[strings.ToLower(t)] {
			present = append(present, t)
		} else {
			missing = append(missing, t)
		}
	}
	if len(present) == 0 {
		return true, nil
	}
	if !have["mlmdenv"] {
		return false, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database has MLMD tables (%s) but no MLMDEnv table: it is an MLMD schema older than version 1 or a partly created one; gomlmd needs version %d",
			strings.Join(present, ", "), SchemaVersion)
	}
	versions, err := schemaVersions(ctx, db)
	if err != nil {
		return false, dbError(d, err, "read MLMDEnv")
	}
	switch {
	case len(versions) == 0:
		return false, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the MLMDEnv table holds no schema version (another process may be creating the schema; retry); gomlmd needs version %d", SchemaVersion)
	case len(versions) > 1:
		return false, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the MLMDEnv table holds %d schema versions %v, want one; gomlmd needs version %d", len(versions), versions, SchemaVersion)
	case versions[0] != SchemaVersion:
		return false, errcode.New(errcode.FailedPrecondition,
			"sqlstore: database schema version %d is not supported; gomlmd needs version %d; migrate the database with MLMD (MetadataStore with enable_upgrade_migration, or downgrade_schema) first",
			versions[0], SchemaVersion)
	}
	if len(missing) > 0 {
		return false, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database is at schema version %d but lacks tables %s", SchemaVersion, strings.Join(missing, ", "))
	}
	return false, nil
}

func schemaVersions(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, "SELECT schema_version FROM MLMDEnv")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan schema_version: %w", err)
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// QueryNames runs query, which selects one text column, and returns its
// values: the usual body of a Dialect's TableNames.
func QueryNames(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
