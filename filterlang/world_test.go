package filterlang

import (
	"fmt"
	"testing"
)

// buildWorld fills a database with a small MLMD graph on which every query
// of MLMD's filter_query_builder_test.cc (with ids and values adapted to
// the rows) selects a known, non-trivial set of nodes.
//
// Contexts (type, name; properties; parents):
//
//	cParent  parent_context_type "parent_context1"
//	cPipe    pipeline  "pipeline_context"  p0=5, custom p1=0.1; parent cParent
//	cRun     runs      "pipeline_run"      parent cPipe
//	cRun2    pipeline_run "run2"           p0=2, custom p1=0.2; parents cPipe, cParent
//	cRun3    pipeline_run "run3"           p0=0, custom p1=0.5; parent cPipe
//	cRun4    pipeline_run "run4"           p0=7 (no custom p1); parent cPipe
//	cExp     exp       "my_run"            artifacts aIn, aModel; execution eTrain
//	cFoo     foo       "foo_ctx"           artifact aModel; execution eFoo
//	cProps   exp       "properties.node.node"  artifact aBare
//	cRun2 also has artifacts aIn, aOut and executions eTrain, eDone.
//
// Artifacts, in creation order (type, name, uri, state; properties):
//
//	aIn     dataset "foo_in"  "ab_c1"  LIVE     p0=1, `0:b`=1, foo=2.0, p1=0.99;
//	                custom `0 b`="2", p0=5, p1=0.95, p2="name"; external_id ext_in
//	aOut    dataset "foo_out" "http://some_path" PENDING  p0="1"; custom p0=0, p1=0.5
//	aModel  foo     "model"   "abc"    DELETED  p1=0.99
//	aBare   dataset "bar"     -        -
//	aLone   dataset "lonely"  "lone"   -        (no contexts)
//	aFooX   foo     "fooXbar" -        -        (no contexts)
//
// Executions (type, name, state; properties):
//
//	eTrain  trainer "foo_train" NEW       p0=2; custom p0=0
//	eFoo    foo     "foo_exec"  RUNNING
//	eDone   trainer "done"      COMPLETE  p0=0; custom p1=0.99; external_id ext_done
//	eBare   trainer "bare"      -         (no contexts)
//
// Events: aIn -INPUT-> eTrain -OUTPUT-> aOut; aIn -DECLARED_INPUT-> eFoo;
// eDone -OUTPUT at 5 ms-> aModel.
func buildWorld(f *fixture) {
	for _, t := range []struct {
		kind        Kind
		label, name string
	}{
		{KindArtifact, "tAd", "dataset"}, {KindArtifact, "tAf", "foo"},
		{KindExecution, "tEt", "trainer"}, {KindExecution, "tEf", "foo"},
		{KindContext, "tCr", "pipeline_run"}, {KindContext, "tCp", "pipeline"},
		{KindContext, "tCe", "exp"}, {KindContext, "tCpp", "parent_context_type"},
		{KindContext, "tCruns", "runs"}, {KindContext, "tCf", "foo"},
	} {
		f.typ(t.kind, t.label, t.name)
	}

	f.node(KindContext, "cParent", "tCpp", nodeAttrs{name: "parent_context1"})
	f.node(KindContext, "cPipe", "tCp", nodeAttrs{name: "pipeline_context"})
	f.node(KindContext, "cRun", "tCruns", nodeAttrs{name: "pipeline_run"})
	f.node(KindContext, "cRun2", "tCr", nodeAttrs{name: "run2"})
	f.node(KindContext, "cRun3", "tCr", nodeAttrs{name: "run3"})
	f.node(KindContext, "cRun4", "tCr", nodeAttrs{name: "run4"})
	f.node(KindContext, "cExp", "tCe", nodeAttrs{name: "my_run"})
	f.node(KindContext, "cFoo", "tCf", nodeAttrs{name: "foo_ctx"})
	f.node(KindContext, "cProps", "tCe", nodeAttrs{name: "properties.node.node"})
	f.prop("cPipe", "p0", false, 5)
	f.prop("cPipe", "p1", true, 0.1)
	f.prop("cRun2", "p0", false, 2)
	f.prop("cRun2", "p1", true, 0.2)
	f.prop("cRun3", "p0", false, 0)
	f.prop("cRun3", "p1", true, 0.5)
	f.prop("cRun4", "p0", false, 7)
	f.parent("cPipe", "cParent")
	for _, c := range []string{"cRun", "cRun2", "cRun3", "cRun4"} {
		f.parent(c, "cPipe")
	}
	f.parent("cRun2", "cParent")

	f.node(KindArtifact, "aIn", "tAd", nodeAttrs{name: "foo_in", uri: "ab_c1", state: stLive, externalID: "ext_in"})
	f.node(KindArtifact, "aOut", "tAd", nodeAttrs{name: "foo_out", uri: "http://some_path", state: stPending})
	f.node(KindArtifact, "aModel", "tAf", nodeAttrs{name: "model", uri: "abc", state: stDeleted})
	f.node(KindArtifact, "aBare", "tAd", nodeAttrs{name: "bar"})
	f.node(KindArtifact, "aLone", "tAd", nodeAttrs{name: "lonely", uri: "lone"})
	f.node(KindArtifact, "aFooX", "tAf", nodeAttrs{name: "fooXbar"})
	f.prop("aIn", "p0", false, 1)
	f.prop("aIn", "0:b", false, 1)
	f.prop("aIn", "foo", false, 2.0)
	f.prop("aIn", "p1", false, 0.99)
	f.prop("aIn", "0 b", true, "2")
	f.prop("aIn", "p0", true, 5)
	f.prop("aIn", "p1", true, 0.95)
	f.prop("aIn", "p2", true, "name")
	f.prop("aOut", "p0", false, "1")
	f.prop("aOut", "p0", true, 0)
	f.prop("aOut", "p1", true, 0.5)
	f.prop("aModel", "p1", false, 0.99)

	f.node(KindExecution, "eTrain", "tEt", nodeAttrs{name: "foo_train", state: exNew})
	f.node(KindExecution, "eFoo", "tEf", nodeAttrs{name: "foo_exec", state: exRunning})
	f.node(KindExecution, "eDone", "tEt", nodeAttrs{name: "done", state: exComplete, externalID: "ext_done"})
	f.node(KindExecution, "eBare", "tEt", nodeAttrs{name: "bare"})
	f.prop("eTrain", "p0", false, 2)
	f.prop("eTrain", "p0", true, 0)
	f.prop("eDone", "p0", false, 0)
	f.prop("eDone", "p1", true, 0.99)

	f.attribute("cExp", "aIn")
	f.attribute("cExp", "aModel")
	f.attribute("cRun2", "aIn")
	f.attribute("cRun2", "aOut")
	f.attribute("cFoo", "aModel")
	f.attribute("cProps", "aBare")
	f.associate("cExp", "eTrain")
	f.associate("cRun2", "eTrain")
	f.associate("cRun2", "eDone")
	f.associate("cFoo", "eFoo")

	f.event("aIn", "eTrain", evInput, 0)
	f.event("aOut", "eTrain", evOutput, 0)
	f.event("aIn", "eFoo", evDeclaredInput, 0)
	f.event("aModel", "eDone", evOutput, 5)
}

// worldCases are queries on the world and the nodes they select. The first
// ones are those of MLMD's filter_query_builder_test.cc.
var worldCases = []struct {
	kind  Kind
	query string
	want  []string
}{
	{KindArtifact, "type_id = {tAd}", []string{"aIn", "aOut", "aBare", "aLone"}},
	{KindExecution, "type_id = {tEt}", []string{"eTrain", "eDone", "eBare"}},
	{KindContext, "type_id = {tCr}", []string{"cRun2", "cRun3", "cRun4"}},
	{KindArtifact, "NOT(type_id = {tAd})", []string{"aModel", "aFooX"}},
	{KindExecution, "NOT(type_id = {tEt})", []string{"eFoo"}},
	{KindContext, "NOT(type_id = {tCr})", []string{"cParent", "cPipe", "cRun", "cExp", "cFoo", "cProps"}},
	{KindArtifact, "type = 'foo'", []string{"aModel", "aFooX"}},
	{KindExecution, "type = 'foo'", []string{"eFoo"}},
	{KindContext, "type = 'foo'", []string{"cFoo"}},
	{KindArtifact, "uri like 'abc'", []string{"aModel"}},
	{KindArtifact, "state = LIVE AND state = DELETED", nil},
	{KindArtifact, "state = LIVE OR state = DELETED", []string{"aIn", "aModel"}},
	{KindArtifact, "state IN (LIVE, PENDING)", []string{"aIn", "aOut"}},
	// NOT IN and != include the nodes without a state.
	{KindArtifact, "state NOT IN (DELETED)", []string{"aIn", "aOut", "aBare", "aLone", "aFooX"}},
	{KindExecution, "last_known_state = NEW OR last_known_state = COMPLETE", []string{"eTrain", "eDone"}},
	{KindExecution, "last_known_state IN (NEW, RUNNING)", []string{"eTrain", "eFoo"}},
	{KindArtifact, "contexts_0.id = {cExp}", []string{"aIn", "aModel"}},
	{KindExecution, "contexts_0.id = {cExp}", []string{"eTrain"}},
	{KindArtifact, "contexts_0.name = 'properties.node.node'", []string{"aBare"}},
	{KindExecution, "contexts_0.id = {cFoo} AND contexts_0.name LIKE 'foo%'", []string{"eFoo"}},
	{KindArtifact, "contexts_0.id = {cExp} AND contexts_0.create_time_since_epoch > 1", []string{"aIn", "aModel"}},
	{KindExecution, "contexts_0.id = {cExp} AND contexts_1.id != {cRun2}", []string{"eTrain"}},
	{KindArtifact, "contexts_0.id = {cExp} AND contexts_0.last_update_time_since_epoch < 99999 AND contexts_1.id != {cExp}", []string{"aIn", "aModel"}},
	{KindExecution, "type_id = {tEt} AND contexts_0.id = {cRun2}", []string{"eTrain", "eDone"}},
	{KindArtifact, "(type_id = {tAd} OR type != 'foo') AND contexts_0.id = {cExp}", []string{"aIn"}},
	{KindExecution, "(type_id = {tEt} OR type != 'foo') AND contexts_0.id = {cExp}", []string{"eTrain"}},
	{KindContext, "artifacts_0.id = {aIn}", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.uri like 'ab_c%'", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.state = LIVE", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.state IN (PENDING, LIVE)", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.id = {aIn} AND artifacts_0.name LIKE 'foo%'", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.id = {aIn} AND artifacts_0.create_time_since_epoch > 1", []string{"cExp", "cRun2"}},
	{KindContext, "artifacts_0.id = {aModel} AND artifacts_1.id != {aModel}", []string{"cExp"}},
	{KindContext, "(type_id = {tCe} OR type != 'foo') AND artifacts_0.id = {aModel}", []string{"cExp"}},
	{KindContext, "executions_0.id = {eTrain} AND executions_0.create_time_since_epoch > 1", []string{"cExp", "cRun2"}},
	{KindContext, "executions_0.id = {eTrain} AND executions_1.id != {eTrain}", []string{"cRun2"}},
	{KindContext, "executions_0.last_known_state = COMPLETE", []string{"cRun2"}},
	{KindContext, "executions_0.last_known_state IN (COMPLETE, RUNNING)", []string{"cRun2", "cFoo"}},
	{KindArtifact, "properties.p0.int_value = 1", []string{"aIn"}},
	{KindExecution, "properties.p0.int_value = 2", []string{"eTrain"}},
	{KindContext, "properties.p0.int_value = 2", []string{"cRun2"}},
	{KindArtifact, "properties.`0:b`.int_value = 1", []string{"aIn"}},
	{KindArtifact, "custom_properties.`0 b`.string_value != '1'", []string{"aIn"}},
	{KindArtifact, "properties.`0:b`.int_value = 1 AND properties.foo.double_value > 1 AND custom_properties.`0 b`.string_value != '1'", []string{"aIn"}},
	{KindArtifact, "properties.p0.int_value = 1 OR properties.p0.string_value = '1' ", []string{"aIn", "aOut"}},
	// Both property rows must exist: eDone has p0 but no custom p0.
	{KindArtifact, "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", []string{"aIn"}},
	{KindExecution, "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", []string{"eTrain"}},
	{KindContext, "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", nil},
	{KindArtifact, "(properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1) AND properties.p1.double_value > 0.95 AND custom_properties.p2.string_value = 'name'", []string{"aIn"}},
	{KindArtifact, "type = 'dataset' AND (contexts_0.name = 'my_run' AND contexts_0.type = 'exp') AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9)", []string{"aIn"}},
	{KindContext, "parent_contexts_0.id = {cPipe} AND parent_contexts_0.name LIKE 'pipe%'", []string{"cRun", "cRun2", "cRun3", "cRun4"}},
	{KindContext, "parent_contexts_0.id = {cPipe} AND parent_contexts_1.id != {cPipe}", []string{"cRun2"}},
	// cRun4 has no custom p1 row, so it is out even though p0 > 1.
	{KindContext, "type = 'pipeline_run' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (parent_contexts_0.name = 'pipeline_context' AND parent_contexts_0.type = 'pipeline')", []string{"cRun2"}},
	{KindContext, "child_contexts_0.id = {cRun} AND child_contexts_0.name LIKE 'pipeline%'", []string{"cPipe"}},
	{KindContext, "type = 'pipeline' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (child_contexts_0.name = 'pipeline_run' AND child_contexts_0.type = 'runs')", []string{"cPipe"}},
	{KindContext, "type = 'pipeline' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (parent_contexts_0.name = 'parent_context1' AND parent_contexts_0.type = 'parent_context_type') AND (child_contexts_0.name = 'pipeline_run' AND child_contexts_0.type = 'runs')", []string{"cPipe"}},
	{KindArtifact, "events_0.execution_id = {eTrain}", []string{"aIn", "aOut"}},
	{KindArtifact, "events_0.type = INPUT", []string{"aIn"}},
	{KindExecution, "events_0.type = INPUT", []string{"eTrain"}},
	{KindExecution, "events_0.type = INPUT OR events_0.type = OUTPUT", []string{"eTrain", "eDone"}},
	{KindArtifact, "events_0.type IN (INPUT, DECLARED_INPUT)", []string{"aIn"}},
	{KindArtifact, "uri = 'http://some_path' AND events_0.type = INPUT", nil},
	{KindArtifact, "uri = 'http://some_path' AND events_0.type = OUTPUT", []string{"aOut"}},
	{KindExecution, "events_0.artifact_id = {aModel} AND events_0.milliseconds_since_epoch = 5", []string{"eDone"}},

	// NULL states count as UNKNOWN.
	{KindArtifact, "state != LIVE", []string{"aOut", "aModel", "aBare", "aLone", "aFooX"}},
	{KindArtifact, "state = UNKNOWN", []string{"aBare", "aLone", "aFooX"}},
	{KindArtifact, "state != UNKNOWN", []string{"aIn", "aOut", "aModel"}},
	{KindArtifact, "state IS NULL", []string{"aBare", "aLone", "aFooX"}},
	{KindArtifact, "NOT (state = LIVE)", []string{"aOut", "aModel"}},
	{KindExecution, "last_known_state NOT IN (NEW, RUNNING)", []string{"eDone", "eBare"}},
	{KindExecution, "COMPLETE = last_known_state OR last_known_state <> COMPLETE AND name = 'bare'", []string{"eDone", "eBare"}},
	// A neighbour named anywhere must exist: aLone has no context.
	{KindArtifact, "name = 'lonely' OR contexts_c.name = 'my_run'", []string{"aIn", "aModel"}},
	// Conditions that mix neighbours with other names.
	{KindArtifact, "properties.p0.int_value = 1 OR contexts_c.name = 'foo_ctx'", []string{"aIn"}},
	{KindArtifact, "(contexts_a.name = 'my_run' OR name = 'model') AND (events_e.type = OUTPUT OR name = 'foo_in')", []string{"aIn", "aModel"}},
	{KindArtifact, "type = 'foo' OR contexts_c.type = 'exp'", []string{"aIn", "aModel", "aBare"}},
	{KindArtifact, "contexts_a.id != contexts_b.id", []string{"aIn", "aModel"}},
	{KindContext, "artifacts_a.create_time_since_epoch > executions_e.create_time_since_epoch", nil},
	{KindContext, "artifacts_a.create_time_since_epoch < executions_e.create_time_since_epoch AND executions_e.last_known_state = COMPLETE", []string{"cRun2"}},
	// The property must exist; IS NULL tests its value.
	{KindArtifact, "properties.p0.int_value IS NULL", []string{"aOut"}},
	// A node matching through several neighbours comes once.
	{KindContext, "artifacts_a.type = 'dataset'", []string{"cExp", "cRun2", "cProps"}},
	{KindContext, "child_contexts_c.type = 'pipeline_run'", []string{"cParent", "cPipe"}},
	{KindContext, "parent_contexts_a.name = 'pipeline_context' AND parent_contexts_b.name = 'parent_context1'", []string{"cRun2"}},
	{KindContext, "parent_contexts_a.name = 'pipeline_context' AND parent_contexts_a.name = 'parent_context1'", nil},
	{KindContext, "artifacts_a.external_id = 'ext_in'", []string{"cExp", "cRun2"}},
	{KindContext, "executions_e.external_id = 'ext_done'", []string{"cRun2"}},
	{KindContext, "parent_contexts_p.create_time_since_epoch > 0", []string{"cPipe", "cRun", "cRun2", "cRun3", "cRun4"}},
	// Division is never integer division.
	{KindArtifact, "(properties.p0.int_value + 1) / 2 = 1", []string{"aIn"}},
	{KindArtifact, "properties.p0.int_value / 2 = 0.5", []string{"aIn"}},
	{KindArtifact, "-properties.p0.int_value * 3 = -3 AND - -1 = 1", []string{"aIn"}},
	// Dividing by zero is NULL on every engine (PostgreSQL would fail).
	{KindArtifact, "id = {aIn} AND properties.p0.int_value / 0 IS NULL", []string{"aIn"}},
	{KindArtifact, "properties.p0.int_value / 0 = 1 OR properties.p0.int_value / 0 > 1", nil},
	// Literals compared with literals (PostgreSQL needs their types).
	{KindArtifact, "id = {aIn} AND 1 = 1.0 AND 'a' < 'b' AND 2.5 > 2 AND TRUE = TRUE", []string{"aIn"}},
	// LIKE: _ and % are wildcards unless escaped with a backslash.
	{KindArtifact, "name LIKE 'foo_%'", []string{"aIn", "aOut", "aFooX"}},
	{KindArtifact, `name LIKE 'foo\\_%'`, []string{"aIn", "aOut"}},
	{KindArtifact, `name NOT LIKE r'foo\_%'`, []string{"aModel", "aBare", "aLone", "aFooX"}},
	{KindArtifact, "uri LIKE name", nil},
	{KindArtifact, "name IN ('bar', 'lonely', 'nope') AND uri IS NULL", []string{"aBare"}},
	{KindArtifact, "id NOT IN ({aIn}, {aOut}) AND NOT type = 'foo'", []string{"aBare", "aLone"}},
	{KindArtifact, "properties.p1.double_value BETWEEN 0.9 AND 1 AND properties.p1.double_value NOT BETWEEN 0.991 AND 2", []string{"aIn", "aModel"}},
	{KindArtifact, "name = NULL OR id IN (NULL)", nil},
	{KindArtifact, "TRUE AND NOT FALSE AND type_id IS NOT NULL AND (1 = 1)", []string{"aIn", "aOut", "aModel", "aBare", "aLone", "aFooX"}},
	{KindArtifact, "FALSE OR id = {aLone}", []string{"aLone"}},
}

func TestWorld(t *testing.T) {
	backends(t, func(t *testing.T, db *testDB) {
		f := newFixture(t, db)
		buildWorld(f)
		for _, c := range worldCases {
			f.expect(c.kind, c.query, c.want...)
		}
		// Bare boolean properties and IS TRUE.
		f.prop("aLone", "flag", true, true)
		f.prop("aFooX", "flag", true, false)
		f.prop("aBare", "flag", true, "not a bool")
		f.expect(KindArtifact, "custom_properties.flag.bool_value", "aLone")
		f.expect(KindArtifact, "NOT custom_properties.flag.bool_value", "aFooX")
		f.expect(KindArtifact, "custom_properties.flag.bool_value IS NOT TRUE", "aFooX", "aBare")
		f.expect(KindArtifact, "custom_properties.flag.bool_value = FALSE", "aFooX")
		f.expect(KindArtifact, "custom_properties.flag.bool_value IS NULL", "aBare")
		// Times compare as integers.
		f.expect(KindArtifact, fmt.Sprintf("create_time_since_epoch BETWEEN %d AND %d", f.createTime("aOut"), f.createTime("aBare")),
			"aOut", "aModel", "aBare")
	})
}
