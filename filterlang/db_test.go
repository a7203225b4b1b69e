package filterlang

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"github.com/gomlmd/gomlmd/internal/placeholder"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// The end-to-end tests run compiled filters on real databases whose schema
// comes from gomlmd's migrations: SQLite in memory, and MariaDB (or MySQL)
// on the test server, in a database of their own.

// testDB is a migrated database of one dialect.
type testDB struct {
	name string
	d    Dialect
	db   *sql.DB
}

// tables are MLMD's tables, children first.
var tables = []string{
	"EventPath", "Event", "Attribution", "Association", "ParentContext",
	"ArtifactProperty", "ExecutionProperty", "ContextProperty",
	"Artifact", "Execution", "Context", "TypeProperty", "ParentType", "Type",
}

func migrate(ctx context.Context, dialect goose.Dialect, db *sql.DB, fsys fs.FS) error {
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

func openSQLite(tb testing.TB) *testDB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	if err := migrate(context.Background(), goose.DialectSQLite3, db, migrations.SQLite); err != nil {
		tb.Fatalf("migrating SQLite: %v", err)
	}
	return &testDB{name: "sqlite", d: SQLite, db: db}
}

// mysqlDSNEnv names the variable with the DSN of the MySQL or MariaDB server
// of the tests, as for the storage tests (internal/testdb,
// which this package's tests cannot import: it depends on this package).
const mysqlDSNEnv = "MLMD_MYSQL_DSN"

var (
	mysqlOnce   sync.Once
	mysqlServer string
	mysqlErr    error
)

// openMySQL returns a new database, with the MLMD schema, on the test
// server ($MLMD_MYSQL_DSN, by default root@tcp(127.0.0.1:3306)/), and
// drops it when the test ends. Without a server the test is skipped, or
// fails if the variable CI is set.
func openMySQL(tb testing.TB) *testDB {
	tb.Helper()
	mysqlOnce.Do(func() {
		mysqlServer = os.Getenv(mysqlDSNEnv)
		if mysqlServer == "" {
			mysqlServer = "root@tcp(127.0.0.1:3306)/"
		}
		var db *sql.DB
		if db, mysqlErr = sql.Open("mysql", mysqlServer); mysqlErr == nil {
			mysqlErr = db.Ping()
			db.Close()
		}
	})
	if mysqlErr != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("MySQL/MariaDB test server %q: %v", mysqlServer, mysqlErr)
		}
		tb.Skipf("no MySQL/MariaDB test server (set %s): %v", mysqlDSNEnv, mysqlErr)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	name := "mlmd_test_filterlang_" + hex.EncodeToString(b[:])
	server, err := sql.Open("mysql", mysqlServer)
	if err != nil {
		tb.Fatal(err)
	}
	defer server.Close()
	if _, err := server.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if s, err := sql.Open("mysql", mysqlServer); err == nil {
			if _, err := s.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
				tb.Errorf("drop database %s: %v", name, err)
			}
			s.Close()
		}
	})
	base, _, _ := strings.Cut(mysqlServer, "/")
	db, err := sql.Open("mysql", base+"/"+name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := migrate(context.Background(), goose.DialectMySQL, db, migrations.MySQL); err != nil {
		tb.Fatalf("migrating MySQL: %v", err)
	}
	return &testDB{name: "mysql", d: MySQL, db: db}
}

// postgresDSNEnv names the variable with the DSN of the PostgreSQL server
// of the tests, as for the storage tests.
const postgresDSNEnv = "MLMD_POSTGRES_DSN"

var (
	pgOnce   sync.Once
	pgServer *pgx.ConnConfig
	pgErr    error
)

// openPostgres returns a new database, with the MLMD schema, on the test
// server ($MLMD_POSTGRES_DSN, by default root on 127.0.0.1:5432), and
// drops it when the test ends. Its connections take ? placeholders, as
// the backend's do. Without a server the test is skipped, or fails if the
// variable CI is set.
func openPostgres(tb testing.TB) *testDB {
	tb.Helper()
	pgOnce.Do(func() {
		dsn := os.Getenv(postgresDSNEnv)
		if dsn == "" {
			dsn = "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"
		}
		if pgServer, pgErr = pgx.ParseConfig(dsn); pgErr == nil {
			db := stdlib.OpenDB(*pgServer)
			pgErr = db.Ping()
			db.Close()
		}
	})
	if pgErr != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL test server: %v", pgErr)
		}
		tb.Skipf("no PostgreSQL test server (set %s): %v", postgresDSNEnv, pgErr)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	name := "mlmd_test_filterlang_" + hex.EncodeToString(b[:])
	server := stdlib.OpenDB(*pgServer)
	defer server.Close()
	if _, err := server.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		s := stdlib.OpenDB(*pgServer)
		defer s.Close()
		if _, err := s.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg := pgServer.Copy()
	cfg.Database = name
	db := sql.OpenDB(placeholder.Connector(stdlib.GetConnector(*cfg)))
	tb.Cleanup(func() { db.Close() })
	if err := migrate(context.Background(), goose.DialectPostgres, db, migrations.PostgreSQL); err != nil {
		tb.Fatalf("migrating PostgreSQL: %v", err)
	}
	return &testDB{name: "postgres", d: PostgreSQL, db: db}
}

// backends runs fn on each database.
func backends(t *testing.T, fn func(t *testing.T, db *testDB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t)) })
	t.Run("mysql", func(t *testing.T) { fn(t, openMySQL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres(t)) })
}

// reset empties every table. Tests name rows by labels, not ids.
func (db *testDB) reset(t testing.TB) {
	t.Helper()
	for _, table := range tables {
		stmt := "DELETE FROM " + table
		if _, err := db.db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// fixture builds the rows of a test on a database and names them by labels.
type fixture struct {
	t     testing.TB
	db    *testDB
	ids   map[string]int64
	kinds map[string]Kind
	label map[Kind]map[int64]string
	clock int64
}

func newFixture(t testing.TB, db *testDB) *fixture {
	db.reset(t)
	return &fixture{t: t, db: db, ids: map[string]int64{}, kinds: map[string]Kind{},
		label: map[Kind]map[int64]string{KindArtifact: {}, KindExecution: {}, KindContext: {}}, clock: 1000}
}

// withIDs are the tables whose rows have an id.
var withIDs = map[string]bool{"Type": true, "Artifact": true, "Execution": true, "Context": true, "Event": true, "Attribution": true, "Association": true}

func (f *fixture) exec(query string, args ...any) int64 {
	f.t.Helper()
	if table, ok := strings.CutPrefix(query, "INSERT INTO "); ok && f.db.d == PostgreSQL {
		// PostgreSQL has no LastInsertId.
		table, _, _ = strings.Cut(table, " ")
		if !withIDs[table] {
			if _, err := f.db.db.Exec(query, args...); err != nil {
				f.t.Fatalf("%s %v: %v", query, args, err)
			}
			return 0
		}
		var id int64
		if err := f.db.db.QueryRow(query+" RETURNING id", args...).Scan(&id); err != nil {
			f.t.Fatalf("%s %v: %v", query, args, err)
		}
		return id
	}
	res, err := f.db.db.Exec(query, args...)
	if err != nil {
		f.t.Fatalf("%s %v: %v", query, args, err)
	}
	if !strings.HasPrefix(query, "INSERT") {
		return 0
	}
	id, err := res.LastInsertId()
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// id returns the id of a labelled row.
func (f *fixture) id(label string) int64 {
	f.t.Helper()
	id, ok := f.ids[label]
	if !ok {
		f.t.Fatalf("no row labelled %q", label)
	}
	return id
}

// typ inserts a type.
func (f *fixture) typ(kind Kind, label, name string) {
	f.ids[label] = f.exec("INSERT INTO Type (name, type_kind) VALUES (?, ?)", name, int(kind))
}

// nodeAttrs are the attributes of a node a fixture sets; zero values are
// stored as NULL, as stores do.
type nodeAttrs struct {
	name, uri, externalID string
	state                 int64
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// node inserts a node of the type labelled typeLabel, with create and
// update times taken from the fixture's clock (increasing by 10).
func (f *fixture) node(kind Kind, label, typeLabel string, a nodeAttrs) {
	f.t.Helper()
	f.clock += 10
	var id int64
	switch kind {
	case KindArtifact:
		id = f.exec("INSERT INTO Artifact (type_id, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?, ?, ?, ?)",
			f.id(typeLabel), nullStr(a.uri), nullInt(a.state), nullStr(a.name), nullStr(a.externalID), f.clock, f.clock)
	case KindExecution:
		id = f.exec("INSERT INTO Execution (type_id, last_known_state, name, external_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?, ?, ?)",
			f.id(typeLabel), nullInt(a.state), nullStr(a.name), nullStr(a.externalID), f.clock, f.clock)
	case KindContext:
		id = f.exec("INSERT INTO Context (type_id, name, external_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?, ?)",
			f.id(typeLabel), a.name, nullStr(a.externalID), f.clock, f.clock)
	}
	f.ids[label] = id
	f.kinds[label] = kind
	f.label[kind][id] = label
}

// createTime returns a node's create_time_since_epoch.
func (f *fixture) createTime(label string) int64 {
	var v int64
	q := fmt.Sprintf("SELECT create_time_since_epoch FROM %s WHERE id = ?", f.kinds[label].table())
	if err := f.db.db.QueryRow(q, f.id(label)).Scan(&v); err != nil {
		f.t.Fatal(err)
	}
	return v
}

// touch sets a node's state (0 for NULL) and moves its update time on.
func (f *fixture) touch(label string, state int64) {
	f.t.Helper()
	f.clock += 10
	col := "state"
	if f.kinds[label] == KindExecution {
		col = "last_known_state"
	}
	q := fmt.Sprintf("UPDATE %s SET %s = ?, last_update_time_since_epoch = ? WHERE id = ?", f.kinds[label].table(), col)
	if f.kinds[label] == KindContext {
		q = "UPDATE Context SET last_update_time_since_epoch = ? WHERE id = ?"
		f.exec(q, f.clock, f.id(label))
		return
	}
	f.exec(q, nullInt(state), f.clock, f.id(label))
}

// prop sets a property (custom if custom) of a node; v is an int, float64,
// string or bool.
func (f *fixture) prop(label, name string, custom bool, v any) {
	f.t.Helper()
	table, idCol := propertyTable(f.kinds[label])
	col := map[string]string{"int": "int_value", "float64": "double_value", "string": "string_value", "bool": "bool_value"}[fmt.Sprintf("%T", v)]
	if col == "" {
		f.t.Fatalf("property value %v of type %T", v, v)
	}
	f.exec(fmt.Sprintf("INSERT INTO %s (%s, name, is_custom_property, %s) VALUES (?, ?, ?, ?)", table, idCol, col),
		f.id(label), name, custom, v)
}

func (f *fixture) attribute(ctx, artifact string) {
	f.exec("INSERT INTO Attribution (context_id, artifact_id) VALUES (?, ?)", f.id(ctx), f.id(artifact))
}

func (f *fixture) associate(ctx, execution string) {
	f.exec("INSERT INTO Association (context_id, execution_id) VALUES (?, ?)", f.id(ctx), f.id(execution))
}

func (f *fixture) parent(child, parent string) {
	f.exec("INSERT INTO ParentContext (context_id, parent_context_id) VALUES (?, ?)", f.id(child), f.id(parent))
}

// event records an event of type typ (an Event.Type value) between an
// artifact and an execution; ms 0 is stored as NULL.
func (f *fixture) event(artifact, execution string, typ int64, ms int64) {
	f.exec("INSERT INTO Event (artifact_id, execution_id, type, milliseconds_since_epoch) VALUES (?, ?, ?, ?)",
		f.id(artifact), f.id(execution), typ, nullInt(ms))
}

// expand replaces each {label} in a query with the label's id.
func (f *fixture) expand(query string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(query, '{')
		if i < 0 {
			b.WriteString(query)
			return b.String()
		}
		j := strings.IndexByte(query[i:], '}')
		if j < 0 {
			f.t.Fatalf("unclosed { in %q", query)
		}
		b.WriteString(query[:i])
		fmt.Fprint(&b, f.id(query[i+1:i+j]))
		query = query[i+j+1:]
	}
}

// selectSQL returns the listing of nodes of kind that match the compiled
// filter s, as the store writes it.
func selectSQL(s *SQL, extra string) string {
	q := "SELECT " + BaseAlias + ".id FROM " + s.From() + " WHERE " + s.Where
	if extra != "" {
		q += " AND " + extra
	}
	return q + " ORDER BY " + BaseAlias + ".id"
}

// find runs a filter query (with {label}s expanded) over the nodes of kind
// and returns the labels of the nodes it selects, in id order. extra is
// more SQL ANDed to the condition, with its arguments.
func (f *fixture) find(kind Kind, query string, extra string, extraArgs ...any) ([]string, error) {
	f.t.Helper()
	s, err := Build(f.expand(query), kind, f.db.d)
	if err != nil {
		return nil, err
	}
	rows, err := f.db.db.Query(selectSQL(s, extra), append(s.Args(), extraArgs...)...)
	if err != nil {
		f.t.Fatalf("%s %q: %v\n%s", f.db.name, query, err, selectSQL(s, extra))
	}
	defer rows.Close()
	labels := []string{}
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		if seen[id] {
			f.t.Errorf("%s %q: node %d twice", f.db.name, query, id)
		}
		seen[id] = true
		l, ok := f.label[kind][id]
		if !ok {
			l = fmt.Sprint(id)
		}
		labels = append(labels, l)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return labels, nil
}

// expect checks that a filter query selects exactly the labelled nodes.
func (f *fixture) expect(kind Kind, query string, want ...string) {
	f.t.Helper()
	f.expectWith(kind, query, "", nil, want...)
}

func (f *fixture) expectWith(kind Kind, query, extra string, extraArgs []any, want ...string) {
	f.t.Helper()
	got, err := f.find(kind, query, extra, extraArgs...)
	if err != nil {
		f.t.Errorf("%s %s %q: %v", f.db.name, kind, query, err)
		return
	}
	sort.Slice(want, func(i, j int) bool { return f.id(want[i]) < f.id(want[j]) })
	if strings.Join(got, ",") != strings.Join(want, ",") {
		f.t.Errorf("%s %s %q:\n got %v\nwant %v", f.db.name, kind, query, got, want)
	}
}

// expectError checks that a query is refused with InvalidArgument.
func (f *fixture) expectError(kind Kind, query string) {
	f.t.Helper()
	_, err := f.find(kind, query, "")
	if errcode.Of(err) != errcode.InvalidArgument {
		f.t.Errorf("%s %s %q: got %v, want an InvalidArgument error", f.db.name, kind, query, err)
	}
}
