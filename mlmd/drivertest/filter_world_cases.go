package drivertest

// The query builder's and the query resolver's cases (MLMD's
// filter_query_builder_test.cc and filter_query_ast_resolver_test.cc),
// which MLMD checks as SQL text or as "accepted", here run against one
// graph on which each query selects a hand-computed set of nodes.

import (
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var filterWorldCases = []testCase{
	{name: "Filters/QueryBuilder", runWithClock: func(t *testing.T, s *mlmd.Store, clock *Clock) {
		buildFilterWorld(t, s, clock).checkRows(builderRows)
	}},
	{name: "Filters/QueryResolver", runWithClock: func(t *testing.T, s *mlmd.Store, clock *Clock) {
		buildFilterWorld(t, s, clock).checkRows(resolverRows)
	}},
}

// buildFilterWorld builds the graph of the builder and resolver cases.
// Each put is its own call, one millisecond after the previous one, except
// for the bracketed groups, put in one call (so they tie on their times).
//
// Types (in creation order; declared properties):
//
//	artifact  dataset   p0 int, `0:b` int, foo double, p1 double, 0 int, bar_baz double, qux bool
//	artifact  foo       p0 string, p1 double, foo string
//	execution trainer   as dataset
//	execution foo       as the artifact type foo
//	context   exp       as dataset
//	context   foo       p0 string, foo string
//	context   pipeline, pipeline_run  p0 int
//	context   runs, parent_context_type
//
// Property sets shared by the kinds ("custom" are custom properties):
//
//	X1  p0=1 `0:b`=1 foo=2.0 p1=0.99 0=3; custom `0 b`="2" p0=5 p1=0.95 p2="name" 0=0 1="x"
//	X2  p0=3 `0:b`=1 foo=0.5 p1=0.5; custom `0 b`="1" p0=0 p2="name"
//	X3  p0="1" foo="2"; custom `0 b`="3" 1="2" 2=0
//	X4  p0=7 bar_baz=1.5 qux=false; custom 2=4 3=false
//	X5  0=1 qux=true; custom 0=2.5 3=true
//
// Contexts (type, name; properties; parents):
//
//	cParent  parent_context_type  parent_context1
//	cPipe    pipeline      pipeline_context  p0=5, custom p1=0.1; parent cParent
//	cPipe2   pipeline      pipeline_b        p0=0, custom p1=0.5
//	cRun     runs          pipeline_run      parents cPipe, cPipe2
//	[cRun2   pipeline_run  run2  p0=2, custom p1=0.2; parents cPipe, cParent
//	 cRun3   pipeline_run  run3  p0=0, custom p1=0.95; parent cPipe
//	 cRun4   pipeline_run  run4  p0=7; parent cPipe; external_id ext_run4]
//	cExp     exp  my_run                X1; artifacts aIn aModel aBare; execution eTrain
//	cExp2    exp  foo_exp               X2 and X5
//	cFoo     foo  foo_ctx               X3; parent cParent; artifacts aModel aFooX; execution eFoo
//	cProps   exp  properties.node.node  X4; artifact aBare; execution eBare
//	cRun2 has artifacts aIn, aOut and executions eTrain, eDone, eFoo.
//
// Artifacts (type, name, uri, state; properties):
//
//	aIn     dataset foo_in  ab_c1             LIVE     X1; external_id ext_in
//	aOut    dataset foo_out http://some_path  PENDING  X2
//	aModel  foo     model   abc               DELETED  X3
//	[aBare  dataset bar     -                 -        X4
//	 aLone  dataset lonely  abcd              LIVE     X5
//	 aFooX  foo     fooXbar abXc9             PENDING  foo="2"; custom 1="2" 2=0]
//
// Executions (type, name, state; properties):
//
//	eTrain  trainer foo_train NEW       X1
//	eFoo    foo     foo_exec  RUNNING   X3
//	eDone   trainer done      COMPLETE  X2; external_id ext_done
//	[eBare  trainer bare      -         X4
//	 eLone  trainer lonely    CANCELED  X5]
//
// Events: aIn -INPUT-> eTrain -OUTPUT-> aOut; aIn -DECLARED_INPUT-> eFoo
// -DECLARED_OUTPUT-> aFooX; aBare and aOut -INPUT-> eDone -OUTPUT at 5 ms->
// aModel.
//
// Then three updates, each one call (so the nodes in it tie on their last
// update time): [aOut aLone], [eDone eLone], [cRun3 cExp2] get a custom
// property touched=true.
func buildFilterWorld(t *testing.T, s *mlmd.Store, clock *Clock) *fgraph {
	g := newFGraph(t, s, clock)
	all := props("p0", mlmd.PropertyInt, "0:b", mlmd.PropertyInt, "foo", mlmd.PropertyDouble, "p1", mlmd.PropertyDouble,
		"0", mlmd.PropertyInt, "bar_baz", mlmd.PropertyDouble, "qux", mlmd.PropertyBool)
	foo := props("p0", mlmd.PropertyString, "p1", mlmd.PropertyDouble, "foo", mlmd.PropertyString)
	g.typ(artifacts, "AT_dataset", "dataset", all)
	g.typ(artifacts, "AT_foo", "foo", foo)
	g.typ(executions, "ET_trainer", "trainer", all)
	g.typ(executions, "ET_foo", "foo", foo)
	g.typ(contexts, "CT_exp", "exp", all)
	g.typ(contexts, "CT_foo", "foo", props("p0", mlmd.PropertyString, "foo", mlmd.PropertyString))
	g.typ(contexts, "CT_pipeline", "pipeline", props("p0", mlmd.PropertyInt))
	g.typ(contexts, "CT_pipeline_run", "pipeline_run", props("p0", mlmd.PropertyInt))
	g.typ(contexts, "CT_runs", "runs", nil)
	g.typ(contexts, "CT_parent", "parent_context_type", nil)

	x1p := pv("p0", i64(1), "0:b", i64(1), "foo", f64(2), "p1", f64(0.99), "0", i64(3))
	x1c := pv("0 b", str("2"), "p0", i64(5), "p1", f64(0.95), "p2", str("name"), "0", i64(0), "1", str("x"))
	x2p := pv("p0", i64(3), "0:b", i64(1), "foo", f64(0.5), "p1", f64(0.5))
	x2c := pv("0 b", str("1"), "p0", i64(0), "p2", str("name"))
	x3p := pv("p0", str("1"), "foo", str("2"))
	x3c := pv("0 b", str("3"), "1", str("2"), "2", i64(0))
	x4p := pv("p0", i64(7), "bar_baz", f64(1.5), "qux", boolean(false))
	x4c := pv("2", i64(4), "3", boolean(false))
	x5p := pv("0", i64(1), "qux", boolean(true))
	x5c := pv("0", f64(2.5), "3", boolean(true))

	g.put(contexts, fnode{"cParent", "CT_parent", gnode{Name: "parent_context1"}})
	g.put(contexts, fnode{"cPipe", "CT_pipeline", gnode{Name: "pipeline_context", Props: pv("p0", i64(5)), Custom: pv("p1", f64(0.1))}})
	g.put(contexts, fnode{"cPipe2", "CT_pipeline", gnode{Name: "pipeline_b", Props: pv("p0", i64(0)), Custom: pv("p1", f64(0.5))}})
	g.put(contexts, fnode{"cRun", "CT_runs", gnode{Name: "pipeline_run"}})
	g.put(contexts,
		fnode{"cRun2", "CT_pipeline_run", gnode{Name: "run2", Props: pv("p0", i64(2)), Custom: pv("p1", f64(0.2))}},
		fnode{"cRun3", "CT_pipeline_run", gnode{Name: "run3", Props: pv("p0", i64(0)), Custom: pv("p1", f64(0.95))}},
		fnode{"cRun4", "CT_pipeline_run", gnode{Name: "run4", Props: pv("p0", i64(7)), ExternalID: "ext_run4"}})
	g.put(contexts, fnode{"cExp", "CT_exp", gnode{Name: "my_run", Props: x1p, Custom: x1c}})
	x25p, x25c := pv(), pv()
	for _, m := range [][2]mlmd.Properties{{x25p, x2p}, {x25p, x5p}, {x25c, x2c}, {x25c, x5c}} {
		for k, v := range m[1] {
			m[0][k] = v
		}
	}
	g.put(contexts, fnode{"cExp2", "CT_exp", gnode{Name: "foo_exp", Props: x25p, Custom: x25c}})
	g.put(contexts, fnode{"cFoo", "CT_foo", gnode{Name: "foo_ctx", Props: pv("p0", str("1"), "foo", str("2")), Custom: x3c}})
	g.put(contexts, fnode{"cProps", "CT_exp", gnode{Name: "properties.node.node", Props: x4p, Custom: x4c}})
	g.parents("cPipe", "cParent")
	g.parents("cRun", "cPipe", "cPipe2")
	g.parents("cRun2", "cPipe", "cParent")
	g.parents("cRun3", "cPipe")
	g.parents("cRun4", "cPipe")
	g.parents("cFoo", "cParent")

	state := func(s mlmd.ArtifactState) int32 { return int32(s) }
	g.put(artifacts, fnode{"aIn", "AT_dataset", gnode{Name: "foo_in", URI: "ab_c1", State: state(mlmd.ArtifactStateLive), ExternalID: "ext_in", Props: x1p, Custom: x1c}})
	g.put(artifacts, fnode{"aOut", "AT_dataset", gnode{Name: "foo_out", URI: "http://some_path", State: state(mlmd.ArtifactStatePending), Props: x2p, Custom: x2c}})
	g.put(artifacts, fnode{"aModel", "AT_foo", gnode{Name: "model", URI: "abc", State: state(mlmd.ArtifactStateDeleted), Props: x3p, Custom: x3c}})
	g.put(artifacts,
		fnode{"aBare", "AT_dataset", gnode{Name: "bar", Props: x4p, Custom: x4c}},
		fnode{"aLone", "AT_dataset", gnode{Name: "lonely", URI: "abcd", State: state(mlmd.ArtifactStateLive), Props: x5p, Custom: x5c}},
		fnode{"aFooX", "AT_foo", gnode{Name: "fooXbar", URI: "abXc9", State: state(mlmd.ArtifactStatePending), Props: pv("foo", str("2")), Custom: pv("1", str("2"), "2", i64(0))}})

	estate := func(s mlmd.ExecutionState) int32 { return int32(s) }
	g.put(executions, fnode{"eTrain", "ET_trainer", gnode{Name: "foo_train", State: estate(mlmd.ExecutionStateNew), Props: x1p, Custom: x1c}})
	g.put(executions, fnode{"eFoo", "ET_foo", gnode{Name: "foo_exec", State: estate(mlmd.ExecutionStateRunning), Props: x3p, Custom: x3c}})
	g.put(executions, fnode{"eDone", "ET_trainer", gnode{Name: "done", State: estate(mlmd.ExecutionStateComplete), ExternalID: "ext_done", Props: x2p, Custom: x2c}})
	g.put(executions,
		fnode{"eBare", "ET_trainer", gnode{Name: "bare", Props: x4p, Custom: x4c}},
		fnode{"eLone", "ET_trainer", gnode{Name: "lonely", State: estate(mlmd.ExecutionStateCanceled), Props: x5p, Custom: x5c}})

	g.link("cExp", "aIn", "aModel", "aBare", "eTrain")
	g.link("cRun2", "aIn", "aOut", "eTrain", "eDone", "eFoo")
	g.link("cFoo", "aModel", "aFooX", "eFoo")
	g.link("cProps", "aBare", "eBare")

	g.event("aIn", "eTrain", mlmd.EventInput, 0)
	g.event("aOut", "eTrain", mlmd.EventOutput, 0)
	g.event("aIn", "eFoo", mlmd.EventDeclaredInput, 0)
	g.event("aFooX", "eFoo", mlmd.EventDeclaredOutput, 0)
	g.event("aBare", "eDone", mlmd.EventInput, 0)
	g.event("aOut", "eDone", mlmd.EventInput, 0)
	g.event("aModel", "eDone", mlmd.EventOutput, 5)
	g.tick()

	touch := func(n *gnode) {
		c := pv("touched", boolean(true))
		for k, v := range n.Custom {
			c[k] = v
		}
		n.Custom = c
	}
	g.update(touch, "aOut", "aLone")
	g.update(touch, "eDone", "eLone")
	g.update(touch, "cRun3", "cExp2")
	return g
}

// builderRows are the cases of filter_query_builder_test.cc, in its order,
// for each kind it tests them on, with ids and times of the graph in place
// of its literals. Where the upstream query would not tell nodes apart on
// this graph (a condition true of every candidate, or an impossible one),
// a row with an adapted value follows it.
var builderRows = []filterRow{
	// Attributes of every kind.
	{"A", "type_id = {AT_dataset}", "aIn aOut aBare aLone"},
	{"E", "type_id = {ET_trainer}", "eTrain eDone eBare eLone"},
	{"C", "type_id = {CT_pipeline_run}", "cRun2 cRun3 cRun4"},
	{"A", "NOT(type_id = {AT_dataset})", "aModel aFooX"},
	{"E", "NOT(type_id = {ET_trainer})", "eFoo"},
	{"C", "NOT(type_id = {CT_pipeline_run})", "cParent cPipe cPipe2 cRun cExp cExp2 cFoo cProps"},
	{"A", "type = 'foo'", "aModel aFooX"},
	{"E", "type = 'foo'", "eFoo"},
	{"C", "type = 'foo'", "cFoo"},

	// Artifact-only attributes.
	{"A", "uri like 'abc'", "aModel"},
	{"A", "state = LIVE AND state = DELETED", ""},
	{"A", "state = LIVE OR state = DELETED", "aIn aModel aLone"},
	{"A", "state IN (LIVE, PENDING)", "aIn aOut aLone aFooX"},
	// NOT IN keeps the artifacts without a state.
	{"A", "state NOT IN (DELETED)", "aIn aOut aBare aLone aFooX"},

	// Execution-only attributes.
	{"E", "last_known_state = NEW OR last_known_state = COMPLETE", "eTrain eDone"},
	{"E", "last_known_state IN (NEW, RUNNING)", "eTrain eFoo"},

	// Contexts of artifacts and executions.
	{"A", "contexts_0.id = {cExp}", "aIn aModel aBare"},
	{"E", "contexts_0.id = {cExp}", "eTrain"},
	{"A", "contexts_0.name = 'properties.node.node'", "aBare"},
	{"E", "contexts_0.name = 'properties.node.node'", "eBare"},
	{"A", "contexts_0.id = {cFoo} AND contexts_0.name LIKE 'foo%'", "aModel aFooX"},
	{"E", "contexts_0.id = {cFoo} AND contexts_0.name LIKE 'foo%'", "eFoo"},
	{"A", "contexts_0.id = {cExp} AND contexts_0.name LIKE 'foo%'", ""},
	{"E", "contexts_0.id = {cExp} AND contexts_0.name LIKE 'foo%'", ""},
	{"A", "contexts_0.id = {cFoo} AND contexts_0.create_time_since_epoch > {ct:cExp2}", "aModel aFooX"},
	{"E", "contexts_0.id = {cFoo} AND contexts_0.create_time_since_epoch > {ct:cExp2}", "eFoo"},
	{"A", "contexts_0.id = {cFoo} AND contexts_0.create_time_since_epoch > {ct:cFoo}", ""},
	{"E", "contexts_0.id = {cFoo} AND contexts_0.create_time_since_epoch > {ct:cFoo}", ""},
	// Two aliases may name the same context or two different ones.
	{"A", "contexts_0.id = {cRun2} AND contexts_1.id != {cRun2}", "aIn"},
	{"E", "contexts_0.id = {cRun2} AND contexts_1.id != {cRun2}", "eTrain eFoo"},
	{"A", "contexts_0.id = {cRun2} AND contexts_0.last_update_time_since_epoch < {ut:cExp} AND contexts_1.id != {cRun2}", "aIn"},
	{"E", "contexts_0.id = {cRun2} AND contexts_0.last_update_time_since_epoch < {ut:cExp} AND contexts_1.id != {cRun2}", "eTrain eFoo"},
	{"A", "contexts_0.id = {cRun2} AND contexts_0.last_update_time_since_epoch < {ut:cRun2} AND contexts_1.id != {cRun2}", ""},
	{"A", "type_id = {AT_dataset} AND contexts_0.id = {cExp}", "aIn aBare"},
	{"E", "type_id = {ET_trainer} AND contexts_0.id = {cRun2}", "eTrain eDone"},
	{"A", "(type_id = {AT_dataset} OR type != 'foo') AND contexts_0.id = {cExp}", "aIn aBare"},
	{"E", "(type_id = {ET_trainer} OR type != 'foo') AND contexts_0.id = {cRun2}", "eTrain eDone"},

	// Artifacts of contexts.
	{"C", "artifacts_0.id = {aIn}", "cExp cRun2"},
	{"C", "artifacts_0.uri like 'ab_c%'", "cExp cRun2 cFoo"},
	{"C", "artifacts_0.state = LIVE", "cExp cRun2"},
	{"C", "artifacts_0.state IN (PENDING, LIVE)", "cExp cRun2 cFoo"},
	{"C", "artifacts_0.id = {aIn} AND artifacts_0.name LIKE 'foo%'", "cExp cRun2"},
	{"C", "artifacts_0.id = {aModel} AND artifacts_0.name LIKE 'foo%'", ""},
	{"C", "artifacts_0.id = {aModel} AND artifacts_0.create_time_since_epoch > {ct:aIn}", "cExp cFoo"},
	{"C", "artifacts_0.id = {aBare} AND artifacts_1.id != {aBare}", "cExp"},
	{"C", "artifacts_0.id = {aBare} AND artifacts_0.last_update_time_since_epoch < {ut:aOut} AND artifacts_1.id != {aBare}", "cExp"},
	{"C", "type_id = {CT_exp} AND artifacts_0.id = {aModel}", "cExp"},
	{"C", "(type_id = {CT_exp} OR type != 'foo') AND artifacts_0.id = {aModel}", "cExp"},

	// Executions of contexts.
	{"C", "executions_0.id = {eTrain}", "cExp cRun2"},
	{"C", "executions_0.id = {eFoo} AND executions_0.name LIKE 'foo%'", "cRun2 cFoo"},
	{"C", "executions_0.id = {eTrain} AND executions_0.create_time_since_epoch > {ct:aFooX}", "cExp cRun2"},
	{"C", "executions_0.id = {eTrain} AND executions_1.id != {eTrain}", "cRun2"},
	{"C", "executions_0.id = {eTrain} AND executions_0.last_update_time_since_epoch < {ut:eDone} AND executions_1.id != {eTrain}", "cRun2"},
	{"C", "type_id = {CT_pipeline_run} AND executions_0.id = {eTrain}", "cRun2"},
	{"C", "(type_id = {CT_pipeline_run} OR type != 'foo') AND executions_0.id = {eFoo}", "cRun2"},
	{"C", "executions_0.last_known_state = COMPLETE", "cRun2"},
	{"C", "executions_0.last_known_state IN (COMPLETE, RUNNING)", "cRun2 cFoo"},

	// Properties and custom properties of every kind. A property a query
	// names must exist on the node, under OR too.
	{"A", "properties.p0.int_value = 1", "aIn"},
	{"E", "properties.p0.int_value = 1", "eTrain"},
	{"C", "properties.p0.int_value = 1", "cExp"},
	{"A", "properties.`0:b`.int_value = 1", "aIn aOut"},
	{"E", "properties.`0:b`.int_value = 1", "eTrain eDone"},
	{"C", "properties.`0:b`.int_value = 1", "cExp cExp2"},
	{"A", "custom_properties.`0 b`.string_value != '1'", "aIn aModel"},
	{"E", "custom_properties.`0 b`.string_value != '1'", "eTrain eFoo"},
	{"C", "custom_properties.`0 b`.string_value != '1'", "cExp cFoo"},
	{"A", "properties.`0:b`.int_value = 1 AND properties.foo.double_value > 1 AND custom_properties.`0 b`.string_value != '1'", "aIn"},
	{"E", "properties.`0:b`.int_value = 1 AND properties.foo.double_value > 1 AND custom_properties.`0 b`.string_value != '1'", "eTrain"},
	{"C", "properties.`0:b`.int_value = 1 AND properties.foo.double_value > 1 AND custom_properties.`0 b`.string_value != '1'", "cExp"},
	{"A", "properties.p0.int_value = 1 OR properties.p0.string_value = '1' ", "aIn aModel"},
	{"E", "properties.p0.int_value = 1 OR properties.p0.string_value = '1' ", "eTrain eFoo"},
	{"C", "properties.p0.int_value = 1 OR properties.p0.string_value = '1' ", "cExp cFoo"},
	{"A", "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", "aIn aOut"},
	{"E", "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", "eTrain eDone"},
	{"C", "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1", "cExp cExp2"},
	{"A", "(properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1) AND properties.p1.double_value > 0.95 AND custom_properties.p2.string_value = 'name'", "aIn"},
	{"E", "(properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1) AND properties.p1.double_value > 0.95 AND custom_properties.p2.string_value = 'name'", "eTrain"},
	{"C", "(properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1) AND properties.p1.double_value > 0.95 AND custom_properties.p2.string_value = 'name'", "cExp"},

	// Attributes, contexts, properties and custom properties.
	{"A", "type = 'dataset' AND (contexts_0.name = 'my_run' AND contexts_0.type = 'exp') AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9)", "aIn"},
	{"E", "type = 'trainer' AND (contexts_0.name = 'my_run' AND contexts_0.type = 'exp') AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9)", "eTrain"},

	// Parent contexts.
	{"C", "parent_contexts_0.id = {cPipe}", "cRun cRun2 cRun3 cRun4"},
	{"C", "parent_contexts_0.id = {cParent} AND parent_contexts_0.name LIKE 'parent%'", "cPipe cRun2 cFoo"},
	{"C", "parent_contexts_0.id = {cPipe} AND parent_contexts_0.name LIKE 'parent%'", ""},
	{"C", "parent_contexts_0.id = {cPipe} AND parent_contexts_1.id != {cPipe}", "cRun cRun2"},
	{"C", "type_id = {CT_pipeline_run} AND parent_contexts_0.id = {cPipe}", "cRun2 cRun3 cRun4"},
	{"C", "(type_id = {CT_pipeline_run} OR type != 'foo') AND parent_contexts_0.id = {cParent}", "cPipe cRun2"},
	{"C", "type = 'pipeline_run' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (parent_contexts_0.name = 'pipeline_context' AND parent_contexts_0.type = 'pipeline')", "cRun2 cRun3"},

	// Child contexts.
	{"C", "child_contexts_0.id = {cRun}", "cPipe cPipe2"},
	{"C", "child_contexts_0.id = {cFoo} AND child_contexts_0.name LIKE 'foo%'", "cParent"},
	{"C", "child_contexts_0.id = {cRun} AND child_contexts_1.id != {cRun}", "cPipe"},
	{"C", "type_id = {CT_pipeline} AND child_contexts_0.id = {cRun2}", "cPipe"},
	{"C", "(type_id = {CT_pipeline} OR type != 'foo') AND child_contexts_0.id = {cRun2}", "cPipe cParent"},
	{"C", "(type_id = {CT_pipeline} OR type != 'parent_context_type') AND child_contexts_0.id = {cRun2}", "cPipe"},
	{"C", "type = 'pipeline' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (child_contexts_0.name = 'pipeline_run' AND child_contexts_0.type = 'runs')", "cPipe"},
	{"C", "type = 'pipeline' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (parent_contexts_0.name = 'parent_context1' AND parent_contexts_0.type = 'parent_context_type') AND (child_contexts_0.name = 'pipeline_run' AND child_contexts_0.type = 'runs')", "cPipe"},

	// Events of artifacts and executions.
	{"A", "events_0.execution_id = {eTrain}", "aIn aOut"},
	{"A", "events_0.type = INPUT", "aIn aOut aBare"},
	{"E", "events_0.type = INPUT", "eTrain eDone"},
	{"A", "events_0.type = INPUT OR events_0.type = OUTPUT", "aIn aOut aModel aBare"},
	{"E", "events_0.type = INPUT OR events_0.type = OUTPUT", "eTrain eDone"},
	{"A", "events_0.type IN (INPUT, DECLARED_INPUT)", "aIn aOut aBare"},
	{"E", "events_0.type IN (INPUT, DECLARED_INPUT)", "eTrain eFoo eDone"},
	{"A", "uri = 'http://some_path' AND events_0.type = INPUT", "aOut"},
}

// resolverRows are the accepted queries of
// filter_query_ast_resolver_test.cc (kValidTestQueries), for each kind
// they are tested on, except those that are also builder cases, with
// values of the graph in place of their literals.
var resolverRows = []filterRow{
	// Attributes.
	{"A", "id != {aIn}", "aOut aModel aBare aLone aFooX"},
	{"E", "id != {eTrain}", "eFoo eDone eBare eLone"},
	{"C", "id != {cExp}", "cParent cPipe cPipe2 cRun cRun2 cRun3 cRun4 cExp2 cFoo cProps"},
	{"A", "id IN ({aIn}, {aModel})", "aIn aModel"},
	{"E", "id IN ({eTrain}, {eDone})", "eTrain eDone"},
	{"C", "id IN ({cExp}, {cFoo})", "cExp cFoo"},
	{"A", "type_id > {AT_dataset}", "aModel aFooX"},
	{"E", "type_id > {ET_trainer}", "eFoo"},
	{"C", "type_id > {CT_pipeline_run}", "cRun cParent"},
	{"A", "type_id + 1 > {AT_foo}", "aModel aFooX"},
	{"E", "type_id + 1 > {ET_foo}", "eFoo"},
	{"C", "type_id + 1 > {CT_runs}", "cRun cParent"},
	{"A", "type = 'dataset'", "aIn aOut aBare aLone"},
	{"E", "type = 'trainer'", "eTrain eDone eBare eLone"},
	{"C", "type = 'exp'", "cExp cExp2 cProps"},
	{"A", "type IS NOT NULL", "aIn aOut aModel aBare aLone aFooX"},
	{"E", "type IS NOT NULL", "eTrain eFoo eDone eBare eLone"},
	{"C", "type IS NOT NULL", "cParent cPipe cPipe2 cRun cRun2 cRun3 cRun4 cExp cExp2 cFoo cProps"},
	{"A", "uri = 'abc'", "aModel"},
	{"A", "uri LIKE 'abc'", "aModel"},
	{"A", "uri IS NOT NULL", "aIn aOut aModel aLone aFooX"},
	{"A", "name = 'lonely'", "aLone"},
	{"E", "name = 'lonely'", "eLone"},
	{"C", "name = 'run3'", "cRun3"},
	{"A", "external_id = 'ext_in'", "aIn"},
	{"E", "external_id = 'ext_done'", "eDone"},
	{"C", "external_id = 'ext_run4'", "cRun4"},
	{"A", "create_time_since_epoch = {ct:aModel}", "aModel"},
	{"E", "create_time_since_epoch = {ct:eFoo}", "eFoo"},
	{"C", "create_time_since_epoch = {ct:cRun3}", "cRun2 cRun3 cRun4"},
	{"A", "create_time_since_epoch > {ct:aModel}", "aBare aLone aFooX"},
	{"E", "create_time_since_epoch > {ct:eDone}", "eBare eLone"},
	{"C", "create_time_since_epoch > {ct:cExp2}", "cFoo cProps"},
	{"A", "create_time_since_epoch + 1 > {ct:aBare}", "aBare aLone aFooX"},
	{"E", "create_time_since_epoch + 1 > {ct:eBare}", "eBare eLone"},
	{"C", "create_time_since_epoch + 1 > {ct:cRun2}", "cRun2 cRun3 cRun4 cExp cExp2 cFoo cProps"},
	{"A", "last_update_time_since_epoch = {ut:aOut}", "aOut aLone"},
	{"E", "last_update_time_since_epoch = {ut:eDone}", "eDone eLone"},
	{"C", "last_update_time_since_epoch = {ut:cRun3}", "cRun3 cExp2"},
	{"A", "last_update_time_since_epoch > {ct:aFooX}", "aOut aLone"},
	{"E", "last_update_time_since_epoch > {ct:eLone}", "eDone eLone"},
	{"C", "last_update_time_since_epoch > {ct:cProps}", "cRun3 cExp2"},
	{"A", "last_update_time_since_epoch + 1 > {ct:aModel}", "aOut aModel aBare aLone aFooX"},
	{"E", "last_update_time_since_epoch + 1 > {ct:eDone}", "eDone eBare eLone"},
	{"C", "last_update_time_since_epoch + 1 > {ct:cFoo}", "cRun3 cExp2 cFoo cProps"},

	// Contexts, artifacts and executions as neighbours, under any alias.
	{"A", "contexts_2.name = 'my_run'", "aIn aModel aBare"},
	{"E", "contexts_2.name = 'my_run'", "eTrain"},
	{"A", "contexts_abc.type = 'foo'", "aModel aFooX"},
	{"E", "contexts_abc.type = 'foo'", "eFoo"},
	{"A", "contexts_abc.create_time_since_epoch = {ct:cRun3}", "aIn aOut"},
	{"E", "contexts_abc.create_time_since_epoch = {ct:cRun3}", "eTrain eDone eFoo"},
	{"A", "contexts_abc.last_update_time_since_epoch = {ut:cExp}", "aIn aModel aBare"},
	{"E", "contexts_abc.last_update_time_since_epoch = {ut:cExp}", "eTrain"},
	{"C", "artifacts_2.name = 'model'", "cExp cFoo"},
	{"C", "artifacts_abc.type = 'foo'", "cExp cFoo"},
	{"C", "artifacts_abc.create_time_since_epoch = {ct:aBare}", "cExp cFoo cProps"},
	{"C", "artifacts_abc.last_update_time_since_epoch = {ut:aOut}", "cRun2"},
	{"C", "executions_2.name = 'done'", "cRun2"},
	{"C", "executions_abc.type = 'foo'", "cRun2 cFoo"},
	{"C", "executions_abc.create_time_since_epoch = {ct:eBare}", "cProps"},
	{"C", "executions_abc.last_update_time_since_epoch = {ut:eDone}", "cRun2"},

	// Logical operators.
	{"A", "type_id = {AT_dataset} AND uri != 'abc'", "aIn aOut aLone"},
	{"A", "type_id = {AT_dataset} OR uri != 'abc'", "aIn aOut aBare aLone aFooX"},
	{"A", "NOT(type_id = {AT_dataset}) AND (contexts_foo.type = 'bar' OR uri like 'x%')", ""},
	{"A", "NOT(type_id = {AT_dataset}) AND (contexts_foo.type = 'exp' OR uri like 'x%')", "aModel"},

	// Properties and custom properties, with names that start with a digit.
	{"A", "properties.0.int_value = 1", "aLone"},
	{"E", "properties.0.int_value = 1", "eLone"},
	{"C", "properties.0.int_value = 1", "cExp2"},
	{"A", "properties.foo.string_value = '2'", "aModel aFooX"},
	{"E", "properties.foo.string_value = '2'", "eFoo"},
	{"C", "properties.foo.string_value = '2'", "cFoo"},
	{"A", "properties.bar_baz.double_value IS NOT NULL", "aBare"},
	{"E", "properties.bar_baz.double_value IS NOT NULL", "eBare"},
	{"C", "properties.bar_baz.double_value IS NOT NULL", "cProps"},
	{"A", "properties.qux.bool_value = true", "aLone"},
	{"E", "properties.qux.bool_value = true", "eLone"},
	{"C", "properties.qux.bool_value = true", "cExp2"},
	{"A", "custom_properties.0.double_value > 1.0", "aLone"},
	{"E", "custom_properties.0.double_value > 1.0", "eLone"},
	{"C", "custom_properties.0.double_value > 1.0", "cExp2"},
	{"A", "custom_properties.1.string_value = '2'", "aModel aFooX"},
	{"E", "custom_properties.1.string_value = '2'", "eFoo"},
	{"C", "custom_properties.1.string_value = '2'", "cFoo"},
	{"A", "custom_properties.2.int_value != 0", "aBare"},
	{"E", "custom_properties.2.int_value != 0", "eBare"},
	{"C", "custom_properties.2.int_value != 0", "cProps"},
	{"A", "custom_properties.3.bool_value != false", "aLone"},
	{"E", "custom_properties.3.bool_value != false", "eLone"},
	{"C", "custom_properties.3.bool_value != false", "cExp2"},
	{"A", "properties.`0:b`.int_value = 1 AND properties.foo.double_value = 2 AND custom_properties.`0 b`.string_value != '1'", "aIn"},
	{"E", "properties.`0:b`.int_value = 1 AND properties.foo.double_value = 2 AND custom_properties.`0 b`.string_value != '1'", "eTrain"},
	{"C", "properties.`0:b`.int_value = 1 AND properties.foo.double_value = 2 AND custom_properties.`0 b`.string_value != '1'", "cExp"},
	{"A", "properties.0.int_value > 1 OR custom_properties.0.int_value > 1 ", "aIn"},
	{"E", "properties.0.int_value > 1 OR custom_properties.0.int_value > 1 ", "eTrain"},
	{"C", "properties.0.int_value > 1 OR custom_properties.0.int_value > 1 ", "cExp"},
	// Every neighbour and property named must exist: only aIn and eTrain
	// have a context, properties 0 and custom properties 0 and 1.
	{"A", "type_id = {AT_dataset} OR type = 'dataset' AND contexts_0.name = '1' AND (properties.0.int_value > 1 OR custom_properties.0.int_value > 1) AND custom_properties.1.string_value IS NOT NULL", "aIn"},
	{"E", "type_id = {ET_trainer} OR type = 'trainer' AND contexts_0.name = '1' AND (properties.0.int_value > 1 OR custom_properties.0.int_value > 1) AND custom_properties.1.string_value IS NOT NULL", "eTrain"},

	// Parent and child contexts.
	{"C", "child_contexts_0.id = {cRun4}", "cPipe"},
	{"C", "child_contexts_2.name = 'run3'", "cPipe"},
	{"C", "child_contexts_abc.type = 'foo'", "cParent"},
	{"C", "parent_contexts_0.id = {cPipe2}", "cRun"},
	{"C", "parent_contexts_2.name = 'pipeline_b'", "cRun"},
	{"C", "parent_contexts_abc.type = 'parent_context_type'", "cPipe cRun2 cFoo"},

	// States.
	{"A", "state = PENDING", "aOut aFooX"},
	{"A", "state=PENDING", "aOut aFooX"},
	{"A", "state != PENDING", "aIn aModel aBare aLone"},
	{"A", "state = LIVE", "aIn aLone"},
	{"A", "state = PENDING AND state = LIVE", ""},
	{"A", "state IN (PENDING, LIVE)", "aIn aOut aLone aFooX"},
	{"A", "state IS NULL", "aBare"},
	{"E", "last_known_state = RUNNING", "eFoo"},
	{"E", "last_known_state != RUNNING", "eTrain eDone eBare eLone"},
	{"E", "last_known_state = CANCELED", "eLone"},
	{"E", "last_known_state!=COMPLETE", "eTrain eFoo eBare eLone"},
	{"E", "last_known_state IN (COMPLETE, RUNNING)", "eFoo eDone"},
	{"E", "last_known_state IS NOT NULL", "eTrain eFoo eDone eLone"},

	// Events.
	{"A", "events_0.execution_id = {eDone}", "aOut aModel aBare"},
	{"E", "events_0.artifact_id = {aIn}", "eTrain eFoo"},
	{"A", "events_0.milliseconds_since_epoch = 5", "aModel"},
	{"E", "events_0.milliseconds_since_epoch = 5", "eDone"},
	{"A", "events_0.type=OUTPUT", "aOut aModel"},
	{"E", "events_0.type=OUTPUT", "eTrain eDone"},
	{"A", "events_0.type IN (OUTPUT, DECLARED_OUTPUT)", "aOut aModel aFooX"},
	{"E", "events_0.type IN (OUTPUT, DECLARED_OUTPUT)", "eTrain eFoo eDone"},
}
