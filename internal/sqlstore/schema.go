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

// SchemaOptions are the options of PrepareSchema.
type SchemaOptions struct {
	// SkipMigrations only checks the schema: it must be version 10.
	SkipMigrations bool
	// EnableUpgrade upgrades a database at an older MLMD schema version
	// (MLMD's MigrationOptions.enable_upgrade_migration).
	EnableUpgrade bool
	// Leave neither checks nor changes the schema: the database is opened
	// for InspectSchema and DowngradeSchema only.
	Leave bool
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
//   - a database at an older MLMD version (0, MLMD 0.13.2's tables without
//     MLMDEnv, to 9) is upgraded to 10 by the engine's MLMD chain when
//     o.EnableUpgrade is set (see DowngradeSchema for the chain), then
//     adopted as above; without it, it is refused with FailedPrecondition
//     naming both versions;
//   - a database newer than 10, one whose MLMDEnv does not hold exactly
//     one version, and one with some of MLMD's tables but neither MLMDEnv
//     nor all of version 0's tables are refused with FailedPrecondition.
//
// With o.SkipMigrations the schema is only checked: it must be version 10.
func PrepareSchema(ctx context.Context, db *sql.DB, d Dialect, o SchemaOptions) error {
	if o.Leave {
		return nil
	}
	unlock, err := d.LockSchema(ctx, db)
	if err != nil {
		return dbError(d, err, "lock the schema")
	}
	defer unlock()

	st, err := inspect(ctx, db, d)
	if err != nil {
		return err
	}
	switch {
	case st.Empty && o.SkipMigrations:
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database has no MLMD schema, and migrations are disabled; gomlmd needs schema version %d", SchemaVersion)
	case st.Empty:
	case st.Version > SchemaVersion:
		return newerError(st.Version)
	case st.Version < SchemaVersion && (o.SkipMigrations || !o.EnableUpgrade):
		how := "enable upgrade migration (mlmd.Options.EnableUpgradeMigration, the server's --enable_database_upgrade or migration_options, or \"mlmd migrate up\") to upgrade it"
		if o.SkipMigrations {
			how = "migrations are disabled, so it cannot be upgraded here"
		}
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database has MLMD schema version %d, older than version %d that gomlmd needs; %s",
			st.Version, SchemaVersion, how)
	case st.Version < SchemaVersion:
		if err := upgrade(ctx, db, d, st.Version); err != nil {
			return err
		}
	}
	if !st.Empty {
		if err := checkTables(ctx, db, d); err != nil {
			return err
		}
	}
	if o.SkipMigrations {
		return nil
	}
	p, err := newGooseProvider(db, d)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		var pe *goose.PartialError
		if errors.As(err, &pe) && pe.Err != nil {
			err = pe.Err
		}
		return dbError(d, err, "migrate the schema to version %d", SchemaVersion)
	}
	if st, err := inspect(ctx, db, d); err != nil {
		return err
	} else if st.Empty {
		return errcode.New(errcode.Internal, "sqlstore: the schema is still missing after migration")
	}
	return checkTables(ctx, db, d)
}

// checkTables checks that a database at version 10 has all of MLMD's
// tables.
func checkTables(ctx context.Context, db *sql.DB, d Dialect) error {
	st, err := inspect(ctx, db, d)
	if err != nil {
		return err
	}
	if st.Version != SchemaVersion {
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database has MLMD schema version %d after migration, want %d", st.Version, SchemaVersion)
	}
	names, err := d.TableNames(ctx, db)
	if err != nil {
		return dbError(d, err, "list tables")
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[strings.ToLower(n)] = true
	}
	var missing []string
	for _, t := range mlmdTables {
		if !have[strings.ToLower(t)] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: the database is at schema version %d but lacks tables %s", SchemaVersion, strings.Join(missing, ", "))
	}
	return nil
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
