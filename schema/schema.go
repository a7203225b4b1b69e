// Package schema holds MLMD's own schema version 10 DDL, per engine, as MLMD
// creates it. It is a reference and a test fixture: tests build "a database
// MLMD made" from it, and check that the goose migrations in package
// migrations produce exactly the same tables, columns and indexes.
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
