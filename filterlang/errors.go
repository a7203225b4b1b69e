package filterlang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Position is a place in a filter query. Line and Column count from 1;
// Column counts characters (runes), not bytes. Offset is the byte offset
// from the start of the query.
type Position struct {
	Offset int
	Line   int
	Column int
}

// String returns "line:column".
func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

func posOf(p lexer.Position) Position {
	return Position{Offset: p.Offset, Line: p.Line, Column: p.Column}
}

// Error is the error returned for a filter query that does not parse, does
// not check against the node kind, or cannot be compiled. Its message
// starts with the position of the problem:
//
//	1:14: unknown attribute "nmae" for artifacts (expected one of id, ...)
//
// Every *Error has the code errcode.InvalidArgument: errcode.Of reports it
// and errors.Is(err, errcode.ErrInvalidArgument) holds.
type Error struct {
	Pos Position
	Msg string
}

// Error returns "line:column: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ClientMessage is Error: a filter query's error is about the client's own
// query and is shown to it (errcode.Message).
func (e *Error) ClientMessage() string { return e.Error() }

// Unwrap returns errcode.ErrInvalidArgument, which gives the error its code.
func (e *Error) Unwrap() error { return errcode.ErrInvalidArgument }

func errorf(pos lexer.Position, format string, args ...any) *Error {
	return &Error{Pos: posOf(pos), Msg: fmt.Sprintf(format, args...)}
}

// fromParticiple turns an error of the parser of query into an *Error.
func fromParticiple(err error, query string) error {
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	var lexErr *lexer.Error
	if errors.As(err, &lexErr) {
		return &Error{Pos: posOf(lexErr.Pos), Msg: lexErr.Msg}
	}
	var unexpected *participle.UnexpectedTokenError
	if errors.As(err, &unexpected) {
		e := unexpectedToken(unexpected.Unexpected, expectation(unexpected.Message()))
		if tok := unexpected.Unexpected; tok.Type == tokString && tok.Pos.Offset > 0 &&
			(query[tok.Pos.Offset-1] == '\'' || query[tok.Pos.Offset-1] == '"') {
			e.Msg += `; a quote inside a string is written \' (or use the other quotes: "it's")`
		}
		return e
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		return &Error{Pos: posOf(perr.Position()), Msg: perr.Message()}
	}
	return &Error{Pos: Position{Line: 1, Column: 1}, Msg: err.Error()}
}

// expectation turns what participle says it expected (names of grammar
// productions) into words.
func expectation(msg string) string {
	_, exp, ok := strings.Cut(msg, "(expected ")
	if !ok {
		return ""
	}
	exp = strings.TrimSuffix(exp, ")")
	switch {
	case strings.HasPrefix(exp, `("NULL"`):
		return "NULL, TRUE or FALSE after IS"
	case strings.HasPrefix(exp, `"(" Expr`):
		return `"(" and a list of values`
	case strings.HasPrefix(exp, `"AND"`):
		return "AND"
	case strings.HasPrefix(exp, `(("IN"`):
		return "IN, LIKE or BETWEEN after NOT"
	}
	first, _, _ := strings.Cut(exp, " ")
	switch first {
	case "Expr", "AndExpr", "NotExpr", "Predicate", "Sum", "Product", "Unary", "Primary":
		return `a name, a literal or "("`
	case "Name":
		return "a name"
	case `")"`:
		return `")"`
	}
	return exp
}
