package drivertest

// Updates under an update mask.

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var masksCases = []testCase{
	{name: "Masks/UpdateWithMask", run: testUpdateWithMask},
	{name: "Masks/WholePropertySets", run: testMaskWholePropertySets},
}

// testUpdateWithMask follows upstream's Update{Artifact,Execution,Context}WithMasking
// for each kind.
func testUpdateWithMask(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "test_type2", Props: props("property", mlmd.PropertyString)})
			// The field a mask sets besides properties: the state, or a
			// context's name.
			field := k.stateField
			if k.needsName {
				field = "name"
			}
			base := []gnode{
				k.named(gnode{TypeID: typeID, Type: "test_type2", Props: pv("property", str("3"))}, "name_old_1"),
				k.named(gnode{TypeID: typeID, Type: "test_type2"}, "name_old_2"),
			}
			if k.hasURI {
				base[0].URI, base[1].URI = "testuri://testing/uri1", "testuri://testing/uri2"
			}
			insert := func() []gnode {
				ns := []gnode{base[0], base[1]}
				ids := mustPut(t, s, k, ns...)
				ns[0].ID, ns[1].ID = ids[0], ids[1]
				return ns
			}
			get2 := func(a, b int64) []gnode {
				got, err := k.byID(t, s, []int64{a, b})
				ok(t, err, "get")
				return got
			}

			// 1: a property and a field of both nodes, with a path that
			// names nothing.
			ns := insert()
			upd := []gnode{
				{ID: ns[0].ID, TypeID: typeID, Props: pv("property", str("1"))},
				{ID: ns[1].ID, TypeID: typeID, Props: pv("property", str("2"))},
			}
			if k.hasState {
				upd[0].State, upd[1].State = 2, 6
			}
			if k.needsName {
				upd[0].Name, upd[1].Name = "name_1", "name_2"
			}
			_, err := k.put(t, s, upd, []string{"properties.property", field, "an_invalid_field_path_having_no_effect"})
			ok(t, err, "update 1")
			want := []gnode{ns[0], ns[1]}
			for i := range want {
				want[i].Props, want[i].State = upd[i].Props, upd[i].State
				if k.needsName {
					want[i].Name = upd[i].Name
				}
			}
			wantNodes(t, get2(ns[0].ID, ns[1].ID), want, ignoreTimes, "update 1")

			// 2: fields only; properties stay.
			ns = insert()
			upd = []gnode{
				{ID: ns[0].ID, TypeID: typeID, ExternalID: k.name + "_3"},
				{ID: ns[1].ID, TypeID: typeID, ExternalID: k.name + "_4"},
			}
			mask := []string{"external_id"}
			switch {
			case k.hasURI:
				upd[0].URI, upd[1].URI = "testuri://testing/uri3", "testuri://testing/uri4"
				mask = append(mask, "uri")
			case k.hasState:
				upd[0].State, upd[1].State = 2, 6
				mask = append(mask, field)
			case k.needsName:
				upd[0].Name, upd[1].Name = "name_3", "name_4"
				mask = append(mask, field)
			}
			_, err = k.put(t, s, upd, mask)
			ok(t, err, "update 2")
			want = []gnode{ns[0], ns[1]}
			for i := range want {
				want[i].ExternalID, want[i].URI, want[i].State = upd[i].ExternalID, upd[i].URI, upd[i].State
				if !k.hasURI {
					want[i].URI = ""
				}
				if k.needsName {
					want[i].Name = upd[i].Name
				}
			}
			wantNodes(t, get2(ns[0].ID, ns[1].ID), want, ignoreTimes, "update 2")

			// 3: delete a property, add custom properties; the rest stays.
			ns = insert()
			upd = []gnode{
				{ID: ns[0].ID, TypeID: typeID, Name: ns[0].Name, Custom: pv("custom_property", boolean(true))},
				{ID: ns[1].ID, TypeID: typeID, Name: ns[1].Name, Custom: pv("custom_property", boolean(false))},
			}
			_, err = k.put(t, s, upd, []string{"properties.property", "custom_properties.custom_property"})
			ok(t, err, "update 3")
			want = []gnode{ns[0], ns[1]}
			want[0].Props = nil
			want[0].Custom, want[1].Custom = upd[0].Custom, upd[1].Custom
			wantNodes(t, get2(ns[0].ID, ns[1].ID), want, ignoreTimes, "update 3")
			n6 := want[1]

			// 4: an update and a create in one call: the mask applies to the
			// update only.
			upsert := []gnode{
				{ID: n6.ID, TypeID: typeID, ExternalID: k.name + "_6", Custom: pv("custom_property", boolean(true))},
				k.named(gnode{TypeID: typeID, Type: "test_type2", ExternalID: k.name + "_7", Custom: pv("custom_property", boolean(true))}, "name_7"),
			}
			if k.hasURI {
				upsert[1].URI = "testuri://testing/uri7"
			}
			ids, err := k.put(t, s, upsert, []string{"external_id"})
			ok(t, err, "update 4")
			n6.ExternalID = k.name + "_6"
			created := upsert[1]
			created.ID = ids[1]
			wantNodes(t, get2(n6.ID, created.ID), []gnode{n6, created}, ignoreTimes, "update 4")

			// 5: a mask of unknown paths changes nothing.
			_, err = k.put(t, s, []gnode{{ID: n6.ID, TypeID: typeID, ExternalID: "unimportant_exeternal_id_value",
				Custom: pv("unimportant_property_key", boolean(true))}}, []string{"an_invalid_field_path"})
			ok(t, err, "update 5")
			wantNode(t, mustGet(t, s, k, n6.ID), n6, ignoreTimes, "update 5")
		})
	}
}

// testMaskWholePropertySets: "properties" / "custom_properties" in a mask
// update the whole set, and the per-name paths of that set are ignored.
func testMaskWholePropertySets(t *testing.T, s *mlmd.Store) {
	for _, k := range nodeKinds {
		t.Run(k.name, func(t *testing.T) {
			typeID := mustType(t, s, k.types, gtype{Name: "t", Props: props("a", mlmd.PropertyInt, "b", mlmd.PropertyInt)})
			n := gnode{TypeID: typeID, Type: "t", Name: "n", ExternalID: k.name + "_keep",
				Props: pv("a", i64(1), "b", i64(2)), Custom: pv("x", i64(1), "y", i64(2))}
			n.ID = mustPut(t, s, k, n)[0]
			_, err := k.put(t, s, []gnode{{ID: n.ID, Props: pv("a", i64(5)), Custom: pv("z", i64(3))}},
				[]string{"properties", "properties.b", "custom_properties.y"})
			ok(t, err, "update")
			want := n
			want.Props = pv("a", i64(5))
			want.Custom = pv("x", i64(1))
			wantNode(t, mustGet(t, s, k, n.ID), want, ignoreTimes, "after update")
			// With "properties" in the mask every given property is checked
			// against the type.
			failsUnchanged(t, s, mlmd.InvalidArgument, "undeclared property under a whole-set mask", func() error {
				_, err := k.put(t, s, []gnode{{ID: n.ID, Props: pv("nope", i64(1))}}, []string{"properties"})
				return err
			})
			// With single names, only those are checked: an undeclared
			// property outside the mask is ignored.
			_, err = k.put(t, s, []gnode{{ID: n.ID, Props: pv("nope", i64(1), "b", i64(7))}}, []string{"properties.b"})
			ok(t, err, "undeclared property outside the mask")
			want.Props = pv("a", i64(5), "b", i64(7))
			wantNode(t, mustGet(t, s, k, n.ID), want, ignoreTimes, "after the update outside the mask")
		})
	}
}
