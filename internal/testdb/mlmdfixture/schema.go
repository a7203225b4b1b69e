// Package mlmdfixture builds databases at the schema versions that Google's
// MLMD released before version 10, with rows in every table, so that tests
// can upgrade them and check that nothing was lost.
//
// Version 0 is MLMD 0.13.2, which had no MLMDEnv table; versions 1 to 9
// record themselves in MLMDEnv. A fixture at version N has the tables,
// columns, column order, constraints and secondary indexes that MLMD's own
// upgrade queries leave behind when they take a 0.13.2 database up to N on
// that engine (metadata_source_query_config.cc: the version-0 tables of
// migration scheme 1's setup, then the upgrade of every scheme up to N).
// Where MLMD rebuilt a table under a temporary name and renamed it, the
// fixture does the same, so that engine-generated names (PostgreSQL's
// sequences and constraints) are MLMD's too.
//
// PostgreSQL's MLMD support arrived at version 10, so no PostgreSQL
// database below 10 was ever made by a release; MLMD's migration schemes
// still define every PostgreSQL version from 0, and the fixtures follow
// them (including their quirks: SMALLINT flags, and INT node times after
// the version-9 rebuild).
package mlmdfixture

import (
	"fmt"
	"strings"
)

// Engine names a database engine as gomlmd's backends name their drivers.
type Engine string

// The engines MLMD defined schemas for.
const (
	SQLite   Engine = "sqlite"
	MySQL    Engine = "mysql"
	Postgres Engine = "postgres"
)

// Engines lists the engines in the order tests run them.
var Engines = []Engine{SQLite, MySQL, Postgres}

// LatestVersion is the schema version the fixtures are upgraded to.
const LatestVersion = 10

// Versions returns the schema versions a fixture exists for: 0 to 9 on
// every engine.
func Versions() []int {
	vs := make([]int, LatestVersion)
	for i := range vs {
		vs[i] = i
	}
	return vs
}

func checkArgs(e Engine, v int) error {
	switch e {
	case SQLite, MySQL, Postgres:
	default:
		return fmt.Errorf("mlmdfixture: unknown engine %q", e)
	}
	if v < 0 || v >= LatestVersion {
		return fmt.Errorf("mlmdfixture: no fixture for schema version %d (have 0 to %d)", v, LatestVersion-1)
	}
	return nil
}

// Table is one table of a fixture's schema.
type Table struct {
	// Name is the table's name as MLMD writes it (PostgreSQL folds it to
	// lower case).
	Name string
	// Columns are the column names in table order.
	Columns []string

	defs    []string // column definitions, in order
	keys    []string // table constraints
	builtAs string   // temporary name MLMD created the table under, if any
	indexes []index
}

type index struct {
	name  string
	cols  string // column list, already quoted
	where string // SQLite partial index condition
}

// dialect writes the DDL of one engine at one version.
type dialect struct {
	e Engine
	v int
}

// q quotes an identifier as MLMD does: backticks on SQLite and MySQL,
// bare on PostgreSQL.
func (d dialect) q(name string) string {
	if d.e == Postgres {
		return name
	}
	return "`" + name + "`"
}

func (d dialect) qs(names ...string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = d.q(n)
	}
	return strings.Join(out, ", ")
}

// id is the definition of an auto-increment primary key; the Type table's
// is INT on MySQL, the others INTEGER (the same type there).
func (d dialect) id(table string) string {
	switch d.e {
	case SQLite:
		return "INTEGER PRIMARY KEY AUTOINCREMENT"
	case MySQL:
		if table == "Type" {
			return "INT PRIMARY KEY AUTO_INCREMENT"
		}
		return "INTEGER PRIMARY KEY AUTO_INCREMENT"
	}
	return "SERIAL PRIMARY KEY"
}

// flag is MLMD's boolean column type before version 10.
func (d dialect) flag() string {
	if d.e == Postgres {
		return "SMALLINT"
	}
	return "TINYINT(1)"
}

// millis is the type of times added by a version-5 ALTER and of events'
// times: INT on SQLite, BIGINT elsewhere.
func (d dialect) millis() string {
	if d.e == SQLite {
		return "INT"
	}
	return "BIGINT"
}

// nodeTime is the type of a node table's time columns: PostgreSQL's
// version-9 rebuild declared them INT.
func (d dialect) nodeTime() string {
	if d.e == Postgres && d.v >= 9 {
		return "INT"
	}
	return d.millis()
}

func (d dialect) double() string {
	if d.e == Postgres {
		return "DOUBLE PRECISION"
	}
	return "DOUBLE"
}

// stringValue is the type of property string values: MySQL's version 7
// widened them to MEDIUMTEXT.
func (d dialect) stringValue() string {
	if d.e == MySQL && d.v >= 7 {
		return "MEDIUMTEXT"
	}
	return "TEXT"
}

func (d dialect) blob() string {
	switch d.e {
	case MySQL:
		return "MEDIUMBLOB"
	case Postgres:
		return "BYTEA"
	}
	return "BLOB"
}

// unique writes a UNIQUE table constraint, named where MLMD named it
// (MySQL and PostgreSQL ALTERs) and bare where MLMD left it unnamed.
func (d dialect) unique(name string, cols ...string) string {
	if name == "" {
		return "UNIQUE(" + d.qs(cols...) + ")"
	}
	return "CONSTRAINT " + name + " UNIQUE(" + d.qs(cols...) + ")"
}

type tableBuilder struct {
	d dialect
	t Table
}

func (d dialect) table(name string) *tableBuilder {
	return &tableBuilder{d: d, t: Table{Name: name}}
}

func (b *tableBuilder) col(name, def string) *tableBuilder {
	b.t.Columns = append(b.t.Columns, name)
	b.t.defs = append(b.t.defs, b.d.q(name)+" "+def)
	return b
}

func (b *tableBuilder) key(k string) *tableBuilder {
	b.t.keys = append(b.t.keys, k)
	return b
}

func (b *tableBuilder) rebuilt(temp string) *tableBuilder {
	b.t.builtAs = temp
	return b
}

// index adds a secondary index on columns.
func (b *tableBuilder) index(name string, cols ...string) *tableBuilder {
	b.t.indexes = append(b.t.indexes, index{name: name, cols: b.d.qs(cols...)})
	return b
}

// indexPrefix is index with MySQL's key length prefix for the last
// column, a text column; other engines index the whole value.
func (b *tableBuilder) indexPrefix(name string, prefix int, cols ...string) *tableBuilder {
	if b.d.e != MySQL {
		return b.index(name, cols...)
	}
	last := len(cols) - 1
	qc := b.d.qs(cols[:last]...)
	if qc != "" {
		qc += ", "
	}
	qc += fmt.Sprintf("%s(%d)", b.d.q(cols[last]), prefix)
	b.t.indexes = append(b.t.indexes, index{name: name, cols: qc})
	return b
}

// partialIndex is an index that SQLite restricts to rows where the last
// column is set (MLMD's property indexes); other engines index every row.
func (b *tableBuilder) partialIndex(name string, prefix int, cols ...string) *tableBuilder {
	if b.d.e == SQLite {
		b.t.indexes = append(b.t.indexes, index{name: name, cols: b.d.qs(cols...), where: b.d.q(cols[len(cols)-1]) + " IS NOT NULL"})
		return b
	}
	if prefix > 0 {
		return b.indexPrefix(name, prefix, cols...)
	}
	return b.index(name, cols...)
}

// Tables returns the tables of MLMD's schema version v on engine e, in the
// order they are created.
func Tables(e Engine, v int) ([]Table, error) {
	if err := checkArgs(e, v); err != nil {
		return nil, err
	}
	d := dialect{e, v}
	var ts []*tableBuilder
	ts = append(ts, d.typeTable(), d.typePropertyTable())
	if v >= 6 {
		ts = append(ts, d.table("ParentType").
			col("type_id", "INT NOT NULL").col("parent_type_id", "INT NOT NULL").
			key("PRIMARY KEY ("+d.qs("type_id", "parent_type_id")+")"))
	}
	ts = append(ts, d.artifactTable(), d.propertyTable("ArtifactProperty", "artifact_id", "artifact"),
		d.executionTable(), d.propertyTable("ExecutionProperty", "execution_id", "execution"),
		d.eventTable(), d.eventPathTable())
	if v >= 1 {
		mlmdEnv := "INTEGER PRIMARY KEY"
		if e == Postgres {
			mlmdEnv = "INT PRIMARY KEY"
		}
		ts = append(ts, d.table("MLMDEnv").col("schema_version", mlmdEnv))
	}
	if v >= 3 {
		ts = append(ts, d.contextTable(), d.propertyTable("ContextProperty", "context_id", "context"))
	}
	if v >= 6 {
		ts = append(ts, d.table("ParentContext").
			col("context_id", "INT NOT NULL").col("parent_context_id", "INT NOT NULL").
			key("PRIMARY KEY ("+d.qs("context_id", "parent_context_id")+")").
			index("idx_parentcontext_parent_context_id", "parent_context_id"))
	}
	if v >= 4 {
		ts = append(ts,
			d.table("Association").col("id", d.id("Association")).
				col("context_id", "INT NOT NULL").col("execution_id", "INT NOT NULL").
				key(d.unique("", "context_id", "execution_id")),
			d.table("Attribution").col("id", d.id("Attribution")).
				col("context_id", "INT NOT NULL").col("artifact_id", "INT NOT NULL").
				key(d.unique("", "context_id", "artifact_id")))
	}
	out := make([]Table, len(ts))
	for i, b := range ts {
		out[i] = b.t
	}
	return out, nil
}

func (d dialect) typeTable() *tableBuilder {
	b := d.table("Type").col("id", d.id("Type")).col("name", "VARCHAR(255) NOT NULL")
	kind := "type_kind"
	if d.v < 2 {
		kind = "is_artifact_type"
	}
	kindDef := d.flag() + " NOT NULL"
	switch {
	case d.v >= 9 && d.e != MySQL, d.v >= 6 && d.e == SQLite:
		// SQLite rebuilt the table at 6 and 9, PostgreSQL at 9, with
		// version and description among the first columns.
		b.col("version", "VARCHAR(255)").col(kind, kindDef).col("description", "TEXT").
			col("input_type", "TEXT").col("output_type", "TEXT")
		if d.v >= 9 {
			b.col("external_id", "VARCHAR(255) UNIQUE").rebuilt("TypeTemp")
		} else {
			b.rebuilt("TypeTemp")
		}
	default:
		// MySQL's and PostgreSQL's ALTERs appended the new columns.
		b.col(kind, kindDef).col("input_type", "TEXT").col("output_type", "TEXT")
		if d.v >= 6 {
			b.col("version", "VARCHAR(255)").col("description", "TEXT")
		}
		if d.v >= 9 {
			b.col("external_id", "VARCHAR(255)").key(d.unique("UniqueTypeExternalId", "external_id"))
		}
		if d.e == SQLite && d.v >= 2 {
			b.rebuilt("TypeTemp")
		}
	}
	if d.v >= 6 {
		b.index("idx_type_name", "name")
	}
	if d.v >= 9 {
		b.index("idx_type_external_id", "external_id")
	}
	return b
}

func (d dialect) typePropertyTable() *tableBuilder {
	return d.table("TypeProperty").col("type_id", "INT NOT NULL").col("name", "VARCHAR(255) NOT NULL").
		col("data_type", "INT NULL").key("PRIMARY KEY (" + d.qs("type_id", "name") + ")")
}

// nodeTable writes Artifact, Execution or Context: the version-0 (or, for
// Context, version-3) columns, then what versions 5 and 9 added.
func (d dialect) nodeTable(name string, first func(b *tableBuilder)) *tableBuilder {
	b := d.table(name).col("id", d.id(name)).col("type_id", "INT NOT NULL")
	first(b)
	if d.v < 5 {
		if name == "Context" {
			b.key(d.unique("", "type_id", "name"))
		}
		return b
	}
	timeDef := d.nodeTime() + " NOT NULL DEFAULT 0"
	typeName := map[string]string{"Artifact": "UniqueArtifactTypeName", "Execution": "UniqueExecutionTypeName"}[name]
	switch {
	case d.v >= 9 && d.e != MySQL:
		// Rebuilt at 9 with external_id before the times.
		b.col("external_id", "VARCHAR(255) UNIQUE").col("create_time_since_epoch", timeDef).
			col("last_update_time_since_epoch", timeDef).key(d.unique("", "type_id", "name")).rebuilt(name + "Temp")
	default:
		b.col("create_time_since_epoch", timeDef).col("last_update_time_since_epoch", timeDef)
		switch {
		case name == "Context":
			// Version 3's unnamed unique key, the times added by ALTER.
			b.key(d.unique("", "type_id", "name"))
		case d.e == SQLite:
			b.key(d.unique("", "type_id", "name")).rebuilt(name + "Temp")
		default:
			b.key(d.unique(typeName, "type_id", "name"))
		}
		if d.v >= 9 {
			b.col("external_id", "VARCHAR(255)").key(d.unique("Unique"+name+"ExternalId", "external_id"))
		}
	}
	lower := strings.ToLower(name)
	if name == "Artifact" && d.v >= 6 {
		b.indexPrefix("idx_artifact_uri", 255, "uri")
	}
	if d.v >= 6 {
		b.index("idx_"+lower+"_create_time_since_epoch", "create_time_since_epoch").
			index("idx_"+lower+"_last_update_time_since_epoch", "last_update_time_since_epoch")
	}
	if d.v >= 9 {
		b.index("idx_"+lower+"_external_id", "external_id")
	}
	return b
}

func (d dialect) artifactTable() *tableBuilder {
	return d.nodeTable("Artifact", func(b *tableBuilder) {
		b.col("uri", "TEXT")
		if d.v >= 5 {
			b.col("state", "INT").col("name", "VARCHAR(255)")
		}
	})
}

func (d dialect) executionTable() *tableBuilder {
	return d.nodeTable("Execution", func(b *tableBuilder) {
		if d.v >= 5 {
			b.col("last_known_state", "INT").col("name", "VARCHAR(255)")
		}
	})
}

func (d dialect) contextTable() *tableBuilder {
	return d.nodeTable("Context", func(b *tableBuilder) {
		b.col("name", "VARCHAR(255) NOT NULL")
	})
}

func (d dialect) propertyTable(name, owner, kind string) *tableBuilder {
	b := d.table(name).col(owner, "INT NOT NULL").col("name", "VARCHAR(255) NOT NULL").
		col("is_custom_property", d.flag()+" NOT NULL").col("int_value", "INT").
		col("double_value", d.double()).col("string_value", d.stringValue())
	if d.v >= 7 {
		b.col("byte_value", d.blob())
	}
	b.key("PRIMARY KEY (" + d.qs(owner, "name", "is_custom_property") + ")")
	if d.v >= 8 {
		b.partialIndex("idx_"+kind+"_property_int", 0, "name", "is_custom_property", "int_value").
			partialIndex("idx_"+kind+"_property_double", 0, "name", "is_custom_property", "double_value").
			partialIndex("idx_"+kind+"_property_string", 255, "name", "is_custom_property", "string_value")
	}
	return b
}

func (d dialect) eventTable() *tableBuilder {
	b := d.table("Event").col("id", d.id("Event")).col("artifact_id", "INT NOT NULL").
		col("execution_id", "INT NOT NULL").col("type", "INT NOT NULL").
		col("milliseconds_since_epoch", d.millis())
	switch {
	case d.v >= 8:
		// Rebuilt with a unique key; only the execution index came back.
		name := "UniqueEvent"
		if d.e == SQLite {
			name = ""
		}
		b.key(d.unique(name, "artifact_id", "execution_id", "type")).rebuilt("EventTemp").
			index("idx_event_execution_id", "execution_id")
	case d.v >= 6:
		b.index("idx_event_artifact_id", "artifact_id").index("idx_event_execution_id", "execution_id")
	}
	return b
}

func (d dialect) eventPathTable() *tableBuilder {
	b := d.table("EventPath").col("event_id", "INT NOT NULL").col("is_index_step", d.flag()+" NOT NULL").
		col("step_index", "INT").col("step_key", "TEXT")
	if d.v >= 7 {
		b.index("idx_eventpath_event_id", "event_id")
	}
	return b
}

// DDL returns the statements that create the fixture's tables and indexes
// in an empty database.
func DDL(e Engine, v int) ([]string, error) {
	ts, err := Tables(e, v)
	if err != nil {
		return nil, err
	}
	d := dialect{e, v}
	var stmts []string
	for _, t := range ts {
		name := t.Name
		if t.builtAs != "" {
			name = t.builtAs
		}
		stmts = append(stmts, "CREATE TABLE "+d.q(name)+" (\n  "+strings.Join(append(append([]string{}, t.defs...), t.keys...), ",\n  ")+"\n)")
		if t.builtAs != "" {
			stmts = append(stmts, "ALTER TABLE "+d.q(t.builtAs)+" RENAME TO "+d.q(t.Name))
		}
		for _, ix := range t.indexes {
			s := "CREATE INDEX " + d.q(ix.name) + " ON " + d.q(t.Name) + " (" + ix.cols + ")"
			if ix.where != "" {
				s += " WHERE " + ix.where
			}
			stmts = append(stmts, s)
		}
	}
	return stmts, nil
}
