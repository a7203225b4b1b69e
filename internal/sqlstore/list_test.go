package sqlstore_test

// Filtered pages on SQLite and MySQL are searched first in a window of the listing (see ListNodes). These tests
// check that paging through such a listing gives the same nodes, in the
// same order, whether the window answers or the whole table is searched,
// on every engine, and that the window's statement reads the nodes in
// order and looks their properties up by key.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
)

// windowNodes is the size of the store of the window tests: more than
// the smallest window, so that a sparse filter's first page is not found
// in it.
const windowNodes = 2500

// windowNode describes artifact i (1-based, its id) of the window tests'
// store: property v = i, custom property c = "x" on every seventh node,
// a create time that repeats (ties broken by id) and is not in id order,
// and the context c<i%3>.
type windowNode struct {
	i      int64
	custom bool
	create int64
}

func windowStoreNodes() []windowNode {
	out := make([]windowNode, windowNodes)
	for k := range out {
		i := int64(k + 1)
		out[k] = windowNode{i: i, custom: i%7 == 0, create: (i * 37) % 500}
	}
	return out
}

// windowEngine is an engine of the window tests: how to open an empty
// store, whether a listing in an order is searched in a window first, and
// the keyword of the window's joins.
type windowEngine struct {
	name     string
	open     func(t *testing.T) *sqlstore.Conn
	windowed func(order driver.OrderField) bool
	keyword  string
}

var windowEngines = []windowEngine{
	{"sqlite", explainEngines[0].open, func(driver.OrderField) bool { return true }, "CROSS JOIN"},
	{"mysql", explainEngines[1].open, func(driver.OrderField) bool { return true }, "STRAIGHT_JOIN"},
	{"postgres", func(t *testing.T) *sqlstore.Conn {
		return openConn(t, postgresstore.Driver{}, testdb.NewPostgresDatabase(t))
	}, func(driver.OrderField) bool { return false }, ""},
}

// openWindowStore opens a store holding windowStoreNodes, whose node i
// has id i.
func openWindowStore(t *testing.T, open func(t *testing.T) *sqlstore.Conn) *sqlstore.Conn {
	t.Helper()
	ctx := context.Background()
	c := open(t)
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "t", Properties: map[string]int32{"v": 1}})
		if err != nil {
			return err
		}
		nodes := windowStoreNodes()
		rows := make([]driver.NodeRow, len(nodes))
		for k, n := range nodes {
			rows[k] = driver.NodeRow{TypeID: typeID, CreateTimeSinceEpoch: n.create, LastUpdateTimeSinceEpoch: n.create,
				Properties: []driver.PropertyRow{{Name: "v", Column: driver.ColumnInt, Int: n.i}}}
			if n.custom {
				rows[k].Properties = append(rows[k].Properties, driver.PropertyRow{Name: "c", IsCustom: true, Column: driver.ColumnString, String: "x"})
			}
		}
		ids, err := tx.InsertNodes(ctx, driver.KindArtifact, rows)
		if err != nil {
			return err
		}
		if ids[0] != 1 || ids[len(ids)-1] != windowNodes {
			return fmt.Errorf("ids %d..%d, want 1..%d", ids[0], ids[len(ids)-1], windowNodes)
		}
		return attributeWindowNodes(ctx, tx, nodes)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// attributeWindowNodes puts node i in context "c<i%3>".
func attributeWindowNodes(ctx context.Context, tx driver.Tx, nodes []windowNode) error {
	typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindContext, Name: "run"})
	if err != nil {
		return err
	}
	var contexts []driver.NodeRow
	for k := range 3 {
		contexts = append(contexts, driver.NodeRow{TypeID: typeID, Name: fmt.Sprint("c", k)})
	}
	contextIDs, err := tx.InsertNodes(ctx, driver.KindContext, contexts)
	if err != nil {
		return err
	}
	links := make([]driver.LinkRow, len(nodes))
	for k, n := range nodes {
		links[k] = driver.LinkRow{ContextID: contextIDs[n.i%3], NodeID: n.i}
	}
	return tx.InsertLinks(ctx, driver.KindArtifact, links)
}

// maxPages is the most pages of a listing the window tests read.
const maxPages = 30

// windowFilters are the filters of the window tests, with the nodes they
// match.
var windowFilters = []struct {
	query string
	match func(n windowNode) bool
}{
	{"properties.v.int_value > 10", func(n windowNode) bool { return n.i > 10 }},                    // nearly all
	{"properties.v.int_value < 30", func(n windowNode) bool { return n.i < 30 }},                    // the oldest few
	{"properties.v.int_value > 2480", func(n windowNode) bool { return n.i > 2480 }},                // the newest few
	{"properties.v.int_value = 1234", func(n windowNode) bool { return n.i == 1234 }},               // one
	{"properties.v.int_value > 99999", func(n windowNode) bool { return false }},                    // none
	{"custom_properties.c.string_value = 'x'", func(n windowNode) bool { return n.custom }},         // a seventh
	{"type = 't' AND properties.v.int_value > 2000", func(n windowNode) bool { return n.i > 2000 }}, // a join to Type too
	{"properties.v.int_value = 500 OR create_time_since_epoch = 3", func(n windowNode) bool { return n.i == 500 || n.create == 3 }},
	// A correlated EXISTS that names the node, and a semi-join.
	{"properties.v.int_value > 100 AND (contexts_a.name = 'c0' OR create_time_since_epoch < 50)", func(n windowNode) bool {
		return n.i > 100 && (n.i%3 == 0 || n.create < 50)
	}},
	{"properties.v.int_value > 5 AND contexts_a.name = 'c1'", func(n windowNode) bool { return n.i > 5 && n.i%3 == 1 }},
}

// listingOrder returns the nodes, sorted in a listing's order.
func listingOrder(nodes []windowNode, byCreate, desc bool) []windowNode {
	nodes = slices.Clone(nodes)
	slices.SortFunc(nodes, func(a, b windowNode) int {
		c := 0
		if byCreate {
			c = int(a.create - b.create)
		}
		if c == 0 {
			c = int(a.i - b.i)
		}
		if desc {
			c = -c
		}
		return c
	})
	return nodes
}

// windowFills reports whether the window of a page of limit rows after
// the node at position from of the listing (the nodes, all of them, in
// its order) holds limit nodes that match.
func windowFills(listing []windowNode, from, limit int, match func(windowNode) bool) bool {
	end := min(len(listing), from+sqlstore.Window(limit))
	found := 0
	for _, n := range listing[from:end] {
		if match(n) {
			found++
		}
	}
	return found >= limit
}

func TestFilteredPagesWindow(t *testing.T) {
	for _, e := range windowEngines {
		t.Run(e.name, func(t *testing.T) { testFilteredPagesWindow(t, e) })
	}
}

func testFilteredPagesWindow(t *testing.T, e windowEngine) {
	ctx := context.Background()
	c := openWindowStore(t, e.open)
	for _, f := range windowFilters {
		checked, err := filterlang.Prepare(f.query, driver.KindArtifact)
		if err != nil {
			t.Fatal(err)
		}
		for _, order := range []struct {
			field driver.OrderField
			desc  bool
		}{{driver.OrderByID, true}, {driver.OrderByID, false}, {driver.OrderByCreateTime, true}} {
			for _, limit := range []int{1, 21} {
				name := fmt.Sprintf("%s/order %d desc %v/limit %d", f.query, order.field, order.desc, limit)
				t.Run(name, func(t *testing.T) {
					listing := listingOrder(windowStoreNodes(), order.field == driver.OrderByCreateTime, order.desc)
					var want []int64
					for _, n := range listing {
						if f.match(n) {
							want = append(want, n.i)
						}
					}
					q := driver.ListQuery{Kind: driver.KindArtifact, Filter: checked, OrderBy: order.field, Desc: order.desc, Limit: limit}
					var got []int64
					from := 0 // the position in listing of the page's first node
					for page := 0; ; page++ {
						var sent []string
						traced := sqlstore.TraceQueries(c, func(q string, _ []any) { sent = append(sent, q) })
						var keys []driver.NodeKey
						err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
							var err error
							keys, err = tx.ListNodes(ctx, q)
							return err
						})
						if err != nil {
							t.Fatal(err)
						}
						for _, k := range keys {
							got = append(got, k.ID)
						}
						// The window's statement is sent first; the whole
						// table is searched only if it does not fill the page.
						sent = slices.DeleteFunc(sent, func(s string) bool { return !strings.Contains(s, "Artifact AS table_0") })
						windowed := e.windowed(order.field)
						if len(sent) == 0 || windowed != strings.Contains(sent[0], "FROM (SELECT") {
							t.Fatalf("page %d: windowed %v, but the statements are %q", page, windowed, sent)
						}
						if windowed && !strings.Contains(sent[0], e.keyword+" ArtifactProperty AS ") {
							t.Fatalf("page %d: the window's joins are not %s: %q", page, e.keyword, sent[0])
						}
						wantSent := 1
						if windowed && !windowFills(listing, from, limit, f.match) {
							wantSent = 2
						}
						if len(sent) != wantSent {
							t.Fatalf("page %d: %d keys in %d statements, want %d: %q", page, len(keys), len(sent), wantSent, sent)
						}
						if len(keys) < limit {
							break
						}
						if page == maxPages-1 {
							// Enough pages of the window and of the
							// whole-table search; the rest of a long
							// listing is like them.
							want = want[:min(len(want), len(got))]
							break
						}
						last := keys[len(keys)-1]
						q.After = &last
						from = 1 + slices.IndexFunc(listing, func(n windowNode) bool { return n.i == last.ID })
					}
					if !slices.Equal(got, want) {
						t.Errorf("paged listing\n got %v\nwant %v", got, want)
					}
				})
			}
		}
	}
}

// TestFilteredPageWindowPlan checks the plan of the window's statement for
// a condition on a property that most nodes meet. SQLite reads the nodes
// in the listing's order, looks each one's property up by the property
// table's primary key, and sorts nothing; the listing's other statement
// by id, which searches the whole table, starts from the property's index
// and sorts what it finds: the check can tell the two apart. MySQL joins
// the node and its property to the window by their primary keys.
func TestFilteredPageWindowPlan(t *testing.T) {
	ctx := context.Background()
	checked, err := filterlang.Prepare("properties.v.int_value > 10", driver.KindArtifact)
	if err != nil {
		t.Fatal(err)
	}
	// Cursors near the end of the listings, so that the window does not
	// fill the page and the whole table is searched after it.
	cursors := map[driver.OrderField]driver.NodeKey{driver.OrderByID: {ID: 12}, driver.OrderByCreateTime: {ID: windowNodes, OrderValue: 0}}
	for _, e := range explainEngines {
		t.Run(e.name, func(t *testing.T) {
			c := openWindowStore(t, e.open)
			db := c.DB()
			analyze := map[string]string{"sqlite": "ANALYZE", "mysql": "ANALYZE TABLE Artifact, ArtifactProperty"}[e.name]
			if _, err := db.ExecContext(ctx, analyze); err != nil {
				t.Fatal(err)
			}
			for _, order := range []driver.OrderField{driver.OrderByID, driver.OrderByCreateTime} {
				after := cursors[order]
				var sent []sentQuery
				traced := sqlstore.TraceQueries(c, func(q string, args []any) { sent = append(sent, sentQuery{q, args}) })
				err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
					_, err := tx.ListNodes(ctx, driver.ListQuery{Kind: driver.KindArtifact, Filter: checked, OrderBy: order, Desc: true,
						After: &after, Limit: 21})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				sent = slices.DeleteFunc(sent, func(s sentQuery) bool { return !strings.Contains(s.query, "Artifact AS table_0") })
				if len(sent) != 2 {
					t.Fatalf("order %d: %d listing statements, want 2: %v", order, len(sent), sent)
				}
				if e.name == "mysql" {
					for _, table := range []string{"table_0", "table_1"} {
						if p := e.explain(t, db, table, sent[0].query, sent[0].args); !slices.Contains(p.indexes, "PRIMARY") {
							t.Errorf("order %d: the window's plan does not join %s by its primary key:\n%s\n%s", order, table, sent[0].query, p.text)
						}
					}
					continue
				}
				window := e.explain(t, db, "table_1", sent[0].query, sent[0].args)
				if window.sorts || window.fullScan || !slices.Contains(window.indexes, "sqlite_autoindex_ArtifactProperty_1") {
					t.Errorf("order %d: the window's plan sorts or does not look the property up by key:\n%s\n%s", order, sent[0].query, window.text)
				}
				if order != driver.OrderByID {
					continue // the cursor's bound on the create time leads the planner to its index
				}
				whole := e.explain(t, db, "table_1", sent[1].query, sent[1].args)
				if !whole.sorts {
					t.Errorf("order %d: the whole-table statement does not sort either:\n%s\n%s", order, sent[1].query, whole.text)
				}
			}
		})
	}
}
