package filterlang

import (
	"fmt"
	"testing"
)

// These tests follow the filter-query cases of MLMD's own tests (the
// metadata store test suite, the metadata access object tests and the
// Python client tests): the same rows, the same queries, the same answers,
// written anew on top of the fixture, and run on SQLite and MariaDB.

// Enum values used by the fixtures.
const (
	stPending int64 = 1
	stLive    int64 = 2
	stDeleted int64 = 4

	exNew      int64 = 1
	exRunning  int64 = 2
	exComplete int64 = 3

	evDeclaredOutput int64 = 1
	evDeclaredInput  int64 = 2
	evInput          int64 = 3
	evOutput         int64 = 4
)

var (
	byContextAssociation = "table_0.id IN (SELECT execution_id FROM Association WHERE context_id = ?)"
	byType               = "table_0.type_id = ?"
)

func TestMLMDCases(t *testing.T) {
	backends(t, func(t *testing.T, db *testDB) {
		for _, c := range mlmdCases {
			t.Run(c.name, func(t *testing.T) { c.run(newFixture(t, db)) })
		}
	})
}

var mlmdCases = []struct {
	name string
	run  func(f *fixture)
}{
	{"ExecutionsByContextWithStateFilter", func(f *fixture) {
		f.typ(KindContext, "ct", "context_type")
		f.typ(KindExecution, "et", "execution_type")
		f.node(KindContext, "c1", "ct", nodeAttrs{name: "context1"})
		f.node(KindContext, "c2", "ct", nodeAttrs{name: "context2"})
		f.node(KindExecution, "e1", "et", nodeAttrs{name: "execution1", state: exNew})
		f.node(KindExecution, "e2", "et", nodeAttrs{name: "execution2", state: exRunning})
		f.associate("c1", "e1")
		f.associate("c2", "e2")
		q := " last_known_state = NEW OR last_known_state = RUNNING "
		f.expectWith(KindExecution, q, byContextAssociation, []any{f.id("c1")}, "e1")
		f.expectWith(KindExecution, q, byContextAssociation, []any{f.id("c2")}, "e2")
		f.expect(KindExecution, q, "e1", "e2")
	}},
	{"ExecutionFilterWithSpecialChars", func(f *fixture) {
		f.typ(KindContext, "ct", "context_type")
		f.typ(KindExecution, "et", "execution_type")
		f.node(KindContext, "c", "ct", nodeAttrs{name: "context_name_with_'"})
		f.node(KindExecution, "e", "et", nodeAttrs{name: "exe_name_with_'"})
		f.associate("c", "e")
		f.expect(KindExecution, ` name = "exe_name_with_'" `, "e")
		f.expect(KindExecution, ` contexts_1.name = "context_name_with_'" `, "e")
		f.expect(KindExecution, `
      contexts_1.name = "context_name_with_'" AND name = "exe_name_with_'"`, "e")
		f.expectError(KindExecution, `
      name = 'exe_name_with_''`)
	}},
	{"ExecutionWithFilterContextQuery", func(f *fixture) {
		f.typ(KindContext, "ct", "context_type")
		f.typ(KindExecution, "et", "execution_type")
		f.node(KindContext, "c", "ct", nodeAttrs{name: "properties.component.component"})
		f.node(KindExecution, "e", "et", nodeAttrs{name: "execution_name'"})
		f.associate("c", "e")
		f.expect(KindExecution, "(contexts_0.type = 'context_type') AND (contexts_0.name = 'properties.component.component')", "e")
	}},
	{"ListArtifactsFilterAttributeQuery", func(f *fixture) {
		f.typ(KindArtifact, "t1", "t1")
		for i := 0; i < 3; i++ {
			s := fmt.Sprint(i)
			f.node(KindArtifact, "a"+s, "t1", nodeAttrs{uri: "uri_" + s, name: "artifact_" + s, externalID: "artifact_" + s})
		}
		f.expect(KindArtifact, " NOT(id = {a1}) ", "a0", "a2")
		f.expect(KindArtifact, fmt.Sprintf("uri = 'uri_1' and type_id = {t1} and \n create_time_since_epoch = %d", f.createTime("a1")), "a1")
		f.expect(KindArtifact, "uri LIKE 'uri_%' OR state = LIVE", "a0", "a1", "a2")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type_id = {t1} AND state IS NULL", "a0", "a1", "a2")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type = 't1'", "a0", "a1", "a2")
		old := f.createTime("a2")
		f.touch("a2", stLive)
		f.expect(KindArtifact, fmt.Sprintf("uri LIKE 'uri_%%' and type = 't1' \n AND last_update_time_since_epoch > %d", old), "a2")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type = 't1' \n AND state = LIVE", "a2")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type = 't1' \n AND (state = LIVE OR state = DELETED) ", "a2")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type = 't1' and state != LIVE", "a0", "a1")
		f.expect(KindArtifact, "uri LIKE 'uri_%' and type = 't1' and name = 'artifact_0'", "a0")
		f.expect(KindArtifact, "external_id = 'artifact_0'", "a0")
	}},
	{"ListNodesFilterEventQuery", func(f *fixture) {
		f.typ(KindArtifact, "at1", "at1")
		for i := 0; i < 3; i++ {
			s := fmt.Sprint(i)
			f.node(KindArtifact, "a"+s, "at1", nodeAttrs{uri: "uri_" + s, name: "artifact_" + s})
		}
		f.typ(KindExecution, "et1", "et1")
		f.node(KindExecution, "e0", "et1", nodeAttrs{name: "execution_0"})
		// a0 -INPUT-> e0 -OUTPUT-> a1, and e0 -OUTPUT at 1 ms-> a2.
		f.event("a0", "e0", evInput, 0)
		f.event("a1", "e0", evOutput, 0)
		f.event("a2", "e0", evOutput, 1)
		f.expect(KindArtifact, "events_0.type = INPUT", "a0")
		f.expect(KindArtifact, "events_0.type = INPUT OR events_0.type = OUTPUT", "a0", "a1", "a2")
		f.expect(KindArtifact, "uri = 'uri_0' AND events_0.type = INPUT", "a0")
		f.expect(KindArtifact, "uri = 'uri_0' AND events_0.execution_id = {e0}", "a0")
		f.expect(KindArtifact, "events_0.type = OUTPUT AND events_0.milliseconds_since_epoch = 1", "a2")
		f.expect(KindExecution, "events_0.artifact_id = {a0}", "e0")
		f.expect(KindExecution, "events_0.artifact_id = {a0} AND events_0.type = OUTPUT")
		f.expect(KindExecution, "events_0.artifact_id = {a1} AND events_0.type = OUTPUT", "e0")
	}},
	{"ListExecutionsFilterAttributeQuery", func(f *fixture) {
		f.typ(KindExecution, "t1", "t1")
		for i := 0; i < 3; i++ {
			s := fmt.Sprint(i)
			f.node(KindExecution, "e"+s, "t1", nodeAttrs{name: "execution_" + s, externalID: "execution_" + s})
		}
		f.expect(KindExecution, "id = {e2}", "e2")
		f.expect(KindExecution, "id != {e2} OR last_known_state = COMPLETE", "e0", "e1")
		// No state counts as "not COMPLETE".
		f.expect(KindExecution, "type_id = {t1} AND last_known_state != COMPLETE", "e0", "e1", "e2")
		f.expect(KindExecution, fmt.Sprintf("type_id = {t1} AND create_time_since_epoch = %d", f.createTime("e2")), "e2")
		f.expect(KindExecution, "type = 't1' AND type_id = {t1}", "e0", "e1", "e2")
		old := f.createTime("e2")
		f.touch("e2", exComplete)
		f.expect(KindExecution, fmt.Sprintf("type = 't1' AND type_id = {t1} AND \n last_update_time_since_epoch > %d", old), "e2")
		f.expect(KindExecution, "type = 't1' AND type_id = {t1} AND \n last_known_state = COMPLETE", "e2")
		f.expect(KindExecution, "type = 't1' AND type_id = {t1} AND \n (last_known_state = COMPLETE OR last_known_state = NEW) ", "e2")
		f.expect(KindExecution, "type = 't1' AND type_id = {t1} AND \n last_known_state != COMPLETE", "e0", "e1")
		f.expect(KindExecution, "type = 't1' AND type_id = {t1} AND \n name = 'execution_0'", "e0")
		f.expect(KindExecution, "external_id = 'execution_0'", "e0")
	}},
	{"ListContextsFilterAttributeQuery", func(f *fixture) {
		f.typ(KindContext, "t1", "t1")
		for i := 0; i < 3; i++ {
			s := fmt.Sprint(i)
			f.node(KindContext, "c"+s, "t1", nodeAttrs{name: "c" + s, externalID: "c" + s})
		}
		f.expect(KindContext, "id = {c0} ", "c0")
		f.expect(KindContext, "type_id = {t1} AND name IS NOT NULL", "c0", "c1", "c2")
		f.expect(KindContext, "id IN ({c0}, {c2}) ", "c0", "c2")
		f.expect(KindContext, "type = 't1' AND type_id = {t1}", "c0", "c1", "c2")
		f.expect(KindContext, "type = 't1' AND type_id != {t1}")
		f.expect(KindContext, "(type = 't1' AND name = 'c2') OR (type = 't1' AND name = 'c1')", "c1", "c2")
		old := f.createTime("c2")
		f.prop("c2", "p1", false, 1)
		f.touch("c2", 0)
		f.expect(KindContext, fmt.Sprintf("type = 't1' AND type_id = {t1} \n AND last_update_time_since_epoch > %d", old), "c2")
		f.expect(KindContext, "type = 't1' AND type_id = {t1} \n AND name = 'c0'", "c0")
		f.expect(KindContext, "external_id = 'c0' ", "c0")
	}},
	{"ListNodesFilterContextNeighborQuery", func(f *fixture) {
		f.typ(KindArtifact, "at", "artifact_type")
		f.typ(KindExecution, "et", "execution_type")
		f.typ(KindContext, "ct", "context_type")
		for i := 0; i < 3; i++ {
			s := fmt.Sprint(i)
			f.node(KindArtifact, "a"+s, "at", nodeAttrs{uri: "uri_" + s})
			f.node(KindExecution, "e"+s, "et", nodeAttrs{})
			f.node(KindContext, "c"+s, "ct", nodeAttrs{name: "c" + s})
		}
		// [a1, e2] in c0; [a0, e0] in c0, c1 and c2.
		f.attribute("c0", "a1")
		f.associate("c0", "e2")
		for _, c := range []string{"c0", "c1", "c2"} {
			f.attribute(c, "a0")
			f.associate(c, "e0")
		}
		f.expect(KindContext, "artifacts_c.id = {a1}", "c0")
		f.expect(KindContext, "artifacts_c.id = {a0}", "c0", "c1", "c2")
		f.expect(KindContext, "artifacts_c.id = {a0} and name = 'c0'", "c0")
		f.expect(KindContext, "executions_c.id = {e2}", "c0")
		f.expect(KindContext, "executions_c.id = {e0}", "c0", "c1", "c2")
		f.expect(KindContext, "executions_c.id = {e0} and name = 'c0'", "c0")
		f.expect(KindContext, "executions_c.id = {e0} and artifacts_a.id = {a1}", "c0")
		f.expect(KindArtifact, "uri IS NOT NULL AND type = 'artifact_type' AND \n contexts_c.name = 'c0' AND contexts_c.type = 'context_type' \n", "a0", "a1")
		f.expect(KindArtifact, "contexts_c.name LIKE '%' AND contexts_c.type = 'context_type' \n", "a0", "a1")
		c1 := f.createTime("c1")
		f.expect(KindArtifact, fmt.Sprintf("contexts_c.create_time_since_epoch = %d AND \n contexts_c.last_update_time_since_epoch = %d", c1, c1), "a0")
		f.expect(KindExecution, "type = 'execution_type' AND contexts_c.id = {c0} AND \n contexts_c.name = 'c0' AND contexts_c.type = 'context_type' \n", "e0", "e2")
		f.expect(KindExecution, fmt.Sprintf("contexts_c.create_time_since_epoch < %d AND \n contexts_c.last_update_time_since_epoch < %d", c1, c1), "e0", "e2")
		// c0 has e0 and e2, c1 has e0 and e1, c2 has e0.
		f.associate("c1", "e1")
		f.expect(KindExecution, " contexts_a.id = {c0} OR contexts_a.id = {c1}", "e0", "e1", "e2")
		f.expect(KindExecution, "(contexts_1.type = 'context_type' AND contexts_1.name = 'c2') OR (contexts_2.type = 'context_type' AND contexts_2.name = 'c1')", "e0", "e1")
		f.expect(KindExecution, "(contexts_1.type='context_type' AND contexts_1.name='c2') AND (contexts_2.type='context_type' AND contexts_2.name='c1') AND (contexts_3.type='context_type' AND contexts_3.name='c0') ", "e0")
	}},
	{"ListContextNodesWithParentChildQuery", func(f *fixture) {
		f.typ(KindContext, "pt1", "parent_context_type_1")
		f.typ(KindContext, "pt2", "parent_context_type_2")
		f.typ(KindContext, "ct", "child_context_type")
		f.node(KindContext, "p1", "pt1", nodeAttrs{name: "p1"})
		f.node(KindContext, "p2", "pt2", nodeAttrs{name: "p2"})
		for _, c := range []string{"c1", "c2", "c3"} {
			f.node(KindContext, c, "ct", nodeAttrs{name: c})
			f.parent(c, "p1")
		}
		f.parent("c1", "p2")
		f.parent("c2", "p2")
		f.expect(KindContext, "parent_contexts_c.id = {p1}", "c1", "c2", "c3")
		f.expect(KindContext, "parent_contexts_c.id = {p2}", "c1", "c2")
		f.expect(KindContext, "parent_contexts_c.type = 'parent_context_type_1'", "c1", "c2", "c3")
		f.expect(KindContext, "parent_contexts_c.type = 'parent_context_type_2'", "c1", "c2")
		f.expect(KindContext, "parent_contexts_c.name = 'p1'", "c1", "c2", "c3")
		f.expect(KindContext, "parent_contexts_c.name = 'p2'", "c1", "c2")
		f.expect(KindContext, "child_contexts_c.id = {c1}", "p1", "p2")
		f.expect(KindContext, "child_contexts_c.id = {c3}", "p1")
		f.expect(KindContext, "child_contexts_c.type = 'child_context_type'", "p1", "p2")
		f.expect(KindContext, "child_contexts_c.name = 'c1'", "p1", "p2")
		f.expect(KindContext, "child_contexts_c.name = 'c3'", "p1")
	}},
	{"ListContextNodesWithParentChildAndPropertiesQuery", func(f *fixture) {
		f.typ(KindContext, "pt1", "parent_context_type_1")
		f.typ(KindContext, "ct", "child_context_type")
		f.node(KindContext, "p1", "pt1", nodeAttrs{name: "p1"})
		for i, v := range []string{"foo", "foo", "bar"} {
			c := fmt.Sprintf("c%d", i+1)
			f.node(KindContext, c, "ct", nodeAttrs{name: c})
			f.prop(c, "custom_property_1", true, v)
		}
		f.parent("c1", "p1")
		f.parent("c3", "p1")
		f.expect(KindContext, "parent_contexts_c.type = 'parent_context_type_1' \n AND custom_properties.custom_property_1.string_value = 'foo'", "c1")
	}},
	{"FilterPropertyQuery/artifacts", func(f *fixture) { propertyCases(f, KindArtifact) }},
	{"FilterPropertyQuery/executions", func(f *fixture) { propertyCases(f, KindExecution) }},
	{"FilterPropertyQuery/contexts", func(f *fixture) { propertyCases(f, KindContext) }},
	{"FindArtifactsByTypeIdsFilterPropertyQuery", func(f *fixture) {
		f.typ(KindArtifact, "t1", "test_type1")
		f.node(KindArtifact, "a1", "t1", nodeAttrs{uri: "testuri://testing/uri1"})
		f.prop("a1", "custom_property_1", true, 1)
		f.node(KindArtifact, "a2", "t1", nodeAttrs{uri: "testuri://testing/uri1"})
		f.prop("a2", "custom_property_1", true, 2)
		f.typ(KindArtifact, "t2", "test_type2")
		f.node(KindArtifact, "a3", "t2", nodeAttrs{uri: "testuri://testing/uri1"})
		f.prop("a3", "custom_property_1", true, 3)
		q := "custom_properties.custom_property_1.int_value = 1 OR custom_properties.custom_property_1.int_value = 2 OR custom_properties.custom_property_1.int_value = 3"
		f.expectWith(KindArtifact, q, byType, []any{f.id("t1")}, "a1", "a2")
		f.expectWith(KindArtifact, q, byType, []any{f.id("t2")}, "a3")
	}},
	{"PythonGetNodesByFilterQuery/artifacts", func(f *fixture) { pythonCase(f, KindArtifact) }},
	{"PythonGetNodesByFilterQuery/executions", func(f *fixture) { pythonCase(f, KindExecution) }},
	{"PythonGetNodesByFilterQuery/contexts", func(f *fixture) { pythonCase(f, KindContext) }},
	{"ListNodesFilterWithErrors", func(f *fixture) {
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			f.expectError(k, "unknown_field = 'uri_3' and type_id = 1")
			f.expectError(k, "invalid syntax")
		}
		f.expectError(KindArtifact, "executions_c.id = 123")
		f.expectError(KindArtifact, "artifacts_c.id = 123")
		f.expectError(KindExecution, "executions_c.id = 123")
		f.expectError(KindExecution, "artifacts_c.id = 123")
	}},
}

// propertyCases follows MLMD's property filtering test: five nodes, each
// with four typed properties and four custom properties.
func propertyCases(f *fixture, k Kind) {
	f.typ(k, "t", "test_type")
	for i := 0; i < 5; i++ {
		n := fmt.Sprintf("n%d", i)
		f.node(k, n, "t", nodeAttrs{name: fmt.Sprintf("test_%d", i)})
		f.prop(n, "p1", false, i)
		f.prop(n, "p2", false, float64(i))
		f.prop(n, "p3", false, fmt.Sprintf("0%d", i))
		f.prop(n, "p4", false, i%2 == 0)
		f.prop(n, fmt.Sprintf("custom_property_%d", i), true, "foo")
		f.prop(n, fmt.Sprintf("custom_property %d", i), true, 1.0)
		f.prop(n, fmt.Sprintf("custom_property:%d", i), true, 1)
		f.prop(n, fmt.Sprintf("custom_property-%d", i), true, true)
	}
	f.expect(k, "properties.p1.int_value = 0", "n0")
	f.expect(k, "(properties.p1.int_value + 2) * 1 = 2", "n0")
	f.expect(k, "properties.p2.double_value > 2.0", "n3", "n4")
	f.expect(k, "properties.p2.double_value > 2.0 / 1.0 - (-0.5)", "n3", "n4")
	f.expect(k, "properties.p3.string_value LIKE '0%'", "n0", "n1", "n2", "n3", "n4")
	f.expect(k, "properties.p4.bool_value = true", "n0", "n2", "n4")
	f.expect(k, "custom_properties.custom_property_0.int_value IS NULL AND custom_properties.custom_property_0.double_value IS NULL AND custom_properties.custom_property_0.string_value = 'foo'", "n0")
	// Unknown property names are no error: they match nothing.
	f.expect(k, "properties.unknown.int_value > 0 OR custom_properties.some_property.string_value = '0'")
	f.expect(k, "properties.p1.int_value = 0 AND custom_properties.`custom_property:0`.int_value > 0 AND custom_properties.`custom_property 0`.double_value > 0 ", "n0")
	f.expect(k, "custom_properties.`custom_property-3`.bool_value", "n3")
}

// pythonCase follows MLMD's Python test of filter queries: 200 nodes with
// a custom property p = i.
func pythonCase(f *fixture, k Kind) {
	f.typ(k, "t", "test_type")
	for i := 0; i < 200; i++ {
		n := fmt.Sprintf("node_%d", i)
		f.node(k, n, "t", nodeAttrs{name: n})
		f.prop(n, "p", true, i)
	}
	f.expect(k, "custom_properties.p.int_value < 21 AND name LIKE 'node_2%'", "node_2", "node_20")
}
