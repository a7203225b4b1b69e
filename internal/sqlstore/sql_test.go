package sqlstore

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestChunkRows(t *testing.T) {
	rows := func(n, size int) [][]any {
		out := make([][]any, n)
		for i := range out {
			out[i] = []any{int64(i), strings.Repeat("x", size)}
		}
		return out
	}
	sizes := func(chunks [][][]any) []int {
		var out []int
		for _, c := range chunks {
			out = append(out, len(c))
		}
		return out
	}
	tests := []struct {
		name      string
		rows      [][]any
		maxParams int
		want      []int
	}{
		{"none", nil, 100, nil},
		{"one chunk", rows(10, 1), 1000, []int{10}},
		{"row limit", rows(1200, 1), 1 << 20, []int{500, 500, 200}},
		{"parameter limit", rows(25, 1), 20, []int{10, 10, 5}},
		{"byte limit", rows(5, 2<<20), 1000, []int{1, 1, 1, 1, 1}},
		{"bytes and rows", rows(9, 1<<20), 1000, []int{3, 3, 3}},
		{"a row larger than the byte limit", rows(2, 5<<20), 1000, []int{1, 1}},
		{"fewer parameters than columns", rows(3, 1), 1, []int{1, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunks := chunkRows(tc.rows, 2, tc.maxParams)
			if got := sizes(chunks); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("chunk sizes %v, want %v", got, tc.want)
			}
			var joined [][]any
			for _, c := range chunks {
				joined = append(joined, c...)
			}
			if len(joined) != len(tc.rows) {
				t.Fatalf("chunks hold %d rows, want %d", len(joined), len(tc.rows))
			}
			for i := range joined {
				if joined[i][0] != tc.rows[i][0] {
					t.Fatalf("row %d out of order", i)
				}
			}
		})
	}
}

func TestInsertSQL(t *testing.T) {
	got := insertSQL("Event", []string{"a", "b"}, 3, " RETURNING id")
	want := "INSERT INTO Event (a, b) VALUES (?, ?), (?, ?), (?, ?) RETURNING id"
	if got != want {
		t.Fatalf("insertSQL = %q, want %q", got, want)
	}
}

func TestUpdateSQL(t *testing.T) {
	nt := nodeTables[driver.KindExecution]
	q, args := updateSQL(nt, nt.columns(), []driver.NodeRow{
		{ID: 7, TypeID: 1, Name: "a", ExternalID: "", State: 3, LastUpdateTimeSinceEpoch: 70},
		{ID: 9, TypeID: 2, Name: "", ExternalID: "x", LastUpdateTimeSinceEpoch: 90},
	})
	wantQ := "UPDATE Execution SET type_id = CASE id WHEN ? THEN ? WHEN ? THEN ? ELSE type_id END, " +
		"name = CASE id WHEN ? THEN ? WHEN ? THEN ? ELSE name END, " +
		"external_id = CASE id WHEN ? THEN ? WHEN ? THEN ? ELSE external_id END, " +
		"last_known_state = CASE id WHEN ? THEN ? WHEN ? THEN ? ELSE last_known_state END, " +
		"last_update_time_since_epoch = CASE id WHEN ? THEN ? WHEN ? THEN ? ELSE last_update_time_since_epoch END WHERE id IN (?, ?)"
	wantArgs := []any{
		int64(7), int64(1), int64(9), int64(2),
		int64(7), "a", int64(9), nil,
		int64(7), nil, int64(9), "x",
		int64(7), int64(3), int64(9), nil,
		int64(7), int64(70), int64(9), int64(90),
		int64(7), int64(9),
	}
	if q != wantQ {
		t.Errorf("query\n got %s\nwant %s", q, wantQ)
	}
	if !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("args\n got %v\nwant %v", args, wantArgs)
	}
}

func TestListSQL(t *testing.T) {
	after := &driver.NodeKey{ID: 12, OrderValue: 500}
	tests := []struct {
		name     string
		q        driver.ListQuery
		want     string
		wantArgs []any
	}{
		{"by id", driver.ListQuery{Kind: driver.KindArtifact, Limit: 10},
			"SELECT table_0.id, table_0.id FROM Artifact AS table_0 ORDER BY table_0.id LIMIT ?", []any{int64(10)}},
		{"by id, descending, after a key", driver.ListQuery{Kind: driver.KindContext, OrderBy: driver.OrderByID, Desc: true, After: after},
			"SELECT table_0.id, table_0.id FROM Context AS table_0 WHERE table_0.id < ? ORDER BY table_0.id DESC", []any{int64(12)}},
		{"by create time, after a key", driver.ListQuery{Kind: driver.KindExecution, OrderBy: driver.OrderByCreateTime, After: after, Limit: 3},
			"SELECT table_0.id, table_0.create_time_since_epoch FROM Execution AS table_0 WHERE " +
				"table_0.create_time_since_epoch >= ? AND (table_0.create_time_since_epoch > ? OR table_0.id > ?) " +
				"ORDER BY table_0.create_time_since_epoch, table_0.id LIMIT ?",
			[]any{int64(500), int64(500), int64(12), int64(3)}},
		{"by update time descending, in a type and a context", driver.ListQuery{Kind: driver.KindArtifact, OrderBy: driver.OrderByUpdateTime, Desc: true,
			TypeID: 4, ContextID: 5, After: after},
			"SELECT table_0.id, table_0.last_update_time_since_epoch FROM Artifact AS table_0 WHERE table_0.type_id = ? AND " +
				"table_0.id IN (SELECT artifact_id FROM Attribution WHERE context_id = ?) AND " +
				"table_0.last_update_time_since_epoch <= ? AND (table_0.last_update_time_since_epoch < ? OR table_0.id < ?) " +
				"ORDER BY table_0.last_update_time_since_epoch DESC, table_0.id DESC",
			[]any{int64(4), int64(5), int64(500), int64(500), int64(12)}},
		{"executions in a context", driver.ListQuery{Kind: driver.KindExecution, ContextID: 8},
			"SELECT table_0.id, table_0.id FROM Execution AS table_0 WHERE table_0.id IN (SELECT execution_id FROM Association WHERE context_id = ?) ORDER BY table_0.id",
			[]any{int64(8)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, args, err := listSQL(nil, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("query\n got %s\nwant %s", got, tc.want)
			}
			if !reflect.DeepEqual(args, tc.wantArgs) {
				t.Errorf("args %v, want %v", args, tc.wantArgs)
			}
		})
	}
}

// rawProtos is a Dialect that stores serialized protos (RawProtos); its
// other methods are not called.
type rawProtos struct{ Dialect }

func (rawProtos) RawProtos() {}

func TestPropertyRowRoundTrip(t *testing.T) {
	for _, d := range []Dialect{nil, rawProtos{}} {
		testPropertyRowRoundTrip(t, d)
	}
	raw, err := propertyValues(rawProtos{}, &driver.PropertyRow{Name: "p", Column: driver.ColumnProto, Bytes: []byte("YWJj")})
	if err != nil || string(raw[7].([]byte)) != "abc" {
		t.Errorf("a raw proto is stored as %q (%v), want the decoded bytes", raw, err)
	}
	if _, err := propertyValues(rawProtos{}, &driver.PropertyRow{Name: "p", Column: driver.ColumnProto, Bytes: []byte("not base64!")}); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("a proto value that is not base64: %v, want InvalidArgument", err)
	}
}

func testPropertyRowRoundTrip(t *testing.T, d Dialect) {
	for _, p := range []driver.PropertyRow{
		{NodeID: 1, Name: "i", Column: driver.ColumnInt, Int: -5},
		{NodeID: 1, Name: "d", Column: driver.ColumnDouble, Double: 2.5},
		{NodeID: 1, Name: "s", Column: driver.ColumnString, String: "x"},
		{NodeID: 1, Name: "p", Column: driver.ColumnProto, Bytes: []byte("YWJj")},
		{NodeID: 1, Name: "b", IsCustom: true, Column: driver.ColumnBool, Bool: true},
	} {
		vals, err := propertyValues(d, &p)
		if err != nil {
			t.Fatal(err)
		}
		rec := PropertyRecord{NodeID: vals[0].(int64), Name: vals[1].(string), IsCustomProperty: vals[2].(bool)}
		if v, ok := vals[3].(int64); ok {
			rec.IntValue.Int64, rec.IntValue.Valid = v, true
		}
		if v, ok := vals[4].(float64); ok {
			rec.DoubleValue.Float64, rec.DoubleValue.Valid = v, true
		}
		if v, ok := vals[5].(string); ok {
			rec.StringValue.String, rec.StringValue.Valid = v, true
		}
		if v, ok := vals[7].(string); ok {
			rec.ProtoValue = []byte(v)
		}
		if v, ok := vals[7].([]byte); ok {
			rec.ProtoValue = v
		}
		if v, ok := vals[8].(bool); ok {
			rec.BoolValue.Bool, rec.BoolValue.Valid = v, true
		}
		set := 0
		for _, v := range vals[3:] {
			if v != nil {
				set++
			}
		}
		if set != 1 {
			t.Errorf("%s: %d value columns set, want 1", p.Name, set)
		}
		got, err := propertyRow(d, rec)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("round trip of %+v: %+v, %v", p, got, err)
		}
	}
	if _, err := propertyRow(d, PropertyRecord{Name: "empty"}); errcode.Of(err) != errcode.Internal {
		t.Errorf("a row without a value: %v, want Internal", err)
	}
	if _, err := propertyValues(d, &driver.PropertyRow{Name: "bad", Column: 4}); errcode.Of(err) != errcode.InvalidArgument {
		t.Errorf("an unknown column: %v, want InvalidArgument", err)
	}
}

func Example_convert() {
	type genRow struct{ ID, TypeID int64 }
	type record struct{ ID, TypeID int64 }
	recs, err := convert([]genRow{{1, 2}}, nil, func(r genRow) record { return record(r) })
	fmt.Println(recs, err)
	// Output: [{1 2}] <nil>
}
