package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// TestNodeReadLayouts: nodes read with their property rows laid over the
// node rows' columns (SQLite only), beside them, and joined to them, are
// equal, on every engine, for every node kind and every value column,
// NULLs and extreme values included, and a node without properties.
func TestNodeReadLayouts(t *testing.T) {
	for _, e := range engines {
		// MLMD's int_value is 64 bits wide on SQLite and 32 elsewhere.
		bits := 32
		if e.name == "sqlite" {
			bits = 64
		}
		t.Run(e.name, func(t *testing.T) { testNodeReadLayouts(t, e.open(t), readLayouts[e.name], bits) })
	}
}

// readLayouts are the node read layouts each engine can read besides
// "beside": only SQLite puts values of any type in one column.
var readLayouts = map[string][]string{"sqlite": {"overlaid", "joined"}, "mysql": {"joined"}, "postgres": {"joined"}}

func testNodeReadLayouts(t *testing.T, c *sqlstore.Conn, layouts []string, intBits int) {
	minInt, maxInt := int64(-1)<<(intBits-1), int64(1)<<(intBits-1)-1
	ctx := context.Background()
	props := []driver.PropertyRow{
		{Name: "i", Column: driver.ColumnInt, Int: minInt},
		{Name: "j", Column: driver.ColumnInt, Int: 0},
		{Name: "d", Column: driver.ColumnDouble, Double: 2.0},
		{Name: "e", Column: driver.ColumnDouble, Double: -0.125},
		{Name: "s", Column: driver.ColumnString, String: ""},
		{Name: "t", Column: driver.ColumnString, String: "héllo"},
		{Name: "b", IsCustom: true, Column: driver.ColumnBool, Bool: true},
		{Name: "f", IsCustom: true, Column: driver.ColumnBool, Bool: false},
		{Name: "p", IsCustom: true, Column: driver.ColumnProto, Bytes: []byte("CgN4eXo=")},
		{Name: "i", IsCustom: true, Column: driver.ColumnInt, Int: maxInt},
	}
	ids := map[driver.Kind][]int64{}
	err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		for _, k := range []driver.Kind{driver.KindArtifact, driver.KindExecution, driver.KindContext} {
			typ, err := tx.InsertType(ctx, driver.TypeRow{Kind: k, Name: "t"})
			if err != nil {
				return err
			}
			rows := []driver.NodeRow{
				{TypeID: typ, Name: "full", URI: "u", ExternalID: "x", State: 2, CreateTimeSinceEpoch: 1 << 40, LastUpdateTimeSinceEpoch: 1<<40 + 1, Properties: props},
				{TypeID: typ, Name: "bare"},
			}
			if k == driver.KindContext {
				rows[0].URI, rows[0].State = "", 0
			}
			if ids[k], err = tx.InsertNodes(ctx, k, rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range ids {
		beside, err := sqlstore.ReadNodesLaidOut(ctx, c, "beside", k, append(want, 999999))
		if err != nil {
			t.Fatalf("kind %v: %v", k, err)
		}
		if len(beside) != 2 || len(beside[0].Properties) != len(props) || len(beside[1].Properties) != 0 {
			t.Fatalf("kind %v: read %d nodes, %+v", k, len(beside), beside)
		}
		for _, layout := range layouts {
			got, err := sqlstore.ReadNodesLaidOut(ctx, c, layout, k, append(want, 999999))
			if err != nil {
				t.Fatalf("kind %v, %s: %v", k, layout, err)
			}
			if !reflect.DeepEqual(got, beside) {
				t.Errorf("kind %v: %s read\n%+v\nbeside\n%+v", k, layout, got, beside)
			}
		}
	}
}

// TestTypeReadLayouts: types read with their properties and parents in
// UNION ALL branches and joined to them are equal on every engine: a type
// without either, one with properties, one with two parents (a cross
// product of rows when joined).
func TestTypeReadLayouts(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			c := e.open(t)
			var ids []int64
			err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
				for _, tr := range []driver.TypeRow{
					{Kind: driver.KindArtifact, Name: "bare"},
					{Kind: driver.KindArtifact, Name: "props", Version: "v1", Description: "d", ExternalID: "x",
						Properties: map[string]int32{"a": 1, "b": 2, "c": 3}},
					{Kind: driver.KindExecution, Name: "parent1"},
					{Kind: driver.KindExecution, Name: "parent2"},
					{Kind: driver.KindExecution, Name: "child", InputType: "in", OutputType: "out", Properties: map[string]int32{"p": 1, "q": 3}},
				} {
					id, err := tx.InsertType(ctx, tr)
					if err != nil {
						return err
					}
					ids = append(ids, id)
				}
				return tx.SetParentTypes(ctx, []driver.ParentTypeRow{{TypeID: ids[4], ParentTypeID: ids[2]}, {TypeID: ids[4], ParentTypeID: ids[3]}})
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []driver.TypeQuery{
				{IDs: ids, AnyKind: true},
				{Kind: driver.KindArtifact},
				{Kind: driver.KindExecution, Names: []driver.NameVersion{{Name: "child"}, {Name: "parent2"}}},
			} {
				union, err := sqlstore.ReadTypesLaidOut(ctx, c, "union", q)
				if err != nil {
					t.Fatal(err)
				}
				joined, err := sqlstore.ReadTypesLaidOut(ctx, c, "joined", q)
				if err != nil {
					t.Fatal(err)
				}
				if len(union) == 0 || !reflect.DeepEqual(joined, union) {
					t.Errorf("%+v: joined read\n%+v\nunion\n%+v", q, joined, union)
				}
			}
			all, err := sqlstore.ReadTypesLaidOut(ctx, c, "joined", driver.TypeQuery{IDs: ids[4:], AnyKind: true})
			if err != nil || len(all) != 1 || len(all[0].Properties) != 2 || !reflect.DeepEqual(all[0].ParentIDs, ids[2:4]) {
				t.Errorf("the child type: %+v, %v", all, err)
			}
		})
	}
}

// TestReadValue checks the conversions of dynamically typed values and
// that a value of an unexpected type is an error, not a zero.
func TestReadValue(t *testing.T) {
	tests := []struct {
		v       any
		want    string
		out     any
		wantErr bool
	}{
		{int64(7), "int", int64(7), false},
		{nil, "int", int64(0), false},
		{true, "int", int64(1), false},
		{float64(3), "int", int64(3), false},
		{float64(3.5), "int", int64(0), true},
		{"7", "int", int64(0), true},
		{float64(0.5), "float", 0.5, false},
		{int64(2), "float", 2.0, false},
		{"x", "float", 0.0, true},
		{"s", "str", "s", false},
		{[]byte("b"), "str", "b", false},
		{nil, "str", "", false},
		{int64(1), "str", "", true},
		{[]byte{1, 2}, "bytes", []byte{1, 2}, false},
		{nil, "bytes", []byte(nil), false},
		{int64(1), "bytes", []byte(nil), true},
	}
	for _, tc := range tests {
		out, err := sqlstore.ReadValue(tc.v, tc.want)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s of %#v: error %v, want error %v", tc.want, tc.v, err, tc.wantErr)
		}
		if !reflect.DeepEqual(out, tc.out) {
			t.Errorf("%s of %#v = %#v, want %#v", tc.want, tc.v, out, tc.out)
		}
	}
}
