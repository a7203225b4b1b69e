package filterlang

import (
	"fmt"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Dialect is the SQL dialect Compile writes.
type Dialect int

// The dialects.
const (
	SQLite Dialect = iota
	MySQL
	PostgreSQL
)

// String returns the dialect's name.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "SQLite"
	case MySQL:
		return "MySQL"
	case PostgreSQL:
		return "PostgreSQL"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// BaseAlias is the alias the compiled SQL gives the node table.
const BaseAlias = "table_0"

// SQL is a compiled filter query: joins and a condition over the node
// table, to be used as
//
//	SELECT table_0.id FROM <Table> AS table_0 <Joins> WHERE <Where> ...
//
// with the arguments JoinArgs followed by WhereArgs (Args returns both).
// Every value of the query is a bound argument; the SQL text holds only
// names of tables and columns chosen by the compiler.
//
// Joins reach only tables with at most one row per node: the properties
// the query names and the node's type. Conditions on contexts, events and
// the other aliased neighbours are subqueries in Where: a conjunct about
// one neighbour alone is a semi-join, table_0.id IN (SELECT ...), and
// conjuncts that name neighbours together with other things are a
// correlated EXISTS (SELECT ...).
//
// The SQL uses the aliases table_<n>, link_<n> and type_<n> for n >= 1; a
// caller that adds joins or subqueries of its own must use other aliases.
type SQL struct {
	// Table is the node table: Artifact, Execution or Context.
	Table string
	// Joins is a sequence of "JOIN ... ON ..." clauses, or "" when the query
	// needs none.
	Joins    string
	JoinArgs []any
	// Where is a parenthesised condition.
	Where     string
	WhereArgs []any

	// joinList is Joins, one clause each, and d the dialect, for
	// NodeFirstJoins.
	joinList []string
	d        Dialect
}

// NodeFirstJoins returns Joins written so that the database keeps the
// tables in the order written: each JOIN is a CROSS JOIN on SQLite, whose
// planner does not reorder the tables of a CROSS JOIN, and a
// STRAIGHT_JOIN on MySQL. The node table (or what precedes the joins) is
// then read first, in the order the query asks for, and each node's
// properties and type are looked up by key, where the planner would
// otherwise often start from a property index, collect every node that
// matches and sort them. Which is better depends on how many nodes match,
// which the planner cannot always tell; the caller chooses. PostgreSQL
// has no such hint: its NodeFirstJoins is Joins. It is "" when Joins is,
// and for a query that Compile did not write.
func (s *SQL) NodeFirstJoins() string {
	out := make([]string, len(s.joinList))
	for i, j := range s.joinList {
		switch s.d {
		case SQLite:
			out[i] = "CROSS " + j
		case MySQL:
			out[i] = "STRAIGHT_" + j
		default:
			out[i] = j
		}
	}
	return strings.Join(out, " ")
}

// Args returns the arguments of the joins followed by those of the
// condition, in the order of their placeholders in From() + " WHERE " + Where.
func (s *SQL) Args() []any {
	out := make([]any, 0, len(s.JoinArgs)+len(s.WhereArgs))
	out = append(out, s.JoinArgs...)
	return append(out, s.WhereArgs...)
}

// From returns "<Table> AS table_0" followed by the joins.
func (s *SQL) From() string {
	from := s.Table + " AS " + BaseAlias
	if s.Joins != "" {
		from += " " + s.Joins
	}
	return from
}

// Build parses, checks and compiles a filter query in one step.
func Build(query string, kind Kind, d Dialect) (*SQL, error) {
	checked, err := Prepare(query, kind)
	if err != nil {
		return nil, err
	}
	return Compile(checked, d)
}

// Compile writes a checked query as SQL of the given dialect.
//
// The SQL marks arguments with ?, for every dialect; PostgreSQL's driver
// numbers them. For PostgreSQL each argument is cast to its type (the
// server cannot always infer it, as in ? = ?), booleans are TRUE and
// FALSE, and dividing by zero gives NULL, as on the other engines.
func Compile(c *Checked, d Dialect) (*SQL, error) {
	switch d {
	case SQLite, MySQL, PostgreSQL:
	default:
		return nil, errcode.New(errcode.Internal, "filterlang: unknown dialect %d", int(d))
	}
	if c == nil || c.root == nil {
		return nil, errcode.New(errcode.Internal, "filterlang: Compile of an unchecked query")
	}
	w := &writer{d: d, kind: c.kind}
	out := &SQL{Table: c.kind.table()}

	// The neighbours that can match a node several times (contexts,
	// events, ...) are not joined: the conjuncts that name them become
	// subqueries, which neither repeat nodes nor need DISTINCT. A
	// conjunct about one neighbour alone, such as contexts_a.name = 'x'
	// AND contexts_a.type = 'run', is a semi-join, table_0.id IN (SELECT
	// ...), which lets the database start from the neighbour's index.
	// Conjuncts that name a neighbour together with anything else (an OR
	// with the node's attributes, two neighbours compared) go into one
	// correlated EXISTS per group of neighbours named together.
	// Properties and the type, one row per node, are joined.
	conjuncts := flattenAnd(c.root, nil)
	g := groupConjuncts(c.neighbours, conjuncts)

	var joins []string
	for _, nb := range c.neighbours {
		if !nb.multiplies() {
			joins = append(joins, w.join(nb, &out.JoinArgs))
		}
	}
	out.Joins = strings.Join(joins, " ")
	out.joinList, out.d = joins, d
	out.Where = w.where(conjuncts, g, &out.WhereArgs)
	return out, nil
}

// grouping sorts the conjuncts of a query by the neighbours that multiply
// (see Compile) they name: the neighbours named together in a conjunct
// are one group, written as one subquery.
type grouping struct {
	neighbours []*neighbour              // the query's, in a fixed order
	groupOf    map[*neighbour]*neighbour // union-find over multiplying neighbours
	group      []*neighbour              // group[i] is conjunct i's, nil if it names none
	conjuncts  map[*neighbour][]int      // the conjuncts of each group
	semi       map[*neighbour]bool       // the groups written as semi-joins
}

// find returns the root of n's group.
func (g *grouping) find(n *neighbour) *neighbour {
	if g.groupOf[n] == n {
		return n
	}
	root := g.find(g.groupOf[n])
	g.groupOf[n] = root
	return root
}

// members returns the neighbours of the group whose root is root, in order.
func (g *grouping) members(root *neighbour) []*neighbour {
	var out []*neighbour
	for _, nb := range g.neighbours {
		if nb.multiplies() && g.find(nb) == root {
			out = append(out, nb)
		}
	}
	return out
}

// groupConjuncts groups the multiplying neighbours that conjuncts name
// together, and picks the groups that can be semi-joins: one neighbour
// whose conjuncts name nothing else.
func groupConjuncts(neighbours []*neighbour, conjuncts []cexpr) *grouping {
	g := &grouping{
		neighbours: neighbours,
		groupOf:    map[*neighbour]*neighbour{},
		group:      make([]*neighbour, len(conjuncts)),
		conjuncts:  map[*neighbour][]int{},
		semi:       map[*neighbour]bool{},
	}
	for _, nb := range neighbours {
		if nb.multiplies() {
			g.groupOf[nb] = nb
		}
	}
	mentioned := make([]map[*neighbour]bool, len(conjuncts))
	base := make([]bool, len(conjuncts))
	for i, x := range conjuncts {
		mentioned[i] = map[*neighbour]bool{}
		base[i] = mentions(x, mentioned[i])
		var first *neighbour
		for _, nb := range neighbours { // in a fixed order
			if !mentioned[i][nb] || !nb.multiplies() {
				continue
			}
			if first == nil {
				first = nb
			} else {
				g.groupOf[g.find(nb)] = g.find(first)
			}
		}
	}
	for _, nb := range neighbours {
		if nb.multiplies() && g.find(nb) == nb {
			g.semi[nb] = true
		}
	}
	for i := range conjuncts {
		for nb := range mentioned[i] {
			if nb.multiplies() {
				g.group[i] = g.find(nb)
				break
			}
		}
		root := g.group[i]
		if root == nil {
			continue
		}
		g.conjuncts[root] = append(g.conjuncts[root], i)
		if base[i] || len(mentioned[i]) > 1 {
			g.semi[root] = false
		}
	}
	for nb := range g.groupOf {
		if g.find(nb) != nb {
			g.semi[g.find(nb)] = false
		}
	}
	return g
}

// where writes the condition: each conjunct that names no multiplying
// neighbour as it is, and each group's conjuncts as one semi-join or
// EXISTS, where the group's first conjunct stood.
func (w *writer) where(conjuncts []cexpr, g *grouping, args *[]any) string {
	var parts []string
	written := map[*neighbour]bool{}
	for i, x := range conjuncts {
		root := g.group[i]
		if root == nil {
			parts = append(parts, w.expr(x, args))
			continue
		}
		if written[root] {
			continue
		}
		written[root] = true
		var conds []cexpr
		for _, j := range g.conjuncts[root] {
			conds = append(conds, conjuncts[j])
		}
		if g.semi[root] {
			parts = append(parts, w.semiJoin(root, conds, args))
		} else {
			parts = append(parts, w.exists(g.members(root), conds, args))
		}
	}
	where := chain("AND", parts)
	if !strings.HasPrefix(where, "(") || !balancedGroup(where) {
		where = "(" + where + ")"
	}
	return where
}

// flattenAnd appends the conjuncts of x to out.
func flattenAnd(x cexpr, out []cexpr) []cexpr {
	if l, ok := x.(*logic); ok && l.op == "AND" {
		for _, a := range l.args {
			out = flattenAnd(a, out)
		}
		return out
	}
	return append(out, x)
}

// mentions adds the neighbours x names to nbs and reports whether x names
// an attribute of the node itself.
func mentions(x cexpr, nbs map[*neighbour]bool) (base bool) {
	visit := func(ys ...cexpr) {
		for _, y := range ys {
			if mentions(y, nbs) {
				base = true
			}
		}
	}
	switch x := x.(type) {
	case *column:
		if x.nb == nil {
			return true
		}
		nbs[x.nb] = true
	case *enumTest:
		visit(x.col)
	case *arith:
		visit(x.l, x.r)
	case *negate:
		visit(x.x)
	case *compare:
		visit(x.l, x.r)
	case *inList:
		visit(x.x)
		visit(x.list...)
	case *like:
		visit(x.x, x.pattern)
	case *between:
		visit(x.x, x.lo, x.hi)
	case *isTest:
		visit(x.x)
	case *logic:
		visit(x.args...)
	case *not:
		visit(x.x)
	}
	return base
}

// balancedGroup reports whether s is one parenthesised group, "(...)",
// rather than, say, "(a) AND (b)". Parentheses inside the SQL text come only
// from the compiler (values are arguments), so counting them is exact.
func balancedGroup(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

type writer struct {
	d    Dialect
	kind Kind
}

// propertyTable returns the property table of the node kind and the column
// holding the node id.
func propertyTable(k Kind) (table, idColumn string) {
	switch k {
	case KindArtifact:
		return "ArtifactProperty", "artifact_id"
	case KindExecution:
		return "ExecutionProperty", "execution_id"
	}
	return "ContextProperty", "context_id"
}

// link describes how an aliased neighbour is reached: through table
// linkTable, whose column fromCol holds the node's id and toCol the
// neighbour's id, the neighbour being a row of nodeTable.
type link struct {
	linkTable, fromCol, toCol, nodeTable string
}

func (w *writer) linkOf(rel relation) link {
	switch rel {
	case relContext:
		if w.kind == KindArtifact {
			return link{"Attribution", "artifact_id", "context_id", "Context"}
		}
		return link{"Association", "execution_id", "context_id", "Context"}
	case relParentContext:
		return link{"ParentContext", "context_id", "parent_context_id", "Context"}
	case relChildContext:
		return link{"ParentContext", "parent_context_id", "context_id", "Context"}
	case relArtifact:
		return link{"Attribution", "context_id", "artifact_id", "Artifact"}
	case relExecution:
		return link{"Association", "context_id", "execution_id", "Execution"}
	}
	panic(fmt.Sprintf("filterlang: relation %d has no link", rel))
}

// join returns the JOIN clause of a neighbour with one row per node: the
// node's type or a property.
func (w *writer) join(nb *neighbour, args *[]any) string {
	t := fmt.Sprintf("table_%d", nb.n)
	if nb.rel == relType {
		return fmt.Sprintf("JOIN Type AS %s ON %s.id = %s.type_id", t, t, BaseAlias)
	}
	table, idCol := propertyTable(w.kind)
	custom := "0"
	if nb.custom {
		custom = "1"
	}
	if w.d == PostgreSQL {
		// MLMD's PostgreSQL schema makes is_custom_property a BOOLEAN.
		custom = map[string]string{"0": "FALSE", "1": "TRUE"}[custom]
	}
	*args = append(*args, nb.key)
	return fmt.Sprintf("JOIN %s AS %s ON %s.%s = %s.id AND %s.name = ? AND %s.is_custom_property = %s",
		table, t, t, idCol, BaseAlias, t, t, custom)
}

// nodeJoins returns the joins from an aliased neighbour's link table to
// the neighbour's node and to its type, as far as the query needs them.
func (w *writer) nodeJoins(nb *neighbour) []string {
	l := w.linkOf(nb.rel)
	t := fmt.Sprintf("table_%d", nb.n)
	lk := fmt.Sprintf("link_%d", nb.n)
	var out []string
	if nb.needNode {
		out = append(out, fmt.Sprintf("JOIN %s AS %s ON %s.id = %s.%s", l.nodeTable, t, t, lk, l.toCol))
	}
	if nb.needType {
		ty := fmt.Sprintf("type_%d", nb.n)
		out = append(out, fmt.Sprintf("JOIN Type AS %s ON %s.id = %s.type_id", ty, ty, t))
	}
	return out
}

// semiJoin writes "some neighbour nb satisfies all of conds" as
// table_0.id IN (SELECT ...).
func (w *writer) semiJoin(nb *neighbour, conds []cexpr, args *[]any) string {
	from, key := w.source(nb)
	parts := make([]string, len(conds))
	for i, x := range conds {
		parts[i] = w.expr(x, args)
	}
	return "(" + BaseAlias + ".id IN (SELECT " + key + " FROM " + from + " WHERE " + chain("AND", parts) + "))"
}

// source returns the tables of an aliased neighbour, for a FROM clause,
// and the column of them that holds the node's id.
func (w *writer) source(nb *neighbour) (from, key string) {
	if nb.rel == relEvent {
		t := fmt.Sprintf("table_%d", nb.n)
		col := "artifact_id"
		if w.kind == KindExecution {
			col = "execution_id"
		}
		return "Event AS " + t, t + "." + col
	}
	l := w.linkOf(nb.rel)
	lk := fmt.Sprintf("link_%d", nb.n)
	return strings.Join(append([]string{l.linkTable + " AS " + lk}, w.nodeJoins(nb)...), " "), lk + "." + l.fromCol
}

// exists writes "some rows of the neighbours nbs satisfy all of conds",
// where conds may name the node's attributes, as a correlated EXISTS.
func (w *writer) exists(nbs []*neighbour, conds []cexpr, args *[]any) string {
	froms := make([]string, len(nbs))
	var parts []string
	for i, nb := range nbs {
		from, key := w.source(nb)
		froms[i] = from
		parts = append(parts, "("+key+" = "+BaseAlias+".id)")
	}
	for _, x := range conds {
		parts = append(parts, w.expr(x, args))
	}
	return "(EXISTS (SELECT 1 FROM " + strings.Join(froms, ", ") + " WHERE " + chain("AND", parts) + "))"
}

// column returns the SQL of a column reference.
func (w *writer) column(c *column) string {
	nb := c.nb
	if nb == nil {
		return BaseAlias + "." + c.f.column
	}
	t := fmt.Sprintf("table_%d", nb.n)
	switch nb.rel {
	case relType:
		return t + ".name"
	case relProperty, relCustomProperty, relEvent:
		return t + "." + c.f.column
	}
	switch {
	case c.f.name == "id":
		return fmt.Sprintf("link_%d.%s", nb.n, w.linkOf(nb.rel).toCol)
	case c.f.name == "type":
		return fmt.Sprintf("type_%d.name", nb.n)
	}
	return t + "." + c.f.column
}

// pgTypes are the PostgreSQL types of literals.
var pgTypes = map[valType]string{tInt: "BIGINT", tDouble: "DOUBLE PRECISION", tString: "TEXT", tBool: "BOOLEAN"}

func (w *writer) arg(args *[]any, v any) string {
	*args = append(*args, v)
	return "?"
}

// chainWidth is the most operands written in one flat AND/OR group; longer
// chains are grouped so that the expression tree the database builds stays
// shallow (SQLite refuses trees deeper than 1000).
const chainWidth = 8

func chain(op string, parts []string) string {
	for len(parts) > chainWidth {
		var grouped []string
		for i := 0; i < len(parts); i += chainWidth {
			end := min(i+chainWidth, len(parts))
			grouped = append(grouped, chain(op, parts[i:end]))
		}
		parts = grouped
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " "+op+" ") + ")"
}

func (w *writer) list(xs []cexpr, args *[]any) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = w.expr(x, args)
	}
	return strings.Join(parts, ", ")
}

func (w *writer) expr(x cexpr, args *[]any) string {
	switch x := x.(type) {
	case *column:
		return w.column(x)
	case *literal:
		if x.isNull() {
			return "NULL"
		}
		if pg, ok := pgTypes[x.t]; ok && w.d == PostgreSQL {
			return "CAST(" + w.arg(args, x.v) + " AS " + pg + ")"
		}
		return w.arg(args, x.v)
	case *arith:
		l := w.expr(x.l, args)
		r := w.expr(x.r, args)
		switch {
		case x.op == "/" && w.d == SQLite:
			// Division of numbers is never integer division.
			l = "CAST(" + l + " AS REAL)"
		case x.op == "/" && w.d == PostgreSQL:
			// Nor is it on PostgreSQL, where dividing by zero is an error
			// rather than NULL.
			l, r = "CAST("+l+" AS DOUBLE PRECISION)", "NULLIF("+r+", 0)"
		}
		return "(" + l + " " + x.op + " " + r + ")"
	case *negate:
		return "(-" + w.expr(x.x, args) + ")"
	case *compare:
		l := w.expr(x.l, args)
		return "(" + l + " " + x.op + " " + w.expr(x.r, args) + ")"
	case *enumTest:
		return w.enumTest(x, args)
	case *inList:
		l := w.expr(x.x, args)
		op := " IN ("
		if x.not {
			op = " NOT IN ("
		}
		return "(" + l + op + w.list(x.list, args) + "))"
	case *like:
		l := w.expr(x.x, args)
		op := " LIKE "
		if x.not {
			op = " NOT LIKE "
		}
		s := "(" + l + op + w.expr(x.pattern, args)
		if w.d == SQLite {
			// MySQL escapes % and _ in patterns with a backslash; make
			// SQLite do the same.
			s += ` ESCAPE '\'`
		}
		return s + ")"
	case *between:
		l := w.expr(x.x, args)
		op := " BETWEEN "
		if x.not {
			op = " NOT BETWEEN "
		}
		lo := w.expr(x.lo, args)
		return "(" + l + op + lo + " AND " + w.expr(x.hi, args) + ")"
	case *isTest:
		op := " IS "
		if x.not {
			op = " IS NOT "
		}
		return "(" + w.expr(x.x, args) + op + x.what + ")"
	case *logic:
		parts := make([]string, len(x.args))
		for i, a := range x.args {
			parts[i] = w.expr(a, args)
		}
		return chain(x.op, parts)
	case *not:
		return "(NOT " + w.expr(x.x, args) + ")"
	}
	panic(fmt.Sprintf("filterlang: unexpected expression %T", x))
}

// enumTest writes an enum comparison. A NULL state reads back as UNKNOWN
// (0), so NULL matches exactly the tests that 0 matches: state != LIVE and
// state = UNKNOWN include NULLs, state = LIVE and state != UNKNOWN do not.
func (w *writer) enumTest(x *enumTest, args *[]any) string {
	col := w.column(x.col)
	hasZero := false
	for _, v := range x.values {
		hasZero = hasZero || v == 0
	}
	var s string
	if len(x.values) == 1 {
		op := " = "
		if x.not {
			op = " <> "
		}
		s = col + op + w.arg(args, x.values[0])
	} else {
		op := " IN ("
		if x.not {
			op = " NOT IN ("
		}
		vals := make([]string, len(x.values))
		for i, v := range x.values {
			vals[i] = w.arg(args, v)
		}
		s = col + op + strings.Join(vals, ", ") + ")"
	}
	// NULL is in the result if 0 is: when testing for 0, or when testing
	// for not-anything-but-0.
	if x.col.nullable() && hasZero != x.not {
		s += " OR " + col + " IS NULL"
	}
	return "(" + s + ")"
}
