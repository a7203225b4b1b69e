package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// TestOneStatementReads checks TxOptions.OneStatement on every backend: a
// read of one statement is sent without BEGIN and COMMIT, and a read that
// turns out to need more statements (by Query or by QueryRow) is run again
// in a read transaction, with the same answer as without the option.
func TestOneStatementReads(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			var typeID int64
			var nodeIDs []int64
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) (err error) {
				if typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "one"}); err != nil {
					return err
				}
				nodeIDs, err = tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, URI: "a"}, {TypeID: typeID, URI: "b"}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// A filter on the type joins Type: on SQLite and MariaDB its
			// page is searched in a window first (ListNodes), then, as the
			// window does not fill it, in the whole table, and its nodes
			// read after, in a transaction; PostgreSQL has no window.
			typeFilter, err := filterlang.Prepare("type = 'one'", driver.KindArtifact)
			if err != nil {
				t.Fatal(err)
			}
			inTx := []string{"BEGIN", "SELECT", "SELECT", "SELECT", "COMMIT"}
			// A type read is a WITH statement, or a join on MariaDB (see
			// sqlstore.MaterializedUnions).
			typeRead := "WITH"
			if e.name == "mysql" {
				typeRead = "SELECT"
			}
			windowedSent := map[string][]string{"sqlite": inTx, "mysql": inTx, "postgres": {"WITH"}}
			windowedRuns := map[string]int{"sqlite": 2, "mysql": 2, "postgres": 1}
			tests := []struct {
				name string
				read func(tx driver.Tx) ([]int64, error)
				// want are the statements sent, by their first word.
				want []string
				runs int
			}{
				{"one statement", func(tx driver.Tx) ([]int64, error) {
					return tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: typeID})
				}, []string{"SELECT"}, 1},
				{"a second Query", func(tx driver.Tx) ([]int64, error) {
					ts, err := tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindArtifact, IDs: []int64{typeID}})
					if err != nil || len(ts) != 1 {
						return nil, err
					}
					return tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: ts[0].ID})
				}, []string{typeRead, "BEGIN", typeRead, "SELECT", "COMMIT"}, 2},
				{"a second QueryRow", func(tx driver.Tx) ([]int64, error) {
					ids, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: typeID})
					if err != nil {
						return nil, err
					}
					n, err := sqlstore.QueryIntInTx(ctx, tx, "SELECT COUNT(*) FROM Artifact WHERE type_id = ?", typeID)
					if err != nil {
						return nil, err
					}
					if n != int64(len(ids)) {
						t.Errorf("COUNT(*) = %d, %d ids", n, len(ids))
					}
					return ids, nil
				}, []string{"SELECT", "BEGIN", "SELECT", "SELECT", "COMMIT"}, 2},
				{"a page with its nodes", func(tx driver.Tx) ([]int64, error) {
					return pageIDs(ctx, t, tx, driver.ListQuery{Kind: driver.KindArtifact, TypeID: typeID, OrderBy: driver.OrderByID, Limit: 10})
				}, []string{"WITH"}, 1},
				{"a page in descending creation order", func(tx driver.Tx) ([]int64, error) {
					ids, err := pageIDs(ctx, t, tx, driver.ListQuery{Kind: driver.KindArtifact, OrderBy: driver.OrderByCreateTime, Desc: true, Limit: 10})
					slices.Reverse(ids)
					return ids, err
				}, []string{"WITH"}, 1},
				{"a listing without a limit", func(tx driver.Tx) ([]int64, error) {
					return pageIDs(ctx, t, tx, driver.ListQuery{Kind: driver.KindArtifact, OrderBy: driver.OrderByID})
				}, []string{"WITH"}, 1},
				{"a page searched in a window first", func(tx driver.Tx) ([]int64, error) {
					return pageIDs(ctx, t, tx, driver.ListQuery{Kind: driver.KindArtifact, Filter: typeFilter, OrderBy: driver.OrderByID, Limit: 10})
				}, windowedSent[e.name], windowedRuns[e.name]},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var sent []string
					traced := sqlstore.TraceQueries(c, func(q string, _ []any) { sent = append(sent, firstWord(q)) })
					runs := 0
					var got []int64
					err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true, OneStatement: true}, func(tx driver.Tx) (err error) {
						runs++
						got, err = tc.read(tx)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, nodeIDs) {
						t.Errorf("read %v, want %v", got, nodeIDs)
					}
					if !slices.Equal(sent, tc.want) || runs != tc.runs {
						t.Errorf("sent %v in %d runs, want %v in %d", sent, runs, tc.want, tc.runs)
					}
				})
			}
		})
	}
}

// firstWord returns the first word of a statement, skipping sqlc's
// "-- name: X :many" line.
func firstWord(q string) string {
	for line := range strings.Lines(q) {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "--") {
			return f[0]
		}
	}
	return ""
}

// pageIDs reads the page of q with its nodes (driver.PageTx) and returns
// the ids of its keys, checking that the nodes are those of the keys,
// ordered by id.
func pageIDs(ctx context.Context, t *testing.T, tx driver.Tx, q driver.ListQuery) ([]int64, error) {
	keys, rows, err := tx.(driver.PageTx).ListNodePage(ctx, q)
	if err != nil {
		return nil, err
	}
	var ids, rowIDs []int64
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	for _, r := range rows {
		rowIDs = append(rowIDs, r.ID)
	}
	if sorted := slices.Sorted(slices.Values(ids)); !slices.Equal(sorted, rowIDs) {
		t.Errorf("page keys %v, nodes %v", ids, rowIDs)
	}
	return ids, nil
}

// TestRollbackObserved: a transaction whose function fails is observed
// with its ROLLBACK, as statement counts include every round trip.
func TestRollbackObserved(t *testing.T) {
	ctx := context.Background()
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/mlmd.db")
	var sent []string
	traced := sqlstore.TraceQueries(c, func(q string, _ []any) { sent = append(sent, firstWord(q)) })
	failed := errors.New("the call fails")
	err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		if _, err := tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeID: 1}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("InTx: %v, want %v", err, failed)
	}
	if want := []string{"BEGIN", "SELECT", "ROLLBACK"}; !slices.Equal(sent, want) {
		t.Errorf("sent %v, want %v", sent, want)
	}
}

// TestNodeByTypeAndName checks driver.NamedNodeTx on every backend: one
// statement, exact names (MySQL's default collation ignores case), the
// version "" for a type without one, and the kind of the type.
func TestNodeByTypeAndName(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			ids := map[string]int64{}
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
				for _, ty := range []struct {
					key, version string
					kind         driver.Kind
				}{{"plain", "", driver.KindContext}, {"v1", "v1", driver.KindContext}, {"artifact", "v2", driver.KindArtifact}} {
					typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: ty.kind, Name: "T", Version: ty.version})
					if err != nil {
						return err
					}
					nodeIDs, err := tx.InsertNodes(ctx, ty.kind, []driver.NodeRow{{TypeID: typeID, Name: "n",
						Properties: []driver.PropertyRow{{Name: "p", IsCustom: true, Column: driver.ColumnString, String: ty.key}}}})
					if err != nil {
						return err
					}
					ids[ty.key] = nodeIDs[0]
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				kind                    driver.Kind
				typeName, version, name string
				want                    string // key of the node found, "" for none
			}{
				{driver.KindContext, "T", "", "n", "plain"},
				{driver.KindContext, "T", "v1", "n", "v1"},
				{driver.KindArtifact, "T", "v2", "n", "artifact"},
				{driver.KindContext, "T", "v2", "n", ""}, // an artifact type's version
				{driver.KindArtifact, "T", "", "n", ""},  // no unversioned artifact type
				{driver.KindContext, "t", "", "n", ""},   // the type's name in another case
				{driver.KindContext, "T", "", "N", ""},   // the node's name in another case
				{driver.KindContext, "T", "", "n ", ""},  // a trailing space
				{driver.KindContext, "Absent", "", "n", ""},
			} {
				var sent []string
				traced := sqlstore.TraceQueries(c, func(q string, _ []any) { sent = append(sent, firstWord(q)) })
				var rows []driver.NodeRow
				err := traced.InTx(ctx, driver.TxOptions{ReadOnly: true, OneStatement: true}, func(tx driver.Tx) (err error) {
					rows, err = tx.(driver.NamedNodeTx).GetNodeByTypeAndName(ctx, tc.kind, tc.typeName, tc.version, tc.name)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				if len(rows) == 1 && len(rows[0].Properties) == 1 {
					got = rows[0].Properties[0].String
					if rows[0].ID != ids[got] {
						t.Errorf("%+v: node %d, want %d", tc, rows[0].ID, ids[got])
					}
				}
				if got != tc.want || len(rows) > 1 || !slices.Equal(sent, []string{"WITH"}) {
					t.Errorf("%+v: found %q (%d rows) in %v, want %q in one statement", tc, got, len(rows), sent, tc.want)
				}
			}
		})
	}
}
