package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// TestOverlaidNodeReads: on SQLite, nodes read with their property rows
// laid over the node rows' columns equal the nodes read with the property
// rows beside them, for every node kind and every value column, NULLs and
// extreme values included.
func TestOverlaidNodeReads(t *testing.T) {
	ctx := context.Background()
	c := openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/n.db")
	props := []driver.PropertyRow{
		{Name: "i", Column: driver.ColumnInt, Int: -1 << 63},
		{Name: "j", Column: driver.ColumnInt, Int: 0},
		{Name: "d", Column: driver.ColumnDouble, Double: 2.0},
		{Name: "e", Column: driver.ColumnDouble, Double: -0.125},
		{Name: "s", Column: driver.ColumnString, String: ""},
		{Name: "t", Column: driver.ColumnString, String: "héllo"},
		{Name: "b", IsCustom: true, Column: driver.ColumnBool, Bool: true},
		{Name: "f", IsCustom: true, Column: driver.ColumnBool, Bool: false},
		{Name: "p", IsCustom: true, Column: driver.ColumnProto, Bytes: []byte("CgN4eXo=")},
		{Name: "i", IsCustom: true, Column: driver.ColumnInt, Int: 1<<63 - 1},
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
		overlaid, beside, err := sqlstore.ReadNodesBothWays(ctx, c, k, append(want, 999999))
		if err != nil {
			t.Fatalf("kind %v: %v", k, err)
		}
		if len(overlaid) != 2 || len(overlaid[0].Properties) != len(props) {
			t.Fatalf("kind %v: read %d nodes, the first with %d properties", k, len(overlaid), len(overlaid[0].Properties))
		}
		if !reflect.DeepEqual(overlaid, beside) {
			t.Errorf("kind %v: overlaid read\n%+v\nbeside\n%+v", k, overlaid, beside)
		}
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
