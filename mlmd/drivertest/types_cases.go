package drivertest

// Types: put, upsert rules, versions, base types, getters.

import (
	"fmt"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var typesCases = []testCase{
	{name: "Types/SystemBaseTypes", run: testSystemBaseTypes},
	{name: "Types/PutAndGet", run: testTypePutAndGet},
	{name: "Types/BaseTypeLink", run: testBaseTypeLink},
	{name: "Types/GetAll", run: testTypesGetAll},
	{name: "Types/NoneExist", run: testTypesNoneExist},
	{name: "Types/ByExternalIDs", run: testTypesByExternalIDs},
	{name: "Types/UpsertRules", run: testTypeUpsertRules},
	{name: "Types/CanOmitFieldsSequence", run: testTypeCanOmitFields},
	{name: "Types/GetMissing", run: testTypeGetMissing},
	{name: "Types/ByID", run: testTypesByID},
	{name: "Types/Versions", run: testTypeVersions},
	{name: "Types/EmptyVersionIsNoVersion", run: testTypeEmptyVersion},
	{name: "Types/EvolveVersioned", run: testTypeEvolveVersioned},
	{name: "Types/PutTypes", run: testPutTypes},
	{name: "Types/PutTypesBaseTypes", run: testPutTypesBaseTypes},
	{name: "Types/PutTypesUpdate", run: testPutTypesUpdate},
	{name: "Types/PutTypesAlreadyExists", run: testPutTypesAlreadyExists},
	{name: "Types/ExecutionTypeInputOutput", run: testExecutionTypeInputOutput},
	{name: "Types/ExternalIDAndDescription", run: testTypeExternalIDAndDescription},
}

// testSystemBaseTypes: a store stores MLMD's system base types when it is
// opened; they can be read by name, are not listed, and other types work
// next to them.
func testSystemBaseTypes(t *testing.T, s *mlmd.Store) {
	for _, name := range []string{"mlmd.Dataset", "mlmd.Model", "mlmd.Metrics", "mlmd.Statistics"} {
		got, err := s.GetArtifactType(t.Context(), name, "")
		ok(t, err, "get "+name)
		if got.Name != name || got.Version != "" || len(got.Properties) != 0 || got.BaseType != mlmd.ArtifactBaseUnset {
			t.Errorf("%s: got %+v", name, got)
		}
	}
	for _, name := range []string{"mlmd.Train", "mlmd.Transform", "mlmd.Process", "mlmd.Evaluate", "mlmd.Deploy"} {
		got, err := s.GetExecutionType(t.Context(), name, "")
		ok(t, err, "get "+name)
		if got.Name != name || got.Version != "" || len(got.Properties) != 0 || got.BaseType != mlmd.ExecutionBaseUnset {
			t.Errorf("%s: got %+v", name, got)
		}
	}
	id := mustType(t, s, artifactTypes, typeNamed("test_type2", props("property_1", mlmd.PropertyString)))
	all, err := s.GetArtifactTypes(t.Context())
	ok(t, err, "get artifact types")
	if len(all) != 1 || all[0].ID != id {
		t.Errorf("GetArtifactTypes = %+v, want only the user type %d", all, id)
	}
	exes, err := s.GetExecutionTypes(t.Context())
	ok(t, err, "get execution types")
	if len(exes) != 0 {
		t.Errorf("GetExecutionTypes = %+v, want none", exes)
	}
}

func testTypePutAndGet(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			want := gtype{Name: "test_type2", Description: "a type", ExternalID: k.name + "_ext",
				Props: props("property_1", mlmd.PropertyString, "i", mlmd.PropertyInt, "d", mlmd.PropertyDouble,
					"st", mlmd.PropertyStruct, "pr", mlmd.PropertyProto, "b", mlmd.PropertyBool)}
			if k.hasBase {
				want.Base = 2 // MODEL, TRANSFORM
			}
			id, err := k.put(t, s, want, nil)
			ok(t, err, "put")
			if id <= 0 {
				t.Fatalf("put returned id %d", id)
			}
			want.ID = id
			got, err := k.get(t, s, "test_type2", "")
			ok(t, err, "get")
			wantType(t, got, want, "get by name")
		})
	}
}

func testBaseTypeLink(t *testing.T, s *mlmd.Store) {
	for _, k := range []typeKind{artifactTypes, executionTypes} {
		t.Run(k.name, func(t *testing.T) {
			want := gtype{Name: "test_type2", Props: props("property_1", mlmd.PropertyString), Base: 2}
			want.ID = mustType(t, s, k, want)
			got, err := k.get(t, s, want.Name, "")
			ok(t, err, "get")
			wantType(t, got, want, "stored type")

			changed := want
			changed.Base = 1
			failsUnchanged(t, s, mlmd.Unimplemented, "change the base type", func() error {
				_, err := k.put(t, s, changed, nil)
				return err
			})
			// Leaving the base type out keeps the stored link.
			unset := want
			unset.Base = 0
			id, err := k.put(t, s, unset, nil)
			ok(t, err, "put without base type")
			if id != want.ID {
				t.Errorf("put without base type: id %d, want %d", id, want.ID)
			}
			got, err = k.get(t, s, want.Name, "")
			ok(t, err, "get")
			wantType(t, got, want, "after put without base type")
			// An unknown base type value is rejected.
			bad := want
			bad.Name, bad.Base = "other", 42
			failsUnchanged(t, s, mlmd.InvalidArgument, "unknown base type", func() error {
				_, err := k.put(t, s, bad, nil)
				return err
			})
		})
	}
}

func testTypesGetAll(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			t1 := gtype{Name: "test_type_1", Props: props("property_1", mlmd.PropertyString)}
			t2 := gtype{Name: "test_type_2", Props: props("property_2", mlmd.PropertyInt)}
			if k.hasBase {
				t1.Base, t2.Base = 1, 3
			}
			t1.ID = mustType(t, s, k, t1)
			t2.ID = mustType(t, s, k, t2)
			got, err := k.all(t, s)
			ok(t, err, "get all")
			if len(got) != 2 {
				t.Fatalf("got %d types, want 2: %v", len(got), got)
			}
			wantType(t, got[0], t1, "first (by id)")
			wantType(t, got[1], t2, "second (by id)")
		})
	}
}

func testTypesNoneExist(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		got, err := k.all(t, s)
		ok(t, err, "get all "+k.name+" types")
		if len(got) != 0 {
			t.Errorf("%s types: got %v, want none", k.name, got)
		}
	}
}

func testTypesByExternalIDs(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			t1 := gtype{Name: "test_type_1", ExternalID: k.name + "_type_external_id_1", Props: props("property", mlmd.PropertyString)}
			t2 := gtype{Name: "test_type_2", ExternalID: k.name + "_type_external_id_2", Props: props("property", mlmd.PropertyString)}
			t1.ID = mustType(t, s, k, t1)
			t2.ID = mustType(t, s, k, t2)
			tests := []struct {
				name string
				ext  []string
				want []gtype
				code mlmd.Code
			}{
				{"one", []string{t1.ExternalID}, []gtype{t1}, mlmd.OK},
				{"absent", []string{"absent"}, nil, mlmd.NotFound},
				{"two", []string{t1.ExternalID, t2.ExternalID}, []gtype{t1, t2}, mlmd.OK},
				{"two and absent", []string{t1.ExternalID, t2.ExternalID, "absent"}, []gtype{t1, t2}, mlmd.OK},
				{"repeated", []string{t2.ExternalID, t2.ExternalID}, []gtype{t2}, mlmd.OK},
				{"empty id", []string{""}, nil, mlmd.InvalidArgument},
				{"no ids", nil, nil, mlmd.OK},
			}
			for _, tt := range tests {
				got, err := k.byExt(t, s, tt.ext)
				wantCode(t, err, tt.code, tt.name)
				wantTypes(t, got, tt.want, tt.name)
			}
		})
	}
}

func testTypeUpsertRules(t *testing.T, s *mlmd.Store) {
	stored := props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt)
	tests := []struct {
		name      string
		given     gtype
		opts      *mlmd.TypeOptions
		code      mlmd.Code
		wantProps map[string]mlmd.PropertyType // stored properties afterwards
	}{
		{"same", gtype{Props: stored}, nil, mlmd.OK, stored},
		{"same, given id ignored", gtype{ID: 123456, Props: stored}, nil, mlmd.OK, stored},
		{"added property", gtype{Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "new", mlmd.PropertyDouble)},
			nil, mlmd.AlreadyExists, stored},
		{"added property, can add", gtype{Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "new", mlmd.PropertyDouble)},
			&mlmd.TypeOptions{CanAddFields: true}, mlmd.OK, props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "new", mlmd.PropertyDouble)},
		{"removed property", gtype{Props: props("property_1", mlmd.PropertyString)}, nil, mlmd.AlreadyExists, stored},
		{"removed property, can add", gtype{Props: props("property_1", mlmd.PropertyString)}, &mlmd.TypeOptions{CanAddFields: true}, mlmd.AlreadyExists, stored},
		{"removed property, can omit", gtype{Props: props("property_1", mlmd.PropertyString)}, &mlmd.TypeOptions{CanOmitFields: true}, mlmd.OK, stored},
		{"changed property type", gtype{Props: props("property_1", mlmd.PropertyInt, "property_2", mlmd.PropertyInt)}, nil, mlmd.AlreadyExists, stored},
		{"changed property type, can add and omit", gtype{Props: props("property_1", mlmd.PropertyDouble)},
			&mlmd.TypeOptions{CanAddFields: true, CanOmitFields: true}, mlmd.AlreadyExists, stored},
		{"other properties only, can add", gtype{Props: props("property_3", mlmd.PropertyInt)}, &mlmd.TypeOptions{CanAddFields: true}, mlmd.AlreadyExists, stored},
		{"other properties only, can add and omit", gtype{Props: props("property_3", mlmd.PropertyInt)},
			&mlmd.TypeOptions{CanAddFields: true, CanOmitFields: true}, mlmd.OK,
			props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "property_3", mlmd.PropertyInt)},
		{"added UNKNOWN property, can add", gtype{Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "u", mlmd.PropertyUnknown)},
			&mlmd.TypeOptions{CanAddFields: true}, mlmd.InvalidArgument, stored},
		{"added property of an invalid type", gtype{Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "u", mlmd.PropertyType(99))},
			&mlmd.TypeOptions{CanAddFields: true}, mlmd.InvalidArgument, stored},
	}
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			for i, tt := range tests {
				name := fmt.Sprintf("test_type_%d", i)
				id := mustType(t, s, k, gtype{Name: name, Props: stored})
				given := tt.given
				given.Name = name
				var gotID int64
				if tt.code == mlmd.OK {
					var err error
					gotID, err = k.put(t, s, given, tt.opts)
					wantCode(t, err, mlmd.OK, tt.name)
					if gotID != id {
						t.Errorf("%s: put returned id %d, want the stored type's %d", tt.name, gotID, id)
					}
				} else {
					failsUnchanged(t, s, tt.code, tt.name, func() error {
						_, err := k.put(t, s, given, tt.opts)
						return err
					})
				}
				got, err := k.get(t, s, name, "")
				ok(t, err, tt.name+": get")
				wantType(t, got, gtype{ID: id, Name: name, Props: tt.wantProps}, tt.name)
			}
			// New types are validated too.
			for _, bad := range []struct {
				name string
				ty   gtype
			}{
				{"no name", gtype{Props: props("p", mlmd.PropertyInt)}},
				{"UNKNOWN property", gtype{Name: "new_type", Props: props("p", mlmd.PropertyUnknown)}},
				{"invalid property type", gtype{Name: "new_type", Props: props("p", mlmd.PropertyType(-1))}},
			} {
				failsUnchanged(t, s, mlmd.InvalidArgument, bad.name, func() error {
					_, err := k.put(t, s, bad.ty, &mlmd.TypeOptions{CanAddFields: true, CanOmitFields: true})
					return err
				})
			}
		})
	}
}

// testTypeCanOmitFields follows upstream's sequence of updates of one type
// with the omit and add flags.
func testTypeCanOmitFields(t *testing.T, s *mlmd.Store) {
	stored := gtype{Name: "test_type", Props: props("property_1", mlmd.PropertyInt, "property_2", mlmd.PropertyString)}
	stored.ID = mustType(t, s, artifactTypes, stored)
	check := func(want gtype, what string) {
		t.Helper()
		all, err := s.GetArtifactTypes(t.Context())
		ok(t, err, what)
		if len(all) != 1 {
			t.Fatalf("%s: %d types, want 1", what, len(all))
		}
		wantType(t, fromArtifactType(all[0]), want, what)
	}
	only2 := gtype{Name: "test_type", Props: props("property_2", mlmd.PropertyString)}
	failsUnchanged(t, s, mlmd.AlreadyExists, "omit without CanOmitFields", func() error {
		_, err := artifactTypes.put(t, s, only2, nil)
		return err
	})
	check(stored, "after a failed omit")
	id, err := artifactTypes.put(t, s, only2, &mlmd.TypeOptions{CanOmitFields: true})
	ok(t, err, "omit with CanOmitFields")
	if id != stored.ID {
		t.Errorf("omit: id %d, want %d", id, stored.ID)
	}
	check(stored, "after omit")
	only3 := gtype{Name: "test_type", Props: props("property_3", mlmd.PropertyDouble)}
	failsUnchanged(t, s, mlmd.AlreadyExists, "new property with CanOmitFields only", func() error {
		_, err := artifactTypes.put(t, s, only3, &mlmd.TypeOptions{CanOmitFields: true})
		return err
	})
	check(stored, "after a failed add")
	id, err = artifactTypes.put(t, s, only3, &mlmd.TypeOptions{CanOmitFields: true, CanAddFields: true})
	ok(t, err, "add and omit")
	if id != stored.ID {
		t.Errorf("add and omit: id %d, want %d", id, stored.ID)
	}
	want := stored
	want.Props = props("property_1", mlmd.PropertyInt, "property_2", mlmd.PropertyString, "property_3", mlmd.PropertyDouble)
	check(want, "after add")
}

func testTypeGetMissing(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		_, err := k.get(t, s, "test_type2", "")
		wantCode(t, err, mlmd.NotFound, k.name+": missing type")
		mustType(t, s, k, gtype{Name: "versioned", Version: "v1"})
		_, err = k.get(t, s, "versioned", "v2")
		wantCode(t, err, mlmd.NotFound, k.name+": missing version")
		_, err = k.get(t, s, "versioned", "")
		wantCode(t, err, mlmd.NotFound, k.name+": no unversioned type")
	}
	// A type of one kind is not a type of another.
	mustType(t, s, contextTypes, gtype{Name: "only_a_context_type"})
	_, err := artifactTypes.get(t, s, "only_a_context_type", "")
	wantCode(t, err, mlmd.NotFound, "context type read as artifact type")
}

func testTypesByID(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			t1 := gtype{Name: "test_type1", Props: props("property_1", mlmd.PropertyString)}
			t2 := gtype{Name: "test_type2", Props: props("property_1", mlmd.PropertyString)}
			if k.hasBase {
				t2.Base = 1
			}
			t1.ID = mustType(t, s, k, t1)
			t2.ID = mustType(t, s, k, t2)
			unknown := t1.ID + t2.ID + 100
			tests := []struct {
				name string
				ids  []int64
				want []gtype
			}{
				{"one", []int64{t1.ID}, []gtype{t1}},
				{"unknown", []int64{unknown}, nil},
				{"two", []int64{t1.ID, t2.ID}, []gtype{t1, t2}},
				{"two, unknown and repeated", []int64{t2.ID, unknown, t1.ID, t2.ID}, []gtype{t1, t2}},
				{"none", nil, nil},
			}
			for _, tt := range tests {
				got, err := k.byID(t, s, tt.ids)
				ok(t, err, tt.name)
				wantTypes(t, got, tt.want, tt.name)
			}
		})
	}
	// Ids of another kind are not found.
	ctxType := mustType(t, s, contextTypes, gtype{Name: "ctx_only"})
	got, err := artifactTypes.byID(t, s, []int64{ctxType})
	ok(t, err, "artifact types by a context type id")
	if len(got) != 0 {
		t.Errorf("artifact types by a context type id: got %v", got)
	}
}

func testTypeVersions(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			want := []gtype{
				{Name: "test_type", Props: props("property_1", mlmd.PropertyString)},
				{Name: "test_type", Version: "1", Props: props("property_1", mlmd.PropertyInt)},
				{Name: "test_type", Version: "2", Props: props("property_1", mlmd.PropertyDouble)},
			}
			seen := map[int64]bool{}
			for i := range want {
				want[i].ID = mustType(t, s, k, want[i])
				if seen[want[i].ID] {
					t.Fatalf("version %q got a used id %d", want[i].Version, want[i].ID)
				}
				seen[want[i].ID] = true
			}
			for _, w := range want {
				got, err := k.get(t, s, w.Name, w.Version)
				ok(t, err, "get version "+w.Version)
				wantType(t, got, w, "version "+w.Version)
			}
			all, err := k.all(t, s)
			ok(t, err, "all")
			wantTypes(t, all, want, "all versions")
		})
	}
}

// testTypeEmptyVersion: an empty version is no version (MLMD treats NULL
// and ” alike), so these puts name two types, not four.
func testTypeEmptyVersion(t *testing.T, s *mlmd.Store) {
	p := props("property_1", mlmd.PropertyString)
	a := mustType(t, s, contextTypes, gtype{Name: "test_type", Props: p})
	b := mustType(t, s, contextTypes, gtype{Name: "test_type", Version: "", Props: p})
	c := mustType(t, s, contextTypes, gtype{Name: "test_type_2", Version: "", Props: p})
	d := mustType(t, s, contextTypes, gtype{Name: "test_type_2", Props: p})
	if a != b || c != d || a == c {
		t.Errorf("ids %d %d %d %d, want a==b, c==d, a!=c", a, b, c, d)
	}
	all, err := contextTypes.all(t, s)
	ok(t, err, "all")
	wantTypes(t, all, []gtype{{ID: a, Name: "test_type", Props: p}, {ID: c, Name: "test_type_2", Props: p}}, "all")
}

func testTypeEvolveVersioned(t *testing.T, s *mlmd.Store) {
	k := executionTypes
	first := gtype{Name: "test_type", Version: "1", Props: props("property_1", mlmd.PropertyString)}
	first.ID = mustType(t, s, k, first)
	all, err := k.all(t, s)
	ok(t, err, "all")
	wantTypes(t, all, []gtype{first}, "created")

	added := gtype{Name: "test_type", Version: "1", Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt)}
	failsUnchanged(t, s, mlmd.AlreadyExists, "add without CanAddFields", func() error {
		_, err := k.put(t, s, added, nil)
		return err
	})
	id, err := k.put(t, s, added, &mlmd.TypeOptions{CanAddFields: true})
	ok(t, err, "add")
	added.ID = id
	all, err = k.all(t, s)
	ok(t, err, "all")
	wantTypes(t, all, []gtype{added}, "after add")

	third := gtype{Name: "test_type", Version: "1", Props: props("property_3", mlmd.PropertyDouble)}
	failsUnchanged(t, s, mlmd.AlreadyExists, "omit without CanOmitFields", func() error {
		_, err := k.put(t, s, third, &mlmd.TypeOptions{CanAddFields: true})
		return err
	})
	id, err = k.put(t, s, third, &mlmd.TypeOptions{CanAddFields: true, CanOmitFields: true})
	ok(t, err, "add and omit")
	want := gtype{ID: id, Name: "test_type", Version: "1",
		Props: props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyInt, "property_3", mlmd.PropertyDouble)}
	all, err = k.all(t, s)
	ok(t, err, "all")
	wantTypes(t, all, []gtype{want}, "after add and omit")
}

func testPutTypes(t *testing.T, s *mlmd.Store) {
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes: []mlmd.ArtifactType{
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString)},
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString)},
		},
		ExecutionTypes: []mlmd.ExecutionType{
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString)},
			{Name: "test_type2", Properties: props("property_1", mlmd.PropertyDouble)},
		},
		ContextTypes: []mlmd.ContextType{{Name: "test_type1", Properties: props("property_1", mlmd.PropertyInt)}},
	}, nil)
	ok(t, err, "PutTypes")
	if len(res.ArtifactTypeIDs) != 2 || res.ArtifactTypeIDs[0] != res.ArtifactTypeIDs[1] {
		t.Errorf("artifact type ids %v, want two equal ids", res.ArtifactTypeIDs)
	}
	if len(res.ExecutionTypeIDs) != 2 || res.ExecutionTypeIDs[0] == res.ExecutionTypeIDs[1] {
		t.Errorf("execution type ids %v, want two distinct ids", res.ExecutionTypeIDs)
	}
	if len(res.ContextTypeIDs) != 1 {
		t.Fatalf("context type ids %v, want one", res.ContextTypeIDs)
	}
	a, err := s.GetArtifactType(t.Context(), "test_type1", "")
	ok(t, err, "get artifact type")
	e, err := s.GetExecutionType(t.Context(), "test_type2", "")
	ok(t, err, "get execution type")
	c, err := s.GetContextType(t.Context(), "test_type1", "")
	ok(t, err, "get context type")
	if a.ID != res.ArtifactTypeIDs[0] || e.ID != res.ExecutionTypeIDs[1] || c.ID != res.ContextTypeIDs[0] {
		t.Errorf("ids by name %d %d %d, want %d %d %d", a.ID, e.ID, c.ID, res.ArtifactTypeIDs[0], res.ExecutionTypeIDs[1], res.ContextTypeIDs[0])
	}
	// A conflict within one call: the second type is checked against the
	// first, and nothing of the call is stored.
	failsUnchanged(t, s, mlmd.AlreadyExists, "conflicting types in one call", func() error {
		_, err := s.PutTypes(t.Context(), mlmd.Types{
			ArtifactTypes: []mlmd.ArtifactType{{Name: "fresh", Properties: props("p", mlmd.PropertyInt)}},
			ContextTypes: []mlmd.ContextType{
				{Name: "fresh_ctx", Properties: props("p", mlmd.PropertyInt)},
				{Name: "fresh_ctx", Properties: props("p", mlmd.PropertyString)},
			},
		}, nil)
		return err
	})
	// An empty call is fine.
	_, err = s.PutTypes(t.Context(), mlmd.Types{}, nil)
	ok(t, err, "empty PutTypes")
}

func testPutTypesBaseTypes(t *testing.T, s *mlmd.Store) {
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes: []mlmd.ArtifactType{
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString), BaseType: mlmd.ArtifactBaseModel},
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString)},
		},
		ExecutionTypes: []mlmd.ExecutionType{
			{Name: "test_type1", Properties: props("property_1", mlmd.PropertyString)},
			{Name: "test_type2", Properties: props("property_1", mlmd.PropertyDouble), BaseType: mlmd.ExecutionBaseTrain},
		},
	}, nil)
	ok(t, err, "PutTypes")
	if res.ArtifactTypeIDs[0] != res.ArtifactTypeIDs[1] || res.ExecutionTypeIDs[0] == res.ExecutionTypeIDs[1] {
		t.Errorf("ids %v %v", res.ArtifactTypeIDs, res.ExecutionTypeIDs)
	}
	a, err := s.GetArtifactType(t.Context(), "test_type1", "")
	ok(t, err, "get artifact type")
	wantType(t, fromArtifactType(a), gtype{ID: res.ArtifactTypeIDs[0], Name: "test_type1",
		Props: props("property_1", mlmd.PropertyString), Base: int32(mlmd.ArtifactBaseModel)}, "artifact type")
	e, err := s.GetExecutionType(t.Context(), "test_type2", "")
	ok(t, err, "get execution type")
	wantType(t, fromExecutionType(e), gtype{ID: res.ExecutionTypeIDs[1], Name: "test_type2",
		Props: props("property_1", mlmd.PropertyDouble), Base: int32(mlmd.ExecutionBaseTrain)}, "execution type")
	e1, err := s.GetExecutionType(t.Context(), "test_type1", "")
	ok(t, err, "get execution type 1")
	if e1.BaseType != mlmd.ExecutionBaseUnset {
		t.Errorf("test_type1 base type %v, want none", e1.BaseType)
	}
	// Two base types for one type within one call: the second is a change.
	failsUnchanged(t, s, mlmd.Unimplemented, "two base types in one call", func() error {
		_, err := s.PutTypes(t.Context(), mlmd.Types{ArtifactTypes: []mlmd.ArtifactType{
			{Name: "fresh", BaseType: mlmd.ArtifactBaseDataset},
			{Name: "fresh", BaseType: mlmd.ArtifactBaseMetrics},
		}}, nil)
		return err
	})
}

func testPutTypesUpdate(t *testing.T, s *mlmd.Store) {
	p1 := props("property_1", mlmd.PropertyString)
	p12 := props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyString)
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "artifact_type", Properties: p1}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "execution_type", Properties: p1}},
		ContextTypes:   []mlmd.ContextType{{Name: "context_type", Properties: p1}},
	}, nil)
	ok(t, err, "put")
	upd, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "artifact_type", Properties: p12}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "execution_type", Properties: p12}},
		ContextTypes:   []mlmd.ContextType{{Name: "context_type", Properties: p12}},
	}, &mlmd.TypeOptions{CanAddFields: true})
	ok(t, err, "update")
	if upd.ArtifactTypeIDs[0] != res.ArtifactTypeIDs[0] || upd.ExecutionTypeIDs[0] != res.ExecutionTypeIDs[0] || upd.ContextTypeIDs[0] != res.ContextTypeIDs[0] {
		t.Errorf("update ids %+v, want %+v", upd, res)
	}
	for i, k := range typeKinds {
		ids := [][]int64{res.ArtifactTypeIDs, res.ExecutionTypeIDs, res.ContextTypeIDs}[i]
		got, err := k.get(t, s, k.name+"_type", "")
		ok(t, err, "get")
		wantType(t, got, gtype{ID: ids[0], Name: k.name + "_type", Props: p12}, k.name+" type")
	}
}

func testPutTypesAlreadyExists(t *testing.T, s *mlmd.Store) {
	p1 := props("property_1", mlmd.PropertyString)
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "artifact_type", Properties: p1}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "execution_type", Properties: p1}},
		ContextTypes:   []mlmd.ContextType{{Name: "context_type", Properties: p1}},
	}, nil)
	ok(t, err, "put")
	p12 := props("property_1", mlmd.PropertyString, "property_2", mlmd.PropertyString)
	p2 := props("property_2", mlmd.PropertyString)
	pInt := props("property_1", mlmd.PropertyInt)
	tests := []struct {
		name string
		p    map[string]mlmd.PropertyType
		opts *mlmd.TypeOptions
	}{
		{"added without CanAddFields", p12, &mlmd.TypeOptions{}},
		{"omitted without CanOmitFields", p2, &mlmd.TypeOptions{CanAddFields: true}},
		{"changed property type", pInt, &mlmd.TypeOptions{CanAddFields: true}},
	}
	for _, tt := range tests {
		// The new artifact type "test_type1" would be created: the call
		// is atomic, so it must not be.
		failsUnchanged(t, s, mlmd.AlreadyExists, tt.name, func() error {
			_, err := s.PutTypes(t.Context(), mlmd.Types{
				ArtifactTypes:  []mlmd.ArtifactType{{Name: "test_type1", Properties: tt.p}},
				ExecutionTypes: []mlmd.ExecutionType{{Name: "execution_type", Properties: tt.p}},
				ContextTypes:   []mlmd.ContextType{{Name: "context_type", Properties: tt.p}},
			}, tt.opts)
			return err
		})
	}
	for i, k := range typeKinds[1:] {
		ids := [][]int64{res.ExecutionTypeIDs, res.ContextTypeIDs}[i]
		got, err := k.get(t, s, k.name+"_type", "")
		ok(t, err, "get")
		wantType(t, got, gtype{ID: ids[0], Name: k.name + "_type", Props: p1}, k.name+" type")
	}
	_, err = s.GetArtifactType(t.Context(), "test_type1", "")
	wantCode(t, err, mlmd.NotFound, "artifact type of a failed call")
}

func testExecutionTypeInputOutput(t *testing.T, s *mlmd.Store) {
	in := `{"dict":{"properties":{"x":{"simple":{}}}}}`
	out := `{"any":{}}`
	id, err := s.PutExecutionType(t.Context(), mlmd.ExecutionType{Name: "trainer", InputType: in, OutputType: out}, nil)
	ok(t, err, "put")
	got, err := s.GetExecutionType(t.Context(), "trainer", "")
	ok(t, err, "get")
	if got.ID != id || got.InputType != in || got.OutputType != out {
		t.Errorf("got %+v, want input %q output %q", got, in, out)
	}
	byID, err := s.GetExecutionTypesByID(t.Context(), []int64{id})
	ok(t, err, "by id")
	if len(byID) != 1 || byID[0].InputType != in || byID[0].OutputType != out {
		t.Errorf("by id: got %+v", byID)
	}
}

// testTypeExternalIDAndDescription: on an upsert MLMD replaces the
// external id with the given one (clearing it when none is given) and
// keeps the stored description; external ids are unique per kind.
func testTypeExternalIDAndDescription(t *testing.T, s *mlmd.Store) {
	for _, k := range typeKinds {
		t.Run(k.name, func(t *testing.T) {
			e := func(id string) string { return k.name + "_" + id }
			ty := gtype{Name: "t", Description: "first", ExternalID: e("e1")}
			ty.ID = mustType(t, s, k, ty)
			upd := gtype{Name: "t", Description: "second", ExternalID: e("e2")}
			_, err := k.put(t, s, upd, nil)
			ok(t, err, "new external id")
			got, err := k.get(t, s, "t", "")
			ok(t, err, "get")
			wantType(t, got, gtype{ID: ty.ID, Name: "t", Description: "first", ExternalID: e("e2")}, "after new external id")

			_, err = k.put(t, s, gtype{Name: "t"}, nil)
			ok(t, err, "no external id")
			got, err = k.get(t, s, "t", "")
			ok(t, err, "get")
			wantType(t, got, gtype{ID: ty.ID, Name: "t", Description: "first"}, "after no external id")

			mustType(t, s, k, gtype{Name: "u", ExternalID: e("taken")})
			failsUnchanged(t, s, mlmd.AlreadyExists, "new type with a taken external id", func() error {
				_, err := k.put(t, s, gtype{Name: "v", ExternalID: e("taken")}, nil)
				return err
			})
			failsUnchanged(t, s, mlmd.AlreadyExists, "update to a taken external id", func() error {
				_, err := k.put(t, s, gtype{Name: "t", ExternalID: e("taken")}, nil)
				return err
			})
		})
	}
	// Type external ids are unique over all kinds (MLMD's Type table).
	mustType(t, s, artifactTypes, gtype{Name: "shared", ExternalID: "one_for_all"})
	failsUnchanged(t, s, mlmd.AlreadyExists, "context type with an artifact type's external id", func() error {
		_, err := contextTypes.put(t, s, gtype{Name: "shared", ExternalID: "one_for_all"}, nil)
		return err
	})
}
