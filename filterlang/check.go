package filterlang

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Limits on what a query may ask of the database.
const (
	// maxJoins is the most tables a query may join to the node table.
	// MySQL joins at most 61 tables and SQLite 64; the rest is left to the
	// caller's own joins.
	maxJoins = 48
	// maxDepth is the deepest nesting of operators (NOT, arithmetic,
	// parentheses) a query may have. It is above maxParenDepth, so that
	// parentheses hit their own, clearer limit first.
	maxDepth = 128
)

// Checked is a filter query resolved against a node kind: every name is
// bound to a column of the node or of a neighbour, and every operand has a
// type. Compile turns it into SQL, for any dialect; a Checked is never
// changed, so it may be compiled many times, concurrently.
type Checked struct {
	src        string
	kind       Kind
	root       cexpr
	neighbours []*neighbour // in order of first mention
}

// Kind returns the node kind the query was checked against.
func (c *Checked) Kind() Kind { return c.kind }

// String returns the text of the query; "" for a nil *Checked.
func (c *Checked) String() string {
	if c == nil {
		return ""
	}
	return c.src
}

// Prepare parses query and checks it against kind: Check(Parse(query)).
// Its errors are *Error, with the code InvalidArgument.
func Prepare(query string, kind Kind) (*Checked, error) {
	expr, err := Parse(query)
	if err != nil {
		return nil, err
	}
	return Check(expr, kind)
}

// neighbour is something joined to the node: its type, a property, or an
// aliased neighbour. Its number n names its tables in SQL.
type neighbour struct {
	n      int
	rel    relation
	key    string // lower-cased alias, or the property name
	custom bool   // is_custom_property, for properties
	// needNode says a field other than id is used, so the neighbour's node
	// table must be joined (not only the link table).
	needNode bool
	// needType says the neighbour's type name is used.
	needType bool
}

// multiplies reports whether joining the neighbour can yield more than one
// row per node.
func (n *neighbour) multiplies() bool {
	switch n.rel {
	case relType, relProperty, relCustomProperty:
		return false
	}
	return true
}

// cexpr is a checked expression.
type cexpr interface{ typ() valType }

type (
	// column is a field of the node (nb == nil) or of a neighbour.
	column struct {
		nb *neighbour
		f  field
	}
	// literal is a constant with one of the types int64, float64, string,
	// bool, or nil for NULL.
	literal struct {
		v any
		t valType
	}
	// arith is + - * / on numbers.
	arith struct {
		op   string
		l, r cexpr
		t    valType
	}
	// negate is unary minus.
	negate struct {
		x cexpr
		t valType
	}
	// compare is = <> < <= > >= on two operands of comparable types.
	compare struct {
		op   string
		l, r cexpr
	}
	// enumTest compares an enum column with names: = (one value), IN, and
	// their negations. NULL counts as the enum's value 0 (UNKNOWN), because
	// stores keep an unset state as NULL.
	enumTest struct {
		col    *column
		not    bool
		values []int64
	}
	// inList is [NOT] IN (...).
	inList struct {
		x    cexpr
		not  bool
		list []cexpr
	}
	// like is [NOT] LIKE.
	like struct {
		x, pattern cexpr
		not        bool
	}
	// between is [NOT] BETWEEN lo AND hi.
	between struct {
		x, lo, hi cexpr
		not       bool
	}
	// isTest is IS [NOT] NULL / TRUE / FALSE.
	isTest struct {
		x    cexpr
		not  bool
		what string
	}
	// logic is AND or OR over two or more conditions.
	logic struct {
		op   string
		args []cexpr
	}
	// not is NOT.
	not struct{ x cexpr }
)

func (c *column) typ() valType   { return c.f.typ }
func (l *literal) typ() valType  { return l.t }
func (a *arith) typ() valType    { return a.t }
func (n *negate) typ() valType   { return n.t }
func (*compare) typ() valType    { return tBool }
func (*enumTest) typ() valType   { return tBool }
func (*inList) typ() valType     { return tBool }
func (*like) typ() valType       { return tBool }
func (*between) typ() valType    { return tBool }
func (*isTest) typ() valType     { return tBool }
func (*logic) typ() valType      { return tBool }
func (*not) typ() valType        { return tBool }
func (l *literal) isNull() bool  { return l.t == tNull }
func (c *column) isEnum() bool   { return c.f.typ == tEnum }
func (c *column) nullable() bool { return c.f.enum != nil && c.f.enum.nullable }

// Check resolves a parsed query against the attributes and neighbours of
// nodes of the given kind and checks the types of its operands. Errors are
// *Error.
func Check(expr *Expr, kind Kind) (*Checked, error) {
	if expr == nil {
		return nil, &Error{Pos: Position{Line: 1, Column: 1}, Msg: "no query"}
	}
	if !kind.valid() {
		return nil, &Error{Pos: Position{Line: 1, Column: 1}, Msg: fmt.Sprintf("invalid node kind %d", int8(kind))}
	}
	c := &checker{kind: kind, src: expr.src, byKey: map[string]*neighbour{}}
	root, err := c.expr(expr, 0)
	if err != nil {
		return nil, err
	}
	if root.typ() != tBool {
		return nil, errorf(expr.Pos, "the query must be a condition, but %s is %s", c.text(expr.Pos, expr.EndPos), root.typ())
	}
	return &Checked{src: expr.src, kind: kind, root: root, neighbours: c.neighbours}, nil
}

type checker struct {
	kind       Kind
	src        string
	neighbours []*neighbour
	byKey      map[string]*neighbour
}

// text returns the query text between two positions, for messages.
func (c *checker) text(from, to lexer.Position) string {
	if c.src == "" || from.Offset < 0 || to.Offset > len(c.src) || from.Offset >= to.Offset {
		return "the expression"
	}
	s := strings.Join(strings.Fields(c.src[from.Offset:to.Offset]), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func (c *checker) deeper(pos lexer.Position, depth int) (int, error) {
	depth++
	if depth > maxDepth {
		return 0, errorf(pos, "the query is nested too deeply (more than %d levels)", maxDepth)
	}
	return depth, nil
}

func (c *checker) expr(e *Expr, depth int) (cexpr, error) {
	depth, err := c.deeper(e.Pos, depth)
	if err != nil {
		return nil, err
	}
	args := make([]cexpr, 0, len(e.Or))
	for _, a := range e.Or {
		x, err := c.and(a, depth)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	for i, a := range e.Or {
		if args[i].typ() != tBool {
			return nil, errorf(a.Pos, "OR needs conditions on both sides, but %s is %s", c.text(a.Pos, a.EndPos()), args[i].typ())
		}
	}
	return &logic{op: "OR", args: args}, nil
}

// EndPos returns the end of the conjunction.
func (a *AndExpr) EndPos() lexer.Position { return a.And[len(a.And)-1].EndPos }

func (c *checker) and(a *AndExpr, depth int) (cexpr, error) {
	args := make([]cexpr, 0, len(a.And))
	for _, n := range a.And {
		x, err := c.not(n, depth)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	for i, n := range a.And {
		if args[i].typ() != tBool {
			return nil, errorf(n.Pos, "AND needs conditions on both sides, but %s is %s", c.text(n.Pos, n.EndPos), args[i].typ())
		}
	}
	return &logic{op: "AND", args: args}, nil
}

func (c *checker) not(n *NotExpr, depth int) (cexpr, error) {
	if n.Pred != nil {
		return c.predicate(n.Pred, depth)
	}
	depth, err := c.deeper(n.Pos, depth)
	if err != nil {
		return nil, err
	}
	x, err := c.not(n.Not, depth)
	if err != nil {
		return nil, err
	}
	if x.typ() != tBool {
		return nil, errorf(n.Not.Pos, "NOT needs a condition, but %s is %s", c.text(n.Not.Pos, n.Not.EndPos), x.typ())
	}
	return &not{x: x}, nil
}

func (c *checker) predicate(p *Predicate, depth int) (cexpr, error) {
	switch {
	case p.Cmp != nil:
		return c.comparison(p.Left, p.Cmp, depth)
	case p.Is != nil:
		x, err := c.sum(p.Left, depth)
		if err != nil {
			return nil, err
		}
		if p.Is.Value != "NULL" && x.typ() != tBool && x.typ() != tNull {
			return nil, errorf(p.Is.Pos, "IS %s needs a boolean, but %s is %s", p.Is.Value, c.text(p.Left.Pos, p.Left.EndPos), x.typ())
		}
		return &isTest{x: x, not: p.Is.Not, what: p.Is.Value}, nil
	case p.Test != nil:
		return c.test(p.Left, p.Test, depth)
	}
	return c.sum(p.Left, depth)
}

// comparison checks "left op right".
func (c *checker) comparison(left *Sum, cmp *Comparison, depth int) (cexpr, error) {
	op := cmp.Op
	if op == "!=" {
		op = "<>"
	}
	// An enum attribute is compared with names: state = LIVE, or LIVE = state.
	if col := c.enumColumn(left); col != nil {
		return c.enumComparison(col, left, op, cmp.Right, cmp.Pos)
	}
	if col := c.enumColumn(cmp.Right); col != nil && bareName(left) != nil {
		return c.enumComparison(col, cmp.Right, op, left, cmp.Pos)
	}
	l, err := c.sum(left, depth)
	if err != nil {
		return nil, err
	}
	r, err := c.sum(cmp.Right, depth)
	if err != nil {
		return nil, err
	}
	if err := c.comparable(cmp.Op, left, l, cmp.Right, r, cmp.Pos, op != "=" && op != "<>"); err != nil {
		return nil, err
	}
	return &compare{op: op, l: l, r: r}, nil
}

// comparable checks that two operands can be compared.
func (c *checker) comparable(op string, ls *Sum, l cexpr, rs *Sum, r cexpr, pos lexer.Position, ordered bool) error {
	lt, rt := l.typ(), r.typ()
	for _, side := range []struct {
		s *Sum
		x cexpr
	}{{ls, l}, {rs, r}} {
		if col, ok := side.x.(*column); ok && col.isEnum() {
			return c.enumMisuse(col, side.s, op)
		}
	}
	switch {
	case lt == tNull || rt == tNull:
		return nil
	case lt.numeric() && rt.numeric(), lt == rt:
		return nil
	}
	return errorf(pos, "cannot compare %s (%s) with %s (%s)",
		c.text(ls.Pos, ls.EndPos), strings.TrimPrefix(strings.TrimPrefix(lt.String(), "an "), "a "),
		c.text(rs.Pos, rs.EndPos), strings.TrimPrefix(strings.TrimPrefix(rt.String(), "an "), "a "))
}

func (c *checker) enumMisuse(col *column, s *Sum, op string) error {
	return errorf(s.Pos, "%s is an enum and can only be tested with =, !=, IN, NOT IN or IS NULL against names such as %s, not with %s",
		c.text(s.Pos, s.EndPos), col.f.enum.example, op)
}

// enumComparison checks "col op name" where col is an enum column.
func (c *checker) enumComparison(col *column, colSum *Sum, op string, other *Sum, pos lexer.Position) (cexpr, error) {
	if op != "=" && op != "<>" {
		return nil, c.enumMisuse(col, colSum, op)
	}
	v, err := c.enumValue(col, other)
	if err != nil {
		return nil, err
	}
	if err := c.use(col, colSum.Pos); err != nil {
		return nil, err
	}
	return &enumTest{col: col, not: op == "<>", values: []int64{v}}, nil
}

// enumValue resolves an operand that must be a name of col's enum.
func (c *checker) enumValue(col *column, s *Sum) (int64, error) {
	name := bareName(s)
	if name == nil {
		what := "the expression"
		if p := s.Left.Left.Primary; p != nil && s.Rest == nil && s.Left.Rest == nil {
			switch {
			case p.String != nil:
				what = "a string"
			case p.Int != nil, p.Float != nil:
				what = "a number"
			case p.Bool != nil:
				what = "a boolean"
			case p.Null:
				what = "NULL (use IS NULL)"
			}
		}
		return 0, errorf(s.Pos, "%s is compared with %s; use a name such as %s (one of %s)",
			col.f.name, what, col.f.enum.example, strings.Join(col.f.enum.names, ", "))
	}
	v, ok := col.f.enum.value(name.Text())
	if !ok {
		return 0, errorf(name.Pos, "unknown %s %q (expected one of %s)", col.f.enum.what, name.Text(), strings.Join(col.f.enum.names, ", "))
	}
	return v, nil
}

// enumColumn returns the enum column a bare path names, or nil. It does not
// record the path's neighbour: call use if the column is used.
func (c *checker) enumColumn(s *Sum) *column {
	p := barePath(s)
	if p == nil {
		return nil
	}
	col, err := c.resolve(p)
	if err != nil || !col.isEnum() {
		return nil
	}
	return col
}

// test checks [NOT] IN / LIKE / BETWEEN.
func (c *checker) test(left *Sum, t *NegatableTest, depth int) (cexpr, error) {
	if t.In != nil {
		if col := c.enumColumn(left); col != nil {
			values := make([]int64, len(t.In))
			for i, e := range t.In {
				s := bareSum(e)
				if s == nil {
					return nil, errorf(e.Pos, "%s IN (...) needs names such as %s", col.f.name, col.f.enum.example)
				}
				v, err := c.enumValue(col, s)
				if err != nil {
					return nil, err
				}
				values[i] = v
			}
			if err := c.use(col, left.Pos); err != nil {
				return nil, err
			}
			return &enumTest{col: col, not: t.Not, values: values}, nil
		}
	}
	x, err := c.sum(left, depth)
	if err != nil {
		return nil, err
	}
	op := "LIKE"
	if t.Between != nil {
		op = "BETWEEN"
	} else if t.In != nil {
		op = "IN"
	}
	if col, ok := x.(*column); ok && col.isEnum() {
		return nil, c.enumMisuse(col, left, op)
	}
	switch {
	case t.In != nil:
		list := make([]cexpr, len(t.In))
		for i, e := range t.In {
			v, err := c.expr(e, depth)
			if err != nil {
				return nil, err
			}
			if !matches(x, v) {
				return nil, errorf(e.Pos, "IN list value %s is %s, but %s is %s",
					c.text(e.Pos, e.EndPos), v.typ(), c.text(left.Pos, left.EndPos), x.typ())
			}
			list[i] = v
		}
		return &inList{x: x, not: t.Not, list: list}, nil
	case t.Like != nil:
		pat, err := c.sum(t.Like, depth)
		if err != nil {
			return nil, err
		}
		for _, side := range []struct {
			s *Sum
			x cexpr
		}{{left, x}, {t.Like, pat}} {
			if tt := side.x.typ(); tt != tString && tt != tNull {
				return nil, errorf(side.s.Pos, "LIKE needs strings, but %s is %s", c.text(side.s.Pos, side.s.EndPos), tt)
			}
		}
		return &like{x: x, pattern: pat, not: t.Not}, nil
	}
	lo, err := c.sum(t.Between.Low, depth)
	if err != nil {
		return nil, err
	}
	hi, err := c.sum(t.Between.High, depth)
	if err != nil {
		return nil, err
	}
	for _, b := range []struct {
		s *Sum
		x cexpr
	}{{t.Between.Low, lo}, {t.Between.High, hi}} {
		if err := c.comparable("BETWEEN", left, x, b.s, b.x, b.s.Pos, true); err != nil {
			return nil, err
		}
	}
	return &between{x: x, lo: lo, hi: hi, not: t.Not}, nil
}

// matches reports whether two operands can be compared for equality.
func matches(a, b cexpr) bool {
	at, bt := a.typ(), b.typ()
	return at == tNull || bt == tNull || at == bt && at != tEnum || at.numeric() && bt.numeric()
}

func (c *checker) sum(s *Sum, depth int) (cexpr, error) {
	x, err := c.product(s.Left, depth)
	if err != nil {
		return nil, err
	}
	if len(s.Rest) == 0 {
		return x, nil
	}
	if depth, err = c.deeper(s.Pos, depth); err != nil {
		return nil, err
	}
	leftEnd := s.Left.EndPos
	for _, t := range s.Rest {
		r, err := c.product(t.Right, depth)
		if err != nil {
			return nil, err
		}
		if x, err = c.arith(t.Op, x, s.Pos, leftEnd, r, t.Right.Pos, t.Right.EndPos); err != nil {
			return nil, err
		}
		leftEnd = t.Right.EndPos
	}
	return x, nil
}

func (c *checker) product(p *Product, depth int) (cexpr, error) {
	x, err := c.unary(p.Left, depth)
	if err != nil {
		return nil, err
	}
	if len(p.Rest) == 0 {
		return x, nil
	}
	if depth, err = c.deeper(p.Pos, depth); err != nil {
		return nil, err
	}
	leftEnd := p.Left.EndPos
	for _, t := range p.Rest {
		r, err := c.unary(t.Right, depth)
		if err != nil {
			return nil, err
		}
		if x, err = c.arith(t.Op, x, p.Pos, leftEnd, r, t.Right.Pos, t.Right.EndPos); err != nil {
			return nil, err
		}
		leftEnd = t.Right.EndPos
	}
	return x, nil
}

// arith checks a binary arithmetic operation.
func (c *checker) arith(op string, l cexpr, lpos, lend lexer.Position, r cexpr, rpos, rend lexer.Position) (cexpr, error) {
	for _, side := range []struct {
		x        cexpr
		pos, end lexer.Position
	}{{l, lpos, lend}, {r, rpos, rend}} {
		if t := side.x.typ(); !t.numeric() && t != tNull {
			return nil, errorf(side.pos, "operator %s needs numbers, but %s is %s", op, c.text(side.pos, side.end), t)
		}
	}
	t := tInt
	if op == "/" || l.typ() == tDouble || r.typ() == tDouble {
		t = tDouble
	}
	return &arith{op: op, l: l, r: r, t: t}, nil
}

func (c *checker) unary(u *Unary, depth int) (cexpr, error) {
	if u.Primary != nil {
		return c.primary(u.Primary, depth)
	}
	depth, err := c.deeper(u.Pos, depth)
	if err != nil {
		return nil, err
	}
	// A signed number literal is one literal, so that the smallest int64
	// can be written.
	if p := u.Operand.Primary; p != nil && p.Int != nil && u.Sign == "-" {
		v, err := parseInt("-"+*p.Int, u.Pos)
		if err != nil {
			return nil, err
		}
		return &literal{v: v, t: tInt}, nil
	}
	x, err := c.unary(u.Operand, depth)
	if err != nil {
		return nil, err
	}
	if t := x.typ(); !t.numeric() && t != tNull {
		return nil, errorf(u.Pos, "unary %s needs a number, but %s is %s", u.Sign, c.text(u.Operand.Pos, u.Operand.EndPos), t)
	}
	if u.Sign == "+" {
		return x, nil
	}
	if lit, ok := x.(*literal); ok && lit.t == tDouble {
		return &literal{v: -lit.v.(float64), t: tDouble}, nil
	}
	return &negate{x: x, t: x.typ()}, nil
}

func (c *checker) primary(p *Primary, depth int) (cexpr, error) {
	switch {
	case p.Int != nil:
		v, err := parseInt(*p.Int, p.Pos)
		if err != nil {
			return nil, err
		}
		return &literal{v: v, t: tInt}, nil
	case p.Float != nil:
		v, err := strconv.ParseFloat(*p.Float, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, errorf(p.Pos, "number %s is out of range", *p.Float)
		}
		return &literal{v: v, t: tDouble}, nil
	case p.String != nil:
		v, err := unquote(*p.String)
		if err != nil {
			return nil, errorf(p.Pos, "%s", err.Error())
		}
		return &literal{v: v, t: tString}, nil
	case p.Bool != nil:
		return &literal{v: *p.Bool == "TRUE", t: tBool}, nil
	case p.Null:
		return &literal{t: tNull}, nil
	case p.Paren != nil:
		return c.expr(p.Paren, depth)
	}
	if p.Path.Call != nil {
		return nil, errorf(p.Path.Call.Pos, "function calls are not supported (%s)", c.text(p.Path.Pos, p.Path.EndPos))
	}
	col, err := c.resolve(p.Path)
	if err != nil {
		return nil, err
	}
	if err := c.use(col, p.Pos); err != nil {
		return nil, err
	}
	return col, nil
}

func parseInt(s string, pos lexer.Position) (int64, error) {
	var v int64
	var err error
	if t := strings.TrimPrefix(s, "-"); len(t) > 2 && (t[1] == 'x' || t[1] == 'X') {
		var u uint64
		u, err = strconv.ParseUint(t[2:], 16, 64)
		switch {
		case err != nil:
		case s[0] == '-' && u <= 1<<63:
			v = int64(-u)
		case s[0] != '-' && u < 1<<63:
			v = int64(u)
		default:
			err = strconv.ErrRange
		}
	} else {
		v, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil {
		return 0, errorf(pos, "integer %s is out of range (integers are 64-bit)", s)
	}
	return v, nil
}

// bareSum returns the sum an expression consists of, if it is nothing more
// than one operand.
func bareSum(e *Expr) *Sum {
	if len(e.Or) != 1 || len(e.Or[0].And) != 1 {
		return nil
	}
	n := e.Or[0].And[0]
	if n.Pred == nil || n.Pred.Cmp != nil || n.Pred.Is != nil || n.Pred.Test != nil {
		return nil
	}
	return n.Pred.Left
}

// barePath returns the path an operand consists of, or nil.
func barePath(s *Sum) *Path {
	if s == nil || len(s.Rest) != 0 || len(s.Left.Rest) != 0 {
		return nil
	}
	p := s.Left.Left.Primary
	if p == nil || p.Path == nil || p.Path.Call != nil {
		return nil
	}
	return p.Path
}

// bareName returns the single name an operand consists of, or nil.
func bareName(s *Sum) *Name {
	p := barePath(s)
	if p == nil || len(p.Parts) != 1 {
		return nil
	}
	return p.Parts[0]
}

// resolve binds a path to a column, without recording its neighbour.
func (c *checker) resolve(p *Path) (*column, error) {
	first := p.Parts[0]
	head := strings.ToLower(first.Text())

	// properties.<name>.<value field> and custom_properties....
	if head == "properties" || head == "custom_properties" {
		rel := relProperty
		if head == "custom_properties" {
			rel = relCustomProperty
		}
		if len(p.Parts) < 2 {
			return nil, errorf(first.Pos, "%s needs a property name and a value field, e.g. %s.my_property.int_value", head, head)
		}
		name := p.Parts[1]
		if len(p.Parts) < 3 {
			return nil, errorf(name.Pos, "%s.%s needs a value field (expected one of %s)", head, name.Raw, fieldNames(propertyFields))
		}
		fname := p.Parts[2]
		f, ok := findField(propertyFields, fname.Text())
		if !ok {
			return nil, errorf(fname.Pos, "unknown value field %q of %s.%s (expected one of %s)", fname.Text(), head, name.Raw, fieldNames(propertyFields))
		}
		if len(p.Parts) > 3 {
			return nil, errorf(p.Parts[3].Pos, "%s.%s.%s has no field %q", head, name.Raw, f.name, p.Parts[3].Text())
		}
		return &column{nb: &neighbour{rel: rel, key: name.Text(), custom: rel == relCustomProperty}, f: f}, nil
	}

	// <prefix><alias>.<field>
	for _, np := range neighbourPrefixes {
		bare := strings.TrimSuffix(np.prefix, "_")
		if head != bare && !strings.HasPrefix(head, np.prefix) {
			continue
		}
		kinds := neighbourKinds[np.rel]
		allowed := false
		for _, k := range kinds {
			allowed = allowed || k == c.kind
		}
		if !allowed {
			return nil, errorf(first.Pos, "%s have no %s<alias> neighbours (%s only); %s can use %s",
				c.kind.plural(), np.prefix, kindList(kinds), c.kind.plural(), neighbourHelp(c.kind)+" and properties")
		}
		fields := neighbourFields(np.rel, c.kind)
		alias := strings.TrimPrefix(head, np.prefix)
		if head == bare || alias == "" {
			return nil, errorf(first.Pos, "%s needs an alias and a field, e.g. %sa.%s", first.Text(), np.prefix, fields[1].name)
		}
		for _, r := range alias {
			if !isIdentChar(r) {
				return nil, errorf(first.Pos, "the alias in %s must consist of letters, digits and _", first.Raw)
			}
		}
		if len(p.Parts) < 2 {
			return nil, errorf(first.Pos, "%s needs a field, e.g. %s.%s (expected one of %s)", first.Text(), first.Text(), fields[1].name, fieldNames(fields))
		}
		fname := p.Parts[1]
		f, ok := findField(fields, fname.Text())
		if !ok {
			return nil, errorf(fname.Pos, "unknown field %q of %s (expected one of %s)", fname.Text(), first.Text(), fieldNames(fields))
		}
		if len(p.Parts) > 2 {
			return nil, errorf(p.Parts[2].Pos, "%s.%s has no field %q", first.Text(), f.name, p.Parts[2].Text())
		}
		return &column{nb: &neighbour{rel: np.rel, key: alias}, f: f}, nil
	}

	// An attribute of the node.
	attrs := attributes[c.kind]
	f, ok := findField(attrs, head)
	if !ok {
		for _, k := range []Kind{KindArtifact, KindExecution, KindContext} {
			if _, found := findField(attributes[k], head); found && k != c.kind {
				return nil, errorf(first.Pos, "%s have no attribute %q (expected one of %s)", c.kind.plural(), first.Text(), fieldNames(attrs))
			}
		}
		return nil, errorf(first.Pos, "unknown attribute %q for %s (expected one of %s)", first.Text(), c.kind.plural(), fieldNames(attrs))
	}
	if len(p.Parts) > 1 {
		return nil, errorf(p.Parts[1].Pos, "%s is an attribute and has no field %q", f.name, p.Parts[1].Text())
	}
	if f.name == "type" {
		return &column{nb: &neighbour{rel: relType}, f: f}, nil
	}
	return &column{f: f}, nil
}

// use records the neighbour a column belongs to, sharing it with earlier
// mentions of the same neighbour, and numbers new neighbours. pos is where
// the column is named.
func (c *checker) use(col *column, pos lexer.Position) error {
	nb := col.nb
	if nb == nil {
		return nil
	}
	key := fmt.Sprintf("%d/%s", nb.rel, nb.key)
	if old, ok := c.byKey[key]; ok {
		nb = old
	} else {
		nb.n = len(c.neighbours) + 1
		c.byKey[key] = nb
		c.neighbours = append(c.neighbours, nb)
	}
	col.nb = nb
	if nb.multiplies() && nb.rel != relEvent && col.f.name != "id" {
		nb.needNode = true
	}
	if col.f.name == "type" && nb.rel != relEvent && nb.rel != relType {
		nb.needType = true
	}
	tables := 0
	for _, n := range c.neighbours {
		tables += n.tables()
	}
	if tables > maxJoins {
		return errorf(pos, "the query joins too many neighbours and properties (more than %d tables)", maxJoins)
	}
	return nil
}

// tables returns the number of tables joined for the neighbour.
func (n *neighbour) tables() int {
	t := 1
	if n.needNode {
		t++
	}
	if n.needType {
		t++
	}
	return t
}
