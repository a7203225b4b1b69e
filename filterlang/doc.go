// Package filterlang implements MLMD's filter query language, the language
// of ListOptions.FilterQuery (MLMD's ListOperationOptions.filter_query): a
// SQL-like boolean expression over the attributes of a node and of its
// immediate neighbourhood, such as
//
//	type = 'Dataset' AND properties.span.int_value > 3
//	contexts_run.name = 'run-7' AND events_e.type = OUTPUT
//	state IN (PENDING, LIVE) AND uri LIKE 'gs://bucket/%'
//
// A query goes through three stages: [Parse] builds its syntax tree,
// [Check] resolves its names and types against a node [Kind], and
// [Compile] writes it as SQL for a [Dialect]: JOIN clauses and a WHERE
// condition over the node table aliased table_0, with every value of the
// query as a bound argument. [Build] runs the three.
//
// # Grammar
//
// The grammar, in EBNF (keywords are case-insensitive):
//
//	query      = or .
//	or         = and { "OR" and } .
//	and        = not { "AND" not } .
//	not        = "NOT" not | predicate .
//	predicate  = sum [ compare_op sum
//	                 | "IS" [ "NOT" ] ( "NULL" | "TRUE" | "FALSE" )
//	                 | [ "NOT" ] ( "IN" "(" or { "," or } ")"
//	                             | "LIKE" sum
//	                             | "BETWEEN" sum "AND" sum ) ] .
//	compare_op = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" .
//	sum        = product { ( "+" | "-" ) product } .
//	product    = unary { ( "*" | "/" ) unary } .
//	unary      = ( "-" | "+" ) unary | primary .
//	primary    = float | int | string | "TRUE" | "FALSE" | "NULL"
//	           | path [ "(" [ or { "," or } ] ")" ]
//	           | "(" or ")" .
//	path       = name { "." name } .
//	name       = ident | "`" { any character but "`" } "`" .
//
// Tokens: ident is a letter or _ followed by letters, digits and _; right
// after "name." it may also start with a digit (properties.0.int_value).
// int is decimal or hexadecimal (0x1F); float has a fraction or an
// exponent (1.5, .5, 1e3). A string is in single or double quotes, or
// tripled quotes for strings with newlines, with the escapes \n \t \r \\
// \' \" \xHH \uHHHH \UHHHHHHHH and octal \ooo, or raw with an r prefix
// (r'C:\dir'). Comments run from -- or # to the end of the line, or
// between /* and */. testdata/grammar.ebnf holds participle's rendering of
// the same grammar.
//
// Function calls parse but are rejected by Check.
//
// # Names
//
// A path names an attribute of the node (case-insensitive):
//
//	id, type_id, create_time_since_epoch, last_update_time_since_epoch  integers
//	type (the type's name), name, external_id                           strings
//	uri                                                                 string, artifacts only
//	state            enum: UNKNOWN PENDING LIVE MARKED_FOR_DELETION
//	                 DELETED ABANDONED REFERENCE; artifacts only
//	last_known_state enum: UNKNOWN NEW RUNNING COMPLETE FAILED CACHED
//	                 CANCELED; executions only
//
// or a property, properties.<name>.<field> or
// custom_properties.<name>.<field>, where field is int_value,
// double_value, string_value or bool_value, and a name with characters
// other than letters, digits and _ is backquoted:
// custom_properties.`my:prop`.bool_value. Property names are
// case-sensitive.
//
// or a field of a neighbour, <prefix><alias>.<field>. The alias is any run
// of letters, digits and _; mentions with the same prefix and alias are the
// same neighbour, different aliases may be different neighbours (or the
// same one): contexts_a.name = 'x' AND contexts_b.name = 'y' selects nodes
// in both contexts.
//
//	contexts_<alias>.         artifacts, executions: their contexts;
//	                          id, name, type, create_time_since_epoch,
//	                          last_update_time_since_epoch
//	parent_contexts_<alias>.  contexts: their parents; fields as above
//	child_contexts_<alias>.   contexts: their children; fields as above
//	artifacts_<alias>.        contexts: attributed artifacts; id, name, type,
//	                          state, uri, external_id, create_time_since_epoch,
//	                          last_update_time_since_epoch
//	executions_<alias>.       contexts: associated executions; id, name, type,
//	                          last_known_state, external_id,
//	                          create_time_since_epoch,
//	                          last_update_time_since_epoch
//	events_<alias>.           artifacts, executions: their events; type (enum:
//	                          UNKNOWN DECLARED_OUTPUT DECLARED_INPUT INPUT
//	                          OUTPUT INTERNAL_INPUT INTERNAL_OUTPUT
//	                          PENDING_OUTPUT), milliseconds_since_epoch, and
//	                          execution_id (of an artifact's event) or
//	                          artifact_id (of an execution's event)
//
// # Meaning
//
// The meaning is MLMD's: a query selects the nodes for which some choice
// of the neighbours it mentions makes the condition true. A mentioned
// neighbour or property must exist: properties.p.int_value IS NULL selects
// nodes that have a property p without an integer value, not nodes
// without p; name = 'a' OR contexts_c.name = 'x' selects only nodes that
// have at least one context.
//
// Integers and doubles compare with each other; strings with strings;
// booleans with booleans; NULL with anything (and matches nothing, as in
// SQL). / always divides as doubles. Enum attributes are compared with the
// names of their values: =, != (or <>), IN and NOT IN, and IS [NOT] NULL.
// Stores keep an unset state as NULL and read it back as UNKNOWN, so NULL
// is treated as UNKNOWN: state != LIVE and state = UNKNOWN select
// artifacts without a state, state = LIVE and state != UNKNOWN do not.
//
// LIKE patterns use % and _, with \ to escape them, on every dialect.
// Whether LIKE and = ignore case is the database's choice (SQLite's LIKE
// ignores the case of ASCII letters, MySQL follows the column's collation,
// PostgreSQL's LIKE and = respect case), as in MLMD.
//
// # Differences from MLMD
//
// MLMD parses queries with ZetaSQL. This package accepts the queries of
// MLMD's documentation and tests and the ZetaSQL operators listed above,
// and also: the enum names that MLMD's filter tables omit (ABANDONED,
// REFERENCE, UNKNOWN and PENDING_OUTPUT event types), enum names on the
// left (LIVE = state), <> for enums, BETWEEN, IS TRUE / IS FALSE, and
// external_id on artifacts_ and executions_ neighbours and
// create_time_since_epoch on parent_contexts_ and child_contexts_, which
// MLMD accepts but then fails to run. It rejects ZetaSQL features beyond
// those: function calls, CAST, CASE, ||, bitwise operators, bytes literals,
// and comparing an enum with a number (which MLMD rejects for = and IN).
//
// # Errors
//
// Every error of Parse, Check and Build, and Compile's errors for a query,
// is an [*Error] whose message starts with the line and column of the
// problem, e.g.
//
//	1:14: unknown attribute "nmae" for artifacts (expected one of id, type_id, ...)
//
// and which has the code errcode.InvalidArgument. Compile returns an
// errcode.Unimplemented error for the PostgreSQL dialect.
//
// # Concurrency
//
// The functions of this package are safe for concurrent use. A parsed or
// checked query is not modified by the later stages and may be compiled
// many times.
package filterlang
