package drivertest

// Filter queries that are rejected: MLMD's resolver test's invalid
// queries, the access-object and Python tests' errors, and the store
// suite's unterminated string. Each is InvalidArgument with a message that
// gives the position and the cause, from every listing that takes a filter.

import (
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var filterErrorsCases = []testCase{{name: "Filters/Errors", runWithClock: testFilterErrors}}

// filterError is a rejected query, the kinds (A, E, C) it is rejected
// for, and a part of the message.
type filterError struct {
	kinds    string
	query    string
	contains string
}

// Parts of messages that recur.
const (
	noCtx  = "contexts have no contexts_<alias> neighbours"
	noEvt  = "contexts have no events_<alias> neighbours"
	condOf = "the query must be a condition, but "
)

var filterErrors = []filterError{
	// filter_query_ast_resolver_test.cc, kInValidTestQueriesWithErrors.
	// (Its first case, the empty query, is no filter at all for a
	// listing: see Filters/EmptyQuery.)
	{"AEC", "a == 'a'", `1:3: "==" is not an operator; use "=" to compare`},
	{"A", "a", `1:1: unknown attribute "a" for artifacts (expected one of id, type_id, type, uri, state, name,`},
	{"E", "a", `1:1: unknown attribute "a" for executions (expected one of id, type_id, type, last_known_state, name,`},
	{"C", "a", `1:1: unknown attribute "a" for contexts (expected one of id, type_id, type, name,`},
	{"AEC", "a = 'a'", `1:1: unknown attribute "a" for `},
	{"AEC", "'a'", condOf + "'a' is a string"},
	{"AEC", "type_id", condOf + "type_id is an integer"},
	{"AEC", "id = 'a'", "1:4: cannot compare id (integer) with 'a' (string)"},
	{"AEC", "type_id = 'a'", "1:9: cannot compare type_id (integer) with 'a' (string)"},
	{"AEC", "type = 1", "1:6: cannot compare type (string) with 1 (integer)"},
	{"A", "uri = 1", "1:5: cannot compare uri (string) with 1 (integer)"},
	{"E", "uri = 1", `1:1: executions have no attribute "uri"`},
	{"C", "uri = 1", `1:1: contexts have no attribute "uri"`},
	{"AEC", "create_time_since_epoch = 'a'", "1:25: cannot compare create_time_since_epoch (integer) with 'a' (string)"},
	{"AEC", "create_time_since_epoch = a", `1:27: unknown attribute "a"`},
	{"AEC", "last_update_time_since_epoch = 'a'", "1:30: cannot compare last_update_time_since_epoch (integer) with 'a' (string)"},
	{"AEC", "last_update_time_since_epoch = a", `1:32: unknown attribute "a"`},
	{"AEC", "name = 1", "1:6: cannot compare name (string) with 1 (integer)"},
	{"AEC", "name = a", `1:8: unknown attribute "a"`},
	{"AEC", "external_id = 1", "1:13: cannot compare external_id (string) with 1 (integer)"},
	{"AEC", "external_id = a", `1:15: unknown attribute "a"`},
	{"AE", "contexts", "1:1: contexts needs an alias and a field, e.g. contexts_a.name"},
	{"C", "contexts", "1:1: " + noCtx},
	{"AE", "contexts_0", "1:1: contexts_0 needs a field, e.g. contexts_0.name (expected one of id, name, type, create_time_since_epoch, last_update_time_since_epoch)"},
	{"C", "contexts_0", "1:1: " + noCtx},
	{"AE", "contexts_0.foo", `1:12: unknown field "foo" of contexts_0`},
	{"AE", "contexts_0.id.", "1:15: unexpected end of query (expected a name)"},
	{"AE", "contexts_0.id.bar", `1:15: contexts_0.id has no field "bar"`},
	{"A", "artifacts", "1:1: artifacts have no artifacts_<alias> neighbours (contexts only)"},
	{"E", "artifacts", "1:1: executions have no artifacts_<alias> neighbours (contexts only)"},
	{"C", "artifacts", "1:1: artifacts needs an alias and a field"},
	{"A", "artifacts_0", "1:1: artifacts have no artifacts_<alias> neighbours"},
	{"E", "artifacts_0", "1:1: executions have no artifacts_<alias> neighbours"},
	{"C", "artifacts_0", "1:1: artifacts_0 needs a field, e.g. artifacts_0.name (expected one of id, name, type, state, uri, external_id,"},
	{"C", "artifacts_0.foo", `1:13: unknown field "foo" of artifacts_0`},
	{"C", "artifacts_0.id.", "1:16: unexpected end of query (expected a name)"},
	{"C", "artifacts_0.id.bar", `1:16: artifacts_0.id has no field "bar"`},
	{"A", "executions", "1:1: artifacts have no executions_<alias> neighbours"},
	{"E", "executions", "1:1: executions have no executions_<alias> neighbours"},
	{"C", "executions", "1:1: executions needs an alias and a field"},
	{"A", "executions_0", "1:1: artifacts have no executions_<alias> neighbours"},
	{"E", "executions_0", "1:1: executions have no executions_<alias> neighbours"},
	{"C", "executions_0", "1:1: executions_0 needs a field, e.g. executions_0.name (expected one of id, name, type, last_known_state, external_id,"},
	{"C", "executions_0.foo", `1:14: unknown field "foo" of executions_0`},
	{"C", "executions_0.id.", "1:17: unexpected end of query (expected a name)"},
	{"C", "executions_0.id.bar", `1:17: executions_0.id has no field "bar"`},
	{"AEC", "properties", "1:1: properties needs a property name and a value field, e.g. properties.my_property.int_value"},
	{"AEC", "properties.foo", "1:12: properties.foo needs a value field (expected one of int_value, double_value, string_value, bool_value)"},
	{"AEC", "properties.bar.", "1:16: unexpected end of query (expected a name)"},
	{"AEC", "properties.baz.int", `1:16: unknown value field "int" of properties.baz`},
	{"AEC", "properties.0:b.int_value = 1", "1:13: unexpected character ':' (a name with characters other than letters, digits and _ must be backquoted"},
	{"AEC", "custom_properties", "1:1: custom_properties needs a property name and a value field"},
	{"AEC", "custom_properties.foo", "1:19: custom_properties.foo needs a value field"},
	{"AEC", "custom_properties.bar.", "1:23: unexpected end of query (expected a name)"},
	{"AEC", "custom_properties.baz.string", `1:23: unknown value field "string" of custom_properties.baz`},
	{"AEC", "custom_properties.0:b.string_value", "1:20: unexpected character ':'"},
	{"C", "child_contexts", "1:1: child_contexts needs an alias and a field"},
	{"C", "child_contexts_0", "1:1: child_contexts_0 needs a field"},
	{"C", "child_contexts_0.foo", `1:18: unknown field "foo" of child_contexts_0`},
	{"C", "child_contexts_0.id.", "1:21: unexpected end of query (expected a name)"},
	{"C", "child_contexts_0.id.bar", `1:21: child_contexts_0.id has no field "bar"`},
	{"C", "parent_contexts", "1:1: parent_contexts needs an alias and a field"},
	{"C", "parent_contexts_0", "1:1: parent_contexts_0 needs a field"},
	{"C", "parent_contexts_0.foo", `1:19: unknown field "foo" of parent_contexts_0`},
	{"C", "parent_contexts_0.id.", "1:22: unexpected end of query (expected a name)"},
	{"C", "parent_contexts_0.id.bar", `1:22: parent_contexts_0.id has no field "bar"`},
	{"AE", "parent_contexts_0.id = 1", "have no parent_contexts_<alias> neighbours (contexts only)"},
	{"AE", "child_contexts_0.name = 'x'", "have no child_contexts_<alias> neighbours (contexts only)"},
	{"A", "state", condOf + "state is an enum"},
	{"A", "state = 'LIVE'", "1:9: state is compared with a string; use a name such as LIVE"},
	{"A", "state = 1", "1:9: state is compared with a number; use a name such as LIVE"},
	{"E", "last_known_state", condOf + "last_known_state is an enum"},
	{"E", "last_known_state = 'RUNNING'", "1:20: last_known_state is compared with a string; use a name such as RUNNING"},
	{"E", "last_known_state = 1", "1:20: last_known_state is compared with a number"},
	{"A", "state = RUNNING", `1:9: unknown artifact state "RUNNING" (expected one of UNKNOWN, PENDING, LIVE,`},
	{"A", "state IN RUNNING", `1:10: unexpected name RUNNING (expected "(" and a list of values)`},
	{"E", "last_known_state = LIVE", `1:20: unknown execution state "LIVE" (expected one of UNKNOWN, NEW, RUNNING,`},
	{"E", "last_known_state IN ()", `1:22: unexpected ")"`},
	{"E", "last_known_state NOT IN (PENDING)", `1:26: unknown execution state "PENDING"`},
	{"EC", "state = LIVE", `have no attribute "state"`},
	{"AC", "last_known_state = NEW", `have no attribute "last_known_state"`},
	{"A", "events_0.field_1 = '1'", `1:10: unknown field "field_1" of events_0 (expected one of type, milliseconds_since_epoch, execution_id)`},
	{"E", "events_0.field_1 = '1'", `1:10: unknown field "field_1" of events_0 (expected one of type, milliseconds_since_epoch, artifact_id)`},
	{"AE", "events", "1:1: events needs an alias and a field"},
	{"AE", "events_0.execution_id.", "1:23: unexpected end of query (expected a name)"},
	{"AE", "events_0.type = SOME_ENUM", `1:17: unknown event type "SOME_ENUM" (expected one of UNKNOWN, DECLARED_OUTPUT, DECLARED_INPUT, INPUT, OUTPUT,`},
	{"AE", "events_0.type IN (SOME_ENUM)", `1:19: unknown event type "SOME_ENUM"`},
	{"A", "events_0.artifact_id = 1", `1:10: unknown field "artifact_id" of events_0`},
	{"E", "events_0.execution_id = 1", `1:10: unknown field "execution_id" of events_0`},
	{"C", "events_0.artifact_id = 1", "1:1: " + noEvt},
	{"C", "events_0.execution_id = 1", "1:1: " + noEvt},
	{"C", "events_0.type = INPUT", "1:1: " + noEvt},

	// metadata_access_object_test.cc, ListNodesFilterWithErrors.
	{"A", "unknown_field = 'uri_3' and type_id = 1", `1:1: unknown attribute "unknown_field" for artifacts`},
	{"E", "unknown_field = 'uri_3' and type_id = 1", `1:1: unknown attribute "unknown_field" for executions`},
	{"C", "unknown_field = 'uri_3' and type_id = 1", `1:1: unknown attribute "unknown_field" for contexts`},
	{"A", "executions_c.id = 123", "1:1: artifacts have no executions_<alias> neighbours (contexts only); artifacts can use contexts_<alias>., events_<alias>. and properties"},
	{"A", "artifacts_c.id = 123", "1:1: artifacts have no artifacts_<alias> neighbours (contexts only)"},
	{"E", "executions_c.id = 123", "1:1: executions have no executions_<alias> neighbours (contexts only); executions can use contexts_<alias>., events_<alias>. and properties"},
	{"E", "artifacts_c.id = 123", "1:1: executions have no artifacts_<alias> neighbours (contexts only)"},
	{"C", "contexts_c.id = 123", "1:1: " + noCtx},

	// metadata_store_test_suite.cc, GetExecutionFilterWithSpecialChars.
	{"AEC", "\n      name = 'exe_name_with_''", "2:30: unterminated string literal (missing closing ')"},

	// metadata_store_test.py, test_get_nodes_by_filter_query_syntax_errors.
	{"AEC", "invalid syntax", "1:9: unexpected name syntax (expected an operator, AND, OR or the end of the query)"},

	// A query of blanks is no empty filter.
	{"AEC", "   ", "empty query"},
}

// testFilterErrors checks every rejected query on a store with nodes of
// each kind, a context with members, and events, so that no listing can
// answer without reading the filter.
func testFilterErrors(t *testing.T, s *mlmd.Store, clock *Clock) {
	g := newFGraph(t, s, clock)
	g.typ(artifacts, "at", "at", nil)
	g.typ(executions, "et", "et", nil)
	g.typ(contexts, "ct", "ct", nil)
	g.put(artifacts, fnode{"a", "at", gnode{}})
	g.put(executions, fnode{"e", "et", gnode{}})
	g.put(contexts, fnode{"c", "ct", gnode{}}, fnode{"p", "ct", gnode{}})
	g.link("c", "a", "e")
	g.parents("c", "p")
	g.event("a", "e", mlmd.EventInput, 0)
	for _, fe := range filterErrors {
		for _, letter := range fe.kinds {
			k := kindByLetter(t, string(letter))
			t.Run(k.name+"/"+fe.query, func(t *testing.T) {
				checkFilterError(t, g, k, fe.query, fe.contains)
			})
		}
	}
}

// checkFilterError checks that every listing of kind k that takes a filter
// rejects query with InvalidArgument and a message containing contains:
// the whole listing, with and without paging, each by-type listing of the
// graph, and each by-context listing of a context with members.
func checkFilterError(t *testing.T, g *fgraph, k nodeKind, query, contains string) {
	t.Helper()
	check := func(what string, err error) {
		t.Helper()
		wantCode(t, err, mlmd.InvalidArgument, what)
		if !strings.Contains(err.Error(), contains) {
			t.Errorf("%s: message %q does not contain %q", what, err, contains)
		}
	}
	_, _, err := k.list(t, g.s, &mlmd.ListOptions{FilterQuery: query})
	check("list", err)
	_, _, err = k.list(t, g.s, &mlmd.ListOptions{MaxResultSize: 2, OrderBy: mlmd.OrderByCreateTime, Desc: true, FilterQuery: query})
	check("list, a page of 2", err)
	for _, tl := range g.typesOf[k.name] {
		_, _, err = k.byType(t, g.s, g.typeName[tl], "", &mlmd.ListOptions{FilterQuery: query})
		check("by type "+g.typeName[tl], err)
	}
	if k.byContext == nil {
		return
	}
	for _, cl := range g.nodesOf[contexts.name] {
		if len(g.members[cl]) == 0 {
			continue
		}
		_, _, err = k.byContext(t, g.s, g.idIn(t, cl), &mlmd.ListOptions{MaxResultSize: 1, FilterQuery: query})
		check("by context "+cl, err)
	}
}
