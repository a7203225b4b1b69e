package sqlstore_test

// The plans of the link lookups by node: GetLinks with node ids (what
// GetContextsByArtifact, GetContextsByExecution and the links of a lineage
// answer cost) must search gomlmd's indexes on Attribution(artifact_id)
// and Association(execution_id), not scan the table. The SQL is the one
// GetLinks sends, caught on its way to the database, and explained with
// the same arguments on the same pool.

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/schema"
)

// plan is what a query plan says about one table.
type plan struct {
	indexes  []string // indexes searched (not scanned whole)
	fullScan bool     // the table, or one of its indexes, is read whole
	sorts    bool     // the rows are sorted after they are read (a temporary B-tree, a filesort)
	text     string   // the plan, for messages
}

// explainEngine is one engine's way to open a store and read a plan.
type explainEngine struct {
	name    string
	open    func(t *testing.T) *sqlstore.Conn
	analyze string
	explain func(t *testing.T, db *sql.DB, table, query string, args []any) plan
	drop    func(ix schema.Index) string
}

var explainEngines = []explainEngine{
	{
		name: "sqlite",
		open: func(t *testing.T) *sqlstore.Conn {
			dsn := "file:" + t.TempDir() + "/mlmd.db"
			return openConn(t, sqlitestore.Driver{}, dsn)
		},
		analyze: "ANALYZE",
		explain: explainSQLite,
		drop:    func(ix schema.Index) string { return "DROP INDEX " + ix.Name },
	},
	{
		name: "mysql",
		open: func(t *testing.T) *sqlstore.Conn {
			// A database of its own: the test drops an index.
			return openConn(t, mysqlstore.Driver{}, testdb.NewMySQLDatabase(t))
		},
		analyze: "ANALYZE TABLE Attribution, Association",
		explain: explainMySQL,
		drop:    func(ix schema.Index) string { return "DROP INDEX " + ix.Name + " ON " + ix.Table },
	},
}

func openConn(t *testing.T, d driver.Driver, dsn string) *sqlstore.Conn {
	t.Helper()
	c, err := d.Open(context.Background(), dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sc, ok := c.(*sqlstore.Conn)
	if !ok {
		t.Fatalf("%T is not a *sqlstore.Conn", c)
	}
	return sc
}

// sqlitePlanRow matches a line of SQLite's EXPLAIN QUERY PLAN that reads a
// table: SEARCH uses an index for a range or lookup, SCAN reads the table
// (or an index) whole.
var sqlitePlanRow = regexp.MustCompile(`^(SEARCH|SCAN) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?`)

func explainSQLite(t *testing.T, db *sql.DB, table, query string, args []any) plan {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var p plan
	for rows.Next() {
		var id, parent, unused int64
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		p.text += detail + "\n"
		if strings.Contains(detail, "TEMP B-TREE") {
			p.sorts = true
		}
		m := sqlitePlanRow.FindStringSubmatch(detail)
		if m == nil || m[2] != table {
			continue
		}
		if m[1] == "SCAN" {
			p.fullScan = true
		} else if m[3] != "" {
			p.indexes = append(p.indexes, m[3])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}

func explainMySQL(t *testing.T, db *sql.DB, table, query string, args []any) plan {
	t.Helper()
	rows, err := db.Query("EXPLAIN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var p plan
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			row[strings.ToLower(c)] = vals[i].String
		}
		p.text += fmt.Sprintf("%v\n", row)
		if extra := row["extra"]; strings.Contains(extra, "filesort") || strings.Contains(extra, "temporary") {
			p.sorts = true
		}
		if !strings.EqualFold(row["table"], table) {
			continue
		}
		// ALL reads the table, index one of its indexes, whole.
		if row["type"] == "ALL" || row["type"] == "index" {
			p.fullScan = true
		} else if row["key"] != "" {
			p.indexes = append(p.indexes, strings.Split(row["key"], ",")...)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLinkLookupsUseIndexes(t *testing.T) {
	const rows = 5000 // links per table, 10 per context
	lookups := []struct {
		kind  driver.Kind
		table string
		index schema.Index
	}{
		{driver.KindArtifact, "Attribution", gomlmdIndex(t, "Attribution")},
		{driver.KindExecution, "Association", gomlmdIndex(t, "Association")},
	}
	// Sorted node ids: one, a few far apart, and a lineage-sized batch.
	nodeSets := [][]int64{{7}, {5, 500, 1500}, idRange(1000, 50)}
	ctx := context.Background()
	for _, e := range explainEngines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			db := c.DB()
			for _, l := range lookups {
				var vals []string
				for i := range rows {
					vals = append(vals, fmt.Sprintf("(%d, %d)", i/10+1, i+1))
				}
				if _, err := db.ExecContext(ctx, "INSERT INTO "+l.table+" (context_id, "+l.index.Columns[0]+") VALUES "+strings.Join(vals, ", ")); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.ExecContext(ctx, e.analyze); err != nil {
				t.Fatal(err)
			}

			// sent returns the statements GetLinks sends for node ids, and
			// checks its answer: node i is in context (i-1)/10+1.
			sent := func(t *testing.T, kind driver.Kind, table string, nodes []int64) []sentQuery {
				t.Helper()
				var got []sentQuery
				traced := sqlstore.TraceQueries(c, func(q string, args []any) { got = append(got, sentQuery{q, args}) })
				var links []driver.LinkRow
				err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
					var err error
					links, err = tx.GetLinks(ctx, kind, nodes, nil)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				var gotNodes []int64
				for _, l := range links {
					gotNodes = append(gotNodes, l.NodeID)
					if l.ContextID != (l.NodeID-1)/10+1 {
						t.Errorf("link %+v: wrong context", l)
					}
				}
				slices.Sort(gotNodes)
				if !slices.Equal(gotNodes, nodes) {
					t.Errorf("GetLinks(%v) found nodes %v", nodes, gotNodes)
				}
				got = slices.DeleteFunc(got, func(s sentQuery) bool { return !strings.Contains(s.query, table) })
				if len(got) != 1 {
					t.Fatalf("GetLinks sent %d statements on %s, want 1: %v", len(got), table, got)
				}
				return got
			}

			for _, l := range lookups {
				t.Run(l.table, func(t *testing.T) {
					for _, nodes := range nodeSets {
						s := sent(t, l.kind, l.table, nodes)[0]
						p := e.explain(t, db, l.table, s.query, s.args)
						if !slices.Contains(p.indexes, l.index.Name) || p.fullScan {
							t.Errorf("%d node ids: the plan does not search %s without a full scan:\n%s\n%s", len(nodes), l.index.Name, s.query, p.text)
						}
					}
					// Without the index the same statement reads the whole
					// table: the check above can tell.
					if _, err := db.ExecContext(ctx, e.drop(l.index)); err != nil {
						t.Fatal(err)
					}
					s := sent(t, l.kind, l.table, nodeSets[1])[0]
					if p := e.explain(t, db, l.table, s.query, s.args); slices.Contains(p.indexes, l.index.Name) || !p.fullScan {
						t.Errorf("without %s the plan still looks indexed:\n%s", l.index.Name, p.text)
					}
				})
			}
		})
	}
}

type sentQuery struct {
	query string
	args  []any
}

func gomlmdIndex(t *testing.T, table string) schema.Index {
	for _, ix := range schema.GomlmdIndexes {
		if ix.Table == table {
			return ix
		}
	}
	t.Fatalf("no gomlmd index on %s", table)
	return schema.Index{}
}

func idRange(first int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = first + int64(i)*7
	}
	return out
}

// TestNodeReadsSortNothing checks that the statement of GetNodes, which
// reads nodes and their property rows, searches both tables by their
// primary keys and sorts nothing: the engine reads the rows in index
// order.
func TestNodeReadsSortNothing(t *testing.T) {
	const nodes, propsPerNode = 3000, 6
	ctx := context.Background()
	for _, e := range explainEngines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			db := c.DB()
			var ids []int64
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
				typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "t"})
				if err != nil {
					return err
				}
				rows := make([]driver.NodeRow, nodes)
				for i := range rows {
					rows[i].TypeID = typeID
					for j := range propsPerNode {
						rows[i].Properties = append(rows[i].Properties, driver.PropertyRow{
							Name: fmt.Sprint("p", j%3), IsCustom: j >= 3, Column: driver.ColumnInt, Int: int64(i * j)})
					}
				}
				ids, err = tx.InsertNodes(ctx, driver.KindArtifact, rows)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, e.analyze); err != nil {
				t.Fatal(err)
			}
			for _, want := range [][]int64{ids[:1], ids[10:60], ids[1000:1300]} {
				var got []sentQuery
				traced := sqlstore.TraceQueries(c, func(q string, args []any) { got = append(got, sentQuery{q, args}) })
				var read []driver.NodeRow
				err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
					var err error
					read, err = tx.GetNodes(ctx, driver.KindArtifact, want)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(read) != len(want) {
					t.Fatalf("GetNodes(%d ids) read %d nodes", len(want), len(read))
				}
				for _, n := range read {
					if len(n.Properties) != propsPerNode {
						t.Fatalf("node %d has %d properties, want %d", n.ID, len(n.Properties), propsPerNode)
					}
				}
				got = slices.DeleteFunc(got, func(s sentQuery) bool { return !strings.Contains(s.query, "ArtifactProperty") })
				if len(got) != 1 {
					t.Fatalf("GetNodes sent %d statements on ArtifactProperty, want 1: %v", len(got), got)
				}
				s := got[0]
				for _, alias := range []string{"n", "p"} { // Artifact, ArtifactProperty
					if p := e.explain(t, db, alias, s.query, s.args); p.sorts || p.fullScan {
						t.Errorf("%d ids: the statement sorts or scans %s:\n%s\n%s", len(want), alias, s.query, p.text)
					}
				}
				// Sorted by property name and node id, the rows of several
				// nodes need a sort: the check above can tell.
				if len(want) == 1 {
					continue
				}
				// The property's name is column 11, or 4 where the property
				// rows lie over the node rows' columns (DynamicColumns).
				nameCol := " ORDER BY 11, 2"
				if strings.Contains(s.query, "p.is_custom_property, p.name") {
					nameCol = " ORDER BY 4, 2"
				}
				if p := e.explain(t, db, "p", s.query+nameCol, s.args); !p.sorts {
					t.Errorf("%d ids: with an ORDER BY the plan does not sort either:\n%s", len(want), p.text)
				}
			}
		})
	}
}

// TestPageReadsScanNoNodes checks the plan of a page read with its nodes
// in one statement (driver.PageTx): the database lists the page first and
// looks its nodes and their properties up by id, whatever the listing.
func TestPageReadsScanNoNodes(t *testing.T) {
	const nodes = 3000
	ctx := context.Background()
	for _, e := range explainEngines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			db := c.DB()
			var typeID, contextID int64
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
				var err error
				if typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "t"}); err != nil {
					return err
				}
				ctxType, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindContext, Name: "run"})
				if err != nil {
					return err
				}
				cids, err := tx.InsertNodes(ctx, driver.KindContext, []driver.NodeRow{{TypeID: ctxType, Name: "r"}})
				if err != nil {
					return err
				}
				contextID = cids[0]
				rows := make([]driver.NodeRow, nodes)
				for i := range rows {
					rows[i] = driver.NodeRow{TypeID: typeID, CreateTimeSinceEpoch: int64(i), Properties: []driver.PropertyRow{
						{Name: "dag", IsCustom: true, Column: driver.ColumnInt, Int: int64(i % 10)}}}
				}
				ids, err := tx.InsertNodes(ctx, driver.KindArtifact, rows)
				if err != nil {
					return err
				}
				var links []driver.LinkRow
				for _, id := range ids[:nodes/10] {
					links = append(links, driver.LinkRow{ContextID: contextID, NodeID: id})
				}
				return tx.InsertLinks(ctx, driver.KindArtifact, links)
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, e.analyze); err != nil {
				t.Fatal(err)
			}
			filter, err := filterlang.Prepare("custom_properties.dag.int_value = 3", driver.KindArtifact)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				q    driver.ListQuery
				want int
			}{
				{"members of a context by property", driver.ListQuery{Kind: driver.KindArtifact, ContextID: contextID, Filter: filter, OrderBy: driver.OrderByID, Limit: 21}, 21},
				{"a type by creation time", driver.ListQuery{Kind: driver.KindArtifact, TypeID: typeID, OrderBy: driver.OrderByCreateTime, Desc: true, Limit: 21,
					After: &driver.NodeKey{ID: 1, OrderValue: nodes / 2}}, 21},
				{"everything by id", driver.ListQuery{Kind: driver.KindArtifact, OrderBy: driver.OrderByID, Limit: 21}, 21},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var got []sentQuery
					traced := sqlstore.TraceQueries(c, func(q string, args []any) { got = append(got, sentQuery{q, args}) })
					var rows []driver.NodeRow
					err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true, OneStatement: true}, func(tx driver.Tx) (err error) {
						_, rows, err = tx.(driver.PageTx).ListNodePage(ctx, tc.q)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) != tc.want || len(got) != 1 {
						t.Fatalf("read %d nodes in %d statements, want %d in 1", len(rows), len(got), tc.want)
					}
					for _, alias := range []string{"n", "p"} { // Artifact, ArtifactProperty
						if p := e.explain(t, db, alias, got[0].query, got[0].args); p.fullScan {
							t.Errorf("the statement scans %s:\n%s\n%s", alias, got[0].query, p.text)
						}
					}
				})
			}
		})
	}
}
