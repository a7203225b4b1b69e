// Package migrations embeds gomlmd's goose migrations, one directory per
// database engine:
//
//   - 00001 creates MLMD's schema version 10, or adopts in place a database
//     that MLMD created at version 10 (its statements change nothing there);
//   - 00002 adds gomlmd's own indexes on Attribution(artifact_id) and
//     Association(execution_id) (listed in schema.GomlmdIndexes), which
//     MLMD's schema lacks. The schema version stays 10: MLMD opens a
//     database with extra indexes.
//
// Every migration is idempotent, so a run cut short, or indexes someone
// already made, do not stop the next Open.
//
// The same directories are sqlc's schema input (see sqlc.yaml), so the
// generated queries and the migrated database cannot disagree.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql mysql/*.sql postgres/*.sql
var files embed.FS

// SQLite holds the migrations for SQLite, at the root of the file system.
var SQLite = sub("sqlite")

// MySQL holds the migrations for MySQL and MariaDB, at the root of the file
// system.
var MySQL = sub("mysql")

// PostgreSQL holds the migrations for PostgreSQL, at the root of the file
// system.
var PostgreSQL = sub("postgres")

// SchemaVersion is the MLMD schema version the migrations create.
const SchemaVersion = 10

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic("migrations: " + err.Error()) // the directories are embedded above
	}
	return f
}
