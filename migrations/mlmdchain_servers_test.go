package migrations_test

import (
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
)

// The tests in this file run the MLMD schema chains of MySQL/MariaDB and
// PostgreSQL (migrations/{mysql,postgres}/mlmd) statement by statement on
// real servers: from MLMD 0.13.2's tables (version 0) up to version 10,
// and from a new version 10 database down to 0, step by step. They check
// that an upgraded database has the columns, keys and indexes of a new
// one, that each downgrade lands on the schema the upgrades pass through,
// and that the rows survive.

// chainServer is one server engine's MLMD chain and how to look at a
// database of it.
type chainServer struct {
	name    string
	dialect goose.Dialect
	v10     fs.FS // gomlmd's migrations; 00001 creates version 10
	chain   fs.FS // the MLMD chain
	open    func(t *testing.T) *sql.DB
	// v0 creates MLMD 0.13.2's tables (MLMD's DDL for version 0).
	v0 []string
	// intOf renders a column that holds 0/1 (TINYINT, SMALLINT or
	// BOOLEAN) as an integer.
	intOf func(col string) string
	// rerun runs half of each step, then all of it twice: MySQL commits
	// DDL as it goes, so a step cut short is run again from its start.
	rerun bool
	// describe lists the tables, columns, keys and indexes (not the
	// columns' positions: columns that a version adds come last).
	describe func(t *testing.T, db *sql.DB) []string
	// booleanNow maps a description of a version-N database downgraded
	// from 10 to the one the upgrades from 0 give, where the two differ
	// only in the type of 0/1 columns (PostgreSQL keeps BOOLEAN going
	// down, as MLMD does); nil where they do not differ.
	booleanNow func(line string) string
}

var chainServers = []chainServer{
	{
		name: "mysql", dialect: goose.DialectMySQL, v10: migrations.MySQL, chain: migrations.MySQLMLMD,
		open: func(t *testing.T) *sql.DB {
			_, db := testdb.CreateMySQLDatabase(t)
			return db
		},
		v0: []string{
			"CREATE TABLE `Type` (`id` INT PRIMARY KEY AUTO_INCREMENT, `name` VARCHAR(255) NOT NULL, " +
				"`is_artifact_type` TINYINT(1) NOT NULL, `input_type` TEXT, `output_type` TEXT)",
			"CREATE TABLE `TypeProperty` (`type_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, " +
				"`data_type` INT NULL, PRIMARY KEY (`type_id`, `name`))",
			"CREATE TABLE `Artifact` (`id` INTEGER PRIMARY KEY AUTO_INCREMENT, `type_id` INT NOT NULL, `uri` TEXT)",
			"CREATE TABLE `ArtifactProperty` (`artifact_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, " +
				"`is_custom_property` TINYINT(1) NOT NULL, `int_value` INT, `double_value` DOUBLE, `string_value` TEXT, " +
				"PRIMARY KEY (`artifact_id`, `name`, `is_custom_property`))",
			"CREATE TABLE `Execution` (`id` INTEGER PRIMARY KEY AUTO_INCREMENT, `type_id` INT NOT NULL)",
			"CREATE TABLE `ExecutionProperty` (`execution_id` INT NOT NULL, `name` VARCHAR(255) NOT NULL, " +
				"`is_custom_property` TINYINT(1) NOT NULL, `int_value` INT, `double_value` DOUBLE, `string_value` TEXT, " +
				"PRIMARY KEY (`execution_id`, `name`, `is_custom_property`))",
			"CREATE TABLE `Event` (`id` INTEGER PRIMARY KEY AUTO_INCREMENT, `artifact_id` INT NOT NULL, " +
				"`execution_id` INT NOT NULL, `type` INT NOT NULL, `milliseconds_since_epoch` BIGINT)",
			"CREATE TABLE `EventPath` (`event_id` INT NOT NULL, `is_index_step` TINYINT(1) NOT NULL, " +
				"`step_index` INT, `step_key` TEXT)",
		},
		intOf: func(col string) string { return col },
		rerun: true,
		describe: func(t *testing.T, db *sql.DB) []string {
			return testdb.Describe(t, db,
				`SELECT 'table', table_name, engine FROM information_schema.tables
				 WHERE table_schema = DATABASE() AND table_name <> ?`,
				`SELECT 'column', table_name, column_name, column_type, is_nullable,
				        COALESCE(column_default, 'NULL'), extra
				 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> ?`,
				`SELECT 'index', table_name, index_name, non_unique, seq_in_index, column_name, COALESCE(sub_part, 0), index_type
				 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name <> ?`,
			)
		},
	},
	{
		name: "postgres", dialect: goose.DialectPostgres, v10: migrations.PostgreSQL, chain: migrations.PostgreSQLMLMD,
		open: func(t *testing.T) *sql.DB {
			_, db := testdb.CreatePostgresDatabase(t)
			return db
		},
		v0: []string{
			"CREATE TABLE Type (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, " +
				"is_artifact_type SMALLINT NOT NULL, input_type TEXT, output_type TEXT)",
			"CREATE TABLE TypeProperty (type_id INT NOT NULL, name VARCHAR(255) NOT NULL, " +
				"data_type INT NULL, PRIMARY KEY (type_id, name))",
			"CREATE TABLE Artifact (id SERIAL PRIMARY KEY, type_id INT NOT NULL, uri TEXT)",
			"CREATE TABLE ArtifactProperty (artifact_id INT NOT NULL, name VARCHAR(255) NOT NULL, " +
				"is_custom_property SMALLINT NOT NULL, int_value INT, double_value DOUBLE PRECISION, string_value TEXT, " +
				"PRIMARY KEY (artifact_id, name, is_custom_property))",
			"CREATE TABLE Execution (id SERIAL PRIMARY KEY, type_id INT NOT NULL)",
			"CREATE TABLE ExecutionProperty (execution_id INT NOT NULL, name VARCHAR(255) NOT NULL, " +
				"is_custom_property SMALLINT NOT NULL, int_value INT, double_value DOUBLE PRECISION, string_value TEXT, " +
				"PRIMARY KEY (execution_id, name, is_custom_property))",
			"CREATE TABLE Event (id SERIAL PRIMARY KEY, artifact_id INT NOT NULL, " +
				"execution_id INT NOT NULL, type INT NOT NULL, milliseconds_since_epoch BIGINT)",
			"CREATE TABLE EventPath (event_id INT NOT NULL, is_index_step SMALLINT NOT NULL, " +
				"step_index INT, step_key TEXT)",
		},
		intOf: func(col string) string { return "CAST(" + col + " AS INT)" },
		describe: func(t *testing.T, db *sql.DB) []string {
			return testdb.Describe(t, db,
				`SELECT 'table', table_name FROM information_schema.tables
				 WHERE table_schema = current_schema() AND table_name <> $1`,
				`SELECT 'column', table_name, column_name, data_type,
				        COALESCE(character_maximum_length, 0), is_nullable, COALESCE(column_default, 'NULL')
				 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> $1`,
				`SELECT 'constraint', c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
				 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
				 WHERE n.nspname = current_schema() AND c.conrelid::regclass::text <> $1`,
				`SELECT 'index', tablename, indexname, indexdef FROM pg_indexes
				 WHERE schemaname = current_schema() AND tablename <> $1`,
				`SELECT 'sequence', sequence_name, data_type FROM information_schema.sequences
				 WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE $1 || '%'`,
			)
		},
		booleanNow: func(line string) string {
			for _, c := range []string{"artifactproperty is_custom_property", "executionproperty is_custom_property",
				"contextproperty is_custom_property", "eventpath is_index_step"} {
				if strings.HasPrefix(line, "column "+c+" boolean ") {
					return strings.Replace(line, " boolean ", " smallint ", 1)
				}
			}
			return line
		},
	},
}

// loadChain reads the engine's chain.
func loadChain(t *testing.T, fsys fs.FS) []migrations.Step {
	t.Helper()
	steps, err := migrations.MLMDChain(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != migrations.SchemaVersion || steps[0].Version != 1 {
		t.Fatalf("chain of %d steps from version %d, want v01..v10", len(steps), steps[0].Version)
	}
	return steps
}

// run runs the statements of one step on db, on one connection (MySQL's
// steps keep a statement in a session variable), and records the version
// the step reaches in MLMDEnv, as the runner does; on PostgreSQL in one
// transaction.
func (e chainServer) run(t *testing.T, db *sql.DB, stmts []string, version int) {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// On MySQL: the first half, as if cut short, then all, twice over.
	runs := [][]string{stmts}
	if e.rerun {
		runs = [][]string{stmts[:len(stmts)/2], stmts, stmts}
	}
	for _, run := range runs {
		for _, s := range run {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				t.Fatalf("version %d: %s: %v", version, s, err)
			}
		}
	}
	if version > 0 {
		for _, s := range []string{"DELETE FROM MLMDEnv", fmt.Sprintf("INSERT INTO MLMDEnv (schema_version) VALUES (%d)", version)} {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// v0Rows are rows of every table of version 0, with values of each kind
// and NULLs.
var v0Rows = []string{
	"INSERT INTO Type (id, name, is_artifact_type, input_type, output_type) VALUES " +
		"(1, 'Dataset', 1, NULL, NULL), (2, 'Trainer', 0, '{\"any\":{}}', '{\"none\":{}}')",
	"INSERT INTO TypeProperty (type_id, name, data_type) VALUES (1, 'span', 1), (2, 'steps', 1)",
	"INSERT INTO Artifact (id, type_id, uri) VALUES (1, 1, '/data/a'), (2, 1, NULL)",
	"INSERT INTO ArtifactProperty (artifact_id, name, is_custom_property, int_value, double_value, string_value) VALUES " +
		"(1, 'span', 0, 42, NULL, NULL), (1, 'note', 1, NULL, NULL, 'hello'), (2, 'score', 0, NULL, 0.5, NULL)",
	"INSERT INTO Execution (id, type_id) VALUES (1, 2)",
	"INSERT INTO ExecutionProperty (execution_id, name, is_custom_property, int_value, double_value, string_value) VALUES " +
		"(1, 'steps', 0, 100, NULL, NULL)",
	"INSERT INTO Event (id, artifact_id, execution_id, type, milliseconds_since_epoch) VALUES " +
		"(1, 1, 1, 4, 1000), (2, 2, 1, 3, NULL)",
	"INSERT INTO EventPath (event_id, is_index_step, step_index, step_key) VALUES " +
		"(1, 1, 0, NULL), (1, 0, NULL, 'key'), (2, 1, 1, NULL)",
}

// dumpV0 returns the rows of version 0's tables, by the columns version 0
// has (is_artifact_type named kind, as it is renamed type_kind in
// version 2).
func (e chainServer) dumpV0(t *testing.T, db *sql.DB, kind string) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT 'Type', id, name, " + e.intOf(kind) + ", input_type, output_type FROM Type ORDER BY id",
		"SELECT 'TypeProperty', type_id, name, data_type FROM TypeProperty ORDER BY type_id, name",
		"SELECT 'Artifact', id, type_id, uri FROM Artifact ORDER BY id",
		"SELECT 'ArtifactProperty', artifact_id, name, " + e.intOf("is_custom_property") +
			", int_value, double_value, string_value FROM ArtifactProperty ORDER BY artifact_id, name",
		"SELECT 'Execution', id, type_id FROM Execution ORDER BY id",
		"SELECT 'ExecutionProperty', execution_id, name, " + e.intOf("is_custom_property") +
			", int_value, double_value, string_value FROM ExecutionProperty ORDER BY execution_id, name",
		"SELECT 'Event', id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event ORDER BY id",
		"SELECT 'EventPath', event_id, " + e.intOf("is_index_step") +
			", step_index, step_key FROM EventPath ORDER BY event_id, step_index, step_key",
	} {
		out = append(out, testdb.QueryRows(t, db, q)...)
	}
	return out
}

// freshV10 returns the description of a database that gomlmd's migration
// 1 created at version 10.
func (e chainServer) freshV10(t *testing.T) []string {
	t.Helper()
	db := e.open(t)
	p, err := goose.NewProvider(e.dialect, db, e.v10,
		goose.WithTableName("gomlmd_goose_version"), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	return e.describe(t, db)
}

// TestMLMDChainServersUpgrade upgrades MLMD 0.13.2's tables with rows
// from version 0 to 10, step by step (on MySQL each step twice over, as
// after a crash), and checks that the database then has the schema of a
// new version 10 database, and every row of version 0.
func TestMLMDChainServersUpgrade(t *testing.T) {
	for _, e := range chainServers {
		t.Run(e.name, func(t *testing.T) {
			steps := loadChain(t, e.chain)
			want := e.freshV10(t)
			db := e.open(t)
			testdb.ExecSQL(t, db, e.v0...)
			testdb.ExecSQL(t, db, v0Rows...)
			before := e.dumpV0(t, db, "is_artifact_type")
			for _, s := range steps {
				e.run(t, db, s.Up, s.Version)
			}
			if got := e.describe(t, db); !slices.Equal(got, want) {
				t.Errorf("upgraded schema differs from a new version 10 one (+ upgraded, - new):\n%s", testdb.LineDiff(got, want))
			}
			if after := e.dumpV0(t, db, "type_kind"); !slices.Equal(after, before) {
				t.Errorf("rows after the upgrade:\n%s", testdb.LineDiff(after, before))
			}
			if v := testdb.QueryRows(t, db, "SELECT schema_version FROM MLMDEnv"); !slices.Equal(v, []string{"10"}) {
				t.Errorf("MLMDEnv %v, want [10]", v)
			}
		})
	}
}

// TestMLMDChainServersDowngrade downgrades a new version 10 database step
// by step to version 0, and checks at each version that the schema is the
// one the upgrades from version 0 pass through; then upgrades it back to
// 10 and checks that it has the schema of a new database again.
func TestMLMDChainServersDowngrade(t *testing.T) {
	for _, e := range chainServers {
		t.Run(e.name, func(t *testing.T) {
			steps := loadChain(t, e.chain)
			want := e.freshV10(t)

			// The schema at each version on the way up from 0.
			up := e.open(t)
			testdb.ExecSQL(t, up, e.v0...)
			wantAt := map[int][]string{0: e.describe(t, up)}
			for _, s := range steps {
				e.run(t, up, s.Up, s.Version)
				wantAt[s.Version] = e.describe(t, up)
			}

			db := e.open(t)
			p, err := goose.NewProvider(e.dialect, db, e.v10,
				goose.WithTableName("gomlmd_goose_version"), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			for i := len(steps) - 1; i >= 0; i-- {
				v := steps[i].Version - 1
				e.run(t, db, steps[i].Down, v)
				got := e.describe(t, db)
				if e.booleanNow != nil {
					for j := range got {
						got[j] = e.booleanNow(got[j])
					}
					slices.Sort(got)
				}
				if !slices.Equal(got, wantAt[v]) {
					t.Errorf("version %d after downgrading differs from it after upgrading (+ down, - up):\n%s",
						v, testdb.LineDiff(got, wantAt[v]))
				}
			}
			for _, s := range steps {
				e.run(t, db, s.Up, s.Version)
			}
			if got := e.describe(t, db); !slices.Equal(got, want) {
				t.Errorf("schema after 10 -> 0 -> 10 differs from a new one (+ round trip, - new):\n%s", testdb.LineDiff(got, want))
			}
		})
	}
}

// newAt returns a new database at version v, upgraded from MLMD 0.13.2's
// tables, and the steps of the chain.
func (e chainServer) newAt(t *testing.T, v int) (*sql.DB, []migrations.Step) {
	t.Helper()
	steps := loadChain(t, e.chain)
	db := e.open(t)
	testdb.ExecSQL(t, db, e.v0...)
	for _, s := range steps[:v] {
		e.run(t, db, s.Up, s.Version)
	}
	return db, steps
}

// TestMLMDChainServersDowngradeRows fills a new version 10 database,
// downgrades it to 0 and upgrades it back: the rows version 0 can hold
// survive both ways; only the context type, which version 1 cannot hold,
// goes with its property, and the property that holds only a bool value,
// which version 9 cannot hold.
func TestMLMDChainServersDowngradeRows(t *testing.T) {
	for _, e := range chainServers {
		t.Run(e.name, func(t *testing.T) {
			steps := loadChain(t, e.chain)
			db := e.open(t)
			p, err := goose.NewProvider(e.dialect, db, e.v10,
				goose.WithTableName("gomlmd_goose_version"), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			rows := []string{
				"INSERT INTO Type (id, name, type_kind, input_type, output_type, version, description, external_id) VALUES " +
					"(1, 'Dataset', 1, NULL, NULL, 'v1', 'data', 'ext-t1'), (2, 'Trainer', 0, '{\"any\":{}}', '{\"none\":{}}', NULL, NULL, NULL), " +
					"(3, 'Pipeline', 2, NULL, NULL, NULL, NULL, NULL)",
				"INSERT INTO TypeProperty (type_id, name, data_type) VALUES (1, 'span', 1), (2, 'steps', 1), (3, 'owner', 3)",
				"INSERT INTO ParentType (type_id, parent_type_id) VALUES (2, 1)",
				"INSERT INTO Artifact (id, type_id, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch) VALUES " +
					"(1, 1, '/data/a', 2, 'a', 'ext-a1', 1700000000000, 1700000000001), (2, 1, NULL, NULL, NULL, NULL, 5, 6)",
				"INSERT INTO ArtifactProperty (artifact_id, name, is_custom_property, int_value, double_value, string_value, byte_value, proto_value, bool_value) VALUES " +
					"(1, 'span', '0', 42, NULL, NULL, NULL, NULL, NULL), (1, 'note', '1', NULL, NULL, 'hello', NULL, NULL, NULL), " +
					"(2, 'score', '0', NULL, 0.5, NULL, NULL, NULL, NULL), (2, 'flag', '1', NULL, NULL, NULL, NULL, NULL, '1')",
				"INSERT INTO Execution (id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES " +
					"(1, 2, 3, 'run', 7, 8)",
				"INSERT INTO ExecutionProperty (execution_id, name, is_custom_property, int_value) VALUES (1, 'steps', '0', 100)",
				"INSERT INTO Event (id, artifact_id, execution_id, type, milliseconds_since_epoch) VALUES " +
					"(1, 1, 1, 4, 1000), (2, 2, 1, 3, NULL)",
				"INSERT INTO EventPath (event_id, is_index_step, step_index, step_key) VALUES " +
					"(1, '1', 0, NULL), (1, '0', NULL, 'key'), (2, '1', 1, NULL)",
				"INSERT INTO Context (id, type_id, name) VALUES (1, 3, 'p1')",
				"INSERT INTO ContextProperty (context_id, name, is_custom_property, string_value) VALUES (1, 'owner', '0', 'me')",
				"INSERT INTO ParentContext (context_id, parent_context_id) VALUES (1, 1)",
				"INSERT INTO Association (context_id, execution_id) VALUES (1, 1)",
				"INSERT INTO Attribution (context_id, artifact_id) VALUES (1, 1)",
			}
			testdb.ExecSQL(t, db, rows...)
			var want []string
			for _, r := range e.dumpV0(t, db, "type_kind") {
				if !strings.HasPrefix(r, "Type 3 ") && !strings.HasPrefix(r, "TypeProperty 3 ") &&
					!strings.HasPrefix(r, "ArtifactProperty 2 flag ") {
					want = append(want, r)
				}
			}
			for i := len(steps) - 1; i >= 0; i-- {
				e.run(t, db, steps[i].Down, steps[i].Version-1)
			}
			if got := e.dumpV0(t, db, "is_artifact_type"); !slices.Equal(got, want) {
				t.Errorf("rows at version 0 (+ got, - want):\n%s", testdb.LineDiff(got, want))
			}
			for _, s := range steps {
				e.run(t, db, s.Up, s.Version)
			}
			if got := e.dumpV0(t, db, "type_kind"); !slices.Equal(got, want) {
				t.Errorf("rows back at version 10 (+ got, - want):\n%s", testdb.LineDiff(got, want))
			}
		})
	}
}

// TestMLMDChainServersDuplicateEvents upgrades a version 7 database that
// holds events of the same artifact, execution and type to version 8: the
// latest of them stays, with its path; the others and their paths go;
// everything else stays.
func TestMLMDChainServersDuplicateEvents(t *testing.T) {
	for _, e := range chainServers {
		t.Run(e.name, func(t *testing.T) {
			db, steps := e.newAt(t, 7)
			testdb.ExecSQL(t, db,
				// ids 1 to 6, from the table's counter
				"INSERT INTO Event (artifact_id, execution_id, type, milliseconds_since_epoch) VALUES "+
					"(1, 1, 1, 10), (1, 1, 1, 20), (1, 1, 2, 30), (2, 1, 1, 40), (1, 1, 1, 50), (2, 1, 1, 60)",
				"INSERT INTO EventPath (event_id, is_index_step, step_index, step_key) VALUES "+
					"(1, 1, 1, NULL), (2, 0, NULL, 'b'), (3, 1, 3, NULL), (4, 1, 4, NULL), (5, 0, NULL, 'e'), (5, 1, 5, NULL), "+
					"(6, 0, NULL, 'f'), (9, 1, 9, NULL)",
			)
			e.run(t, db, steps[7].Up, 8)
			events := testdb.QueryRows(t, db, "SELECT id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event ORDER BY id")
			if want := []string{"3 1 1 2 30", "5 1 1 1 50", "6 2 1 1 60"}; !slices.Equal(events, want) {
				t.Errorf("events %q, want %q", events, want)
			}
			paths := testdb.QueryRows(t, db, "SELECT event_id, "+e.intOf("is_index_step")+
				", step_index, step_key FROM EventPath ORDER BY event_id, step_index, step_key")
			want := []string{"3 1 3 <nil>", "5 0 <nil> e", "5 1 5 <nil>", "6 0 <nil> f", "9 1 9 <nil>"}
			if e.name == "postgres" { // NULLs sort first in MySQL, last in PostgreSQL
				want = []string{"3 1 3 <nil>", "5 1 5 <nil>", "5 0 <nil> e", "6 0 <nil> f", "9 1 9 <nil>"}
			}
			if !slices.Equal(paths, want) {
				t.Errorf("event paths %q, want %q", paths, want)
			}
			// The table's counter goes on where it was.
			testdb.ExecSQL(t, db, "INSERT INTO Event (artifact_id, execution_id, type) VALUES (7, 7, 7)")
			if got := testdb.QueryRows(t, db, "SELECT id FROM Event WHERE artifact_id = 7"); !slices.Equal(got, []string{"7"}) {
				t.Errorf("new event's id %v, want [7]", got)
			}
		})
	}
}

// TestMLMDChainMySQLLongStrings downgrades version 7 to 6 on MySQL, where
// string_value goes back from MEDIUMTEXT to TEXT (65535 bytes): longer
// strings are cut to a prefix that fits, however many bytes their
// characters take, and every row stays.
func TestMLMDChainMySQLLongStrings(t *testing.T) {
	e := chainServers[0]
	db, steps := e.newAt(t, 7)
	values := map[string]string{
		"ascii": "REPEAT('a', 70000)",
		"wide":  "REPEAT('\U0001F600', 20000)",
		"mixed": "CONCAT(REPEAT('\U0001F600', 16000), REPEAT('b', 10000))",
		"short": "'abc'",
		"fits":  "REPEAT('\u00e9', 30000)",
		"two":   "REPEAT('\u00e9', 40000)",
	}
	tables := []string{"ArtifactProperty", "ExecutionProperty", "ContextProperty"}
	for _, table := range tables {
		for name, v := range values {
			testdb.ExecSQL(t, db, fmt.Sprintf("INSERT INTO %s VALUES (1, '%s', 0, NULL, NULL, %s, NULL)", table, name, v))
		}
	}
	e.run(t, db, steps[6].Down, 6)
	for _, table := range tables {
		if got := testdb.QueryRows(t, db, `SELECT data_type FROM information_schema.columns
			WHERE table_schema = DATABASE() AND table_name = ? AND column_name IN ('string_value', 'byte_value')`, table); !slices.Equal(got, []string{"text"}) {
			t.Errorf("%s: string_value and byte_value types %v, want [text]", table, got)
		}
		for name, want := range map[string]string{
			"ascii": "65535 65535 1",
			"wide":  "65532 16383 1",
			"short": "3 3 1",
			"fits":  "60000 30000 1",
			"two":   "65534 32767 1",
		} {
			got := testdb.QueryRows(t, db, fmt.Sprintf("SELECT LENGTH(string_value), CHAR_LENGTH(string_value), "+
				"string_value = LEFT(%s, CHAR_LENGTH(string_value)) FROM %s WHERE name = ?", values[name], table), name)
			if !slices.Equal(got, []string{want}) {
				t.Errorf("%s %s: length, characters, is a prefix: %v, want %s", table, name, got, want)
			}
		}
		got := testdb.QueryRows(t, db, fmt.Sprintf("SELECT LENGTH(string_value) <= 65535, CHAR_LENGTH(string_value) >= 16383, "+
			"string_value = LEFT(%s, CHAR_LENGTH(string_value)) FROM %s WHERE name = 'mixed'", values["mixed"], table))
		if !slices.Equal(got, []string{"1 1 1"}) {
			t.Errorf("%s mixed: fits, keeps at least 16383 characters, is a prefix: %v, want 1 1 1", table, got)
		}
		if n := testdb.QueryRows(t, db, "SELECT COUNT(*) FROM "+table); !slices.Equal(n, []string{"6"}) {
			t.Errorf("%s: %v rows, want 6", table, n)
		}
	}
}

// TestMLMDChainPostgresMLMDCopies upgrades to version 10 a PostgreSQL
// database as MLMD's own upgrades to versions 8 and 9 leave it, which copy
// Event, Type, Artifact, Execution and Context into new tables: node
// timestamps INT, sequences and keys named after the copies (EventTemp,
// TypeTemp, ...), sequences not moved on past the copied ids. The upgrade
// gives the schema of a new version 10 database, keeps the values, and new
// rows get new ids.
func TestMLMDChainPostgresMLMDCopies(t *testing.T) {
	e := chainServers[1]
	want := e.freshV10(t)
	db, steps := e.newAt(t, 9)
	testdb.ExecSQL(t, db,
		"INSERT INTO Type (name, type_kind) VALUES ('a', 1), ('e', 0), ('c', 2)",
		"INSERT INTO Artifact (type_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (1, 2147483647, 5)",
		"INSERT INTO Execution (type_id, create_time_since_epoch, last_update_time_since_epoch) VALUES (2, 7, 8)",
		"INSERT INTO Context (type_id, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (3, 'c', 9, 10)",
		"INSERT INTO Event (artifact_id, execution_id, type) VALUES (1, 1, 1), (1, 1, 2)",
	)
	for _, table := range []string{"type", "artifact", "execution", "context", "event"} {
		temp := table + "temp"
		testdb.ExecSQL(t, db,
			"ALTER SEQUENCE "+table+"_id_seq RENAME TO "+temp+"_id_seq",
			"SELECT setval('"+temp+"_id_seq', 1, false)",
			"ALTER TABLE "+table+" RENAME CONSTRAINT "+table+"_pkey TO "+temp+"_pkey")
		if table != "event" {
			testdb.ExecSQL(t, db, "ALTER TABLE "+table+" RENAME CONSTRAINT "+table+"_external_id_key TO "+temp+"_external_id_key")
		}
	}
	testdb.ExecSQL(t, db,
		"ALTER TABLE artifact RENAME CONSTRAINT uniqueartifacttypename TO artifacttemp_type_id_name_key",
		"ALTER TABLE execution RENAME CONSTRAINT uniqueexecutiontypename TO executiontemp_type_id_name_key",
		"ALTER TABLE context RENAME CONSTRAINT context_type_id_name_key TO contexttemp_type_id_name_key",
	)
	for _, table := range []string{"Artifact", "Execution", "Context"} {
		testdb.ExecSQL(t, db, "ALTER TABLE "+table+" ALTER COLUMN create_time_since_epoch TYPE INT, "+
			"ALTER COLUMN last_update_time_since_epoch TYPE INT")
	}
	if slices.Equal(e.describe(t, db), want) {
		t.Fatal("the database is already like a new one")
	}
	e.run(t, db, steps[9].Up, 10)
	if got := e.describe(t, db); !slices.Equal(got, want) {
		t.Errorf("upgraded schema differs from a new version 10 one (+ upgraded, - new):\n%s", testdb.LineDiff(got, want))
	}
	got := testdb.QueryRows(t, db, `SELECT create_time_since_epoch, last_update_time_since_epoch FROM Artifact
		UNION ALL SELECT create_time_since_epoch, last_update_time_since_epoch FROM Execution
		UNION ALL SELECT create_time_since_epoch, last_update_time_since_epoch FROM Context`)
	if want := []string{"2147483647 5", "7 8", "9 10"}; !slices.Equal(got, want) {
		t.Errorf("timestamps %q, want %q", got, want)
	}
	testdb.ExecSQL(t, db,
		"INSERT INTO Type (name, type_kind) VALUES ('a2', 1)",
		"INSERT INTO Artifact (type_id, last_update_time_since_epoch) VALUES (1, 1764748800000)",
		"INSERT INTO Execution (type_id) VALUES (2)",
		"INSERT INTO Context (type_id, name) VALUES (3, 'c2')",
		"INSERT INTO Event (artifact_id, execution_id, type) VALUES (1, 1, 3)",
	)
	for table, want := range map[string]string{"Type": "4", "Artifact": "2", "Execution": "2", "Context": "2", "Event": "3"} {
		if got := testdb.QueryRows(t, db, "SELECT MAX(id) FROM "+table); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: new row's id %v, want %s", table, got, want)
		}
	}
}

// TestMLMDChainMySQLResume cuts a MySQL upgrade short in the middle of
// each step in turn (half the step's statements run, MLMDEnv still at the
// version before) and opens the database with upgrades enabled: the
// runner finishes the step and the rest, and the database is a new
// version 10 one (with gomlmd's indexes) holding every row of version 0.
func TestMLMDChainMySQLResume(t *testing.T) {
	e := chainServers[0]
	steps := loadChain(t, e.chain)
	newDB := func(t *testing.T) (string, *sql.DB) {
		return testdb.CreateMySQLDatabase(t)
	}
	freshDSN, fresh := newDB(t)
	s, err := mlmd.Open(ctx, "mysql", freshDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	want := e.describe(t, fresh)
	for _, cut := range steps {
		t.Run(fmt.Sprintf("v%02d", cut.Version), func(t *testing.T) {
			dsn, db := newDB(t)
			testdb.ExecSQL(t, db, e.v0...)
			testdb.ExecSQL(t, db, v0Rows...)
			before := e.dumpV0(t, db, "is_artifact_type")
			for _, s := range steps[:cut.Version-1] {
				e.run(t, db, s.Up, s.Version)
			}
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range cut.Up[:len(cut.Up)/2] {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			conn.Close()
			s, err := mlmd.Open(ctx, "mysql", dsn, &mlmd.Options{EnableUpgradeMigration: true})
			if err != nil {
				t.Fatalf("open after a cut in step %d: %v", cut.Version, err)
			}
			s.Close()
			if got := e.describe(t, db); !slices.Equal(got, want) {
				t.Errorf("schema differs from a new one (+ resumed, - new):\n%s", testdb.LineDiff(got, want))
			}
			// Open adds MLMD's system types (mlmd.Dataset, ...).
			after := slices.DeleteFunc(e.dumpV0(t, db, "type_kind"), func(r string) bool {
				return strings.HasPrefix(strings.Join(strings.Fields(r)[2:], " "), "mlmd.")
			})
			if !slices.Equal(after, before) {
				t.Errorf("rows after the upgrade:\n%s", testdb.LineDiff(after, before))
			}
		})
	}
}
