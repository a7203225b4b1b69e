package filterlang

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the lexer. The names (keys of symbols) are what the grammar
// and its EBNF call them.
const (
	tokEOF                     = lexer.EOF
	tokIdent   lexer.TokenType = -2 // name or member name: id, contexts_a, 0 (after a dot)
	tokQuoted  lexer.TokenType = -3 // `backquoted name`, kept with its backquotes
	tokInt     lexer.TokenType = -4
	tokFloat   lexer.TokenType = -5
	tokString  lexer.TokenType = -6 // string literal, kept as written (quotes, prefix, escapes)
	tokKeyword lexer.TokenType = -7 // upper-cased: AND, OR, NOT, ...
	tokPunct   lexer.TokenType = -8 // operators and punctuation
)

var symbols = map[string]lexer.TokenType{
	"EOF":     tokEOF,
	"Ident":   tokIdent,
	"Quoted":  tokQuoted,
	"Int":     tokInt,
	"Float":   tokFloat,
	"String":  tokString,
	"Keyword": tokKeyword,
	"Punct":   tokPunct,
}

// keywords are reserved words of the language, matched in any case.
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true,
	"BETWEEN": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true,
}

// Limits that keep parsing and the generated SQL within what parsers and
// databases handle (SQLite refuses expressions deeper than 1000 levels).
const (
	maxTokens     = 10000
	maxParenDepth = 100
)

// lexDef is the participle lexer definition of the filter language. It is a
// hand-written lexer because the meaning of some characters depends on what
// came before: after "name." a member name may start with a digit
// (properties.0.int_value), while elsewhere ".5" is a number.
type lexDef struct{}

func (lexDef) Symbols() map[string]lexer.TokenType { return symbols }

func (d lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (lexDef) LexString(filename string, s string) (lexer.Lexer, error) {
	return &scanner{src: s, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

// scanner produces the tokens of one query.
type scanner struct {
	src   string
	pos   lexer.Position // position of src[pos.Offset]
	prev  lexer.Token    // the previous token
	count int            // tokens produced
	depth int            // open parentheses
	// pathDot is set when the previous token is a "." that follows a name,
	// so that the next token is a member name.
	pathDot bool
	failed  bool
}

func (s *scanner) Next() (lexer.Token, error) {
	if s.failed {
		return lexer.Token{}, &lexer.Error{Msg: "lexer failed", Pos: s.pos}
	}
	tok, err := s.next()
	if err != nil {
		s.failed = true
		return lexer.Token{}, err
	}
	s.count++
	if s.count > maxTokens {
		s.failed = true
		return lexer.Token{}, &lexer.Error{Msg: fmt.Sprintf("query is too long (more than %d tokens)", maxTokens), Pos: tok.Pos}
	}
	s.pathDot = tok.Type == tokPunct && tok.Value == "." && s.afterName()
	s.prev = tok
	return tok, nil
}

func lexErr(pos lexer.Position, format string, args ...any) error {
	return &lexer.Error{Msg: fmt.Sprintf(format, args...), Pos: pos}
}

// peek returns the rune at byte offset i from the current position, or -1.
func (s *scanner) peek(i int) rune {
	off := s.pos.Offset + i
	if off >= len(s.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(s.src[off:])
	return r
}

// advance moves the position over n bytes.
func (s *scanner) advance(n int) {
	s.pos.Advance(s.src[s.pos.Offset : s.pos.Offset+n])
}

func isIdentStart(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isIdentChar(r rune) bool { return isIdentStart(r) || isDigit(r) }

func isHex(r rune) bool {
	return isDigit(r) || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

// afterName reports whether the previous token ends a name, so that a
// following "." continues a path.
func (s *scanner) afterName() bool {
	return s.prev.Type == tokIdent || s.prev.Type == tokQuoted
}

// memberNext reports whether the next token is a member name: it follows a
// "." that continues a path.
func (s *scanner) memberNext() bool { return s.pathDot }

func (s *scanner) skipSpaceAndComments() error {
	for {
		r := s.peek(0)
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
			s.advance(1)
		case r == '#' || (r == '-' && s.peek(1) == '-'):
			end := strings.IndexByte(s.src[s.pos.Offset:], '\n')
			if end < 0 {
				end = len(s.src) - s.pos.Offset
			}
			s.advance(end)
		case r == '/' && s.peek(1) == '*':
			start := s.pos
			end := strings.Index(s.src[s.pos.Offset+2:], "*/")
			if end < 0 {
				return lexErr(start, "unterminated comment")
			}
			s.advance(end + 4)
		default:
			return nil
		}
	}
}

func (s *scanner) next() (lexer.Token, error) {
	if err := s.skipSpaceAndComments(); err != nil {
		return lexer.Token{}, err
	}
	start := s.pos
	r := s.peek(0)
	if r < 0 {
		return lexer.EOFToken(start), nil
	}
	if r == utf8.RuneError {
		if _, size := utf8.DecodeRuneInString(s.src[s.pos.Offset:]); size <= 1 {
			return lexer.Token{}, lexErr(start, "query is not valid UTF-8")
		}
	}
	token := func(typ lexer.TokenType, n int) lexer.Token {
		v := s.src[s.pos.Offset : s.pos.Offset+n]
		s.advance(n)
		return lexer.Token{Type: typ, Value: v, Pos: start}
	}

	// A member name after "name.": any run of letters, digits and '_'.
	if s.memberNext() && isIdentChar(r) {
		n := 0
		for isIdentChar(s.peek(n)) {
			n++
		}
		return token(tokIdent, n), nil
	}

	switch {
	case r == '`':
		end := strings.IndexByte(s.src[s.pos.Offset+1:], '`')
		if end < 0 {
			return lexer.Token{}, lexErr(start, "unterminated quoted name (missing closing `)")
		}
		if end == 0 {
			return lexer.Token{}, lexErr(start, "empty quoted name ``")
		}
		return token(tokQuoted, end+2), nil

	case r == '\'' || r == '"':
		return s.stringLit(start, 0)

	case isIdentStart(r):
		n := 0
		for isIdentChar(s.peek(n)) {
			n++
		}
		word := s.src[s.pos.Offset : s.pos.Offset+n]
		if q := s.peek(n); (q == '\'' || q == '"') && isStringPrefix(word) {
			return s.stringLit(start, n)
		}
		if up := strings.ToUpper(word); keywords[up] {
			s.advance(n)
			return lexer.Token{Type: tokKeyword, Value: up, Pos: start}, nil
		}
		return token(tokIdent, n), nil

	case isDigit(r) || (r == '.' && isDigit(s.peek(1)) && !s.afterName()):
		return s.number(start)
	}

	// Operators and punctuation.
	two := ""
	if s.pos.Offset+2 <= len(s.src) {
		two = s.src[s.pos.Offset : s.pos.Offset+2]
	}
	switch two {
	case "!=", "<>", "<=", ">=":
		return token(tokPunct, 2), nil
	case "==":
		return lexer.Token{}, lexErr(start, `"==" is not an operator; use "=" to compare`)
	case "&&":
		return lexer.Token{}, lexErr(start, `"&&" is not an operator; use AND`)
	case "||":
		return lexer.Token{}, lexErr(start, `"||" is not supported; use OR to combine conditions`)
	}
	switch r {
	case '(':
		s.depth++
		if s.depth > maxParenDepth {
			return lexer.Token{}, lexErr(start, "parentheses are nested too deeply (more than %d levels)", maxParenDepth)
		}
		return token(tokPunct, 1), nil
	case ')':
		s.depth--
		return token(tokPunct, 1), nil
	case ',', '.', '=', '<', '>', '+', '-', '*', '/':
		return token(tokPunct, 1), nil
	case '!':
		return lexer.Token{}, lexErr(start, `unexpected character "!" (use NOT, or != to compare)`)
	}
	if s.afterName() {
		return lexer.Token{}, lexErr(start, "unexpected character %q (a name with characters other than letters, digits and _ must be backquoted, e.g. properties.`my:name`.int_value)", r)
	}
	return lexer.Token{}, lexErr(start, "unexpected character %q", r)
}

// isStringPrefix reports whether word, written right before a quote, is a
// string literal prefix: r (raw) or b (bytes), in either case and order.
func isStringPrefix(word string) bool {
	switch strings.ToLower(word) {
	case "r", "b", "rb", "br":
		return true
	}
	return false
}

// stringLit scans a string literal whose prefix (r, b, ...) is prefixLen
// bytes long. The token keeps the literal as written; unquote decodes it.
func (s *scanner) stringLit(start lexer.Position, prefixLen int) (lexer.Token, error) {
	prefix := strings.ToLower(s.src[s.pos.Offset : s.pos.Offset+prefixLen])
	if strings.Contains(prefix, "b") {
		return lexer.Token{}, lexErr(start, "bytes literals are not supported; use a string literal")
	}
	raw := prefix == "r"
	body := s.src[s.pos.Offset+prefixLen:]
	quote := body[:1]
	delim := quote
	if strings.HasPrefix(body, quote+quote+quote) {
		delim = quote + quote + quote
	}
	i := len(delim)
	for {
		if i >= len(body) {
			return lexer.Token{}, lexErr(start, "unterminated string literal (missing closing %s)", delim)
		}
		c := body[i]
		switch {
		case c == '\\':
			if i+1 >= len(body) {
				return lexer.Token{}, lexErr(start, "unterminated string literal (missing closing %s)", delim)
			}
			if !raw {
				pos := s.pos
				pos.Advance(s.src[s.pos.Offset : s.pos.Offset+prefixLen+i])
				if _, _, err := unescape(body[i:]); err != nil {
					return lexer.Token{}, lexErr(pos, "%s", err.Error())
				}
			}
			i += 2
		case c == '\n' && len(delim) == 1:
			return lexer.Token{}, lexErr(start, "unterminated string literal (missing closing %s before the end of the line; use \\n for a newline)", delim)
		case strings.HasPrefix(body[i:], delim):
			n := prefixLen + i + len(delim)
			v := s.src[s.pos.Offset : s.pos.Offset+n]
			if _, err := unquote(v); err != nil {
				return lexer.Token{}, lexErr(start, "%s", err.Error())
			}
			s.advance(n)
			return lexer.Token{Type: tokString, Value: v, Pos: start}, nil
		default:
			i++
		}
	}
}

// number scans an integer or floating-point literal.
func (s *scanner) number(start lexer.Position) (lexer.Token, error) {
	src := s.src[s.pos.Offset:]
	n := 0
	typ := tokInt
	if len(src) > 2 && src[0] == '0' && (src[1] == 'x' || src[1] == 'X') && isHex(rune(src[2])) {
		n = 2
		for n < len(src) && isHex(rune(src[n])) {
			n++
		}
	} else {
		for n < len(src) && isDigit(rune(src[n])) {
			n++
		}
		if n < len(src) && src[n] == '.' {
			typ = tokFloat
			n++
			for n < len(src) && isDigit(rune(src[n])) {
				n++
			}
		}
		if n < len(src) && (src[n] == 'e' || src[n] == 'E') {
			m := n + 1
			if m < len(src) && (src[m] == '+' || src[m] == '-') {
				m++
			}
			if m < len(src) && isDigit(rune(src[m])) {
				typ = tokFloat
				n = m
				for n < len(src) && isDigit(rune(src[n])) {
					n++
				}
			}
		}
	}
	if n < len(src) && (isIdentChar(rune(src[n])) || src[n] == '.') {
		end := n
		for end < len(src) && (isIdentChar(rune(src[end])) || src[end] == '.') {
			end++
		}
		return lexer.Token{}, lexErr(start, "invalid number %q", src[:end])
	}
	v := src[:n]
	s.advance(n)
	return lexer.Token{Type: typ, Value: v, Pos: start}, nil
}

// unquote decodes a string literal token: optional r prefix, then '...',
// "...", ”'...”' or """...""", with backslash escapes unless raw.
func unquote(lit string) (string, error) {
	raw := false
	if lit[0] == 'r' || lit[0] == 'R' {
		raw = true
		lit = lit[1:]
	}
	q := lit[:1]
	if len(lit) >= 6 && strings.HasPrefix(lit, q+q+q) {
		lit = lit[3 : len(lit)-3]
	} else {
		lit = lit[1 : len(lit)-1]
	}
	if raw {
		return lit, nil
	}
	if !strings.Contains(lit, `\`) {
		return lit, nil
	}
	var b strings.Builder
	for i := 0; i < len(lit); {
		if lit[i] != '\\' {
			b.WriteByte(lit[i])
			i++
			continue
		}
		r, n, err := unescape(lit[i:])
		if err != nil {
			return "", err
		}
		b.WriteString(r)
		i += n
	}
	out := b.String()
	if !utf8.ValidString(out) {
		return "", fmt.Errorf("string literal is not valid UTF-8 after its escapes are decoded")
	}
	return out, nil
}

// unescape decodes the escape sequence at the start of s (which starts with
// a backslash) and returns its value and length.
func unescape(s string) (string, int, error) {
	if len(s) < 2 {
		return "", 0, fmt.Errorf(`incomplete escape sequence "\"`)
	}
	switch c := s[1]; c {
	case 'a':
		return "\a", 2, nil
	case 'b':
		return "\b", 2, nil
	case 'f':
		return "\f", 2, nil
	case 'n':
		return "\n", 2, nil
	case 'r':
		return "\r", 2, nil
	case 't':
		return "\t", 2, nil
	case 'v':
		return "\v", 2, nil
	case '\\', '?', '"', '\'', '`':
		return string(c), 2, nil
	case 'x', 'X':
		return hexEscape(s, 2)
	case 'u':
		return hexEscape(s, 4)
	case 'U':
		return hexEscape(s, 8)
	case '0', '1', '2', '3':
		if len(s) >= 4 && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7' {
			v := (c-'0')*64 + (s[2]-'0')*8 + (s[3] - '0')
			return string([]byte{v}), 4, nil
		}
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return "", 0, fmt.Errorf(`invalid escape sequence "\%c" (valid escapes: \n \t \r \\ \' \" \xHH \uHHHH ...)`, r)
}

func hexEscape(s string, digits int) (string, int, error) {
	n := 2
	for n < len(s) && n < 2+digits && isHex(rune(s[n])) {
		n++
	}
	if n < 2+digits {
		return "", 0, fmt.Errorf(`invalid escape sequence "%s" (expected %d hex digits after \%c)`, s[:n], digits, s[1])
	}
	var v rune
	for _, c := range s[2:n] {
		v = v*16 + hexVal(c)
	}
	if digits == 2 {
		return string([]byte{byte(v)}), 4, nil
	}
	if !utf8.ValidRune(v) {
		return "", 0, fmt.Errorf(`escape sequence "%s" is not a valid Unicode code point`, s[:n])
	}
	return string(v), 2 + digits, nil
}

func hexVal(c rune) rune {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
