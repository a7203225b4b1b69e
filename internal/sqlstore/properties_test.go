package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// TestPropertyWritesNameUsedColumns checks that property rows are written
// naming only the value columns they use once they are many or all use
// one column, and that an upsert which moves a property to another value
// column leaves exactly that column set, in every shape of statement.
func TestPropertyWritesNameUsedColumns(t *testing.T) {
	ctx := context.Background()
	columns := []driver.PropertyColumn{driver.ColumnInt, driver.ColumnString, driver.ColumnDouble}
	// props returns n nodes' properties a, b, c, on columns shifted by shift.
	props := func(ids []int64, shift int, n int) []driver.PropertyRow {
		var out []driver.PropertyRow
		for i := range n {
			for j, name := range []string{"a", "b", "c"} {
				p := driver.PropertyRow{Name: name, IsCustom: j == 2, Column: columns[(j+shift)%len(columns)]}
				if ids != nil {
					p.NodeID = ids[i]
				}
				switch p.Column {
				case driver.ColumnInt:
					p.Int = int64(i)
				case driver.ColumnString:
					p.String = fmt.Sprint("s", i)
				default:
					p.Double = float64(i) + 0.5
				}
				out = append(out, p)
			}
		}
		return out
	}
	for _, e := range explainEngines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			for _, tc := range []struct {
				name  string
				nodes int
				// wide says whether the property statements name every
				// value column.
				wide bool
			}{
				{"few mixed rows", 2, true},
				{"many mixed rows", 40, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var stmts []string
					var nargs int
					traced := sqlstore.TraceQueries(c, func(q string, args []any) {
						if strings.Contains(q, "ArtifactProperty") {
							stmts = append(stmts, q)
							nargs += len(args)
						}
					})
					var ids []int64
					err := traced.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
						typeID, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "t " + tc.name})
						if err != nil {
							return err
						}
						rows := make([]driver.NodeRow, tc.nodes)
						ps := props(nil, 0, tc.nodes)
						for i := range rows {
							rows[i].TypeID = typeID
							rows[i].Properties = ps[3*i : 3*i+3]
						}
						ids, err = tx.InsertNodes(ctx, driver.KindArtifact, rows)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					checkShape(t, stmts, nargs, 3*tc.nodes, tc.wide)
					checkStored(t, c, ids, props(ids, 0, tc.nodes))

					// Every property moves to another value column.
					for shift := 1; shift <= 2; shift++ {
						stmts, nargs = nil, 0
						want := props(ids, shift, tc.nodes)
						err = traced.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
							return tx.UpsertProperties(ctx, driver.KindArtifact, want)
						})
						if err != nil {
							t.Fatal(err)
						}
						checkShape(t, stmts, nargs, 3*tc.nodes, tc.wide)
						checkStored(t, c, ids, want)
					}

					// One column only: always narrow.
					stmts, nargs = nil, 0
					one := props(ids, 0, tc.nodes)[:1]
					err = traced.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
						return tx.UpsertProperties(ctx, driver.KindArtifact, one)
					})
					if err != nil {
						t.Fatal(err)
					}
					checkShape(t, stmts, nargs, 1, false)
				})
			}
		})
	}
}

// checkShape checks the property statements of one write of rows rows.
func checkShape(t *testing.T, stmts []string, nargs, rows int, wide bool) {
	t.Helper()
	if len(stmts) == 0 {
		t.Fatal("no statement wrote properties")
	}
	for _, q := range stmts {
		// The update clause of an upsert names every value column; the
		// column list of the INSERT is before VALUES.
		cols, _, _ := strings.Cut(q, "VALUES")
		if got := strings.Count(cols, "_value"); wide != (got == 6) || (!wide && got != 1) {
			t.Errorf("wide=%v, but the statement names %d value columns: %.200s", wide, got, q)
		}
	}
	perRow := 4
	if wide {
		perRow = 9
	}
	if nargs != perRow*rows {
		t.Errorf("%d rows bound %d arguments, want %d", rows, nargs, perRow*rows)
	}
}

// checkStored reads the property rows of ids and checks that each has
// exactly the value of want in exactly one column.
func checkStored(t *testing.T, c *sqlstore.Conn, ids []int64, want []driver.PropertyRow) {
	t.Helper()
	var nodes []driver.NodeRow
	err := c.InTx(context.Background(), driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		var err error
		nodes, err = tx.GetNodes(context.Background(), driver.KindArtifact, ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]driver.PropertyRow{}
	for _, n := range nodes {
		for _, p := range n.Properties {
			got[fmt.Sprint(p.NodeID, p.Name)] = p
		}
	}
	for _, w := range want {
		if g := got[fmt.Sprint(w.NodeID, w.Name)]; g.Column != w.Column || g.Int != w.Int || g.String != w.String || g.Double != w.Double || g.IsCustom != w.IsCustom {
			t.Errorf("property %d/%s: got %+v, want %+v", w.NodeID, w.Name, g, w)
		}
	}
	// No row has a second value column set.
	var n int
	q := "SELECT COUNT(*) FROM ArtifactProperty WHERE " +
		"(CASE WHEN int_value IS NULL THEN 0 ELSE 1 END) + (CASE WHEN double_value IS NULL THEN 0 ELSE 1 END) + " +
		"(CASE WHEN string_value IS NULL THEN 0 ELSE 1 END) + (CASE WHEN byte_value IS NULL THEN 0 ELSE 1 END) + " +
		"(CASE WHEN proto_value IS NULL THEN 0 ELSE 1 END) + (CASE WHEN bool_value IS NULL THEN 0 ELSE 1 END) <> 1"
	if err := c.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d property rows have other than one value column set", n)
	}
}
