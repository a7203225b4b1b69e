package mlmd

import (
	"maps"
	"slices"
	"testing"
)

func TestParseUpdateMask(t *testing.T) {
	if m := parseUpdateMask(KindArtifact, nil); m != nil {
		t.Fatalf("empty mask = %+v, want nil", m)
	}
	tests := []struct {
		name                string
		kind                Kind
		paths               []string
		fields              []string
		props, custom       []string
		allProps, allCustom bool
	}{
		{"fields and properties", KindArtifact, []string{"uri", "state", "properties.p", "custom_properties.c", "bogus"},
			[]string{"state", "uri"}, []string{"p"}, []string{"c"}, false, false},
		{"whole property sets", KindExecution, []string{"properties", "custom_properties", "properties.p"},
			nil, []string{"p"}, nil, true, true},
		{"fields of another kind are ignored", KindContext, []string{"uri", "state", "last_known_state", "name"},
			[]string{"name"}, nil, nil, false, false},
		{"execution state", KindExecution, []string{"last_known_state", "state"},
			[]string{"last_known_state"}, nil, nil, false, false},
		{"dotted property names", KindArtifact, []string{"properties.a.b", "custom_properties."},
			nil, []string{"a.b"}, []string{""}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := parseUpdateMask(tt.kind, tt.paths)
			if got := slices.Sorted(maps.Keys(m.fields)); !slices.Equal(got, tt.fields) && !(len(got) == 0 && len(tt.fields) == 0) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
			if got := slices.Sorted(maps.Keys(m.props)); !slices.Equal(got, tt.props) && !(len(got) == 0 && len(tt.props) == 0) {
				t.Errorf("props = %v, want %v", got, tt.props)
			}
			if got := slices.Sorted(maps.Keys(m.custom)); !slices.Equal(got, tt.custom) && !(len(got) == 0 && len(tt.custom) == 0) {
				t.Errorf("custom = %v, want %v", got, tt.custom)
			}
			if m.allProps != tt.allProps || m.allCustom != tt.allCustom {
				t.Errorf("all = %t/%t, want %t/%t", m.allProps, m.allCustom, tt.allProps, tt.allCustom)
			}
		})
	}
}

func TestMaskPropertyNames(t *testing.T) {
	cur := Properties{"a": IntValue(1), "b": IntValue(2)}
	prev := Properties{"b": IntValue(3), "c": IntValue(4)}
	tests := []struct {
		name   string
		mask   *updateMask
		custom bool
		want   []string
	}{
		{"no mask: union", nil, false, []string{"a", "b", "c"}},
		{"named", parseUpdateMask(KindArtifact, []string{"properties.c", "uri"}), false, []string{"c"}},
		{"named, other set", parseUpdateMask(KindArtifact, []string{"properties.c"}), true, nil},
		{"whole set", parseUpdateMask(KindArtifact, []string{"properties", "properties.c"}), false, []string{"a", "b", "c"}},
		{"only fields", parseUpdateMask(KindArtifact, []string{"uri"}), false, nil},
		{"only unknown paths", parseUpdateMask(KindArtifact, []string{"nothing"}), true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Sorted(maps.Keys(tt.mask.propertyNames(tt.custom, cur, prev)))
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApplyUpdate(t *testing.T) {
	cur := node{ID: 1, TypeID: 2, Name: "old", URI: "u", ExternalID: "x", State: 2,
		Props: Properties{"p": IntValue(1), "q": IntValue(2)}, Custom: Properties{"c": StringValue("s")}}
	in := node{Name: "new", URI: "", ExternalID: "y", State: 3, Props: Properties{"p": IntValue(5)}}

	tests := []struct {
		name        string
		kind        Kind
		mask        *updateMask
		want        node
		wantChanges int
	}{
		{"whole artifact: name kept, rest replaced", KindArtifact, nil,
			node{Name: "old", URI: "", ExternalID: "y", State: 3, Props: Properties{"p": IntValue(5)}}, 3},
		{"whole context: renamed", KindContext, nil,
			node{Name: "new", URI: "u", ExternalID: "y", State: 2, Props: Properties{"p": IntValue(5)}}, 3},
		{"masked fields only", KindArtifact, parseUpdateMask(KindArtifact, []string{"external_id", "uri"}),
			node{Name: "old", URI: "", ExternalID: "y", State: 2, Props: cur.Props, Custom: cur.Custom}, 0},
		{"masked property set", KindArtifact, parseUpdateMask(KindArtifact, []string{"properties.p"}),
			node{Name: "old", URI: "u", ExternalID: "x", State: 2, Props: Properties{"p": IntValue(5), "q": IntValue(2)}, Custom: cur.Custom}, 1},
		{"masked property deleted", KindArtifact, parseUpdateMask(KindArtifact, []string{"properties.q", "custom_properties.c"}),
			node{Name: "old", URI: "u", ExternalID: "x", State: 2, Props: Properties{"p": IntValue(1)}}, 2},
		{"unknown paths change nothing", KindExecution, parseUpdateMask(KindExecution, []string{"nope"}),
			node{Name: "old", URI: "u", ExternalID: "x", State: 2, Props: cur.Props, Custom: cur.Custom}, 0},
		{"execution state", KindExecution, parseUpdateMask(KindExecution, []string{"last_known_state"}),
			node{Name: "old", URI: "u", ExternalID: "x", State: 3, Props: cur.Props, Custom: cur.Custom}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changes := applyUpdate(tt.kind, cur, in, tt.mask)
			if changes != tt.wantChanges {
				t.Errorf("changes = %d, want %d", changes, tt.wantChanges)
			}
			if got.Name != tt.want.Name || got.URI != tt.want.URI || got.ExternalID != tt.want.ExternalID || got.State != tt.want.State {
				t.Errorf("fields: got %+v, want %+v", got, tt.want)
			}
			for _, c := range []struct{ got, want Properties }{{got.Props, tt.want.Props}, {got.Custom, tt.want.Custom}} {
				if len(c.got) != len(c.want) {
					t.Errorf("properties: got %v, want %v", c.got, c.want)
					continue
				}
				for k, v := range c.want {
					if !c.got[k].Equal(v) {
						t.Errorf("property %s: got %v, want %v", k, c.got[k], v)
					}
				}
			}
			// The stored node is never modified in place.
			if len(cur.Props) != 2 || !cur.Props["p"].Equal(IntValue(1)) || len(cur.Custom) != 1 {
				t.Fatalf("applyUpdate modified its input: %+v", cur)
			}
		})
	}
}
