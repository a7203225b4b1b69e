package mlmd

import "strings"

// updateMask is a parsed update mask (MLMD's update_mask field mask).
//
// MLMD's rules, which this follows:
//   - a path naming a field of the node ("uri", "external_id", ...) copies
//     that field from the given node, clearing it when the given node
//     leaves it empty;
//   - "properties.<name>" / "custom_properties.<name>" sets, replaces or
//     deletes one property;
//   - "properties" / "custom_properties" alone means every property of that
//     set (and then the per-name paths of that set are ignored);
//   - paths that name nothing are ignored; a mask with only such paths
//     changes no field and no property.
type updateMask struct {
	fields    map[string]bool
	allProps  bool
	allCustom bool
	props     map[string]bool
	custom    map[string]bool
}

// nodeFields lists, per kind, the field paths a mask may name. Only some
// of them change anything on update (see mergeMasked); the others (id,
// type, times) are accepted and have no effect, as in MLMD.
var nodeFields = map[Kind]map[string]bool{
	KindArtifact: {"id": true, "type_id": true, "type": true, "uri": true, "state": true, "name": true,
		"external_id": true, "create_time_since_epoch": true, "last_update_time_since_epoch": true},
	KindExecution: {"id": true, "type_id": true, "type": true, "last_known_state": true, "name": true,
		"external_id": true, "create_time_since_epoch": true, "last_update_time_since_epoch": true},
	KindContext: {"id": true, "type_id": true, "type": true, "name": true,
		"external_id": true, "create_time_since_epoch": true, "last_update_time_since_epoch": true},
}

// parseUpdateMask parses the paths of an update mask for nodes of kind k.
// It returns nil for an empty mask, which means "update the whole node".
func parseUpdateMask(k Kind, paths []string) *updateMask {
	if len(paths) == 0 {
		return nil
	}
	m := &updateMask{fields: map[string]bool{}, props: map[string]bool{}, custom: map[string]bool{}}
	for _, p := range paths {
		switch {
		case p == "properties":
			m.allProps = true
		case p == "custom_properties":
			m.allCustom = true
		case strings.HasPrefix(p, "properties."):
			m.props[strings.TrimPrefix(p, "properties.")] = true
		case strings.HasPrefix(p, "custom_properties."):
			m.custom[strings.TrimPrefix(p, "custom_properties.")] = true
		case nodeFields[k][p]:
			m.fields[p] = true
		}
	}
	return m
}

// hasField reports whether the mask names field f. A nil mask names every
// field.
func (m *updateMask) hasField(f string) bool { return m == nil || m.fields[f] }

// propertyNames returns the names of the properties (custom ones if
// custom) that an update of cur over prev touches: every name of either
// map without a mask or with "properties" in it, else the names the mask
// lists.
func (m *updateMask) propertyNames(custom bool, cur, prev Properties) map[string]bool {
	all := m == nil || (!custom && m.allProps) || (custom && m.allCustom)
	if !all {
		if custom {
			return m.custom
		}
		return m.props
	}
	names := make(map[string]bool, len(cur)+len(prev))
	for k := range cur {
		names[k] = true
	}
	for k := range prev {
		names[k] = true
	}
	return names
}

// checksProperty reports whether the type check of an update applies to
// the (non-custom) property name: without a mask, or with "properties" in
// it, every given property is checked; otherwise only the masked ones.
func (m *updateMask) checksProperty(name string) bool {
	return m == nil || m.allProps || m.props[name]
}
