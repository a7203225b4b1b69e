// Package schema holds MLMD's own schema version 10 DDL, per engine, as MLMD
// creates it. It is a reference and a test fixture: tests build "a database
// MLMD made" from it, and check that the goose migrations in package
// migrations produce exactly the same tables, columns and indexes, plus the
// indexes gomlmd adds (GomlmdIndexes) and nothing else.
package schema

import (
	_ "embed"
	"strings"
)

// SQLite is MLMD's schema version 10 for SQLite, with its MLMDEnv row.
//
//go:embed sqlite/mlmd_v10.sql
var SQLite string

// MySQL is MLMD's schema version 10 for MySQL, with its MLMDEnv row.
//
//go:embed mysql/mlmd_v10.sql
var MySQL string

// PostgreSQL is MLMD's schema version 10 for PostgreSQL, with its MLMDEnv
// row.
//
//go:embed postgres/mlmd_v10.sql
var PostgreSQL string

// Index is a plain (not unique) secondary index.
type Index struct {
	Name    string
	Table   string
	Columns []string
}

// GomlmdIndexes are the indexes that gomlmd's migrations (00002) add to
// MLMD's schema version 10, which does not change the schema version: a
// database that gomlmd migrated has exactly MLMD's tables, columns and
// indexes, and these. MLMD keys Attribution and Association on the
// context first, so without these, finding the contexts of an artifact or
// an execution scans the table. Their names start with "gomlmd_", which no
// MLMD index name does.
var GomlmdIndexes = []Index{
	{Name: "gomlmd_idx_attribution_artifact_id", Table: "Attribution", Columns: []string{"artifact_id"}},
	{Name: "gomlmd_idx_association_execution_id", Table: "Association", Columns: []string{"execution_id"}},
}

// CreateSQL returns the statement that creates the index, valid in
// SQLite, MySQL and PostgreSQL (the names are unquoted, as in MLMD's DDL).
// Tests add GomlmdIndexes to MLMD's DDL with it to describe the schema the
// migrations should produce.
func (ix Index) CreateSQL() string {
	return "CREATE INDEX " + ix.Name + " ON " + ix.Table + " (" + strings.Join(ix.Columns, ", ") + ");"
}

// Statements splits a DDL script into its statements: it drops "--"
// comment lines and splits at semicolons that end a line. The scripts of
// this package contain no semicolons inside literals.
func Statements(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
