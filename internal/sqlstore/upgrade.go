package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// The MLMD schema chain: moving a database between MLMD's schema versions.
//
// An engine's chain is the files mlmd/vNN.sql of its migrations (see
// migrations.MLMDChain), in goose's SQL format. The runner here, not goose,
// applies them, because goose's Provider runs each migration in a
// transaction of its own and records it in goose's table, while a chain must
// record each step in MLMDEnv, where MLMD looks, and on engines with
// transactional DDL (SQLite, PostgreSQL) run all its steps in one
// transaction, so that a failed upgrade leaves the database as it was. On
// MySQL, where DDL commits by itself, each step commits with its version,
// and a run cut short resumes at the step it was in.

// v0Tables are the tables of MLMD's schema version 0 (MLMD 0.13.2), which
// has no MLMDEnv table to say so.
var v0Tables = []string{
	"Type", "TypeProperty", "Artifact", "ArtifactProperty",
	"Execution", "ExecutionProperty", "Event", "EventPath",
}

// SchemaState is what InspectSchema finds in a database.
type SchemaState struct {
	// Empty is true when the database has none of MLMD's tables.
	Empty bool
	// Version is the MLMD schema version (0 for MLMD 0.13.2's tables
	// without MLMDEnv); meaningless when Empty.
	Version int64
	// Oldest is the oldest version the engine's chain upgrades from, and
	// the oldest it downgrades to; SchemaVersion when the engine has no
	// chain.
	Oldest int64
	// GoosePending says that gomlmd's own goose migrations (its indexes)
	// have not all been applied to a version-10 database.
	GoosePending bool
}

// InspectSchema reports the MLMD schema version of the database, without
// changing it. A database with some of MLMD's tables and no version to
// read (no MLMDEnv and not all of version 0's tables, or an MLMDEnv with
// no row or many) is FailedPrecondition.
func InspectSchema(ctx context.Context, db *sql.DB, d Dialect) (SchemaState, error) {
	st, err := inspect(ctx, db, d)
	if err != nil {
		return st, err
	}
	steps, err := loadChain(d)
	if err != nil {
		return st, err
	}
	st.Oldest = oldest(steps)
	if !st.Empty && st.Version == SchemaVersion {
		pending, err := goosePending(ctx, db, d)
		if err != nil {
			return st, err
		}
		st.GoosePending = pending
	}
	return st, nil
}

// inspect reads the schema version; see InspectSchema.
func inspect(ctx context.Context, db *sql.DB, d Dialect) (SchemaState, error) {
	names, err := d.TableNames(ctx, db)
	if err != nil {
		return SchemaState{}, dbError(d, err, "list tables")
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[strings.ToLower(n)] = true
	}
	var present []string
	for _, t := range mlmdTables {
		if have[strings.ToLower(t)] {
			present = append(present, t)
		}
	}
	if len(present) == 0 {
		return SchemaState{Empty: true}, nil
	}
	if !have["mlmdenv"] {
		// Version 0 is exactly its eight tables; anything else without
		// MLMDEnv is a schema made in part.
		var missing []string
		for _, t := range v0Tables {
			if !have[strings.ToLower(t)] {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 || len(present) != len(v0Tables) {
			why := "also tables of later versions than MLMD's version 0"
			if len(missing) > 0 {
				why = "it lacks table " + strings.Join(missing, ", ") + " of MLMD's version 0"
			}
			return SchemaState{}, errcode.New(errcode.FailedPrecondition,
				"sqlstore: the database has MLMD tables (%s) but no MLMDEnv table, and %s: it is a partly created schema; gomlmd needs version %d",
				strings.Join(present, ", "), why, SchemaVersion)
		}
		return SchemaState{Version: 0}, nil
	}
	versions, err := schemaVersions(ctx, db)
	if err != nil {
		return SchemaState{}, dbError(d, err, "read MLMDEnv")
	}
	switch {
	case len(versions) == 0:
		return SchemaState{}, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the MLMDEnv table holds no schema version (another process may be creating the schema; retry); gomlmd needs version %d", SchemaVersion)
	case len(versions) > 1:
		return SchemaState{}, errcode.New(errcode.FailedPrecondition,
			"sqlstore: the MLMDEnv table holds %d schema versions %v, want one; gomlmd needs version %d", len(versions), versions, SchemaVersion)
	}
	return SchemaState{Version: versions[0]}, nil
}

// goosePending reports whether goose has migrations left to apply. It
// asks goose only when goose's table exists, since goose would create it.
func goosePending(ctx context.Context, db *sql.DB, d Dialect) (bool, error) {
	names, err := d.TableNames(ctx, db)
	if err != nil {
		return false, dbError(d, err, "list tables")
	}
	if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, GooseTable) }) {
		return true, nil
	}
	p, err := newGooseProvider(db, d)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, dbError(d, err, "read the goose migrations")
	}
	return pending, nil
}

func newGooseProvider(db *sql.DB, d Dialect) (*goose.Provider, error) {
	p, err := goose.NewProvider(d.GooseDialect(), db, d.Migrations(),
		goose.WithTableName(GooseTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "sqlstore: load migrations")
	}
	return p, nil
}

// loadChain reads the engine's MLMD chain.
func loadChain(d Dialect) ([]migrations.Step, error) {
	steps, err := migrations.MLMDChain(d.MLMDMigrations())
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "sqlstore: load the %s MLMD schema chain", d.Name())
	}
	return steps, nil
}

// oldest is the oldest version a chain reaches.
func oldest(steps []migrations.Step) int64 {
	if len(steps) == 0 {
		return SchemaVersion
	}
	return int64(steps[0].Version - 1)
}

// chainStep is one step of a run: its statements, and the versions the
// database is at before and after them.
type chainStep struct {
	stmts    []string
	from, to int64
}

// upgrade runs the chain's Up sections from version from to SchemaVersion.
func upgrade(ctx context.Context, db *sql.DB, d Dialect, from int64) error {
	steps, err := loadChain(d)
	if err != nil {
		return err
	}
	if from < oldest(steps) {
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: MLMD schema version %d cannot be upgraded on %s: the oldest version gomlmd upgrades there is %d", from, d.Name(), oldest(steps))
	}
	var run []chainStep
	for _, s := range steps {
		if int64(s.Version) > from {
			run = append(run, chainStep{s.Up, int64(s.Version - 1), int64(s.Version)})
		}
	}
	if err := runChain(ctx, db, d, run, SchemaVersion); err != nil {
		return dbError(d, err, "upgrade the MLMD schema from version %d to %d", from, SchemaVersion)
	}
	return nil
}

// runChain runs the steps, writing MLMDEnv after each: in one transaction
// where DDL is transactional, else in one transaction per step. Each
// transaction first reads the version again and runs only the steps that
// start from it: another process may have migrated the database since it
// was inspected (SQLite has no lock to keep it out before the write lock
// that the transaction takes).
func runChain(ctx context.Context, db *sql.DB, d Dialect, run []chainStep, target int64) error {
	if d.TransactionalDDL() {
		return inTx(ctx, db, func(tx *sql.Tx) error {
			cur, err := versionInTx(ctx, tx)
			if err != nil {
				return err
			}
			for _, s := range run {
				if s.from != cur {
					continue
				}
				if err := applyStep(ctx, tx, s); err != nil {
					return err
				}
				cur = s.to
			}
			return checkReached(cur, target)
		})
	}
	var cur int64
	for _, s := range run {
		err := inTx(ctx, db, func(tx *sql.Tx) error {
			var err error
			if cur, err = versionInTx(ctx, tx); err != nil || cur != s.from {
				return err
			}
			cur = s.to
			return applyStep(ctx, tx, s)
		})
		if err != nil {
			return err
		}
	}
	return checkReached(cur, target)
}

// checkReached fails unless a run ended at the target version.
func checkReached(cur, target int64) error {
	if cur != target {
		return errcode.New(errcode.Aborted, "sqlstore: the schema is at version %d, not %d, after the run: another process changed it meanwhile; retry", cur, target)
	}
	return nil
}

// versionInTx reads MLMDEnv's version in tx: 0 when the table is missing
// (MLMD's version 0). The read is in a savepoint, so that the missing
// table's error does not end the transaction (PostgreSQL ends it on any
// error).
func versionInTx(ctx context.Context, tx *sql.Tx) (int64, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT gomlmd_version"); err != nil {
		return 0, fmt.Errorf("savepoint: %w", err)
	}
	var v int64
	err := tx.QueryRowContext(ctx, "SELECT schema_version FROM MLMDEnv").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errcode.New(errcode.Aborted, "sqlstore: MLMDEnv holds no version: another process is changing the schema; retry")
	}
	if err != nil {
		// No MLMDEnv table: version 0. Any other failure shows again in
		// the next statement.
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT gomlmd_version"); rerr != nil {
			return 0, errors.Join(err, rerr)
		}
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT gomlmd_version"); err != nil {
		return 0, fmt.Errorf("release savepoint: %w", err)
	}
	return v, nil
}

// applyStep runs a step's statements and records its version (version 0
// has no MLMDEnv to record it in).
func applyStep(ctx context.Context, tx *sql.Tx, s chainStep) error {
	for _, q := range s.stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("step to version %d: %w; statement:\n%s", s.to, err, q)
		}
	}
	if s.to == 0 {
		return nil
	}
	for _, q := range []string{
		"DELETE FROM MLMDEnv",
		fmt.Sprintf("INSERT INTO MLMDEnv (schema_version) VALUES (%d)", s.to),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("record version %d: %w", s.to, err)
		}
	}
	return nil
}

func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// DowngradeSchema takes the database's MLMD schema down to version to,
// as MLMD's DowngradeMetadataSource does, running the Down sections of
// the engine's chain from the database's version down to to+1. A database
// already at to is left alone. Downgrading from version 10 first undoes
// gomlmd's own goose migrations after the first (its indexes) and drops
// goose's table, so that the result is MLMD's own schema; opening it with
// upgrades enabled brings both back.
//
// InvalidArgument if to is not a version the chain reaches (0..9 where
// the engine knew version 0); FailedPrecondition if the database has no
// MLMD schema, is at a version older than to, or newer than 10.
func DowngradeSchema(ctx context.Context, db *sql.DB, d Dialect, to int64) error {
	steps, err := loadChain(d)
	if err != nil {
		return err
	}
	if to < oldest(steps) || to >= SchemaVersion {
		if len(steps) == 0 {
			return errcode.New(errcode.InvalidArgument, "sqlstore: cannot downgrade to schema version %d: gomlmd has no MLMD schema chain for %s", to, d.Name())
		}
		return errcode.New(errcode.InvalidArgument,
			"sqlstore: cannot downgrade to schema version %d: %s schemas go down to versions %d to %d", to, d.Name(), oldest(steps), SchemaVersion-1)
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
	case st.Empty:
		return errcode.New(errcode.FailedPrecondition, "sqlstore: the database has no MLMD schema to downgrade")
	case st.Version > SchemaVersion:
		return newerError(st.Version)
	case st.Version < to:
		return errcode.New(errcode.FailedPrecondition,
			"sqlstore: cannot downgrade the database to schema version %d: it is at version %d, older", to, st.Version)
	case st.Version == to:
		return nil
	}
	var run []chainStep
	if st.Version == SchemaVersion {
		extras, err := gomlmdExtrasDown(d)
		if err != nil {
			return err
		}
		run = append(run, chainStep{extras, SchemaVersion, SchemaVersion})
	}
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if int64(s.Version) <= st.Version && int64(s.Version) > to {
			run = append(run, chainStep{s.Down, int64(s.Version), int64(s.Version - 1)})
		}
	}
	if err := runChain(ctx, db, d, run, to); err != nil {
		return dbError(d, err, "downgrade the MLMD schema from version %d to %d", st.Version, to)
	}
	return nil
}

// gomlmdExtrasDown returns the statements that undo gomlmd's goose
// migrations after the first (the first is MLMD's version 10 itself) and
// drop goose's table.
func gomlmdExtrasDown(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(d.Migrations(), ".")
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "sqlstore: list migrations")
	}
	var stmts []string
	for _, e := range slices.Backward(entries) {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := goose.NumericComponent(e.Name())
		if err != nil || v <= 1 {
			continue
		}
		b, err := fs.ReadFile(d.Migrations(), e.Name())
		if err != nil {
			return nil, errcode.Wrap(errcode.Internal, err, "sqlstore: read migration %s", e.Name())
		}
		_, down, err := migrations.ParseSQL(b)
		if err != nil {
			return nil, errcode.Wrap(errcode.Internal, err, "sqlstore: parse migration %s", e.Name())
		}
		stmts = append(stmts, down...)
	}
	return append(stmts, "DROP TABLE IF EXISTS "+GooseTable), nil
}

// newerError is the answer for a database newer than gomlmd knows.
func newerError(v int64) error {
	return errcode.New(errcode.FailedPrecondition,
		"sqlstore: the database has MLMD schema version %d, newer than version %d that gomlmd knows; use a newer gomlmd, or downgrade the database with the MLMD release that made it",
		v, SchemaVersion)
}

var _ driver.SchemaMigrator = (*Conn)(nil)

// InspectSchema reports the schema version of the Conn's database, see
// driver.SchemaMigrator.
func (c *Conn) InspectSchema(ctx context.Context) (driver.SchemaState, error) {
	st, err := InspectSchema(ctx, c.db, c.dialect)
	if err != nil {
		return driver.SchemaState{}, err
	}
	return driver.SchemaState{Empty: st.Empty, Version: st.Version, Oldest: st.Oldest, ExtrasPending: st.GoosePending}, nil
}

// DowngradeSchema downgrades the Conn's database, see DowngradeSchema.
func (c *Conn) DowngradeSchema(ctx context.Context, toVersion int64) error {
	return DowngradeSchema(ctx, c.db, c.dialect, toVersion)
}

// SchemaOptionsOf are the schema options that a backend's open options
// ask for.
func SchemaOptionsOf(opts *driver.OpenOptions) SchemaOptions {
	return SchemaOptions{
		SkipMigrations: opts.SkipMigrations,
		EnableUpgrade:  opts.EnableUpgradeMigration,
		Leave:          opts.SchemaTool,
	}
}
