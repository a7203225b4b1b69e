package filterlang

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/migrations"
)

// Fuzzing:
//
//	go test ./filterlang -run '^$' -fuzz FuzzParse -fuzztime 30s
//	go test ./filterlang -run '^$' -fuzz FuzzCompile -fuzztime 30s
//
// The seed corpus is every query of the other tests, plus the inputs in
// testdata/fuzz/<target>, where go test records the inputs that failed.

// seedQueries returns the queries of the table tests.
func seedQueries() []string {
	var qs []string
	for _, c := range errorCases {
		qs = append(qs, c.query)
	}
	for _, c := range compileCases {
		qs = append(qs, c.query)
	}
	for _, c := range worldCases {
		qs = append(qs, c.query)
	}
	return append(qs,
		"properties.`my property`.int_value > 0",
		"custom_properties.`my:custom.property`.bool_value = true",
		"type = 'DataSet' AND (contexts_a.type = 'RunContext' AND contexts_a.name = 'my_run') AND (properties.span.int_value = 1 OR custom_properties.span.int_value = 1)",
		"NOT(create_time_since_epoch < 1 OR last_update_time_since_epoch < 1)",
		"events_0.type IN (INPUT, INTERNAL_INPUT)",
		"x BETWEEN 1 AND 2 AND y",
		"'''a''' = \"\"\"b\"\"\"",
		"r'\\x' LIKE R\"x\"",
		"0x1f = .5e-3",
	)
}

// checkError fails unless err is an *Error with a position inside query.
func checkError(t *testing.T, query string, err error) {
	t.Helper()
	var ferr *Error
	if !errors.As(err, &ferr) {
		t.Fatalf("%q: error %T %v is not an *Error", query, err, err)
	}
	p := ferr.Pos
	if p.Line < 1 || p.Column < 1 || p.Offset < 0 || p.Offset > len(query) {
		t.Fatalf("%q: error position %+v outside the query: %v", query, p, err)
	}
	if ferr.Msg == "" {
		t.Fatalf("%q: error without a message", query)
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range seedQueries() {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		expr, err := Parse(query)
		if err != nil {
			checkError(t, query, err)
			return
		}
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			if _, err := Check(expr, k); err != nil {
				checkError(t, query, err)
			}
		}
	})
}

var (
	fuzzDBOnce sync.Once
	fuzzDB     *sql.DB
	fuzzDBErr  error
)

// sqliteForFuzz returns an in-memory SQLite database with the MLMD schema,
// shared by the fuzz inputs of one process.
func sqliteForFuzz() (*sql.DB, error) {
	fuzzDBOnce.Do(func() {
		fuzzDB, fuzzDBErr = sql.Open("sqlite", "file::memory:")
		if fuzzDBErr != nil {
			return
		}
		fuzzDB.SetMaxOpenConns(1)
		fuzzDBErr = migrate(context.Background(), goose.DialectSQLite3, fuzzDB, migrations.SQLite)
	})
	return fuzzDB, fuzzDBErr
}

// balanced reports whether the parentheses of compiler-written SQL match.
func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

func FuzzCompile(f *testing.F) {
	for _, q := range seedQueries() {
		f.Add(q)
	}
	db, err := sqliteForFuzz()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			for _, d := range []Dialect{SQLite, MySQL} {
				s, err := Build(query, k, d)
				if err != nil {
					checkError(t, query, err)
					continue
				}
				full := s.From() + " WHERE " + s.Where
				if n := strings.Count(full, "?"); n != len(s.Args()) {
					t.Fatalf("%q: %d placeholders, %d args:\n%s", query, n, len(s.Args()), full)
				}
				if !balanced(full) || !strings.HasPrefix(s.Where, "(") {
					t.Fatalf("%q: bad SQL:\n%s", query, full)
				}
				// The only quote in the SQL is SQLite's LIKE escape.
				if strings.ContainsAny(strings.ReplaceAll(full, `ESCAPE '\'`, ""), "'\"`;") || !utf8.ValidString(full) {
					t.Fatalf("%q: SQL holds text it should not:\n%s", query, full)
				}
				if d != SQLite {
					continue
				}
				rows, err := db.Query(selectSQL(s, "")+" LIMIT 1", s.Args()...)
				if err != nil {
					t.Fatalf("%s %q: SQLite rejects the SQL: %v\n%s", k, query, err, full)
				}
				rows.Close()
			}
		}
	})
}

// TestSeedsRunOnDatabases runs every seed query that compiles, for every
// kind, on SQLite and MariaDB: the SQL must be accepted by both.
func TestSeedsRunOnDatabases(t *testing.T) {
	backends(t, func(t *testing.T, db *testDB) {
		ran := 0
		for _, q := range seedQueries() {
			for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
				s, err := Build(q, k, db.d)
				if err != nil {
					continue
				}
				rows, err := db.db.Query(selectSQL(s, "")+" LIMIT 1", s.Args()...)
				if err != nil {
					t.Errorf("%s %q: %v\n%s", k, q, err, selectSQL(s, ""))
					continue
				}
				rows.Close()
				ran++
			}
		}
		if ran < 200 {
			t.Errorf("only %d seed queries compiled", ran)
		}
	})
}
