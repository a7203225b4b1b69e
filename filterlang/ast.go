package filterlang

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar is written as participle struct tags on the AST types below;
// the package documentation shows it as EBNF, and testdata/grammar.ebnf
// holds participle's rendering of it (checked by a test).

// Expr is a whole filter query, or a parenthesised part of one: one or more
// conjunctions joined by OR.
type Expr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Or     []*AndExpr `parser:"@@ ( 'OR' @@ )*"`

	src string // the query, set on the root by Parse
}

// AndExpr is one or more possibly negated predicates joined by AND.
type AndExpr struct {
	Pos lexer.Position
	And []*NotExpr `parser:"@@ ( 'AND' @@ )*"`
}

// NotExpr is NOT applied to a NotExpr, or a predicate.
type NotExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *NotExpr   `parser:"'NOT' @@"`
	Pred   *Predicate `parser:"| @@"`
}

// Predicate is an operand, optionally followed by a comparison, an IS test,
// or an [NOT] IN / LIKE / BETWEEN test. An operand alone must be boolean.
type Predicate struct {
	Pos  lexer.Position
	Left *Sum           `parser:"@@"`
	Cmp  *Comparison    `parser:"( @@"`
	Is   *IsTest        `parser:"| @@"`
	Test *NegatableTest `parser:"| @@ )?"`
}

// Comparison is "op operand" with op one of = != <> < <= > >=.
type Comparison struct {
	Pos   lexer.Position
	Op    string `parser:"@( '=' | '!=' | '<>' | '<=' | '>=' | '<' | '>' )"`
	Right *Sum   `parser:"@@"`
}

// IsTest is IS [NOT] NULL, IS [NOT] TRUE or IS [NOT] FALSE.
type IsTest struct {
	Pos   lexer.Position
	Not   bool   `parser:"'IS' @'NOT'?"`
	Value string `parser:"@( 'NULL' | 'TRUE' | 'FALSE' )"`
}

// NegatableTest is [NOT] IN (...), [NOT] LIKE pattern or
// [NOT] BETWEEN low AND high.
type NegatableTest struct {
	Pos     lexer.Position
	Not     bool     `parser:"@'NOT'?"`
	In      []*Expr  `parser:"( 'IN' '(' @@ ( ',' @@ )* ')'"`
	Like    *Sum     `parser:"| 'LIKE' @@"`
	Between *Between `parser:"| 'BETWEEN' @@ )"`
}

// Between holds the bounds of a BETWEEN test.
type Between struct {
	Pos  lexer.Position
	Low  *Sum `parser:"@@ 'AND'"`
	High *Sum `parser:"@@"`
}

// Sum is a product followed by any number of "+ product" or "- product".
type Sum struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *Product   `parser:"@@"`
	Rest   []*SumTerm `parser:"@@*"`
}

// SumTerm is one "+ product" or "- product".
type SumTerm struct {
	Pos   lexer.Position
	Op    string   `parser:"@( '+' | '-' )"`
	Right *Product `parser:"@@"`
}

// Product is a unary operand followed by any number of "* unary" or
// "/ unary".
type Product struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *Unary         `parser:"@@"`
	Rest   []*ProductTerm `parser:"@@*"`
}

// ProductTerm is one "* unary" or "/ unary".
type ProductTerm struct {
	Pos   lexer.Position
	Op    string `parser:"@( '*' | '/' )"`
	Right *Unary `parser:"@@"`
}

// Unary is a signed unary operand, or a primary.
type Unary struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Sign    string   `parser:"@( '-' | '+' )"`
	Operand *Unary   `parser:"@@"`
	Primary *Primary `parser:"| @@"`
}

// Primary is a literal, a name path (possibly called as a function, which
// the checker rejects), or a parenthesised expression.
type Primary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Float  *string `parser:"@Float"`
	Int    *string `parser:"| @Int"`
	String *string `parser:"| @String"`
	Bool   *string `parser:"| @( 'TRUE' | 'FALSE' )"`
	Null   bool    `parser:"| @'NULL'"`
	Path   *Path   `parser:"| @@"`
	Paren  *Expr   `parser:"| '(' @@ ')'"`
}

// Path is a dotted name such as name, contexts_a.type or
// properties.`my prop`.int_value, optionally followed by call arguments.
type Path struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*Name `parser:"@@ ( '.' @@ )*"`
	Call   *Call   `parser:"@@?"`
}

// Name is one part of a path, plain or backquoted.
type Name struct {
	Pos lexer.Position
	Raw string `parser:"@( Ident | Quoted )"`
}

// Text returns the name without backquotes.
func (n *Name) Text() string {
	if strings.HasPrefix(n.Raw, "`") {
		return n.Raw[1 : len(n.Raw)-1]
	}
	return n.Raw
}

// Call is a function call's argument list. Function calls parse so that
// the checker can say they are not supported.
type Call struct {
	Pos  lexer.Position
	Args []*Expr `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
}

var (
	parserOnce sync.Once
	parser     *participle.Parser[Expr]
)

// grammar returns the participle parser of the language, built once.
func grammar() *participle.Parser[Expr] {
	parserOnce.Do(func() {
		parser = participle.MustBuild[Expr](
			participle.Lexer(lexDef{}),
			participle.UseLookahead(2),
		)
	})
	return parser
}

// EBNF returns the grammar in participle's EBNF notation.
func EBNF() string { return grammar().String() }

// Parse parses a filter query into its syntax tree. It checks only the
// syntax; Check resolves the names against a node kind. Errors are *Error.
func Parse(query string) (*Expr, error) {
	if strings.TrimSpace(query) == "" {
		return nil, &Error{Pos: Position{Line: 1, Column: 1}, Msg: "empty query (expected a boolean expression such as name = 'x')"}
	}
	if !utf8.ValidString(query) {
		pos := lexer.Position{Line: 1, Column: 1}
		for i, r := range query {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(query[i:]); size <= 1 {
					break
				}
			}
			pos.Advance(string(r))
		}
		return nil, errorf(pos, "the query is not valid UTF-8")
	}
	expr, err := grammar().ParseString("", query)
	if err != nil {
		return nil, fromParticiple(err, query)
	}
	expr.src = query
	return expr, nil
}

// unexpectedToken describes a token the grammar cannot accept there;
// expected says what it could have accepted ("" when the query should have
// ended).
func unexpectedToken(tok lexer.Token, expected string) *Error {
	what := "unexpected " + describe(tok)
	if tok.EOF() {
		what = "unexpected end of query"
	}
	switch {
	case expected != "":
		what += " (expected " + expected + ")"
	case tok.Type == tokPunct && tok.Value == ")":
		what += ` without a matching "("`
	default:
		what += " (expected an operator, AND, OR or the end of the query)"
	}
	return &Error{Pos: posOf(tok.Pos), Msg: what}
}

func describe(tok lexer.Token) string {
	switch tok.Type {
	case tokKeyword:
		return "keyword " + tok.Value
	case tokIdent, tokQuoted:
		return "name " + tok.Value
	case tokString:
		return "string " + tok.Value
	case tokInt, tokFloat:
		return "number " + tok.Value
	}
	return `"` + tok.Value + `"`
}
