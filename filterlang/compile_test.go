package filterlang

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

type args = []any

// compileCases are accepted queries and the SQL they compile to. where is
// the SQLite condition; mysqlWhere is the MySQL one where it differs
// (LIKE's escape character, division). Integer arguments are int64.
//
// The first part follows the cases of MLMD's filter_query_builder_test.cc
// and filter_query_ast_resolver_test.cc; the rest covers the operators and
// lexical forms MLMD accepts through ZetaSQL.
var compileCases = []struct {
	kind       Kind
	query      string
	joins      string
	where      string
	mysqlWhere string
	args       args
}{
	{KindArtifact, "type_id = 1",
		"",
		"(table_0.type_id = ?)", "",
		args{1}},
	{KindExecution, "type_id = 1",
		"",
		"(table_0.type_id = ?)", "",
		args{1}},
	{KindContext, "type_id = 1",
		"",
		"(table_0.type_id = ?)", "",
		args{1}},
	{KindArtifact, "NOT(type_id = 1)",
		"",
		"(NOT (table_0.type_id = ?))", "",
		args{1}},
	{KindExecution, "NOT(type_id = 1)",
		"",
		"(NOT (table_0.type_id = ?))", "",
		args{1}},
	{KindContext, "NOT(type_id = 1)",
		"",
		"(NOT (table_0.type_id = ?))", "",
		args{1}},
	{KindArtifact, "type = 'foo'",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(table_1.name = ?)", "",
		args{"foo"}},
	{KindExecution, "type = 'foo'",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(table_1.name = ?)", "",
		args{"foo"}},
	{KindContext, "type = 'foo'",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(table_1.name = ?)", "",
		args{"foo"}},
	{KindArtifact, "uri like 'abc'",
		"",
		"(table_0.uri LIKE ? ESCAPE '\\')", "(table_0.uri LIKE ?)",
		args{"abc"}},
	{KindArtifact, "state = LIVE AND state = DELETED",
		"",
		"((table_0.state = ?) AND (table_0.state = ?))", "",
		args{2, 4}},
	{KindArtifact, "state IN (LIVE, PENDING)",
		"",
		"(table_0.state IN (?, ?))", "",
		args{2, 1}},
	{KindArtifact, "state NOT IN (DELETED)",
		"",
		"(table_0.state <> ? OR table_0.state IS NULL)", "",
		args{4}},
	{KindExecution, "last_known_state = NEW OR last_known_state = COMPLETE",
		"",
		"((table_0.last_known_state = ?) OR (table_0.last_known_state = ?))", "",
		args{1, 3}},
	{KindExecution, "last_known_state IN (NEW, RUNNING)",
		"",
		"(table_0.last_known_state IN (?, ?))", "",
		args{1, 2}},
	{KindArtifact, "contexts_0.id = 1",
		"",
		"(table_0.id IN (SELECT link_1.artifact_id FROM Attribution AS link_1 WHERE (link_1.context_id = ?)))", "",
		args{1}},
	{KindExecution, "contexts_0.id = 1",
		"",
		"(table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 WHERE (link_1.context_id = ?)))", "",
		args{1}},
	{KindArtifact, "contexts_0.name = 'properties.node.node'",
		"",
		"(table_0.id IN (SELECT link_1.artifact_id FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE (table_1.name = ?)))", "",
		args{"properties.node.node"}},
	{KindExecution, "contexts_0.id = 1 AND contexts_0.name LIKE 'foo%'",
		"",
		"(table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.name LIKE ? ESCAPE '\\'))))", "(table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.name LIKE ?))))",
		args{1, "foo%"}},
	{KindArtifact, "contexts_0.id = 1 AND contexts_0.create_time_since_epoch > 1",
		"",
		"(table_0.id IN (SELECT link_1.artifact_id FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.create_time_since_epoch > ?))))", "",
		args{1, 1}},
	{KindExecution, "contexts_0.id = 1 AND contexts_1.id != 2",
		"",
		"((table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 WHERE (link_1.context_id = ?))) AND (table_0.id IN (SELECT link_2.execution_id FROM Association AS link_2 WHERE (link_2.context_id <> ?))))", "",
		args{1, 2}},
	{KindArtifact, "contexts_0.id = 1 AND contexts_0.last_update_time_since_epoch < 1 AND contexts_1.id != 2",
		"",
		"((table_0.id IN (SELECT link_1.artifact_id FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.last_update_time_since_epoch < ?)))) AND (table_0.id IN (SELECT link_2.artifact_id FROM Attribution AS link_2 WHERE (link_2.context_id <> ?))))", "",
		args{1, 1, 2}},
	{KindExecution, "type_id = 1 AND contexts_0.id = 1",
		"",
		"((table_0.type_id = ?) AND (table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 WHERE (link_1.context_id = ?))))", "",
		args{1, 1}},
	{KindArtifact, "(type_id = 1 OR type != 'foo') AND contexts_0.id = 1",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(((table_0.type_id = ?) OR (table_1.name <> ?)) AND (table_0.id IN (SELECT link_2.artifact_id FROM Attribution AS link_2 WHERE (link_2.context_id = ?))))", "",
		args{1, "foo", 1}},
	{KindExecution, "(type_id = 1 OR type != 'foo') AND contexts_0.id = 1",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(((table_0.type_id = ?) OR (table_1.name <> ?)) AND (table_0.id IN (SELECT link_2.execution_id FROM Association AS link_2 WHERE (link_2.context_id = ?))))", "",
		args{1, "foo", 1}},
	{KindContext, "artifacts_0.id = 1",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 WHERE (link_1.artifact_id = ?)))", "",
		args{1}},
	{KindContext, "artifacts_0.uri like 'ab_c%'",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE (table_1.uri LIKE ? ESCAPE '\\')))", "(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE (table_1.uri LIKE ?)))",
		args{"ab_c%"}},
	{KindContext, "artifacts_0.state = LIVE",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE (table_1.state = ?)))", "",
		args{2}},
	{KindContext, "artifacts_0.state IN (PENDING, LIVE)",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE (table_1.state IN (?, ?))))", "",
		args{1, 2}},
	{KindContext, "artifacts_0.id = 1 AND artifacts_0.name LIKE 'foo%'",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE ((link_1.artifact_id = ?) AND (table_1.name LIKE ? ESCAPE '\\'))))", "(table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id WHERE ((link_1.artifact_id = ?) AND (table_1.name LIKE ?))))",
		args{1, "foo%"}},
	{KindContext, "artifacts_0.id = 1 AND artifacts_1.id != 2",
		"",
		"((table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 WHERE (link_1.artifact_id = ?))) AND (table_0.id IN (SELECT link_2.context_id FROM Attribution AS link_2 WHERE (link_2.artifact_id <> ?))))", "",
		args{1, 2}},
	{KindContext, "(type_id = 1 OR type != 'foo') AND artifacts_0.id = 1",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(((table_0.type_id = ?) OR (table_1.name <> ?)) AND (table_0.id IN (SELECT link_2.context_id FROM Attribution AS link_2 WHERE (link_2.artifact_id = ?))))", "",
		args{1, "foo", 1}},
	{KindContext, "executions_0.id = 1 AND executions_0.create_time_since_epoch > 1",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Association AS link_1 JOIN Execution AS table_1 ON table_1.id = link_1.execution_id WHERE ((link_1.execution_id = ?) AND (table_1.create_time_since_epoch > ?))))", "",
		args{1, 1}},
	{KindContext, "executions_0.id = 1 AND executions_1.id != 2",
		"",
		"((table_0.id IN (SELECT link_1.context_id FROM Association AS link_1 WHERE (link_1.execution_id = ?))) AND (table_0.id IN (SELECT link_2.context_id FROM Association AS link_2 WHERE (link_2.execution_id <> ?))))", "",
		args{1, 2}},
	{KindContext, "executions_0.last_known_state = COMPLETE",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Association AS link_1 JOIN Execution AS table_1 ON table_1.id = link_1.execution_id WHERE (table_1.last_known_state = ?)))", "",
		args{3}},
	{KindContext, "executions_0.last_known_state IN (COMPLETE, RUNNING)",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM Association AS link_1 JOIN Execution AS table_1 ON table_1.id = link_1.execution_id WHERE (table_1.last_known_state IN (?, ?))))", "",
		args{3, 2}},
	{KindArtifact, "properties.p0.int_value = 1",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"p0", 1}},
	{KindExecution, "properties.p0.int_value = 1",
		"JOIN ExecutionProperty AS table_1 ON table_1.execution_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"p0", 1}},
	{KindContext, "properties.p0.int_value = 1",
		"JOIN ContextProperty AS table_1 ON table_1.context_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"p0", 1}},
	{KindArtifact, "properties.`0:b`.int_value = 1",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"0:b", 1}},
	{KindExecution, "properties.`0:b`.int_value = 1",
		"JOIN ExecutionProperty AS table_1 ON table_1.execution_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"0:b", 1}},
	{KindContext, "properties.`0:b`.int_value = 1",
		"JOIN ContextProperty AS table_1 ON table_1.context_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.int_value = ?)", "",
		args{"0:b", 1}},
	{KindArtifact, "custom_properties.`0 b`.string_value != '1'",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 1",
		"(table_1.string_value <> ?)", "",
		args{"0 b", "1"}},
	{KindExecution, "custom_properties.`0 b`.string_value != '1'",
		"JOIN ExecutionProperty AS table_1 ON table_1.execution_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 1",
		"(table_1.string_value <> ?)", "",
		args{"0 b", "1"}},
	{KindContext, "custom_properties.`0 b`.string_value != '1'",
		"JOIN ContextProperty AS table_1 ON table_1.context_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 1",
		"(table_1.string_value <> ?)", "",
		args{"0 b", "1"}},
	{KindArtifact, "properties.`0:b`.int_value = 1 AND properties.foo.double_value > 1 AND custom_properties.`0 b`.string_value != '1'",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0 JOIN ArtifactProperty AS table_3 ON table_3.artifact_id = table_0.id AND table_3.name = ? AND table_3.is_custom_property = 1",
		"((table_1.int_value = ?) AND (table_2.double_value > ?) AND (table_3.string_value <> ?))", "",
		args{"0:b", "foo", "0 b", 1, 1, "1"}},
	{KindArtifact, "properties.p0.int_value = 1 OR properties.p0.string_value = '1' ",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"((table_1.int_value = ?) OR (table_1.string_value = ?))", "",
		args{"p0", 1, "1"}},
	{KindExecution, "properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1",
		"JOIN ExecutionProperty AS table_1 ON table_1.execution_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN ExecutionProperty AS table_2 ON table_2.execution_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 1",
		"((table_1.int_value > ?) OR (table_2.int_value > ?))", "",
		args{"p0", "p0", 1, 1}},
	{KindContext, "(properties.p0.int_value > 1 OR custom_properties.p0.int_value > 1) AND properties.p1.double_value > 0.95 AND custom_properties.p2.string_value = 'name'",
		"JOIN ContextProperty AS table_1 ON table_1.context_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN ContextProperty AS table_2 ON table_2.context_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 1 JOIN ContextProperty AS table_3 ON table_3.context_id = table_0.id AND table_3.name = ? AND table_3.is_custom_property = 0 JOIN ContextProperty AS table_4 ON table_4.context_id = table_0.id AND table_4.name = ? AND table_4.is_custom_property = 1",
		"(((table_1.int_value > ?) OR (table_2.int_value > ?)) AND (table_3.double_value > ?) AND (table_4.string_value = ?))", "",
		args{"p0", "p0", "p1", "p2", 1, 1, 0.95, "name"}},
	{KindArtifact, "type = 'dataset' AND (contexts_0.name = 'my_run' AND contexts_0.type = 'exp') AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9)",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id JOIN ArtifactProperty AS table_3 ON table_3.artifact_id = table_0.id AND table_3.name = ? AND table_3.is_custom_property = 0 JOIN ArtifactProperty AS table_4 ON table_4.artifact_id = table_0.id AND table_4.name = ? AND table_4.is_custom_property = 1",
		"((table_1.name = ?) AND (table_0.id IN (SELECT link_2.artifact_id FROM Attribution AS link_2 JOIN Context AS table_2 ON table_2.id = link_2.context_id JOIN Type AS type_2 ON type_2.id = table_2.type_id WHERE ((table_2.name = ?) AND (type_2.name = ?)))) AND ((table_3.int_value > ?) OR (table_4.double_value > ?)))", "",
		args{"p0", "p1", "dataset", "my_run", "exp", 1, 0.9}},
	{KindContext, "parent_contexts_0.id = 1 AND parent_contexts_0.name LIKE 'foo%'",
		"",
		"(table_0.id IN (SELECT link_1.context_id FROM ParentContext AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.parent_context_id WHERE ((link_1.parent_context_id = ?) AND (table_1.name LIKE ? ESCAPE '\\'))))", "(table_0.id IN (SELECT link_1.context_id FROM ParentContext AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.parent_context_id WHERE ((link_1.parent_context_id = ?) AND (table_1.name LIKE ?))))",
		args{1, "foo%"}},
	{KindContext, "parent_contexts_0.id = 1 AND parent_contexts_1.id != 2",
		"",
		"((table_0.id IN (SELECT link_1.context_id FROM ParentContext AS link_1 WHERE (link_1.parent_context_id = ?))) AND (table_0.id IN (SELECT link_2.context_id FROM ParentContext AS link_2 WHERE (link_2.parent_context_id <> ?))))", "",
		args{1, 2}},
	{KindContext, "type = 'pipeline_run' AND (properties.p0.int_value > 1 OR custom_properties.p1.double_value > 0.9) AND (parent_contexts_0.name = 'pipeline_context' AND parent_contexts_0.type = 'pipeline')",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id JOIN ContextProperty AS table_2 ON table_2.context_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0 JOIN ContextProperty AS table_3 ON table_3.context_id = table_0.id AND table_3.name = ? AND table_3.is_custom_property = 1",
		"((table_1.name = ?) AND ((table_2.int_value > ?) OR (table_3.double_value > ?)) AND (table_0.id IN (SELECT link_4.context_id FROM ParentContext AS link_4 JOIN Context AS table_4 ON table_4.id = link_4.parent_context_id JOIN Type AS type_4 ON type_4.id = table_4.type_id WHERE ((table_4.name = ?) AND (type_4.name = ?)))))", "",
		args{"p0", "p1", "pipeline_run", 1, 0.9, "pipeline_context", "pipeline"}},
	{KindContext, "child_contexts_0.id = 1 AND child_contexts_0.name LIKE 'foo%'",
		"",
		"(table_0.id IN (SELECT link_1.parent_context_id FROM ParentContext AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.name LIKE ? ESCAPE '\\'))))", "(table_0.id IN (SELECT link_1.parent_context_id FROM ParentContext AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.context_id = ?) AND (table_1.name LIKE ?))))",
		args{1, "foo%"}},
	{KindContext, "type = 'pipeline' AND (parent_contexts_0.name = 'parent_context1' AND parent_contexts_0.type = 'parent_context_type') AND (child_contexts_0.name = 'pipeline_run' AND child_contexts_0.type = 'runs')",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"((table_1.name = ?) AND (table_0.id IN (SELECT link_2.context_id FROM ParentContext AS link_2 JOIN Context AS table_2 ON table_2.id = link_2.parent_context_id JOIN Type AS type_2 ON type_2.id = table_2.type_id WHERE ((table_2.name = ?) AND (type_2.name = ?)))) AND (table_0.id IN (SELECT link_3.parent_context_id FROM ParentContext AS link_3 JOIN Context AS table_3 ON table_3.id = link_3.context_id JOIN Type AS type_3 ON type_3.id = table_3.type_id WHERE ((table_3.name = ?) AND (type_3.name = ?)))))", "",
		args{"pipeline", "parent_context1", "parent_context_type", "pipeline_run", "runs"}},
	{KindArtifact, "events_0.execution_id = 1",
		"",
		"(table_0.id IN (SELECT table_1.artifact_id FROM Event AS table_1 WHERE (table_1.execution_id = ?)))", "",
		args{1}},
	{KindArtifact, "events_0.type = INPUT",
		"",
		"(table_0.id IN (SELECT table_1.artifact_id FROM Event AS table_1 WHERE (table_1.type = ?)))", "",
		args{3}},
	{KindExecution, "events_0.type = INPUT",
		"",
		"(table_0.id IN (SELECT table_1.execution_id FROM Event AS table_1 WHERE (table_1.type = ?)))", "",
		args{3}},
	{KindExecution, "events_0.type = INPUT OR events_0.type = OUTPUT",
		"",
		"(table_0.id IN (SELECT table_1.execution_id FROM Event AS table_1 WHERE ((table_1.type = ?) OR (table_1.type = ?))))", "",
		args{3, 4}},
	{KindArtifact, "events_0.type IN (INPUT, DECLARED_INPUT)",
		"",
		"(table_0.id IN (SELECT table_1.artifact_id FROM Event AS table_1 WHERE (table_1.type IN (?, ?))))", "",
		args{3, 2}},
	{KindArtifact, "uri = 'http://some_path' AND events_0.type = INPUT",
		"",
		"((table_0.uri = ?) AND (table_0.id IN (SELECT table_1.artifact_id FROM Event AS table_1 WHERE (table_1.type = ?))))", "",
		args{"http://some_path", 3}},
	{KindExecution, "events_0.artifact_id = 1 AND events_0.milliseconds_since_epoch = 1",
		"",
		"(table_0.id IN (SELECT table_1.execution_id FROM Event AS table_1 WHERE ((table_1.artifact_id = ?) AND (table_1.milliseconds_since_epoch = ?))))", "",
		args{1, 1}},
	{KindArtifact, "id IN (1, 3)",
		"",
		"(table_0.id IN (?, ?))", "",
		args{1, 3}},
	{KindExecution, "type_id + 1 > 1",
		"",
		"((table_0.type_id + ?) > ?)", "",
		args{1, 1}},
	{KindContext, "type IS NOT NULL",
		"JOIN Type AS table_1 ON table_1.id = table_0.type_id",
		"(table_1.name IS NOT NULL)", "",
		args{}},
	{KindArtifact, "uri IS NOT NULL AND state IS NULL",
		"",
		"((table_0.uri IS NOT NULL) AND (table_0.state IS NULL))", "",
		args{}},
	{KindArtifact, "properties.0.int_value = 1 AND properties.qux.bool_value = true AND custom_properties.3.bool_value != false",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0 JOIN ArtifactProperty AS table_3 ON table_3.artifact_id = table_0.id AND table_3.name = ? AND table_3.is_custom_property = 1",
		"((table_1.int_value = ?) AND (table_2.bool_value = ?) AND (table_3.bool_value <> ?))", "",
		args{"0", "qux", "3", 1, true, false}},
	{KindArtifact, "state=PENDING",
		"",
		"(table_0.state = ?)", "",
		args{1}},
	{KindExecution, "last_known_state!=COMPLETE",
		"",
		"(table_0.last_known_state <> ? OR table_0.last_known_state IS NULL)", "",
		args{3}},
	{KindExecution, "last_known_state <> UNKNOWN",
		"",
		"(table_0.last_known_state <> ?)", "",
		args{0}},
	{KindExecution, "last_known_state = UNKNOWN",
		"",
		"(table_0.last_known_state = ? OR table_0.last_known_state IS NULL)", "",
		args{0}},
	{KindArtifact, "state IN (UNKNOWN, LIVE)",
		"",
		"(table_0.state IN (?, ?) OR table_0.state IS NULL)", "",
		args{0, 2}},
	{KindArtifact, "state NOT IN (UNKNOWN, LIVE)",
		"",
		"(table_0.state NOT IN (?, ?))", "",
		args{0, 2}},
	{KindArtifact, "LIVE = state",
		"",
		"(table_0.state = ?)", "",
		args{2}},
	{KindExecution, "events_0.type != INPUT",
		"",
		"(table_0.id IN (SELECT table_1.execution_id FROM Event AS table_1 WHERE (table_1.type <> ?)))", "",
		args{3}},
	{KindExecution, "events_0.type NOT IN (OUTPUT, DECLARED_OUTPUT)",
		"",
		"(table_0.id IN (SELECT table_1.execution_id FROM Event AS table_1 WHERE (table_1.type NOT IN (?, ?))))", "",
		args{4, 1}},
	{KindArtifact, "(properties.p1.int_value + 2) * 1 = 2",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(((table_1.int_value + ?) * ?) = ?)", "",
		args{"p1", 2, 1, 2}},
	{KindArtifact, "properties.p2.double_value > 2.0 / 1.0 - (-0.5)",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"(table_1.double_value > ((CAST(? AS REAL) / ?) - ?))", "(table_1.double_value > ((? / ?) - ?))",
		args{"p2", 2.0, 1.0, -0.5}},
	{KindArtifact, "id / 2 = 1.5",
		"",
		"((CAST(table_0.id AS REAL) / ?) = ?)", "((table_0.id / ?) = ?)",
		args{2, 1.5}},
	{KindArtifact, "-id < -3 AND +id > 1 AND - -id > 0",
		"",
		"(((-table_0.id) < ?) AND (table_0.id > ?) AND ((-(-table_0.id)) > ?))", "",
		args{-3, 1, 0}},
	{KindArtifact, "create_time_since_epoch BETWEEN 10 AND 20 AND id NOT BETWEEN 1 AND 2",
		"",
		"((table_0.create_time_since_epoch BETWEEN ? AND ?) AND (table_0.id NOT BETWEEN ? AND ?))", "",
		args{10, 20, 1, 2}},
	{KindArtifact, "properties.b.bool_value IS TRUE OR properties.b.bool_value IS NOT FALSE",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"((table_1.bool_value IS TRUE) OR (table_1.bool_value IS NOT FALSE))", "",
		args{"b"}},
	{KindArtifact, "properties.b.bool_value AND NOT custom_properties.c.bool_value",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 1",
		"(table_1.bool_value AND (NOT table_2.bool_value))", "",
		args{"b", "c"}},
	{KindArtifact, "name NOT LIKE 'a\\\\_%' AND uri LIKE name AND name LIKE r'\\%'",
		"",
		"((table_0.name NOT LIKE ? ESCAPE '\\') AND (table_0.uri LIKE table_0.name ESCAPE '\\') AND (table_0.name LIKE ? ESCAPE '\\'))", "((table_0.name NOT LIKE ?) AND (table_0.uri LIKE table_0.name) AND (table_0.name LIKE ?))",
		args{"a\\_%", "\\%"}},
	{KindArtifact, "id NOT IN (1, 2, 3) AND name IN ('a', \"b\")",
		"",
		"((table_0.id NOT IN (?, ?, ?)) AND (table_0.name IN (?, ?)))", "",
		args{1, 2, 3, "a", "b"}},
	{KindArtifact, "name = NULL OR id IN (NULL, 1)",
		"",
		"((table_0.name = NULL) OR (table_0.id IN (NULL, ?)))", "",
		args{1}},
	{KindArtifact, "TRUE",
		"",
		"(?)", "",
		args{true}},
	{KindArtifact, "id = 1 or ID = 2 Or Id = 0x1F and NAME like 'x' and `name` = 'y'",
		"",
		"((table_0.id = ?) OR (table_0.id = ?) OR ((table_0.id = ?) AND (table_0.name LIKE ? ESCAPE '\\') AND (table_0.name = ?)))", "((table_0.id = ?) OR (table_0.id = ?) OR ((table_0.id = ?) AND (table_0.name LIKE ?) AND (table_0.name = ?)))",
		args{1, 2, 31, "x", "y"}},
	{KindArtifact, "name = 'a\\'b\\n\\x41\\u00e9\\101' AND uri = r'C:\\dir' AND external_id = '''multi\nline'''",
		"",
		"((table_0.name = ?) AND (table_0.uri = ?) AND (table_0.external_id = ?))", "",
		args{"a'b\nAéA", "C:\\dir", "multi\nline"}},
	{KindArtifact, "-- a comment\nid = 1 # another\n/* and a\nblock */ AND name = \"x\"",
		"",
		"((table_0.id = ?) AND (table_0.name = ?))", "",
		args{1, "x"}},
	{KindExecution, "contexts_A.name = 'x' AND contexts_a.id = 3 AND CONTEXTS_a.type = 't'",
		"",
		"(table_0.id IN (SELECT link_1.execution_id FROM Association AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id JOIN Type AS type_1 ON type_1.id = table_1.type_id WHERE ((table_1.name = ?) AND (link_1.context_id = ?) AND (type_1.name = ?))))", "",
		args{"x", 3, "t"}},
	{KindContext, "parent_contexts_p.create_time_since_epoch > 5 AND artifacts_a.external_id = 'x' AND executions_e.external_id = 'y'",
		"",
		"((table_0.id IN (SELECT link_1.context_id FROM ParentContext AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.parent_context_id WHERE (table_1.create_time_since_epoch > ?))) AND (table_0.id IN (SELECT link_2.context_id FROM Attribution AS link_2 JOIN Artifact AS table_2 ON table_2.id = link_2.artifact_id WHERE (table_2.external_id = ?))) AND (table_0.id IN (SELECT link_3.context_id FROM Association AS link_3 JOIN Execution AS table_3 ON table_3.id = link_3.execution_id WHERE (table_3.external_id = ?))))", "",
		args{5, "x", "y"}},
	{KindContext, "properties.p.int_value = id AND properties.p.double_value * 2 > properties.p.int_value",
		"JOIN ContextProperty AS table_1 ON table_1.context_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0",
		"((table_1.int_value = table_0.id) AND ((table_1.double_value * ?) > table_1.int_value))", "",
		args{"p", 2}},
	{KindArtifact, "id = 1 OR id = 2 OR id = 3 OR id = 4 OR id = 5 OR id = 6 OR id = 7 OR id = 8 OR id = 9 OR id = 10",
		"",
		"(((table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?) OR (table_0.id = ?)) OR ((table_0.id = ?) OR (table_0.id = ?)))", "",
		args{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	{KindArtifact, "name = 'lonely' OR contexts_c.name = 'my_run'",
		"",
		"(EXISTS (SELECT 1 FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.artifact_id = table_0.id) AND ((table_0.name = ?) OR (table_1.name = ?)))))", "",
		args{"lonely", "my_run"}},
	{KindArtifact, "contexts_a.create_time_since_epoch > create_time_since_epoch AND contexts_b.name = 'x'",
		"",
		"((EXISTS (SELECT 1 FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.artifact_id = table_0.id) AND (table_1.create_time_since_epoch > table_0.create_time_since_epoch)))) AND (table_0.id IN (SELECT link_2.artifact_id FROM Attribution AS link_2 JOIN Context AS table_2 ON table_2.id = link_2.context_id WHERE (table_2.name = ?))))", "",
		args{"x"}},
	{KindExecution, "contexts_a.name = contexts_b.name AND events_e.type = INPUT AND NOT events_e.milliseconds_since_epoch > 5",
		"",
		"((EXISTS (SELECT 1 FROM Association AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id, Association AS link_2 JOIN Context AS table_2 ON table_2.id = link_2.context_id WHERE ((link_1.execution_id = table_0.id) AND (link_2.execution_id = table_0.id) AND (table_1.name = table_2.name)))) AND (table_0.id IN (SELECT table_3.execution_id FROM Event AS table_3 WHERE ((table_3.type = ?) AND (NOT (table_3.milliseconds_since_epoch > ?))))))", "",
		args{3, 5}},
	{KindContext, "artifacts_a.type = 'dataset' AND (executions_e.name = 'x' OR executions_e.name = 'y') AND name = 'c' AND artifacts_a.uri IS NULL",
		"",
		"((table_0.id IN (SELECT link_1.context_id FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id JOIN Type AS type_1 ON type_1.id = table_1.type_id WHERE ((type_1.name = ?) AND (table_1.uri IS NULL)))) AND (table_0.id IN (SELECT link_2.context_id FROM Association AS link_2 JOIN Execution AS table_2 ON table_2.id = link_2.execution_id WHERE ((table_2.name = ?) OR (table_2.name = ?)))) AND (table_0.name = ?))", "",
		args{"dataset", "x", "y", "c"}},
	{KindArtifact, "properties.p0.int_value = 1 OR contexts_c.type = 'foo_ctx' OR type = 'x'",
		"JOIN ArtifactProperty AS table_1 ON table_1.artifact_id = table_0.id AND table_1.name = ? AND table_1.is_custom_property = 0 JOIN Type AS table_3 ON table_3.id = table_0.type_id",
		"(EXISTS (SELECT 1 FROM Attribution AS link_2 JOIN Context AS table_2 ON table_2.id = link_2.context_id JOIN Type AS type_2 ON type_2.id = table_2.type_id WHERE ((link_2.artifact_id = table_0.id) AND ((table_1.int_value = ?) OR (type_2.name = ?) OR (table_3.name = ?)))))", "",
		args{"p0", 1, "foo_ctx", "x"}},
	{KindArtifact, "(contexts_a.name = 'my_run' OR name = 'model') AND (events_e.type = OUTPUT OR name = 'foo_in') AND contexts_a.id > 3",
		"",
		"((EXISTS (SELECT 1 FROM Attribution AS link_1 JOIN Context AS table_1 ON table_1.id = link_1.context_id WHERE ((link_1.artifact_id = table_0.id) AND ((table_1.name = ?) OR (table_0.name = ?)) AND (link_1.context_id > ?)))) AND (EXISTS (SELECT 1 FROM Event AS table_2 WHERE ((table_2.artifact_id = table_0.id) AND ((table_2.type = ?) OR (table_0.name = ?))))))", "",
		args{"my_run", "model", 3, 4, "foo_in"}},
	{KindContext, "artifacts_a.create_time_since_epoch < executions_e.create_time_since_epoch AND executions_e.last_known_state = COMPLETE AND child_contexts_c.name = 'x'",
		"",
		"((EXISTS (SELECT 1 FROM Attribution AS link_1 JOIN Artifact AS table_1 ON table_1.id = link_1.artifact_id, Association AS link_2 JOIN Execution AS table_2 ON table_2.id = link_2.execution_id WHERE ((link_1.context_id = table_0.id) AND (link_2.context_id = table_0.id) AND (table_1.create_time_since_epoch < table_2.create_time_since_epoch) AND (table_2.last_known_state = ?)))) AND (table_0.id IN (SELECT link_3.parent_context_id FROM ParentContext AS link_3 JOIN Context AS table_3 ON table_3.id = link_3.context_id WHERE (table_3.name = ?))))", "",
		args{3, "x"}},
}

// want64 returns args with its ints made int64, as Compile binds them.
func want64(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		if n, ok := v.(int); ok {
			v = int64(n)
		}
		out[i] = v
	}
	return out
}

func TestCompile(t *testing.T) {
	for _, c := range compileCases {
		for _, d := range []Dialect{SQLite, MySQL} {
			got, err := Build(c.query, c.kind, d)
			if err != nil {
				t.Errorf("%s %s %q: %v", d, c.kind, c.query, err)
				continue
			}
			where := c.where
			if d == MySQL && c.mysqlWhere != "" {
				where = c.mysqlWhere
			}
			if got.Table != c.kind.table() {
				t.Errorf("%s %s %q: table %q", d, c.kind, c.query, got.Table)
			}
			if got.Joins != c.joins {
				t.Errorf("%s %s %q: joins\n got %s\nwant %s", d, c.kind, c.query, got.Joins, c.joins)
			}
			keyword := map[Dialect]string{SQLite: "CROSS JOIN ", MySQL: "STRAIGHT_JOIN "}[d]
			if nf := got.NodeFirstJoins(); strings.ReplaceAll(nf, keyword, "JOIN ") != got.Joins ||
				strings.Count(nf, keyword) != strings.Count(got.Joins, "JOIN ") {
				t.Errorf("%s %s %q: node-first joins\n got %s\nfor %s", d, c.kind, c.query, nf, got.Joins)
			}
			if got.Where != where {
				t.Errorf("%s %s %q: where\n got %s\nwant %s", d, c.kind, c.query, got.Where, where)
			}
			if !reflect.DeepEqual(got.Args(), want64(c.args)) {
				t.Errorf("%s %s %q: args\n got %#v\nwant %#v", d, c.kind, c.query, got.Args(), want64(c.args))
			}
			if n := strings.Count(got.From()+" WHERE "+got.Where, "?"); n != len(c.args) {
				t.Errorf("%s %s %q: %d placeholders for %d args", d, c.kind, c.query, n, len(c.args))
			}
		}
	}
}

func TestNodeFirstJoins(t *testing.T) {
	const typeAndProperty = "type = 't' AND properties.p.int_value > 1"
	tests := []struct {
		d           Dialect
		query, want string
	}{
		{SQLite, "uri = 'a'", ""},
		{MySQL, "contexts_a.name = 'run'", ""},
		{SQLite, typeAndProperty, "CROSS JOIN Type AS table_1 ON table_1.id = table_0.type_id " +
			"CROSS JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0"},
		{MySQL, typeAndProperty, "STRAIGHT_JOIN Type AS table_1 ON table_1.id = table_0.type_id " +
			"STRAIGHT_JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0"},
		{PostgreSQL, typeAndProperty, "JOIN Type AS table_1 ON table_1.id = table_0.type_id " +
			"JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = FALSE"},
	}
	for _, tc := range tests {
		got, err := Build(tc.query, KindArtifact, tc.d)
		if err != nil {
			t.Fatalf("%s %q: %v", tc.d, tc.query, err)
		}
		if nf := got.NodeFirstJoins(); nf != tc.want {
			t.Errorf("%s %q: NodeFirstJoins\n got %s\nwant %s", tc.d, tc.query, nf, tc.want)
		}
	}
	if nf := (&SQL{Table: "Artifact", Joins: "JOIN Type AS table_1 ON table_1.id = table_0.type_id"}).NodeFirstJoins(); nf != "" {
		t.Errorf("NodeFirstJoins of a query Compile did not write = %q, want \"\"", nf)
	}
}

// TestNoUserTextInSQL checks that values and property names reach the SQL
// only as arguments: a query full of SQL-looking text compiles to SQL
// without any of it.
func TestNoUserTextInSQL(t *testing.T) {
	evil := []string{
		`name = 'x\' OR 1=1 --'`,
		`name = "x\" OR 1=1; DROP TABLE Artifact; --"`,
		"properties.`a' OR '1'='1`.string_value = 'DROP'",
		"custom_properties.`x\"); DELETE FROM Type; --`.int_value = 1",
		`contexts_c.name LIKE '%\' UNION SELECT 1 --' AND type = 'Type; DROP'`,
	}
	for _, q := range evil {
		got, err := Build(q, KindArtifact, MySQL)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		sql := got.From() + " WHERE " + got.Where
		for _, bad := range []string{"'", "\"", "DROP", "DELETE", "UNION", "1=1", "--"} {
			if strings.Contains(sql, bad) {
				t.Errorf("%q: SQL contains %q: %s", q, bad, sql)
			}
		}
	}
}

func TestCompileDialects(t *testing.T) {
	expr, err := Parse("id = 1")
	if err != nil {
		t.Fatal(err)
	}
	checked, err := Check(expr, KindContext)
	if err != nil {
		t.Fatal(err)
	}
	if checked.Kind() != KindContext {
		t.Errorf("Kind() = %v", checked.Kind())
	}
	if got, err := Compile(checked, PostgreSQL); err != nil || got.Where != "(table_0.id = CAST(? AS BIGINT))" {
		t.Errorf("PostgreSQL: got %+v, %v", got, err)
	}
	if _, err := Compile(checked, Dialect(42)); errcode.Of(err) != errcode.Internal {
		t.Errorf("Dialect(42): got %v, want Internal", err)
	}
	if _, err := Check(expr, Kind(7)); err == nil {
		t.Error("Check with Kind(7): no error")
	}
	var ferr *Error
	if _, err := Check(nil, KindArtifact); !errors.As(err, &ferr) {
		t.Errorf("Check(nil): got %v", err)
	}
	// A checked query compiles the same way any number of times.
	a, _ := Compile(checked, SQLite)
	b, _ := Compile(checked, SQLite)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two compilations differ: %+v, %+v", a, b)
	}
	for _, d := range []Dialect{SQLite, MySQL, PostgreSQL, Dialect(9)} {
		if d.String() == "" {
			t.Errorf("Dialect(%d) has no name", int(d))
		}
	}
	for _, k := range []Kind{KindExecution, KindArtifact, KindContext, Kind(5)} {
		if k.String() == "" {
			t.Errorf("Kind(%d) has no name", int(k))
		}
	}
}

// TestConcurrentBuild builds queries from many goroutines at once (run it
// with -race).
func TestConcurrentBuild(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range compileCases {
				got, err := Build(c.query, c.kind, SQLite)
				if err != nil || got.Where != c.where {
					t.Errorf("%q: %v", c.query, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestCompilePostgreSQL checks what the PostgreSQL dialect writes
// differently: typed arguments, boolean is_custom_property, and division
// that is neither integer division nor an error on zero. The tests on the
// real server (TestWorld, TestMLMDCases) check that it runs.
func TestCompilePostgreSQL(t *testing.T) {
	tests := []struct {
		query string
		want  []string // substrings of the joins and the condition
	}{
		{"name = 'x' AND properties.p.int_value > 3", []string{
			"table_0.name = CAST(? AS TEXT)", "table_1.int_value > CAST(? AS BIGINT)", "table_1.is_custom_property = FALSE"}},
		{"custom_properties.p.double_value < 0.5", []string{"table_1.double_value < CAST(? AS DOUBLE PRECISION)", "is_custom_property = TRUE"}},
		{"custom_properties.b.bool_value = TRUE", []string{"table_1.bool_value = CAST(? AS BOOLEAN)"}},
		{"properties.p.int_value / 2 = 1", []string{"(CAST(table_1.int_value AS DOUBLE PRECISION) / NULLIF(CAST(? AS BIGINT), 0))"}},
		{"uri LIKE 'a%'", []string{"table_0.uri LIKE CAST(? AS TEXT)"}},
		{"name = NULL", []string{"table_0.name = NULL"}},
	}
	for _, tc := range tests {
		got, err := Build(tc.query, KindArtifact, PostgreSQL)
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		sql := got.Joins + " WHERE " + got.Where
		for _, w := range tc.want {
			if !strings.Contains(sql, w) {
				t.Errorf("%q: SQL %s lacks %s", tc.query, sql, w)
			}
		}
		if n := strings.Count(sql, "?"); n != len(got.Args()) {
			t.Errorf("%q: %d placeholders, %d arguments", tc.query, n, len(got.Args()))
		}
	}
}
