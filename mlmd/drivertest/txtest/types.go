package txtest

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

var typesCases = []testCase{
	{"SchemaVersion", testSchemaVersion},
	{"InsertAndFindTypes", testInsertAndFindTypes},
	{"InsertTypeConflicts", testInsertTypeConflicts},
	{"UpdateType", testUpdateType},
	{"AddTypeProperties", testAddTypeProperties},
	{"ParentTypes", testParentTypes},
	{"ConcurrentInsertType", testConcurrentInsertType},
}

func testSchemaVersion(t *testing.T, c driver.Conn) {
	v, err := c.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != 10 {
		t.Fatalf("SchemaVersion = %d, want 10", v)
	}
}

func testInsertAndFindTypes(t *testing.T, c driver.Conn) {
	a1 := driver.TypeRow{Kind: driver.KindArtifact, Name: "Dataset", Description: "data", ExternalID: "ext-a1",
		Properties: map[string]int32{"span": 1, "split": 3, "score": 2}}
	a2 := driver.TypeRow{Kind: driver.KindArtifact, Name: "Dataset", Version: "v2", Properties: map[string]int32{}}
	a3 := driver.TypeRow{Kind: driver.KindArtifact, Name: "Model", Properties: map[string]int32{"struct": 8}}
	e1 := driver.TypeRow{Kind: driver.KindExecution, Name: "Dataset", InputType: `{"any":{}}`, OutputType: `{"none":{}}`,
		Properties: map[string]int32{"p": 6}}
	c1 := driver.TypeRow{Kind: driver.KindContext, Name: "Pipeline", ExternalID: "ext-c1", Properties: map[string]int32{}}
	for _, tr := range []*driver.TypeRow{&a1, &a2, &a3, &e1, &c1} {
		tr.ID = mustInsertType(t, c, *tr)
	}
	for _, tr := range []*driver.TypeRow{&a1, &a2, &a3, &e1, &c1} {
		if tr.ID == 0 {
			t.Fatalf("type %q got id 0", tr.Name)
		}
	}

	tests := []struct {
		name string
		q    driver.TypeQuery
		want []driver.TypeRow
	}{
		{"all artifact types", driver.TypeQuery{Kind: driver.KindArtifact}, []driver.TypeRow{a1, a2, a3}},
		{"all execution types", driver.TypeQuery{Kind: driver.KindExecution}, []driver.TypeRow{e1}},
		{"all context types", driver.TypeQuery{Kind: driver.KindContext}, []driver.TypeRow{c1}},
		{"by ids, duplicates, missing and other kinds ignored",
			driver.TypeQuery{Kind: driver.KindArtifact, IDs: []int64{a3.ID, a1.ID, a3.ID, 9999, e1.ID}},
			[]driver.TypeRow{a1, a3}},
		{"by external ids", driver.TypeQuery{Kind: driver.KindArtifact, ExternalIDs: []string{"ext-a1", "ext-c1", "nope"}},
			[]driver.TypeRow{a1}},
		{"by name without version", driver.TypeQuery{Kind: driver.KindArtifact, Names: []driver.NameVersion{{Name: "Dataset"}}},
			[]driver.TypeRow{a1}},
		{"by name and version", driver.TypeQuery{Kind: driver.KindArtifact, Names: []driver.NameVersion{{Name: "Dataset", Version: "v2"}, {Name: "Model"}}},
			[]driver.TypeRow{a2, a3}},
		{"by name, unknown version", driver.TypeQuery{Kind: driver.KindArtifact, Names: []driver.NameVersion{{Name: "Dataset", Version: "v3"}}},
			nil},
		{"by names, any version", driver.TypeQuery{Kind: driver.KindArtifact, NamesAnyVersion: []string{"Dataset"}},
			[]driver.TypeRow{a1, a2}},
		{"names are per kind", driver.TypeQuery{Kind: driver.KindExecution, NamesAnyVersion: []string{"Dataset", "Model"}},
			[]driver.TypeRow{e1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []driver.TypeRow
			inTx(t, c, func(tx driver.Tx) error {
				var err error
				got, err = tx.FindTypes(ctx, tc.q)
				return err
			})
			equal(t, "FindTypes", normTypes(got), normTypes(tc.want))
		})
	}
}

// normTypes makes empty and nil maps and slices compare equal.
func normTypes(ts []driver.TypeRow) []driver.TypeRow {
	out := make([]driver.TypeRow, len(ts))
	for i, tr := range ts {
		if len(tr.Properties) == 0 {
			tr.Properties = nil
		}
		if len(tr.ParentIDs) == 0 {
			tr.ParentIDs = nil
		}
		out[i] = tr
	}
	return out
}

func testInsertTypeConflicts(t *testing.T, c driver.Conn) {
	mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "A", ExternalID: "x1"})
	mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "A", Version: "1"})
	tests := []struct {
		name string
		tr   driver.TypeRow
		want errcode.Code
	}{
		{"same kind, name and no version", driver.TypeRow{Kind: driver.KindArtifact, Name: "A"}, errcode.AlreadyExists},
		{"same kind, name and version", driver.TypeRow{Kind: driver.KindArtifact, Name: "A", Version: "1"}, errcode.AlreadyExists},
		{"external id of another kind's type", driver.TypeRow{Kind: driver.KindContext, Name: "C", ExternalID: "x1"}, errcode.AlreadyExists},
		{"same name, other version", driver.TypeRow{Kind: driver.KindArtifact, Name: "A", Version: "2"}, errcode.OK},
		{"same name, other kind", driver.TypeRow{Kind: driver.KindExecution, Name: "A"}, errcode.OK},
		{"bad kind", driver.TypeRow{Kind: 7, Name: "K"}, errcode.InvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := txErr(c, func(tx driver.Tx) error {
				_, err := tx.InsertType(ctx, tc.tr)
				return err
			})
			wantCode(t, err, tc.want)
		})
	}
}

func testUpdateType(t *testing.T, c driver.Conn) {
	id := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindExecution, Name: "Trainer", Version: "1",
		Description: "old", Properties: map[string]int32{"steps": 1}})
	mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "Other", ExternalID: "taken"})

	inTx(t, c, func(tx driver.Tx) error {
		// Name, version, kind and properties are not touched.
		return tx.UpdateType(ctx, driver.TypeRow{ID: id, Kind: driver.KindArtifact, Name: "ignored", Version: "9",
			Description: "new", ExternalID: "tr-1", InputType: `{"any":{}}`, OutputType: `{"list":{}}`,
			Properties: map[string]int32{"ignored": 3}})
	})
	var got []driver.TypeRow
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		got, err = tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindExecution, IDs: []int64{id}})
		return err
	})
	equal(t, "updated type", normTypes(got), []driver.TypeRow{{ID: id, Kind: driver.KindExecution, Name: "Trainer", Version: "1",
		Description: "new", ExternalID: "tr-1", InputType: `{"any":{}}`, OutputType: `{"list":{}}`,
		Properties: map[string]int32{"steps": 1}}})

	// Clearing a field stores NULL, read back as "".
	inTx(t, c, func(tx driver.Tx) error { return tx.UpdateType(ctx, driver.TypeRow{ID: id}) })
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		got, err = tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindExecution, ExternalIDs: []string{"tr-1"}})
		return err
	})
	if len(got) != 0 {
		t.Fatalf("external id still found after clearing it: %+v", got)
	}

	wantCode(t, txErr(c, func(tx driver.Tx) error {
		return tx.UpdateType(ctx, driver.TypeRow{ID: id, ExternalID: "taken"})
	}), errcode.AlreadyExists)
	wantCode(t, txErr(c, func(tx driver.Tx) error {
		return tx.UpdateType(ctx, driver.TypeRow{ID: 424242, Description: "x"})
	}), errcode.NotFound)
	// An update that changes nothing still finds the row.
	inTx(t, c, func(tx driver.Tx) error { return tx.UpdateType(ctx, driver.TypeRow{ID: id}) })
}

func testAddTypeProperties(t *testing.T, c driver.Conn) {
	id := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindContext, Name: "Run", Properties: map[string]int32{"a": 1}})
	inTx(t, c, func(tx driver.Tx) error {
		return tx.AddTypeProperties(ctx, id, map[string]int32{"b": 2, "c": 3})
	})
	wantCode(t, txErr(c, func(tx driver.Tx) error {
		return tx.AddTypeProperties(ctx, id, map[string]int32{"d": 1, "a": 3})
	}), errcode.AlreadyExists)
	var got []driver.TypeRow
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		got, err = tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindContext})
		return err
	})
	// The failed transaction added nothing, not even "d".
	equal(t, "properties", got[0].Properties, map[string]int32{"a": 1, "b": 2, "c": 3})
}

func testParentTypes(t *testing.T, c driver.Conn) {
	base := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "mlmd.Dataset"})
	other := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "mlmd.Model"})
	child := mustInsertType(t, c, driver.TypeRow{Kind: driver.KindArtifact, Name: "Examples", ParentIDs: []int64{base}})
	for range 2 { // the second time, every link exists already
		inTx(t, c, func(tx driver.Tx) error {
			return tx.SetParentTypes(ctx, []driver.ParentTypeRow{{TypeID: child, ParentTypeID: base}, {TypeID: child, ParentTypeID: other}})
		})
	}
	var got []driver.TypeRow
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		got, err = tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindArtifact, IDs: []int64{child, base}})
		return err
	})
	if len(got) != 2 {
		t.Fatalf("got %d types, want 2", len(got))
	}
	equal(t, "parents of the base type", got[0].ParentIDs, []int64(nil))
	equal(t, "parents of the child type", got[1].ParentIDs, []int64{base, other})
}

// testConcurrentInsertType inserts the same type from several transactions
// at once: exactly one must win, the others must see its row.
func testConcurrentInsertType(t *testing.T, c driver.Conn) {
	const n = 6
	errs := make(chan error, n)
	for range n {
		go func() {
			errs <- txErr(c, func(tx driver.Tx) error {
				_, err := tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: "Same", Version: "1"})
				return err
			})
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; errcode.Of(err) {
		case errcode.OK:
			won++
		case errcode.AlreadyExists:
		default:
			t.Errorf("concurrent InsertType: %v (code %v), want OK or AlreadyExists", err, errcode.Of(err))
		}
	}
	if won != 1 {
		t.Fatalf("%d transactions inserted the type, want 1", won)
	}
	var got []driver.TypeRow
	inTx(t, c, func(tx driver.Tx) error {
		var err error
		got, err = tx.FindTypes(ctx, driver.TypeQuery{Kind: driver.KindArtifact, NamesAnyVersion: []string{"Same"}})
		return err
	})
	if len(got) != 1 {
		t.Fatalf("%d types stored, want 1", len(got))
	}
}
