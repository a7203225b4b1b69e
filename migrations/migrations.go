// Package migrations embeds gomlmd's goose migrations, one directory per
// database engine. Migration 1 creates MLMD's schema version 10, or adopts
// in place a database that MLMD created at version 10.
//
// The same directories are sqlc's schema input (see sqlc.yaml), so the
// generated queries and the migrated database cannot disagree.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql mysql/*.sql
var files embed.FS

// SQLite holds the migrations for SQLite, at the root of the file system.
var SQLite = sub("sqlite")

// MySQL holds the migrations for MySQL and MariaDB, at the root of the file
// system.
var MySQL = sub("mysql")

// SchemaVersion is the MLMD schema version the migrations create.
const SchemaVersion = 10

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic("migrations: " + err.Error()) // the directories are embedded above
	}
	return f
}
