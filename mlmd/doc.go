// Package mlmd is ML Metadata (MLMD) in Go: the store that records ML
// pipelines - the artifacts they read and write, the executions that ran,
// the contexts that group them - and answers questions about them.
//
// The data model and the semantics are Google's MLMD (github.com/google/
// ml-metadata): the same types, nodes and edges, the same validation, the
// same error codes, and MLMD's schema version 10 on disk, so databases move
// freely between MLMD and gomlmd.
//
// A Store is opened with a registered backend, database/sql style:
//
//	store, err := mlmd.Open(ctx, "sqlite", "file:mlmd.db")
//
// SQLite (pure Go) is built in; other backends register themselves when
// imported (e.g. _ "github.com/gomlmd/gomlmd/mlmd/mysqlstore").
package mlmd
