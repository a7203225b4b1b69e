// Package mlmd is ML Metadata (MLMD) in Go: the store that records ML
// pipelines - the artifacts they read and write, the executions that ran,
// the contexts that group them - and answers questions about them.
//
// The data model and the semantics are Google's MLMD (github.com/google/
// ml-metadata): the same types, nodes and edges, the same validation, the
// same error codes, and MLMD's schema version 10 on disk, so databases move
// freely between MLMD and gomlmd. A database of an older MLMD release is
// upgraded when opened with Options.EnableUpgradeMigration; Downgrade takes
// one back to an older version, and InspectSchema tells where it stands.
//
// A Store is opened with a registered backend, database/sql style: a
// backend registers itself when imported, and this package depends on
// none of them.
//
//	import _ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // embedded SQLite, pure Go
//
//	store, err := mlmd.Open(ctx, "sqlite", "file:mlmd.db", nil)
//
// The MySQL/MariaDB backend is _ "github.com/gomlmd/gomlmd/mlmd/mysqlstore".
//
// # Transactions
//
// Every Store method is one database transaction: a call that fails
// leaves the store exactly as it was, and the compound writes
// (PutExecution, PutLineageSubgraph, PutTypes) are all or nothing. Writes
// are set-based: a call over many nodes costs a fixed number of
// statements, not one per node.
//
// # Errors
//
// Errors carry MLMD's codes (CodeOf, or errors.Is with ErrNotFound and
// the other sentinels): InvalidArgument for bad input, NotFound,
// AlreadyExists for a taken name or external id or an incompatible type,
// FailedPrecondition, OutOfRange, Aborted for a conflict worth retrying,
// Unimplemented for what MLMD does not support either. Errors of the
// context package are returned as they are.
//
// # Concurrency
//
// A Store is safe for concurrent use by many goroutines.
package mlmd
