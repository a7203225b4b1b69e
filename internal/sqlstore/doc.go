// Package sqlstore is the one implementation of driver.Conn and driver.Tx
// shared by gomlmd's SQL backends (mlmd/sqlitestore, mlmd/mysqlstore).
//
// A backend supplies two things: a *sql.DB and a Dialect (the few places
// where the engines' SQL differs, error classification, migrations, and,
// optionally, a wrapper of the statements' way to the database, e.g. to
// rewrite ? placeholders, see DBWrapper).
//
// Fixed-shape queries come from sqlc (queries/*.sql), generated once, into
// gen/queries, for every engine: they use plain ? placeholders and SQL
// that every engine accepts. What sqlc cannot
// express is built here, always with bound parameters and never with user
// text in the SQL: multi-row INSERTs (split into chunks that respect the
// engines' parameter limits), multi-row UPDATEs, upserts, and the
// keyset-paginated listing of ListNodes with its optional filter (see
// compileFilter).
//
// # Errors
//
// Database errors become errcode errors as the driver contract says:
// unique key violations are AlreadyExists, values the schema cannot hold
// are InvalidArgument, an unreachable database is Unavailable, and
// transient conflicts (deadlocks, lock wait timeouts, a busy SQLite file,
// a unique key violated by a row committed after the transaction's
// snapshot, see conflict.go) make Conn.InTx roll back and run the
// transaction again, up to a limit, after which it returns Aborted. A
// connection that broke before the transaction committed also makes InTx
// run it again, on another connection, and then return Unavailable.
// Everything else is Internal.
//
// # Schema
//
// PrepareSchema creates, adopts, upgrades or refuses a database's schema
// with the goose migrations of package migrations and the engine's MLMD
// schema chain; DowngradeSchema takes a database down that chain and
// InspectSchema reports where it stands (upgrade.go).
package sqlstore
