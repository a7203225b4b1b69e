package txtest

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var nodesCases = []testCase{
	{"InsertAndGetNodes", testInsertAndGetNodes},
	{"InsertNodesConflicts", testInsertNodesConflicts},
	{"InsertNodesBatch", testInsertNodesBatch},
	{"InsertNodesLargeValues", testInsertNodesLargeValues},
	{"UpdateNodes", testUpdateNodes},
	{"FindNodeIDs", testFindNodeIDs},
	{"UpsertAndDeleteProperties", testUpsertAndDeleteProperties},
	{"ManyIDs", testManyIDs},
}

// protoBytes is a property value the way the store hands it over: the
// base64 text of a serialized Any.
var protoBytes = []byte(base64.StdEncoding.EncodeToString([]byte("\n\x2ftype.googleapis.com/google.protobuf.StringValue\x12\x03\n\x01x")))

// sampleProps returns property rows of every value column.
func sampleProps() []driver.PropertyRow {
	return []driver.PropertyRow{
		{Name: "b", Column: driver.ColumnBool, Bool: true},
		{Name: "d", Column: driver.ColumnDouble, Double: -2.5e-7},
		{Name: "f", Column: driver.ColumnBool, Bool: false},
		{Name: "i", Column: driver.ColumnInt, Int: -42},
		{Name: "p", Column: driver.ColumnProto, Bytes: protoBytes},
		{Name: "s", Column: driver.ColumnString, String: "mlmd-struct::abc"},
		{Name: "i", IsCustom: true, Column: driver.ColumnInt, Int: 7},
		{Name: "u", IsCustom: true, Column: driver.ColumnString, String: "ünïcode ✓"},
	}
}

// wantProps returns props as GetNodes returns them for node id: ordered
// by (name, is_custom), the key order of the property tables.
func wantProps(id int64, props []driver.PropertyRow) []driver.PropertyRow {
	out := slices.Clone(props)
	for i := range out {
		out[i].NodeID = id
	}
	slices.SortFunc(out, func(a, b driver.PropertyRow) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if a.IsCustom == b.IsCustom {
			return 0
		}
		if a.IsCustom {
			return 1
		}
		return -1
	})
	return out
}

func testInsertAndGetNodes(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			typeID := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T-" + kindName(kind)})
			rows := []driver.NodeRow{
				{TypeID: typeID, Name: "first", URI: "/a/b", ExternalID: "x-" + kindName(kind), State: 2,
					CreateTimeSinceEpoch: 1000, LastUpdateTimeSinceEpoch: 2000, Properties: sampleProps()},
				{TypeID: typeID, Name: "second", CreateTimeSinceEpoch: 1001, LastUpdateTimeSinceEpoch: 1001},
				{TypeID: typeID, Name: "third", State: 6, CreateTimeSinceEpoch: math.MaxInt64 / 2, LastUpdateTimeSinceEpoch: 5},
			}
			ids := mustInsertNodes(t, c, kind, rows)
			if len(ids) != len(rows) || !slices.IsSorted(ids) || ids[0] == 0 {
				t.Fatalf("ids = %v, want %d ascending non-zero ids", ids, len(rows))
			}
			want := make([]driver.NodeRow, len(rows))
			for i, r := range rows {
				r.ID = ids[i]
				r.TypeName = "T-" + kindName(kind)
				if kind != driver.KindArtifact {
					r.URI = ""
				}
				if kind == driver.KindContext {
					r.State = 0
				}
				r.Properties = wantProps(ids[i], r.Properties)
				if len(r.Properties) == 0 {
					r.Properties = nil
				}
				want[i] = r
			}
			// Duplicates and missing ids are ignored; the result is ordered by id.
			got := getNodes(t, c, kind, []int64{ids[2], 987654, ids[0], ids[1], ids[0]})
			equal(t, "GetNodes", normNodes(got), want)
			equal(t, "GetNodes of nothing", getNodes(t, c, kind, nil), []driver.NodeRow(nil))
		})
	}
}

// normNodes makes empty property slices nil.
func normNodes(rows []driver.NodeRow) []driver.NodeRow {
	out := slices.Clone(rows)
	for i := range out {
		if len(out[i].Properties) == 0 {
			out[i].Properties = nil
		}
		for j := range out[i].Properties {
			if len(out[i].Properties[j].Bytes) == 0 {
				out[i].Properties[j].Bytes = nil
			}
		}
	}
	return out
}

func testInsertNodesConflicts(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			t1 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T1"})
			t2 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T2"})
			mustInsertNodes(t, c, kind, []driver.NodeRow{{TypeID: t1, Name: "n", ExternalID: "e"}})
			tests := []struct {
				name string
				rows []driver.NodeRow
				want errcode.Code
			}{
				{"name taken in the type", []driver.NodeRow{{TypeID: t1, Name: "n"}}, errcode.AlreadyExists},
				{"name twice among the rows", []driver.NodeRow{{TypeID: t2, Name: "m"}, {TypeID: t2, Name: "m"}}, errcode.AlreadyExists},
				{"external id taken", []driver.NodeRow{{TypeID: t2, Name: "k", ExternalID: "e"}}, errcode.AlreadyExists},
				{"external id twice among the rows", []driver.NodeRow{{TypeID: t2, Name: "k1", ExternalID: "f"}, {TypeID: t1, Name: "k2", ExternalID: "f"}}, errcode.AlreadyExists},
				{"property twice", []driver.NodeRow{{TypeID: t2, Name: "k3", Properties: []driver.PropertyRow{
					{Name: "p", Column: driver.ColumnInt, Int: 1}, {Name: "p", Column: driver.ColumnString, String: "x"}}}}, errcode.AlreadyExists},
				{"same name in another type", []driver.NodeRow{{TypeID: t2, Name: "n"}}, errcode.OK},
				{"bad value column", []driver.NodeRow{{TypeID: t2, Name: "k4", Properties: []driver.PropertyRow{{Name: "p", Column: 4}}}}, errcode.InvalidArgument},
			}
			if kind != driver.KindContext {
				// Nodes without a name may share their type.
				tests = append(tests, struct {
					name string
					rows []driver.NodeRow
					want errcode.Code
				}{"unnamed nodes", []driver.NodeRow{{TypeID: t1}, {TypeID: t1}}, errcode.OK})
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var before []int64
					inTx(t, c, func(tx driver.Tx) error {
						var err error
						before, err = tx.FindNodeIDs(ctx, kind, driver.NodeQuery{TypeID: t2})
						return err
					})
					err := txErr(c, func(tx driver.Tx) error {
						_, err := tx.InsertNodes(ctx, kind, tc.rows)
						return err
					})
					wantCode(t, err, tc.want)
					if err != nil {
						var after []int64
						inTx(t, c, func(tx driver.Tx) error {
							var err error
							after, err = tx.FindNodeIDs(ctx, kind, driver.NodeQuery{TypeID: t2})
							return err
						})
						equal(t, "nodes of T2 after a failed insert", after, before)
					}
				})
			}
		})
	}
}

func testInsertNodesBatch(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			typeID := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "Batch"})
			const n = 1000
			rows := make([]driver.NodeRow, n)
			for i := range rows {
				rows[i] = driver.NodeRow{
					TypeID: typeID, Name: fmt.Sprintf("node-%04d", i), ExternalID: fmt.Sprintf("ext-%s-%d", kindName(kind), i),
					CreateTimeSinceEpoch: int64(i), LastUpdateTimeSinceEpoch: int64(2 * i),
					Properties: []driver.PropertyRow{
						{Name: "index", Column: driver.ColumnInt, Int: int64(i)},
						{Name: "name", Column: driver.ColumnString, String: fmt.Sprintf("node-%04d", i)},
						{Name: "half", IsCustom: true, Column: driver.ColumnDouble, Double: float64(i) / 2},
					},
				}
			}
			ids := mustInsertNodes(t, c, kind, rows)
			if len(ids) != n {
				t.Fatalf("got %d ids, want %d", len(ids), n)
			}
			got := getNodes(t, c, kind, ids)
			if len(got) != n {
				t.Fatalf("GetNodes returned %d nodes, want %d", len(got), n)
			}
			for i, g := range got {
				if g.ID != ids[i] || g.Name != rows[i].Name || g.CreateTimeSinceEpoch != int64(i) || g.ExternalID != rows[i].ExternalID {
					t.Fatalf("node %d: got %+v, want id %d name %q", i, g, ids[i], rows[i].Name)
				}
				equal(t, "properties of "+g.Name, g.Properties, wantProps(ids[i], rows[i].Properties))
			}
		})
	}
}

// testInsertNodesLargeValues inserts rows whose values together exceed
// the byte budget of one statement.
func testInsertNodesLargeValues(t *testing.T, c driver.Conn) {
	typeID := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "Big"})
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	rows := make([]driver.NodeRow, 6)
	for i := range rows {
		rows[i] = driver.NodeRow{TypeID: typeID, Name: fmt.Sprint(i), Properties: []driver.PropertyRow{
			{Name: "blob", Column: driver.ColumnString, String: fmt.Sprint(i) + big},
		}}
	}
	ids := mustInsertNodes(t, c, driver.KindArtifact, rows)
	got := getNodes(t, c, driver.KindArtifact, ids)
	for i, g := range got {
		if g.Name != fmt.Sprint(i) || len(g.Properties) != 1 || g.Properties[0].String != fmt.Sprint(i)+big {
			t.Fatalf("node %d came back wrong (name %q, %d properties)", i, g.Name, len(g.Properties))
		}
	}
}

func testUpdateNodes(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			t1 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T1"})
			t2 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T2"})
			const n = 250 // more rows than one UPDATE statement takes
			rows := make([]driver.NodeRow, n)
			for i := range rows {
				rows[i] = driver.NodeRow{TypeID: t1, Name: fmt.Sprint("n", i), URI: "u", ExternalID: fmt.Sprint("e", i), State: 1,
					CreateTimeSinceEpoch: 10, LastUpdateTimeSinceEpoch: 10,
					Properties: []driver.PropertyRow{{Name: "p", Column: driver.ColumnInt, Int: int64(i)}}}
			}
			ids := mustInsertNodes(t, c, kind, rows)
			upd := make([]driver.NodeRow, n)
			for i := range upd {
				upd[i] = driver.NodeRow{ID: ids[i], TypeID: t2, Name: fmt.Sprint("m", i), State: 3,
					CreateTimeSinceEpoch: 99, LastUpdateTimeSinceEpoch: int64(20 + i), Properties: sampleProps()}
				if i%2 == 0 {
					upd[i].URI, upd[i].ExternalID = fmt.Sprint("uri", i), fmt.Sprint("f", i)
				}
			}
			inTx(t, c, func(tx driver.Tx) error { return tx.UpdateNodes(ctx, kind, upd) })
			got := getNodes(t, c, kind, ids)
			for i, g := range got {
				want := upd[i]
				want.TypeName = "T2"
				want.CreateTimeSinceEpoch = 10 // not touched
				want.Properties = []driver.PropertyRow{{NodeID: ids[i], Name: "p", Column: driver.ColumnInt, Int: int64(i)}}
				if kind != driver.KindArtifact {
					want.URI = ""
				}
				if kind == driver.KindContext {
					want.State = 0
				}
				equal(t, fmt.Sprint("node ", i), g, want)
			}

			// Names: taken within the type.
			wantCode(t, txErr(c, func(tx driver.Tx) error {
				return tx.UpdateNodes(ctx, kind, []driver.NodeRow{{ID: ids[0], TypeID: t2, Name: "m1"}})
			}), errcode.AlreadyExists)
			// External ids: taken within the kind.
			wantCode(t, txErr(c, func(tx driver.Tx) error {
				return tx.UpdateNodes(ctx, kind, []driver.NodeRow{{ID: ids[1], TypeID: t2, Name: "m1", ExternalID: "f0"}})
			}), errcode.AlreadyExists)
			// A missing id fails the whole call, and nothing changes.
			err := txErr(c, func(tx driver.Tx) error {
				return tx.UpdateNodes(ctx, kind, []driver.NodeRow{{ID: ids[3], TypeID: t2, Name: "changed"}, {ID: 555555, TypeID: t2, Name: "x"}})
			})
			wantCode(t, err, errcode.NotFound)
			if !strings.Contains(err.Error(), "555555") {
				t.Errorf("NotFound error %q does not name the missing id", err)
			}
			if g := getNodes(t, c, kind, ids[3:4]); g[0].Name != "m3" {
				t.Fatalf("node 3 renamed to %q by a failed update", g[0].Name)
			}
		})
	}
}

func testFindNodeIDs(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			t1 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T1"})
			t2 := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T2"})
			ids := mustInsertNodes(t, c, kind, []driver.NodeRow{
				{TypeID: t1, Name: "a", URI: "u1", ExternalID: "x1"},
				{TypeID: t1, Name: "b", URI: "u2"},
				{TypeID: t2, Name: "a", URI: "u1", ExternalID: "x2"},
				{TypeID: t2, Name: "c"},
			})
			tests := []struct {
				name string
				q    driver.NodeQuery
				want []int64
			}{
				{"by type", driver.NodeQuery{TypeID: t1}, ids[:2]},
				{"by type, no nodes", driver.NodeQuery{TypeID: 777}, nil},
				{"by ids, existing ones", driver.NodeQuery{IDs: []int64{ids[3], 999999, ids[0], ids[3], -1}}, []int64{ids[0], ids[3]}},
				{"by ids, none exists", driver.NodeQuery{IDs: []int64{999999}}, nil},
				{"by type and names", driver.NodeQuery{TypeID: t2, Names: []string{"a", "b", "c", "a"}}, []int64{ids[2], ids[3]}},
				{"by external ids", driver.NodeQuery{ExternalIDs: []string{"x2", "x1", "nope", ""}}, []int64{ids[0], ids[2]}},
				{"by type and name pairs", driver.NodeQuery{TypeNames: []driver.TypeName{{TypeID: t1, Name: "b"}, {TypeID: t2, Name: "a"}, {TypeID: t2, Name: "b"}}},
					[]int64{ids[1], ids[2]}},
			}
			if kind == driver.KindArtifact {
				tests = append(tests,
					struct {
						name string
						q    driver.NodeQuery
						want []int64
					}{"by uris", driver.NodeQuery{URIs: []string{"u1", "zz"}}, []int64{ids[0], ids[2]}},
					struct {
						name string
						q    driver.NodeQuery
						want []int64
					}{"by the empty uri", driver.NodeQuery{URIs: []string{"", "u2"}}, []int64{ids[1], ids[3]}},
				)
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var got []int64
					inTx(t, c, func(tx driver.Tx) error {
						var err error
						got, err = tx.FindNodeIDs(ctx, kind, tc.q)
						return err
					})
					if len(got) == 0 {
						got = nil
					}
					equal(t, "FindNodeIDs", got, tc.want)
				})
			}
			wantCode(t, txErr(c, func(tx driver.Tx) error {
				_, err := tx.FindNodeIDs(ctx, kind, driver.NodeQuery{})
				return err
			}), errcode.InvalidArgument)
		})
	}
}

func testUpsertAndDeleteProperties(t *testing.T, c driver.Conn) {
	for _, kind := range allKinds {
		t.Run(kindName(kind), func(t *testing.T) {
			typeID := mustInsertType(t, c, driver.TypeRow{Kind: kind, Name: "T"})
			ids := mustInsertNodes(t, c, kind, []driver.NodeRow{
				{TypeID: typeID, Name: "a", Properties: sampleProps()},
				{TypeID: typeID, Name: "b", Properties: sampleProps()},
			})
			a, b := ids[0], ids[1]
			inTx(t, c, func(tx driver.Tx) error {
				return tx.UpsertProperties(ctx, kind, []driver.PropertyRow{
					{NodeID: a, Name: "i", Column: driver.ColumnString, String: "now a string"}, // changes column
					{NodeID: a, Name: "s", Column: driver.ColumnString, String: "replaced"},
					{NodeID: a, Name: "new", Column: driver.ColumnBool, Bool: true},
					{NodeID: a, Name: "i", IsCustom: true, Column: driver.ColumnProto, Bytes: protoBytes},
				})
			})
			inTx(t, c, func(tx driver.Tx) error {
				return tx.DeleteProperties(ctx, kind, []driver.PropertyKey{
					{NodeID: a, Name: "b"}, {NodeID: a, Name: "u", IsCustom: true},
					{NodeID: a, Name: "missing"}, {NodeID: b, Name: "d", IsCustom: true}, // not there: ignored
					{NodeID: b, Name: "d"},
				})
			})
			got := getNodes(t, c, kind, ids)
			equal(t, "properties of a", got[0].Properties, wantProps(a, []driver.PropertyRow{
				{Name: "d", Column: driver.ColumnDouble, Double: -2.5e-7},
				{Name: "f", Column: driver.ColumnBool, Bool: false},
				{Name: "i", Column: driver.ColumnString, String: "now a string"},
				{Name: "new", Column: driver.ColumnBool, Bool: true},
				{Name: "p", Column: driver.ColumnProto, Bytes: protoBytes},
				{Name: "s", Column: driver.ColumnString, String: "replaced"},
				{Name: "i", IsCustom: true, Column: driver.ColumnProto, Bytes: protoBytes},
			}))
			wantB := slices.DeleteFunc(sampleProps(), func(p driver.PropertyRow) bool { return p.Name == "d" })
			equal(t, "properties of b", got[1].Properties, wantProps(b, wantB))
		})
	}
}

// testManyIDs reads by more ids than one query takes.
func testManyIDs(t *testing.T, c driver.Conn) {
	typeID := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "T"})
	ctxType := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindContext, Name: "C"})
	rows := make([]driver.NodeRow, 1234)
	for i := range rows {
		rows[i] = driver.NodeRow{TypeID: typeID, Properties: []driver.PropertyRow{{Name: "i", Column: driver.ColumnInt, Int: int64(i)}}}
	}
	ids := mustInsertNodes(t, c, driver.KindArtifact, rows)
	ctxIDs := mustInsertNodes(t, c, driver.KindContext, []driver.NodeRow{{TypeID: ctxType, Name: "c"}})
	links := make([]driver.LinkRow, len(ids))
	for i, id := range ids {
		links[i] = driver.LinkRow{ContextID: ctxIDs[0], NodeID: id}
	}
	inTx(t, c, func(tx driver.Tx) error { return tx.InsertLinks(ctx, driver.KindArtifact, links) })

	got := getNodes(t, c, driver.KindArtifact, append(slices.Clone(ids), ids...))
	if len(got) != len(ids) {
		t.Fatalf("GetNodes returned %d nodes, want %d", len(got), len(ids))
	}
	for i, g := range got {
		if g.ID != ids[i] || len(g.Properties) != 1 || g.Properties[0].Int != int64(i) {
			t.Fatalf("node %d: %+v", i, g)
		}
	}
	var gotLinks []driver.LinkRow
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		gotLinks, err = tx.GetLinks(ctx, driver.KindArtifact, ids, ctxIDs)
		return err
	})
	if len(gotLinks) != len(ids) {
		t.Fatalf("GetLinks returned %d links, want %d", len(gotLinks), len(ids))
	}
	var found []int64
	inTx(t, c, func(tx driver.Tx) error {
		names := make([]driver.TypeName, 0, 700)
		for i := range 700 {
			names = append(names, driver.TypeName{TypeID: typeID + int64(i), Name: fmt.Sprint(i)})
		}
		var err error
		found, err = tx.FindNodeIDs(ctx, driver.KindArtifact, driver.NodeQuery{TypeNames: names})
		return err
	})
	if len(found) != 0 {
		t.Fatalf("found unnamed nodes by name: %v", found)
	}
}
