package filterlang

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// errorCases are queries with a mistake, and the exact message each gets.
var errorCases = []struct {
	kind  Kind
	query string
	want  string
}{
	{KindArtifact, "", "1:1: empty query (expected a boolean expression such as name = 'x')"},
	{KindArtifact, "   ", "1:1: empty query (expected a boolean expression such as name = 'x')"},
	{KindArtifact, "a == 'a'", "1:3: \"==\" is not an operator; use \"=\" to compare"},
	{KindArtifact, "name = 'a' && id = 1", "1:12: \"&&\" is not an operator; use AND"},
	{KindArtifact, "name = 'a' || id = 1", "1:12: \"||\" is not supported; use OR to combine conditions"},
	{KindArtifact, "!(id = 1)", "1:1: unexpected character \"!\" (use NOT, or != to compare)"},
	{KindArtifact, "id = 1 AND", "1:11: unexpected end of query (expected a name, a literal or \"(\")"},
	{KindArtifact, "id = 1 OR OR id = 2", "1:11: unexpected keyword OR (expected a name, a literal or \"(\")"},
	{KindArtifact, "id = 1 )", "1:8: unexpected \")\" without a matching \"(\""},
	{KindArtifact, "(id = 1", "1:8: unexpected end of query (expected \")\")"},
	{KindArtifact, "id = ", "1:6: unexpected end of query (expected a name, a literal or \"(\")"},
	{KindArtifact, "id IN ()", "1:8: unexpected \")\" (expected a name, a literal or \"(\")"},
	{KindArtifact, "state IN LIVE", "1:10: unexpected name LIVE (expected \"(\" and a list of values)"},
	{KindArtifact, "id 5", "1:4: unexpected number 5 (expected an operator, AND, OR or the end of the query)"},
	{KindArtifact, "name 'x'", "1:6: unexpected string 'x' (expected an operator, AND, OR or the end of the query)"},
	{KindArtifact, "id = 1 = 2", "1:8: unexpected \"=\" (expected an operator, AND, OR or the end of the query)"},
	{KindArtifact, "id IS 5", "1:7: unexpected number 5 (expected NULL, TRUE or FALSE after IS)"},
	{KindArtifact, "id BETWEEN 1", "1:13: unexpected end of query (expected AND)"},
	{KindArtifact, "name NOT = 'a'", "1:10: unexpected \"=\" (expected IN, LIKE or BETWEEN after NOT)"},
	{KindArtifact, "contexts_0.id.", "1:15: unexpected end of query (expected a name)"},
	{KindArtifact, "properties.0:b.int_value = 1", "1:13: unexpected character ':' (a name with characters other than letters, digits and _ must be backquoted, e.g. properties.`my:name`.int_value)"},
	{KindArtifact, "name = 'exe_name_with_''", "1:24: unterminated string literal (missing closing ')"},
	{KindArtifact, "name = \"abc", "1:8: unterminated string literal (missing closing \")"},
	{KindArtifact, "name = 'ab\ncd'", "1:8: unterminated string literal (missing closing ' before the end of the line; use \\n for a newline)"},
	{KindArtifact, "name = '''abc''", "1:8: unterminated string literal (missing closing ''')"},
	{KindArtifact, "name = 'a\\qb'", "1:10: invalid escape sequence \"\\q\" (valid escapes: \\n \\t \\r \\\\ \\' \\\" \\xHH \\uHHHH ...)"},
	{KindArtifact, "name = '\\x4'", "1:9: invalid escape sequence \"\\x4\" (expected 2 hex digits after \\x)"},
	{KindArtifact, "name = '\\xff'", "1:8: string literal is not valid UTF-8 after its escapes are decoded"},
	{KindArtifact, "name = '\\uD800'", "1:9: escape sequence \"\\uD800\" is not a valid Unicode code point"},
	{KindArtifact, "name = b'abc'", "1:8: bytes literals are not supported; use a string literal"},
	{KindArtifact, "properties.`abc.int_value = 1", "1:12: unterminated quoted name (missing closing `)"},
	{KindArtifact, "properties.``.int_value = 1", "1:12: empty quoted name ``"},
	{KindArtifact, "id = 12abc", "1:6: invalid number \"12abc\""},
	{KindArtifact, "id = 1.2.3", "1:6: invalid number \"1.2.3\""},
	{KindArtifact, "id = 99999999999999999999", "1:6: integer 99999999999999999999 is out of range (integers are 64-bit)"},
	{KindArtifact, "id = 0xFFFFFFFFFFFFFFFFF", "1:6: integer 0xFFFFFFFFFFFFFFFFF is out of range (integers are 64-bit)"},
	{KindArtifact, "id = 1e999", "1:6: number 1e999 is out of range"},
	{KindArtifact, "id = 1 /* comment", "1:8: unterminated comment"},
	{KindArtifact, "id = 1 $", "1:8: unexpected character '$'"},
	{KindArtifact, "id = 1 AND name = 'é' AND €", "1:27: unexpected character '€'"},
	{KindArtifact, "id = 1\nAND nmae = 'x'", "2:5: unknown attribute \"nmae\" for artifacts (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "nmae = 'x'", "1:1: unknown attribute \"nmae\" for artifacts (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "NAME = 1", "1:6: cannot compare NAME (string) with 1 (integer)"},
	{KindExecution, "uri = 'x'", "1:1: executions have no attribute \"uri\" (expected one of id, type_id, type, last_known_state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindContext, "state = LIVE", "1:1: contexts have no attribute \"state\" (expected one of id, type_id, type, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "last_known_state = RUNNING", "1:1: artifacts have no attribute \"last_known_state\" (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "a", "1:1: unknown attribute \"a\" for artifacts (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "LIVE", "1:1: unknown attribute \"LIVE\" for artifacts (expected one of id, type_id, type, uri, state, name, external_id, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "id.x = 1", "1:4: id is an attribute and has no field \"x\""},
	{KindArtifact, "type.name = 'x'", "1:6: type is an attribute and has no field \"name\""},
	{KindArtifact, "contexts = 1", "1:1: contexts needs an alias and a field, e.g. contexts_a.name"},
	{KindArtifact, "contexts_.name = 'x'", "1:1: contexts_ needs an alias and a field, e.g. contexts_a.name"},
	{KindArtifact, "contexts_0", "1:1: contexts_0 needs a field, e.g. contexts_0.name (expected one of id, name, type, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "contexts_0 = 1", "1:1: contexts_0 needs a field, e.g. contexts_0.name (expected one of id, name, type, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "contexts_0.foo = 1", "1:12: unknown field \"foo\" of contexts_0 (expected one of id, name, type, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "contexts_0.id.bar = 1", "1:15: contexts_0.id has no field \"bar\""},
	{KindArtifact, "contexts_0.uri = 'x'", "1:12: unknown field \"uri\" of contexts_0 (expected one of id, name, type, create_time_since_epoch, last_update_time_since_epoch)"},
	{KindArtifact, "`contexts_a b`.name = 'x'", "1:1: the alias in `contexts_a b` must consist of letters, digits and _"},
	{KindContext, "contexts_0.id = 1", "1:1: contexts have no contexts_<alias> neighbours (artifacts and executions only); contexts can use parent_contexts_<alias>., child_contexts_<alias>., executions_<alias>., artifacts_<alias>. and properties"},
	{KindArtifact, "artifacts_0.id = 1", "1:1: artifacts have no artifacts_<alias> neighbours (contexts only); artifacts can use contexts_<alias>., events_<alias>. and properties"},
	{KindExecution, "executions_0.id = 1", "1:1: executions have no executions_<alias> neighbours (contexts only); executions can use contexts_<alias>., events_<alias>. and properties"},
	{KindArtifact, "parent_contexts_0.id = 1", "1:1: artifacts have no parent_contexts_<alias> neighbours (contexts only); artifacts can use contexts_<alias>., events_<alias>. and properties"},
	{KindExecution, "child_contexts_0.id = 1", "1:1: executions have no child_contexts_<alias> neighbours (contexts only); executions can use contexts_<alias>., events_<alias>. and properties"},
	{KindContext, "events_0.type = INPUT", "1:1: contexts have no events_<alias> neighbours (artifacts and executions only); contexts can use parent_contexts_<alias>., child_contexts_<alias>., executions_<alias>., artifacts_<alias>. and properties"},
	{KindArtifact, "events_0.artifact_id = 1", "1:10: unknown field \"artifact_id\" of events_0 (expected one of type, milliseconds_since_epoch, execution_id)"},
	{KindExecution, "events_0.execution_id = 1", "1:10: unknown field \"execution_id\" of events_0 (expected one of type, milliseconds_since_epoch, artifact_id)"},
	{KindArtifact, "events_0.type = SOME_ENUM", "1:17: unknown event type \"SOME_ENUM\" (expected one of UNKNOWN, DECLARED_OUTPUT, DECLARED_INPUT, INPUT, OUTPUT, INTERNAL_INPUT, INTERNAL_OUTPUT, PENDING_OUTPUT)"},
	{KindArtifact, "events_0.type IN (INPUT, SOME_ENUM)", "1:26: unknown event type \"SOME_ENUM\" (expected one of UNKNOWN, DECLARED_OUTPUT, DECLARED_INPUT, INPUT, OUTPUT, INTERNAL_INPUT, INTERNAL_OUTPUT, PENDING_OUTPUT)"},
	{KindArtifact, "events_0.type = 'INPUT'", "1:17: type is compared with a string; use a name such as INPUT (one of UNKNOWN, DECLARED_OUTPUT, DECLARED_INPUT, INPUT, OUTPUT, INTERNAL_INPUT, INTERNAL_OUTPUT, PENDING_OUTPUT)"},
	{KindArtifact, "properties", "1:1: properties needs a property name and a value field, e.g. properties.my_property.int_value"},
	{KindArtifact, "properties = 1", "1:1: properties needs a property name and a value field, e.g. properties.my_property.int_value"},
	{KindArtifact, "properties.foo = 1", "1:12: properties.foo needs a value field (expected one of int_value, double_value, string_value, bool_value)"},
	{KindArtifact, "properties.baz.int = 1", "1:16: unknown value field \"int\" of properties.baz (expected one of int_value, double_value, string_value, bool_value)"},
	{KindArtifact, "custom_properties.baz.string = 'x'", "1:23: unknown value field \"string\" of custom_properties.baz (expected one of int_value, double_value, string_value, bool_value)"},
	{KindArtifact, "properties.p.int_value.x = 1", "1:24: properties.p.int_value has no field \"x\""},
	{KindArtifact, "properties.p.int_value = 'a'", "1:24: cannot compare properties.p.int_value (integer) with 'a' (string)"},
	{KindArtifact, "properties.p.string_value = 1", "1:27: cannot compare properties.p.string_value (string) with 1 (integer)"},
	{KindArtifact, "properties.p.bool_value = 1", "1:25: cannot compare properties.p.bool_value (boolean) with 1 (integer)"},
	{KindArtifact, "properties.p.double_value = 'x'", "1:27: cannot compare properties.p.double_value (double) with 'x' (string)"},
	{KindArtifact, "id = 'a'", "1:4: cannot compare id (integer) with 'a' (string)"},
	{KindArtifact, "type_id = 'a'", "1:9: cannot compare type_id (integer) with 'a' (string)"},
	{KindArtifact, "type = 1", "1:6: cannot compare type (string) with 1 (integer)"},
	{KindArtifact, "name = TRUE", "1:6: cannot compare name (string) with TRUE (boolean)"},
	{KindArtifact, "create_time_since_epoch = 'a'", "1:25: cannot compare create_time_since_epoch (integer) with 'a' (string)"},
	{KindArtifact, "'a'", "1:1: the query must be a condition, but 'a' is a string"},
	{KindArtifact, "type_id", "1:1: the query must be a condition, but type_id is an integer"},
	{KindArtifact, "1 + 2", "1:1: the query must be a condition, but 1 + 2 is an integer"},
	{KindArtifact, "NOT name", "1:5: NOT needs a condition, but name is a string"},
	{KindArtifact, "id = 1 OR name", "1:11: OR needs conditions on both sides, but name is a string"},
	{KindArtifact, "name + 1 = 2", "1:1: operator + needs numbers, but name is a string"},
	{KindArtifact, "-name = 'x'", "1:1: unary - needs a number, but name is a string"},
	{KindArtifact, "id * 'a' = 2", "1:6: operator * needs numbers, but 'a' is a string"},
	{KindArtifact, "id LIKE 'a'", "1:1: LIKE needs strings, but id is an integer"},
	{KindArtifact, "name LIKE 1", "1:11: LIKE needs strings, but 1 is an integer"},
	{KindArtifact, "name IS TRUE", "1:6: IS TRUE needs a boolean, but name is a string"},
	{KindArtifact, "id IN (1, 'a')", "1:11: IN list value 'a' is a string, but id is an integer"},
	{KindArtifact, "name BETWEEN 1 AND 2", "1:14: cannot compare name (string) with 1 (integer)"},
	{KindArtifact, "state = 'LIVE'", "1:9: state is compared with a string; use a name such as LIVE (one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state = 1", "1:9: state is compared with a number; use a name such as LIVE (one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state = live", "1:9: unknown artifact state \"live\" (expected one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state = RUNNING", "1:9: unknown artifact state \"RUNNING\" (expected one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state > LIVE", "1:1: state is an enum and can only be tested with =, !=, IN, NOT IN or IS NULL against names such as LIVE, not with >"},
	{KindArtifact, "state LIKE 'L%'", "1:1: state is an enum and can only be tested with =, !=, IN, NOT IN or IS NULL against names such as LIVE, not with LIKE"},
	{KindArtifact, "state IN (LIVE, 2)", "1:17: state is compared with a number; use a name such as LIVE (one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state IN (LIVE, RUNNING)", "1:17: unknown artifact state \"RUNNING\" (expected one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state + 1 = 2", "1:1: operator + needs numbers, but state is an enum"},
	{KindArtifact, "state", "1:1: the query must be a condition, but state is an enum"},
	{KindArtifact, "state BETWEEN LIVE AND DELETED", "1:1: state is an enum and can only be tested with =, !=, IN, NOT IN or IS NULL against names such as LIVE, not with BETWEEN"},
	{KindArtifact, "state = state", "1:9: unknown artifact state \"state\" (expected one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "state = NULL", "1:9: state is compared with NULL (use IS NULL); use a name such as LIVE (one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindExecution, "last_known_state = LIVE", "1:20: unknown execution state \"LIVE\" (expected one of UNKNOWN, NEW, RUNNING, COMPLETE, FAILED, CACHED, CANCELED)"},
	{KindExecution, "last_known_state NOT IN (PENDING)", "1:26: unknown execution state \"PENDING\" (expected one of UNKNOWN, NEW, RUNNING, COMPLETE, FAILED, CACHED, CANCELED)"},
	{KindExecution, "last_known_state = 'RUNNING'", "1:20: last_known_state is compared with a string; use a name such as RUNNING (one of UNKNOWN, NEW, RUNNING, COMPLETE, FAILED, CACHED, CANCELED)"},
	{KindContext, "artifacts_a.state = RUNNING", "1:21: unknown artifact state \"RUNNING\" (expected one of UNKNOWN, PENDING, LIVE, MARKED_FOR_DELETION, DELETED, ABANDONED, REFERENCE)"},
	{KindArtifact, "lower(name) = 'x'", "1:6: function calls are not supported (lower(name))"},
	{KindArtifact, "CAST(id AS STRING) = 'x'", "1:9: unexpected name AS (expected \")\")"},
}

func TestErrors(t *testing.T) {
	for _, c := range errorCases {
		_, err := Build(c.query, c.kind, SQLite)
		if err == nil {
			t.Errorf("%s %q: no error, want %q", c.kind, c.query, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s %q:\n got %q\nwant %q", c.kind, c.query, err.Error(), c.want)
		}
		var ferr *Error
		if !errors.As(err, &ferr) {
			t.Errorf("%s %q: error is %T, want *Error", c.kind, c.query, err)
		}
		if code := errcode.Of(err); code != errcode.InvalidArgument {
			t.Errorf("%s %q: code %v, want InvalidArgument", c.kind, c.query, code)
		}
		if !errors.Is(err, errcode.ErrInvalidArgument) {
			t.Errorf("%s %q: errors.Is(err, ErrInvalidArgument) is false", c.kind, c.query)
		}
	}
}

// TestLimits checks the errors for queries too big for a database.
func TestLimits(t *testing.T) {
	manyProps := make([]string, maxJoins+1)
	for i := range manyProps {
		manyProps[i] = "properties.p" + strings.Repeat("x", i) + ".int_value = 1"
	}
	manyContexts := make([]string, maxJoins/3+1)
	for i := range manyContexts {
		manyContexts[i] = "contexts_" + strings.Repeat("c", i+1) + ".type = 'x'"
	}
	props := strings.Join(manyProps, " AND ")
	contexts := strings.Join(manyContexts, " OR ")
	col := func(s, sub string) int { return strings.LastIndex(s, sub) + 1 }
	cases := []struct {
		query string
		want  string
	}{
		// The error points at the mention that needs one table too many.
		{props, fmt.Sprintf("1:%d: the query joins too many neighbours and properties (more than 48 tables)", col(props, "properties."))},
		{contexts, fmt.Sprintf("1:%d: the query joins too many neighbours and properties (more than 48 tables)", col(contexts, "contexts_"))},
		{strings.Repeat("(", maxParenDepth+1) + "id = 1" + strings.Repeat(")", maxParenDepth+1), "1:101: parentheses are nested too deeply (more than 100 levels)"},
		{strings.Repeat("NOT ", maxDepth+1) + "id = 1", fmt.Sprintf("1:%d: the query is nested too deeply (more than %d levels)", 4*maxDepth-3, maxDepth)},
		{"id = " + strings.Repeat("- ", maxDepth+1) + "1", fmt.Sprintf("1:%d: the query is nested too deeply (more than %d levels)", 6+2*(maxDepth-1), maxDepth)},
		{"id IN (" + strings.Repeat("1, ", maxTokens/2) + "1)", "1:15003: query is too long (more than 10000 tokens)"},
	}
	for _, c := range cases {
		_, err := Build(c.query, KindArtifact, SQLite)
		if err == nil || err.Error() != c.want {
			t.Errorf("%.40q...: got %v, want %s", c.query, err, c.want)
		}
	}
	// Deep recursion is refused, not a crash, however long the chain.
	for _, q := range []string{
		strings.Repeat("NOT ", maxTokens-10) + "id = 1",
		"id = " + strings.Repeat("- ", maxTokens-10) + "1",
		"id = " + strings.Repeat("+", maxTokens-10) + "1",
		strings.Repeat("(", maxTokens-10) + "id = 1",
	} {
		if _, err := Build(q, KindArtifact, SQLite); err == nil {
			t.Errorf("%.40q...: accepted", q)
		}
	}
	// Just below the limits, the same shapes are accepted.
	ok := []string{
		strings.Join(manyProps[:maxJoins], " AND "),
		strings.Repeat("(", maxParenDepth) + "id = 1" + strings.Repeat(")", maxParenDepth),
		strings.Repeat("NOT ", maxDepth-2) + "id = 1",
		"id IN (" + strings.Repeat("1, ", maxTokens/2-5) + "1)",
	}
	for _, q := range ok {
		if _, err := Build(q, KindArtifact, SQLite); err != nil {
			t.Errorf("%.40q...: %v", q, err)
		}
	}
}
