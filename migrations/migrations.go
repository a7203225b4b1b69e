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
//
// Each engine's subdirectory mlmd holds the chain of MLMD's own schema
// versions, one file vNN.sql per version in goose's SQL format: its Up
// section takes the schema from version NN-1 to NN, its Down section back
// (see MLMDChain). The files never write MLMDEnv.schema_version (the
// runner in internal/sqlstore does, after each step), except that v01
// creates and drops the MLMDEnv table itself, which MLMD's version 0 (MLMD
// 0.13.2) lacks. They are not sqlc's schema input (sqlc reads only the
// files at the top of a directory) and goose's Provider never sees them
// (it too lists only the top of its file system).
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite mysql postgres
var files embed.FS

// SQLite holds the migrations for SQLite, at the root of the file system.
var SQLite = sub("sqlite")

// MySQL holds the migrations for MySQL and MariaDB, at the root of the file
// system.
var MySQL = sub("mysql")

// PostgreSQL holds the migrations for PostgreSQL, at the root of the file
// system.
var PostgreSQL = sub("postgres")

// SQLiteMLMD, MySQLMLMD and PostgreSQLMLMD hold the MLMD schema chains of
// the engines (files vNN.sql at the root; see MLMDChain). A chain that an
// engine does not have yet is an empty file system.
var (
	SQLiteMLMD     = sub("sqlite/mlmd")
	MySQLMLMD      = sub("mysql/mlmd")
	PostgreSQLMLMD = sub("postgres/mlmd")
)

// SchemaVersion is the MLMD schema version the migrations create.
const SchemaVersion = 10

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic("migrations: " + err.Error()) // the directories are embedded above
	}
	return f
}
