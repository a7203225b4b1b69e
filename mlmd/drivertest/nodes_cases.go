package drivertest

// Nodes: create, update, getters, bad input.

import (
	"fmt"
	"math"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/gomlmd/gomlmd/mlmd"
)

var nodesCases = []testCase{
	{name: "Nodes/ByTypeAndName", run: testNodesByTypeAndName},
	{name: "Nodes/ByTypeWithListOptions", run: testNodesByTypeWithListOptions},
	{name: "Nodes/ByTypeEmpty", run: testNodesByTypeEmpty},
	{name: "Nodes/ByID", run: testNodesByID},
	{name: "Nodes/ByIDWithTypes", run: testNodesByIDWithTypes},
	{name: "Nodes/ByExternalIDs", run: testNodesByExternalIDs},
	{name: "Nodes/Update", run: testNodesUpdate},
	{name: "Nodes/EmptyNode", run: testEmptyNode},
	{name: "Nodes/ArtifactsByURI", run: testArtifactsByURI},
	{name: "Nodes/UpdateCustomPropertyKinds", run: testUpdateCustomPropertyKinds},
	{name: "Nodes/ContextsUpdate", run: testContextsUpdate},
	{name: "Nodes/AllValueKinds", run: testAllValueKinds},
	{name: "Nodes/BadInput", run: testNodesBadInput},
	{name: "Nodes/NameOnlyContextsRename", run: testNodeNames},
	{name: "Nodes/SameNodeTwiceInOneCall", run: testSameNodeTwice},
	{name: "Nodes/AbortIfLatestUpdatedTimeChanged", runWithClock: testAbortIfLatestUpdatedTimeChanged},
	{name: "Nodes/UpdateTimes", runWithClock: testNodeUpdateTimes},
}

// nodesOfTwoTypes prepares upstream's fixture: a type without version and
// one with version "v1", a node in the first and two in the second, the
// first and the third with the same name.
func nodesOfTwoTypes(t *testing.T, s *mlmd.Store, k nodeKind) ([]gtype, []gnode) {
	types := []gtype{
		{Name: "test_type", Props: props("test_property", mlmd.PropertyString)},
		{Name: "test_type", Version: "v1", Props: props("test_property", mlmd.PropertyString)},
	}
	for i := range types {
		types[i].ID = mustType(t, s, k.types, types[i])
	}
	nodes := []gnode{
		{TypeID: types[0].ID, Type: "test_type", Name: "test_node_name_for_node_0_and_node_2", Props: pv("test_property", str("foo"))},
		{TypeID: types[1].ID, Type: "test_type", Name: "test_node_name_for_node_1", Props: pv("test_property", str("bar"))},
		{TypeID: types[1].ID, Type: "test_type", Name: "test_node_name_for_node_0_and_node_2", Props: pv("test_property", str("foo"))},
	}
	ids := mustPut(t, s, k, nodes...)
	for i := range nodes {
		nodes[i].ID = ids[i]
	}
	return types, nodes
}

func testNodesByTypeAndName(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			types, nodes := nodesOfTwoTypes(t, s, k)
			got, tok, err := k.byType(t, s, types[0].Name, types[0].Version, nil)
			ok(t, err, "by type")
			if tok != "" {
				t.Errorf("by type without options: token %q", tok)
			}
			wantNodesAnyOrder(t, got, nodes[:1], ignoreTimes, "by unversioned type")
			got, _, err = k.byType(t, s, types[1].Name, types[1].Version, nil)
			ok(t, err, "by type")
			wantNodesAnyOrder(t, got, nodes[1:], ignoreTimes, "by versioned type")

			n, err := k.byTypeAndName(t, s, types[0].Name, types[0].Version, nodes[2].Name)
			ok(t, err, "by type and name")
			wantNode(t, n, nodes[0], ignoreTimes, "unversioned type and name")
			n, err = k.byTypeAndName(t, s, types[1].Name, types[1].Version, nodes[0].Name)
			ok(t, err, "by type and name")
			wantNode(t, n, nodes[2], ignoreTimes, "versioned type and name")

			got, _, err = k.byType(t, s, "Unknown_type_name", "Unknown_type_version", nil)
			ok(t, err, "by unknown type")
			if len(got) != 0 {
				t.Errorf("by unknown type: got %v", nodeIDs(got))
			}
			_, err = k.byTypeAndName(t, s, "Unknown_type_name", "Unknown_type_version", nodes[0].Name)
			wantCode(t, err, mlmd.NotFound, "by unknown type and name")
			_, err = k.byTypeAndName(t, s, types[0].Name, types[0].Version, "no such node")
			wantCode(t, err, mlmd.NotFound, "by type and unknown name")
		})
	}
}

func testNodesByTypeWithListOptions(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type"})
			nodes := make([]gnode, 110)
			for i := range nodes {
				nodes[i] = k.named(gnode{TypeID: typeID, Type: "test_type"}, fmt.Sprintf("name_%d", i))
			}
			ids := mustPut(t, s, k, nodes...)
			for i := range nodes {
				nodes[i].ID = ids[i]
			}
			got, tok, err := k.byType(t, s, "test_type", "", nil)
			ok(t, err, "without options")
			wantNodes(t, got, nodes, ignoreTimes, "without options")
			if tok != "" {
				t.Errorf("without options: token %q", tok)
			}
			// Upstream MLMD returns 101 nodes and no token for a page size
			// above 100; the Go API caps pages at 100 and gives a token.
			got, tok, err = k.byType(t, s, "test_type", "", &mlmd.ListOptions{MaxResultSize: 102})
			ok(t, err, "page size 102")
			wantNodes(t, got, nodes[:100], ignoreTimes, "page size 102")
			if tok == "" {
				t.Errorf("page size 102: no token")
			}
			got, tok, err = k.byType(t, s, "test_type", "", &mlmd.ListOptions{MaxResultSize: 100})
			ok(t, err, "page size 100")
			wantNodes(t, got, nodes[:100], ignoreTimes, "page size 100")
			if tok == "" {
				t.Fatalf("page size 100: no token")
			}
			got, tok, err = k.byType(t, s, "test_type", "", &mlmd.ListOptions{NextPageToken: tok})
			ok(t, err, "next page")
			wantNodes(t, got, nodes[100:], ignoreTimes, "next page")
			if tok != "" {
				t.Errorf("last page: token %q", tok)
			}
		})
	}
}

func testNodesByTypeEmpty(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		got, _, err := k.byType(t, s, k.name+"_type", "", nil)
		ok(t, err, k.name+"s of a missing type")
		if len(got) != 0 {
			t.Errorf("%ss of a missing type: %v", k.name, nodeIDs(got))
		}
		mustType(t, s, k.types, gtype{Name: "empty_" + k.name + "_type"})
		got, tok, err := k.byType(t, s, "empty_"+k.name+"_type", "", &mlmd.ListOptions{})
		ok(t, err, k.name+"s of an empty type")
		if len(got) != 0 || tok != "" {
			t.Errorf("%ss of an empty type: %v, token %q", k.name, nodeIDs(got), tok)
		}
	}
}

func testNodesByID(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type2", Props: props("property", mlmd.PropertyString)})
			n1 := gnode{TypeID: typeID, Type: "test_type2", Name: "n1", Props: pv("property", str("3"))}
			n2 := gnode{TypeID: typeID, Type: "test_type2", Name: "n2", Props: pv("property", str("2"))}
			if k.hasURI {
				n1.URI, n2.URI = "testuri://testing/uri", "testuri://testing/uri"
			}
			if k.hasState {
				n1.State, n2.State = 2, 6
			}
			ids := mustPut(t, s, k, n1, n2)
			n1.ID, n2.ID = ids[0], ids[1]
			unknown := n1.ID + n2.ID + 1
			tests := []struct {
				name string
				ids  []int64
				want []gnode
			}{
				{"one", []int64{n1.ID}, []gnode{n1}},
				{"unknown", []int64{unknown}, nil},
				{"several with unknown", []int64{n2.ID, unknown, n1.ID}, []gnode{n1, n2}},
				{"repeated", []int64{n1.ID, n1.ID}, []gnode{n1}},
				{"none", nil, nil},
			}
			for _, tt := range tests {
				got, err := k.byID(t, s, tt.ids)
				ok(t, err, tt.name)
				wantNodes(t, got, tt.want, ignoreTimes, tt.name)
				for _, n := range got {
					if n.Create <= 0 || n.Update < n.Create {
						t.Errorf("%s: node %d has times %d/%d", tt.name, n.ID, n.Create, n.Update)
					}
				}
			}
		})
	}
}

// testNodesByIDWithTypes covers upstream's populate_artifact_types with
// the Go API's two calls: the artifacts, then the types of their type ids.
func testNodesByIDWithTypes(t *testing.T, s *mlmd.Store) {
	var types []gtype
	for i := 1; i <= 2; i++ {
		ty := gtype{Name: fmt.Sprintf("test_type_%d", i), Version: "v1", Description: "artifact_type_description",
			ExternalID: fmt.Sprintf("test_type_%d", i), Props: props(fmt.Sprintf("property_%d", i), mlmd.PropertyString)}
		ty.ID = mustType(t, s, artifactTypes, ty)
		types = append(types, ty)
	}
	bare := gtype{Name: "test_type_3"}
	bare.ID = mustType(t, s, artifactTypes, bare)
	types = append(types, bare)

	as := []gnode{
		{TypeID: types[0].ID, Type: types[0].Name, URI: "testuri://testing/uri", Props: pv("property_1", str("1"))},
		{TypeID: types[1].ID, Type: types[1].Name, URI: "testuri://testing/uri", Props: pv("property_2", str("2"))},
		{TypeID: types[2].ID, Type: types[2].Name, URI: "testuri://testing/uri"},
	}
	ids := mustPut(t, s, artifacts, as...)
	for i := range as {
		as[i].ID = ids[i]
	}
	got, err := artifacts.byID(t, s, append([]int64{as[2].ID + 100}, ids...))
	ok(t, err, "artifacts")
	wantNodes(t, got, as, ignoreTimes, "artifacts")
	var typeIDs []int64
	for _, a := range got {
		typeIDs = append(typeIDs, a.TypeID)
	}
	gotTypes, err := artifactTypes.byID(t, s, typeIDs)
	ok(t, err, "their types")
	wantTypes(t, gotTypes, types, "their types")
}

func testNodesByExternalIDs(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type", Props: props("property", mlmd.PropertyString)})
			n1 := gnode{TypeID: typeID, Type: "test_type", Name: k.name + "_1", ExternalID: k.name + "_external_id_1", Props: pv("property", str("1"))}
			n2 := gnode{TypeID: typeID, Type: "test_type", Name: k.name + "_2", ExternalID: k.name + "_external_id_2", Props: pv("property", str("2"))}
			ids := mustPut(t, s, k, n1, n2)
			n1.ID, n2.ID = ids[0], ids[1]
			tests := []struct {
				name string
				ext  []string
				want []gnode
				code mlmd.Code
			}{
				{"one", []string{n1.ExternalID}, []gnode{n1}, mlmd.OK},
				{"absent", []string{"absent"}, nil, mlmd.NotFound},
				{"two", []string{n1.ExternalID, n2.ExternalID}, []gnode{n1, n2}, mlmd.OK},
				{"two and absent", []string{n2.ExternalID, "absent", n1.ExternalID}, []gnode{n1, n2}, mlmd.OK},
				{"empty id", []string{""}, nil, mlmd.InvalidArgument},
				{"empty id among others", []string{n1.ExternalID, ""}, nil, mlmd.InvalidArgument},
				{"no ids", nil, nil, mlmd.OK},
			}
			for _, tt := range tests {
				got, err := k.byExt(t, s, tt.ext)
				wantCode(t, err, tt.code, tt.name)
				wantNodesAnyOrder(t, got, tt.want, ignoreTimes, tt.name)
			}
		})
	}
}

// testNodesUpdate: an update without mask replaces the node's fields and
// properties with the given ones.
func testNodesUpdate(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type2", Props: props("property", mlmd.PropertyString, "other", mlmd.PropertyInt)})
			n := gnode{TypeID: typeID, Type: "test_type2", Name: "n", ExternalID: "e",
				Props: pv("property", str("3"), "other", i64(1)), Custom: pv("c", i64(1))}
			if k.hasURI {
				n.URI = "testuri://testing/uri"
			}
			if k.hasState {
				n.State = 2
			}
			n.ID = mustPut(t, s, k, n)[0]

			upd := n
			upd.Props = pv("property", str("2"))
			upd.Custom = pv("d", str("new"))
			upd.ExternalID = ""
			if k.hasState {
				upd.State = 3
			}
			ids := mustPut(t, s, k, upd)
			if ids[0] != n.ID {
				t.Fatalf("update returned id %d, want %d", ids[0], n.ID)
			}
			wantNode(t, mustGet(t, s, k, n.ID), upd, ignoreTimes, "after update")

			// Without the type id, the stored type is kept.
			upd.TypeID = 0
			upd.Props = pv("property", str("1"))
			mustPut(t, s, k, upd)
			upd.TypeID = typeID
			wantNode(t, mustGet(t, s, k, n.ID), upd, ignoreTimes, "after update without type id")

			// Executions drop their state when it is not given.
			if k.hasState {
				upd.State = 0
				mustPut(t, s, k, upd)
				wantNode(t, mustGet(t, s, k, n.ID), upd, ignoreTimes, "after update without state")
			}
		})
	}
}

func testEmptyNode(t *testing.T, s *mlmd.Store) {
	for _, k := range []nodeKind{artifacts, executions} {
		typeID := mustType(t, s, k.types, gtype{Name: "test_type2"})
		id := mustPut(t, s, k, gnode{TypeID: typeID})[0]
		all, _, err := k.list(t, s, nil)
		ok(t, err, "list")
		wantNodes(t, all, []gnode{{ID: id, TypeID: typeID, Type: "test_type2"}}, ignoreTimes, k.name+"s")
		got, _, err := k.byType(t, s, "test_type2", "", nil)
		ok(t, err, "by type")
		if len(got) != 1 || got[0].ID != id {
			t.Errorf("%ss by type: %v", k.name, nodeIDs(got))
		}
		got, _, err = k.byType(t, s, "not_exist_type", "", nil)
		ok(t, err, "by missing type")
		if len(got) != 0 {
			t.Errorf("%ss by missing type: %v", k.name, nodeIDs(got))
		}
	}
}

func testArtifactsByURI(t *testing.T, s *mlmd.Store) {
	typeID := mustType(t, s, artifactTypes, gtype{Name: "artifact_type"})
	got, err := s.GetArtifactsByURI(t.Context(), nil)
	ok(t, err, "no uris, empty store")
	if len(got) != 0 {
		t.Errorf("no uris: %v", got)
	}
	ids := mustPut(t, s, artifacts,
		gnode{TypeID: typeID, URI: "testuri://with_one_artifact"},
		gnode{TypeID: typeID, URI: "testuri://with_multiple_artifacts"},
		gnode{TypeID: typeID, URI: "testuri://with_multiple_artifacts"},
		gnode{TypeID: typeID}, gnode{TypeID: typeID}, gnode{TypeID: typeID})
	tests := []struct {
		name string
		uris []string
		want []int64
	}{
		{"one artifact", []string{"testuri://with_one_artifact"}, ids[:1]},
		{"two artifacts", []string{"testuri://with_multiple_artifacts"}, ids[1:3]},
		{"empty uri", []string{""}, ids[3:]},
		{"unknown", []string{"unknown_uri"}, nil},
		{"several with repeats", []string{"unknown_uri", "testuri://with_one_artifact", "testuri://with_one_artifact",
			"unknown_uri_2", "testuri://with_multiple_artifacts", ""}, ids},
	}
	for _, tt := range tests {
		got, err := s.GetArtifactsByURI(t.Context(), tt.uris)
		ok(t, err, tt.name)
		var gotIDs []int64
		for _, a := range got {
			gotIDs = append(gotIDs, a.ID)
		}
		if fmt.Sprint(gotIDs) != fmt.Sprint(tt.want) {
			t.Errorf("%s: got ids %v, want %v", tt.name, gotIDs, tt.want)
		}
	}
}

// testUpdateCustomPropertyKinds: a custom property may change its value
// kind; a property may not (upstream's
// UpdateContextPropertiesAndCustomProperties).
func testUpdateCustomPropertyKinds(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type", Props: props("property_str", mlmd.PropertyString)})
			orig := gnode{TypeID: typeID, Type: "test_type", Name: "context_name",
				Props: pv("property_str", str("1")),
				Custom: pv("custom_property_str_to_int", str("1"), "custom_property_int_to_str", i64(1),
					"custom_property_double_to_bool", f64(1.2345), "custom_property_bool_to_double", boolean(true))}
			swapped := pv("custom_property_str_to_int", i64(1), "custom_property_int_to_str", str("1"),
				"custom_property_double_to_bool", boolean(true), "custom_property_bool_to_double", f64(1.2345))

			// Without mask.
			n := orig
			n.ID = mustPut(t, s, k, n)[0]
			n.Custom = swapped
			mustPut(t, s, k, n)
			wantNode(t, mustGet(t, s, k, n.ID), n, ignoreTimes, "after update")

			// Under a mask naming two of them.
			m := orig
			m.Name = "context_name2"
			m.ID = mustPut(t, s, k, m)[0]
			upd := gnode{ID: m.ID, TypeID: typeID, Custom: swapped}
			_, err := k.put(t, s, []gnode{upd}, []string{"custom_properties.custom_property_str_to_int", "custom_properties.custom_property_int_to_str"})
			ok(t, err, "masked update")
			want := m
			want.Custom = pv("custom_property_str_to_int", i64(1), "custom_property_int_to_str", str("1"),
				"custom_property_double_to_bool", f64(1.2345), "custom_property_bool_to_double", boolean(true))
			wantNode(t, mustGet(t, s, k, m.ID), want, ignoreTimes, "after masked update")

			// A property keeps the kind its type declares.
			p := orig
			p.Name = "context_name3"
			p.ID = mustPut(t, s, k, p)[0]
			bad := gnode{ID: p.ID, TypeID: typeID, Props: pv("property_str", i64(1))}
			failsUnchanged(t, s, mlmd.InvalidArgument, "property of another kind", func() error {
				_, err := k.put(t, s, []gnode{bad}, []string{"properties.property_str"})
				return err
			})
			_, err = k.put(t, s, []gnode{bad}, []string{"properties.property_str"})
			if err == nil || !contains(err.Error(), "Found unmatched property type: ") {
				t.Errorf("error %v does not say %q", err, "Found unmatched property type: ")
			}
		})
	}
}

// testContextsUpdate: upstream's PutContextsUpdateGetContexts, an update
// of two contexts and a create in one call, then the getters.
func testContextsUpdate(t *testing.T, s *mlmd.Store) {
	typeID := mustType(t, s, contextTypes, gtype{Name: "test_type", Props: props("property", mlmd.PropertyString)})
	type2 := mustType(t, s, contextTypes, gtype{Name: "type2_name"})
	c1 := gnode{TypeID: typeID, Type: "test_type", Name: "context1", Props: pv("property", str("1"))}
	c2 := gnode{TypeID: typeID, Type: "test_type", Name: "context2", Custom: pv("custom", i64(2))}
	ids := mustPut(t, s, contexts, c1, c2)
	c1.ID, c2.ID = ids[0], ids[1]
	c1.Props = pv("property", str("2"))
	c2.Custom = pv("custom", i64(3))
	c3 := gnode{TypeID: type2, Type: "type2_name", Name: "context3"}
	ids = mustPut(t, s, contexts, c1, c2, c3)
	if ids[0] != c1.ID || ids[1] != c2.ID {
		t.Fatalf("update ids %v, want %d %d", ids, c1.ID, c2.ID)
	}
	c3.ID = ids[2]
	unknown := c1.ID + c2.ID + c3.ID + 1

	got, err := contexts.byID(t, s, []int64{c1.ID})
	ok(t, err, "one id")
	wantNodes(t, got, []gnode{c1}, ignoreTimes, "one id")
	got, err = contexts.byID(t, s, []int64{c1.ID, c2.ID, unknown})
	ok(t, err, "ids")
	wantNodes(t, got, []gnode{c1, c2}, ignoreTimes, "ids")
	got, err = contexts.byID(t, s, []int64{unknown})
	ok(t, err, "unknown id")
	wantNodes(t, got, nil, ignoreTimes, "unknown id")
	got, _, err = contexts.byType(t, s, "type2_name", "", nil)
	ok(t, err, "by type")
	wantNodes(t, got, []gnode{c3}, ignoreTimes, "by type")

	got, tok, err := contexts.byType(t, s, "test_type", "", &mlmd.ListOptions{MaxResultSize: 1})
	ok(t, err, "first page")
	wantNodes(t, got, []gnode{c1}, ignoreTimes, "first page")
	if tok == "" {
		t.Fatal("first page: no token")
	}
	got, tok, err = contexts.byType(t, s, "test_type", "", &mlmd.ListOptions{MaxResultSize: 1, NextPageToken: tok})
	ok(t, err, "second page")
	wantNodes(t, got, []gnode{c2}, ignoreTimes, "second page")
	if tok != "" {
		t.Errorf("second page: token %q", tok)
	}
	got, _, err = contexts.list(t, s, nil)
	ok(t, err, "all")
	wantNodes(t, got, []gnode{c1, c2, c3}, ignoreTimes, "all")
}

func testAllValueKinds(t *testing.T, s *mlmd.Store) {
	st, err := structpb.NewStruct(map[string]any{"list": []any{1.0, "two", false}, "nested": map[string]any{"x": nil}, "n": -2.5})
	ok(t, err, "struct")
	an, err := anypb.New(wrapperspb.String("payload"))
	ok(t, err, "any")
	values := pv("int", i64(math.MinInt32), "double", f64(-0.125), "string", str("snow ☃ and 'quotes'"),
		"struct", mlmd.StructValue(st), "proto", mlmd.ProtoValue(an), "bool", boolean(true),
		"false", boolean(false), "zero", i64(0), "empty", str(""), "empty_struct", mlmd.StructValue(nil))
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "all_kinds", Props: props("int", mlmd.PropertyInt, "double", mlmd.PropertyDouble,
				"string", mlmd.PropertyString, "struct", mlmd.PropertyStruct, "proto", mlmd.PropertyProto, "bool", mlmd.PropertyBool,
				"false", mlmd.PropertyBool, "zero", mlmd.PropertyInt, "empty", mlmd.PropertyString, "empty_struct", mlmd.PropertyStruct)})
			n := gnode{TypeID: typeID, Type: "all_kinds", Name: "n", Props: values, Custom: values}
			n.ID = mustPut(t, s, k, n)[0]
			wantNode(t, mustGet(t, s, k, n.ID), n, ignoreTimes, "read back")

			// MLMD's MySQL schema stores int_value as a 32-bit INT: a
			// backend either stores a wider int exactly or refuses it with
			// InvalidArgument, never truncating it or failing with Internal.
			for _, v := range []int64{math.MaxInt32 + 1, math.MinInt64, math.MaxInt64} {
				wide := gnode{TypeID: typeID, Type: "all_kinds", Name: fmt.Sprint("wide", v), Custom: pv("wide", i64(v))}
				before := dumpStore(t, s)
				ids, err := k.put(t, s, []gnode{wide}, nil)
				switch mlmd.CodeOf(err) {
				case mlmd.OK:
					wide.ID = ids[0]
					wantNode(t, mustGet(t, s, k, wide.ID), wide, ignoreTimes, fmt.Sprintf("int %d read back", v))
				case mlmd.InvalidArgument:
					wantUnchanged(t, s, before, fmt.Sprintf("refused int %d", v))
				default:
					t.Errorf("int %d: got error %v (code %v), want OK or InvalidArgument", v, err, mlmd.CodeOf(err))
				}
			}
		})
	}
}

// testNodesBadInput: every kind of bad node input fails with MLMD's code
// and writes nothing, not even the good nodes of the same call.
func testNodesBadInput(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t", Props: props("p", mlmd.PropertyInt, "s", mlmd.PropertyString)})
			otherKind := contextTypes
			if k.name == "context" {
				otherKind = artifactTypes
			}
			foreignType := mustType(t, s, otherKind, gtype{Name: "foreign_" + k.name})
			stored := gnode{TypeID: typeID, Name: "stored", ExternalID: k.name + "_stored_ext", Props: pv("p", i64(1))}
			stored.ID = mustPut(t, s, k, stored)[0]
			good := gnode{TypeID: typeID, Name: "good", Props: pv("p", i64(2))}

			tests := []struct {
				name string
				node gnode
				code mlmd.Code
			}{
				{"no type id", k.named(gnode{}, "x"), mlmd.InvalidArgument},
				{"unknown type id", k.named(gnode{TypeID: typeID + 1000}, "x"), mlmd.NotFound},
				{"type of another kind", k.named(gnode{TypeID: foreignType}, "x"), mlmd.NotFound},
				{"negative type id", k.named(gnode{TypeID: -1}, "x"), mlmd.InvalidArgument},
				{"undeclared property", k.named(gnode{TypeID: typeID, Props: pv("nope", i64(1))}, "x"), mlmd.InvalidArgument},
				{"property of the wrong kind", k.named(gnode{TypeID: typeID, Props: pv("p", str("1"))}, "x"), mlmd.InvalidArgument},
				{"unset property value", k.named(gnode{TypeID: typeID, Props: mlmd.Properties{"p": {}}}, "x"), mlmd.InvalidArgument},
				{"unset custom value", k.named(gnode{TypeID: typeID, Custom: mlmd.Properties{"c": {}}}, "x"), mlmd.InvalidArgument},
				{"NaN", k.named(gnode{TypeID: typeID, Custom: pv("c", f64(math.NaN()))}, "x"), mlmd.InvalidArgument},
				{"infinity", k.named(gnode{TypeID: typeID, Custom: pv("c", f64(math.Inf(1)))}, "x"), mlmd.InvalidArgument},
				{"proto without type url", k.named(gnode{TypeID: typeID, Custom: pv("c", mlmd.ProtoValue(&anypb.Any{Value: []byte{1}}))}, "x"), mlmd.InvalidArgument},
				{"update of an unknown id", k.named(gnode{ID: stored.ID + 1000, TypeID: typeID}, "x"), mlmd.InvalidArgument},
				{"update with another type id", gnode{ID: stored.ID, TypeID: foreignType, Name: "stored"}, mlmd.InvalidArgument},
				{"update with an undeclared property", gnode{ID: stored.ID, TypeID: typeID, Name: "stored", Props: pv("nope", i64(1))}, mlmd.InvalidArgument},
				{"negative id", k.named(gnode{ID: -5, TypeID: typeID}, "x"), mlmd.InvalidArgument},
				{"name taken in the type", gnode{TypeID: typeID, Name: "stored"}, mlmd.AlreadyExists},
				{"external id taken", k.named(gnode{TypeID: typeID, ExternalID: stored.ExternalID}, "x"), mlmd.AlreadyExists},
			}
			if k.hasState {
				tests = append(tests, struct {
					name string
					node gnode
					code mlmd.Code
				}{"unknown state", gnode{TypeID: typeID, State: 99}, mlmd.InvalidArgument})
			}
			if k.needsName {
				tests = append(tests,
					struct {
						name string
						node gnode
						code mlmd.Code
					}{"context without name", gnode{TypeID: typeID}, mlmd.InvalidArgument},
					struct {
						name string
						node gnode
						code mlmd.Code
					}{"update clearing the name", gnode{ID: stored.ID, TypeID: typeID, Props: pv("p", i64(1))}, mlmd.InvalidArgument})
			}
			for _, tt := range tests {
				for _, order := range []string{"alone", "after a good node", "before a good node"} {
					batch := []gnode{tt.node}
					switch order {
					case "after a good node":
						batch = []gnode{good, tt.node}
					case "before a good node":
						batch = []gnode{tt.node, good}
					}
					failsUnchanged(t, s, tt.code, tt.name+", "+order, func() error {
						_, err := k.put(t, s, batch, nil)
						return err
					})
				}
			}
			// Two new nodes with the same name or external id in one call.
			failsUnchanged(t, s, mlmd.AlreadyExists, "same name twice in one call", func() error {
				_, err := k.put(t, s, []gnode{{TypeID: typeID, Name: "twin"}, {TypeID: typeID, Name: "twin"}}, nil)
				return err
			})
			failsUnchanged(t, s, mlmd.AlreadyExists, "same external id twice in one call", func() error {
				_, err := k.put(t, s, []gnode{k.named(gnode{TypeID: typeID, ExternalID: "twin_ext"}, "a"), k.named(gnode{TypeID: typeID, ExternalID: "twin_ext"}, "b")}, nil)
				return err
			})
			// An update that makes a name clash.
			other := mustPut(t, s, k, gnode{TypeID: typeID, Name: "other"})[0]
			if k.needsName {
				failsUnchanged(t, s, mlmd.AlreadyExists, "rename to a taken name", func() error {
					_, err := k.put(t, s, []gnode{{ID: other, TypeID: typeID, Name: "stored"}}, nil)
					return err
				})
			}
			failsUnchanged(t, s, mlmd.AlreadyExists, "update to a taken external id", func() error {
				_, err := k.put(t, s, []gnode{{ID: other, TypeID: typeID, Name: "other", ExternalID: stored.ExternalID}}, nil)
				return err
			})
			// Nothing to put is fine.
			ids, err := k.put(t, s, nil, nil)
			ok(t, err, "empty put")
			if len(ids) != 0 {
				t.Errorf("empty put: ids %v", ids)
			}
		})
	}
}

// testNodeNames: as in MLMD, an update never renames an artifact or an
// execution (MLMD's update statements leave the name alone), while a
// context's name is updated.
func testNodeNames(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		typeID := mustType(t, s, k.types, gtype{Name: "t"})
		n := gnode{TypeID: typeID, Type: "t", Name: "before"}
		n.ID = mustPut(t, s, k, n)[0]
		upd := n
		upd.Name = "after"
		mustPut(t, s, k, upd)
		got := mustGet(t, s, k, n.ID)
		want := "before"
		if k.needsName {
			want = "after"
		}
		if got.Name != want {
			t.Errorf("%s: name after update %q, want %q", k.name, got.Name, want)
		}
	}
}

// testSameNodeTwice: updates of one node in one call apply in order.
func testSameNodeTwice(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t", Props: props("p", mlmd.PropertyInt)})
			n := gnode{TypeID: typeID, Type: "t", Name: "n", Props: pv("p", i64(1)), Custom: pv("a", i64(1))}
			n.ID = mustPut(t, s, k, n)[0]
			first := gnode{ID: n.ID, Custom: pv("b", i64(2))}
			second := gnode{ID: n.ID, Props: pv("p", i64(3))}
			_, err := k.put(t, s, []gnode{first, second}, []string{"custom_properties.b", "properties.p"})
			ok(t, err, "two masked updates")
			want := n
			want.Props = pv("p", i64(3))
			want.Custom = pv("a", i64(1))
			// The second update's mask also names custom_properties.b, which
			// it does not give: it deletes what the first one set.
			wantNode(t, mustGet(t, s, k, n.ID), want, ignoreTimes, "after two updates")

			_, err = k.put(t, s, []gnode{{ID: n.ID, Custom: pv("x", i64(1))}, {ID: n.ID, Custom: pv("y", i64(2))}}, []string{"custom_properties.x", "custom_properties.y"})
			ok(t, err, "two updates")
			want.Custom = pv("a", i64(1), "y", i64(2))
			wantNode(t, mustGet(t, s, k, n.ID), want, ignoreTimes, "after two more updates")
		})
	}
}

// testAbortIfLatestUpdatedTimeChanged: the option turns a lost update
// into FailedPrecondition.
func testAbortIfLatestUpdatedTimeChanged(t *testing.T, s *mlmd.Store, clock *Clock) {
	typeID := mustType(t, s, artifactTypes, gtype{Name: "test_type"})
	mustPut(t, s, artifacts, gnode{TypeID: typeID})
	all, _, err := artifacts.list(t, s, nil)
	ok(t, err, "list")
	if len(all) != 1 || all[0].Update <= 0 {
		t.Fatalf("stored: %+v", all)
	}
	stored := all[0]
	upd := stored
	upd.State = int32(mlmd.ArtifactStateLive)
	opts := &mlmd.PutArtifactsOptions{AbortIfLatestUpdatedTimeChanged: true}
	// The clock stands still: the update must still move the time on, or
	// a second writer with the same old time would not be caught.
	_, err = s.PutArtifacts(t.Context(), []mlmd.Artifact{toArtifact(upd)}, opts)
	ok(t, err, "update with the current time")
	after := mustGet(t, s, artifacts, stored.ID)
	if after.Update <= stored.Update {
		t.Errorf("last update time %d, want more than %d", after.Update, stored.Update)
	}
	failsUnchanged(t, s, mlmd.FailedPrecondition, "update with an old time", func() error {
		ids, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{toArtifact(upd)}, opts)
		if len(ids) != 0 {
			t.Errorf("failed update returned ids %v", ids)
		}
		return err
	})
	// New artifacts are not checked.
	_, err = s.PutArtifacts(t.Context(), []mlmd.Artifact{{TypeID: typeID, LastUpdateTimeSinceEpoch: 1}}, opts)
	ok(t, err, "create with the option")
	// An unknown id is InvalidArgument, as without the option.
	failsUnchanged(t, s, mlmd.InvalidArgument, "update of an unknown id", func() error {
		_, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{{ID: stored.ID + 100, TypeID: typeID}}, opts)
		return err
	})
	clock.Advance(time.Second)
	fresh := mustGet(t, s, artifacts, stored.ID)
	fresh.URI = "new"
	_, err = s.PutArtifacts(t.Context(), []mlmd.Artifact{toArtifact(fresh)}, opts)
	ok(t, err, "update with the fresh time")
	if got := mustGet(t, s, artifacts, stored.ID); got.Update != clock.Millis() || got.URI != "new" {
		t.Errorf("after update: time %d uri %q, want %d %q", got.Update, got.URI, clock.Millis(), "new")
	}
}

// testNodeUpdateTimes: create and update times come from the store clock;
// an update that changes nothing keeps the last update time.
func testNodeUpdateTimes(t *testing.T, s *mlmd.Store, clock *Clock) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t", Props: props("p", mlmd.PropertyInt)})
			created := clock.Millis()
			n := gnode{TypeID: typeID, Type: "t", Name: "n", ExternalID: k.name + "_x", Props: pv("p", i64(1)), Custom: pv("c", str("c"))}
			n.ID = mustPut(t, s, k, n)[0]
			n.Create, n.Update = created, created
			wantNode(t, mustGet(t, s, k, n.ID), n, 0, "created")

			clock.Advance(time.Second)
			mustPut(t, s, k, n)
			wantNode(t, mustGet(t, s, k, n.ID), n, 0, "after an update that changes nothing")
			// MLMD compares the whole given node with the stored one, so the
			// masked update gives the node as it is.
			_, err := k.put(t, s, []gnode{n}, []string{"custom_properties.c"})
			ok(t, err, "masked update that changes nothing")
			wantNode(t, mustGet(t, s, k, n.ID), n, 0, "after a masked update that changes nothing")

			clock.Advance(time.Second)
			n.Custom = pv("c", str("changed"))
			mustPut(t, s, k, n)
			n.Update = clock.Millis()
			wantNode(t, mustGet(t, s, k, n.ID), n, 0, "after a property change")

			clock.Advance(time.Second)
			n.ExternalID = ""
			mustPut(t, s, k, n)
			n.Update = clock.Millis()
			wantNode(t, mustGet(t, s, k, n.ID), n, 0, "after a field change")
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
