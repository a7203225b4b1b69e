package filterlang

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmarks run compiled filters on 100,000 artifacts, in the SQL that
// the store's listing uses (one page: ORDER BY id, LIMIT 21), against a
// hand-written query that returns the same rows, on the same database in
// the same run. Each reports the time of both and their ratio
// (compiled / hand-written):
//
//	go test ./filterlang -run '^$' -bench BenchmarkFilter -benchtime 200x
//
// The data set: 100,000 artifacts (every tenth of type "model", the rest
// "dataset"; state LIVE for even ids), each with a property span = i % 1000
// and a custom property split; 1,000 contexts run_0 ... run_999 of 100
// artifacts each; 10,000 executions, execution j with an INPUT event from
// artifact 10j+1 and OUTPUT events to artifacts 10j+2 ... 10j+10.

const benchArtifacts = 100000

var (
	benchOnce = map[Dialect]*sync.Once{SQLite: {}, MySQL: {}}
	benchDBs  = map[Dialect]*testDB{}
)

// benchDB returns the benchmark database of a dialect, built once per
// process. MySQL databases are dropped when the benchmark that built it ends,
// so they are built per benchmark function instead.
func benchDB(b *testing.B, d Dialect) *testDB {
	b.Helper()
	if d == MySQL {
		db := openMySQL(b)
		fillBench(b, db)
		return db
	}
	benchOnce[d].Do(func() {
		db := openSQLite(&keepAlive{b})
		fillBench(b, db)
		benchDBs[d] = db
	})
	if benchDBs[d] == nil {
		b.Fatal("no benchmark database")
	}
	return benchDBs[d]
}

// keepAlive is a testing.TB whose cleanups never run, for a database shared
// by the benchmarks of a process.
type keepAlive struct{ *testing.B }

func (keepAlive) Cleanup(func()) {}

// bulk inserts rows into table in a few multi-row statements.
func bulk(b *testing.B, tx *sql.Tx, table string, cols []string, n int, row func(i int) []any) {
	b.Helper()
	const batch = 1000
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		var sb strings.Builder
		fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")")
			args = append(args, row(i)...)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
}

func fillBench(b *testing.B, db *testDB) {
	b.Helper()
	start := time.Now()
	tx, err := db.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	// Types 1 dataset, 2 model (artifacts), 3 trainer (executions), 4 run.
	bulk(b, tx, "Type", []string{"id", "name", "type_kind"}, 4, func(i int) []any {
		return []any{i + 1, []string{"dataset", "model", "trainer", "run"}[i], []int{1, 1, 0, 2}[i]}
	})
	// Artifact i+1 for i in [0, 100000).
	bulk(b, tx, "Artifact", []string{"id", "type_id", "uri", "state", "name", "create_time_since_epoch", "last_update_time_since_epoch"}, benchArtifacts, func(i int) []any {
		id := i + 1
		typ := 1
		if id%10 == 0 {
			typ = 2
		}
		var state any
		if id%2 == 0 {
			state = 2
		}
		return []any{id, typ, fmt.Sprintf("gs://bucket/%d", id), state, fmt.Sprintf("a%06d", id), 1000000 + id, 1000000 + id}
	})
	bulk(b, tx, "ArtifactProperty", []string{"artifact_id", "name", "is_custom_property", "int_value", "string_value"}, 2*benchArtifacts, func(i int) []any {
		id := i/2 + 1
		if i%2 == 0 {
			return []any{id, "span", 0, id % 1000, nil}
		}
		return []any{id, "split", 1, nil, []string{"train", "eval"}[id%2]}
	})
	bulk(b, tx, "Context", []string{"id", "type_id", "name", "create_time_since_epoch", "last_update_time_since_epoch"}, 1000, func(i int) []any {
		return []any{i + 1, 4, fmt.Sprintf("run_%d", i), 1, 1}
	})
	bulk(b, tx, "Attribution", []string{"context_id", "artifact_id"}, benchArtifacts, func(i int) []any {
		return []any{i/100 + 1, i + 1}
	})
	bulk(b, tx, "Execution", []string{"id", "type_id", "name", "last_known_state", "create_time_since_epoch", "last_update_time_since_epoch"}, benchArtifacts/10, func(i int) []any {
		return []any{i + 1, 3, fmt.Sprintf("e%05d", i+1), 3, 1, 1}
	})
	bulk(b, tx, "Event", []string{"artifact_id", "execution_id", "type", "milliseconds_since_epoch"}, benchArtifacts, func(i int) []any {
		exe := i/10 + 1
		typ := evOutput
		if i%10 == 0 {
			typ = evInput
		}
		return []any{i + 1, exe, typ, 5000 + i}
	})
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	analyze := []string{"ANALYZE"}
	if db.d == MySQL {
		analyze = []string{"ANALYZE TABLE Artifact, ArtifactProperty, Context, Attribution, Event, Execution, Type"}
	}
	for _, q := range analyze {
		rows, err := db.db.Query(q)
		if err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
	b.Logf("%s: loaded 100k artifacts in %v", db.name, time.Since(start).Round(time.Millisecond))
}

// benchCases pair a filter with a hand-written query for the same page,
// which binds the same values as arguments.
var benchCases = []struct {
	name, filter, handwritten string
	args                      []any
}{
	{"attribute", "state = LIVE AND create_time_since_epoch >= 1050000",
		"SELECT id FROM Artifact WHERE state = ? AND create_time_since_epoch >= ? ORDER BY id LIMIT 21",
		[]any{2, 1050000}},
	{"attribute-type", "type = 'model' AND uri LIKE 'gs://bucket/77%'",
		"SELECT a.id FROM Artifact a JOIN Type t ON t.id = a.type_id WHERE t.name = ? AND a.uri LIKE ? ORDER BY a.id LIMIT 21",
		[]any{"model", "gs://bucket/77%"}},
	{"property", "properties.span.int_value = 777",
		"SELECT a.id FROM Artifact a JOIN ArtifactProperty p ON p.artifact_id = a.id AND p.name = ? AND p.is_custom_property = 0 WHERE p.int_value = ? ORDER BY a.id LIMIT 21",
		[]any{"span", 777}},
	{"property-broad", "properties.span.int_value >= 10 AND custom_properties.split.string_value = 'eval'",
		"SELECT a.id FROM Artifact a JOIN ArtifactProperty p ON p.artifact_id = a.id AND p.name = ? AND p.is_custom_property = 0 JOIN ArtifactProperty s ON s.artifact_id = a.id AND s.name = ? AND s.is_custom_property = 1 WHERE p.int_value >= ? AND s.string_value = ? ORDER BY a.id LIMIT 21",
		[]any{"span", "split", 10, "eval"}},
	{"context", "contexts_c.name = 'run_500'",
		"SELECT id FROM Artifact WHERE id IN (SELECT t.artifact_id FROM Attribution t JOIN Context c ON c.id = t.context_id WHERE c.name = ?) ORDER BY id LIMIT 21",
		[]any{"run_500"}},
	// The two "vs-join" cases compare with the other way of writing a
	// neighbour condition, a join with DISTINCT. Neither way is best
	// everywhere: on MariaDB the join wins when the matches are few and
	// far from the first ids, the semi-join when they are many.
	{"context-vs-join", "contexts_c.name = 'run_500'",
		"SELECT DISTINCT a.id FROM Artifact a JOIN Attribution t ON t.artifact_id = a.id JOIN Context c ON c.id = t.context_id WHERE c.name = ? ORDER BY a.id LIMIT 21",
		[]any{"run_500"}},
	{"context-broad", "contexts_c.name LIKE 'run_%' AND state = LIVE",
		"SELECT id FROM Artifact WHERE state = ? AND id IN (SELECT t.artifact_id FROM Attribution t JOIN Context c ON c.id = t.context_id WHERE c.name LIKE ?) ORDER BY id LIMIT 21",
		[]any{2, "run_%"}},
	{"event", "events_e.execution_id = 4321 AND events_e.type = OUTPUT",
		"SELECT id FROM Artifact WHERE id IN (SELECT artifact_id FROM Event WHERE execution_id = ? AND type = ?) ORDER BY id LIMIT 21",
		[]any{4321, 4}},
	{"event-broad", "events_e.type = INPUT",
		"SELECT id FROM Artifact WHERE id IN (SELECT artifact_id FROM Event WHERE type = ?) ORDER BY id LIMIT 21",
		[]any{3}},
	{"event-broad-vs-join", "events_e.type = INPUT",
		"SELECT DISTINCT a.id FROM Artifact a JOIN Event e ON e.artifact_id = a.id WHERE e.type = ? ORDER BY a.id LIMIT 21",
		[]any{3}},
	{"event-or-name", "events_e.type = INPUT OR name = 'a000002'",
		"SELECT id FROM Artifact a WHERE EXISTS (SELECT 1 FROM Event e WHERE e.artifact_id = a.id AND (e.type = ? OR a.name = ?)) ORDER BY id LIMIT 21",
		[]any{3, "a000002"}},
}

// storeSQL writes a compiled filter as the store's listing does (see
// internal/sqlstore listSQL and compileFilter): one page ordered by id,
// without DISTINCT (the joins of a compiled filter cannot repeat a node).
func storeSQL(s *SQL) string {
	return "SELECT table_0.id, table_0.id FROM " + s.From() + " WHERE (" + s.Where + ") ORDER BY table_0.id LIMIT 21"
}

func queryIDs(b *testing.B, db *sql.DB, q string, args ...any) []int64 {
	rows, err := db.Query(q, args...)
	if err != nil {
		b.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var ids []int64
	for rows.Next() {
		var id, other int64
		dest := []any{&id}
		if len(cols) == 2 {
			dest = append(dest, &other)
		}
		if err := rows.Scan(dest...); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return ids
}

func plan(db *testDB, q string, args ...any) string {
	explain := "EXPLAIN QUERY PLAN "
	if db.d == MySQL {
		explain = "EXPLAIN "
	}
	rows, err := db.db.Query(explain+q, args...)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		rows.Scan(dest...)
		var parts []string
		for i, v := range vals {
			if v.Valid && v.String != "" {
				parts = append(parts, cols[i]+"="+v.String)
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return strings.Join(out, "\n")
}

func BenchmarkFilter(b *testing.B) {
	for _, d := range []Dialect{SQLite, MySQL} {
		b.Run(d.String(), func(b *testing.B) {
			db := benchDB(b, d)
			for _, c := range benchCases {
				b.Run(c.name, func(b *testing.B) {
					s, err := Build(c.filter, KindArtifact, d)
					if err != nil {
						b.Fatal(err)
					}
					q := storeSQL(s)
					got := queryIDs(b, db.db, q, s.Args()...)
					want := queryIDs(b, db.db, c.handwritten, c.args...)
					if len(want) == 0 || !reflect.DeepEqual(got, want) {
						b.Fatalf("the filter and the hand-written query differ:\n%v\n%v", got, want)
					}
					b.Logf("compiled: %s\n%s", q, plan(db, q, s.Args()...))
					b.Logf("hand-written: %s\n%s", c.handwritten, plan(db, c.handwritten, c.args...))
					var compiled, hand time.Duration
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						t0 := time.Now()
						queryIDs(b, db.db, q, s.Args()...)
						t1 := time.Now()
						queryIDs(b, db.db, c.handwritten, c.args...)
						hand += time.Since(t1)
						compiled += t1.Sub(t0)
					}
					b.ReportMetric(float64(compiled.Nanoseconds())/float64(b.N), "compiled-ns/op")
					b.ReportMetric(float64(hand.Nanoseconds())/float64(b.N), "hand-ns/op")
					b.ReportMetric(float64(compiled)/float64(hand), "ratio")
				})
			}
		})
	}
}
