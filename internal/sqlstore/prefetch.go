package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Prefetch reads what a write call needs before it writes in one
// statement: a tagged UNION ALL, as the reads of types and of nodes are
// (typeload.go, nodeload.go), whose branches share the columns of the
// node read. A list longer than an IN list of one statement may hold is
// read apart, with the method of Tx that answers it.

var _ driver.PrefetchTx = (*tx)(nil)

// Tags of the rows of a prefetch: a type branch's own tag (see typesSQL),
// or a base plus the node kind.
const (
	prefetchNode     = 10
	prefetchNodeProp = 20
	prefetchNodeID   = 30
	prefetchLink     = 40
)

// prefetchHead is the first branch of every prefetch: it reads no row, and
// gives each column a type (PostgreSQL types a UNION column by column,
// from the left; the NULLs of the branches after it take its types).
const prefetchHead = "SELECT -1, p.artifact_id, NULLIF(0, 0), NULLIF('', ''), NULLIF(0, 0), NULLIF('', ''), NULLIF('', ''), NULLIF(0, 0), NULLIF(0, 0), NULLIF('', '')," +
	" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value" +
	" FROM ArtifactProperty p WHERE 1 = 0"

// prefetchSQL builds the statement and its arguments.
type prefetchSQL struct {
	b    strings.Builder
	args []any
}

// in appends an IN list of ids, padded to a bucket size, and its
// arguments.
func (s *prefetchSQL) in(ids []int64) {
	n := bucketSize(len(ids))
	s.b.WriteString(" IN (" + placeholders(n) + ")")
	for i := range n {
		s.args = append(s.args, ids[min(i, len(ids)-1)])
	}
}

func (s *prefetchSQL) branch(sel string) { s.b.WriteString(" UNION ALL " + sel) }

// types reads the types with ids, their properties and parents.
func (s *prefetchSQL) types(ids []int64) {
	s.branch("SELECT 0, t.id, t.type_kind, t.version, NULL, t.name, t.external_id, NULL, NULL, t.description," +
		" t.input_type, NULL, NULL, NULL, t.output_type, NULL, NULL, NULL FROM Type t WHERE t.id")
	s.in(ids)
	s.branch("SELECT 1, p.type_id, NULL, NULL, p.data_type, p.name, NULL, NULL, NULL, NULL," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM TypeProperty p WHERE p.type_id")
	s.in(ids)
	s.branch("SELECT 2, pt.type_id, pt.parent_type_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ParentType pt WHERE pt.type_id")
	s.in(ids)
}

// nodes reads the nodes of nt with ids and their properties.
func (s *prefetchSQL) nodes(kind driver.Kind, nt *nodeTable, ids []int64) {
	uri, state := "NULL", "NULL"
	if nt.hasURI {
		uri = "n.uri"
	}
	if nt.stateCol != "" {
		state = "n." + nt.stateCol
	}
	s.branch("SELECT " + strconv.Itoa(prefetchNode+int(kind)) + ", n.id, n.type_id, " + uri + ", " + state + ", n.name, n.external_id," +
		" n.create_time_since_epoch, n.last_update_time_since_epoch, t.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL" +
		" FROM " + nt.table + " n LEFT JOIN Type t ON t.id = n.type_id WHERE n.id")
	s.in(ids)
	s.branch("SELECT " + strconv.Itoa(prefetchNodeProp+int(kind)) + ", p." + nt.propKey + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" p.name, p.is_custom_property, p.int_value, p.double_value, p.string_value, p.byte_value, p.proto_value, p.bool_value" +
		" FROM " + nt.propTable + " p WHERE p." + nt.propKey)
	s.in(ids)
}

// nodeIDs reads which of ids name a node of nt.
func (s *prefetchSQL) nodeIDs(kind driver.Kind, nt *nodeTable, ids []int64) {
	s.branch("SELECT " + strconv.Itoa(prefetchNodeID+int(kind)) + ", n.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM " + nt.table + " n WHERE n.id")
	s.in(ids)
}

// links reads the links of nt between contexts and nodes.
func (s *prefetchSQL) links(kind driver.Kind, nt *nodeTable, contexts, nodes []int64) {
	s.branch("SELECT " + strconv.Itoa(prefetchLink+int(kind)) + ", l.context_id, l." + nt.propKey + ", NULL, NULL, NULL, NULL, NULL, NULL, NULL," +
		" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM " + nt.linkTable + " l WHERE l.context_id")
	s.in(contexts)
	s.b.WriteString(" AND l." + nt.propKey)
	s.in(nodes)
}

// Prefetch answers q, see driver.PrefetchTx.
func (t *tx) Prefetch(ctx context.Context, q driver.Prefetch) (driver.Prefetched, error) {
	out := driver.Prefetched{Nodes: map[driver.Kind][]driver.NodeRow{}, NodeIDs: map[driver.Kind][]int64{}, Links: map[driver.Kind][]driver.LinkRow{}}
	var s prefetchSQL
	s.b.WriteString(prefetchHead)
	branches := 0
	fits := func(ids []int64) bool { return len(ids) > 0 && len(ids) <= idsPerQuery }
	var err error
	if ids := uniqueIDs(q.TypeIDs); fits(ids) {
		s.types(ids)
		branches++
	} else if len(ids) > 0 {
		if out.Types, err = t.FindTypes(ctx, driver.TypeQuery{IDs: ids, AnyKind: true}); err != nil {
			return out, err
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(q.Nodes)) {
		nt, err := tableOf(kind)
		if err != nil {
			return out, err
		}
		if ids := uniqueIDs(q.Nodes[kind]); fits(ids) {
			s.nodes(kind, nt, ids)
			branches++
		} else if len(ids) > 0 {
			if out.Nodes[kind], err = t.GetNodes(ctx, kind, ids); err != nil {
				return out, err
			}
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(q.NodeIDs)) {
		nt, err := tableOf(kind)
		if err != nil {
			return out, err
		}
		if ids := uniqueIDs(q.NodeIDs[kind]); fits(ids) {
			s.nodeIDs(kind, nt, ids)
			branches++
		} else if len(ids) > 0 {
			if out.NodeIDs[kind], err = t.FindNodeIDs(ctx, kind, driver.NodeQuery{IDs: ids}); err != nil {
				return out, err
			}
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(q.Links)) {
		nt, err := linkTableOf(kind)
		if err != nil {
			return out, err
		}
		lq := q.Links[kind]
		contexts, nodes := uniqueIDs(lq.ContextIDs), uniqueIDs(lq.NodeIDs)
		if fits(contexts) && fits(nodes) {
			s.links(kind, nt, contexts, nodes)
			branches++
		} else if len(contexts) > 0 && len(nodes) > 0 {
			all, err := t.GetLinks(ctx, kind, nodes, nil)
			if err != nil {
				return out, err
			}
			want := map[int64]bool{}
			for _, c := range contexts {
				want[c] = true
			}
			for _, l := range all {
				if want[l.ContextID] {
					out.Links[kind] = append(out.Links[kind], driver.LinkRow{ContextID: l.ContextID, NodeID: l.NodeID})
				}
			}
		}
	}
	if branches == 0 {
		return out, nil
	}
	if err := t.readPrefetch(ctx, s.b.String(), s.args, &out); err != nil {
		return out, dbError(t.d, err, "prefetch")
	}
	return out, nil
}

// readPrefetch runs the prefetch statement and sorts its rows into out.
func (t *tx) readPrefetch(ctx context.Context, query string, args []any, out *driver.Prefetched) error {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var types typeSet
	props := map[driver.Kind][]PropertyRecord{}
	for rows.Next() {
		var tag, id int64
		var i1, i2, i3, i4 sql.NullInt64
		var s1, s2, s3, s4, s5 sql.NullString
		var custom sql.NullBool
		var p PropertyRecord
		if err := rows.Scan(&tag, &id, &i1, &s1, &i2, &s2, &s3, &i3, &i4, &s4,
			&s5, &custom, &p.IntValue, &p.DoubleValue, &p.StringValue, &p.ByteValue, &p.ProtoValue, &p.BoolValue); err != nil {
			return err
		}
		kind := driver.Kind(tag % 10)
		switch {
		case tag == typeRowTag:
			types.rows = append(types.rows, driver.TypeRow{
				ID: id, Kind: driver.Kind(i1.Int64), Name: s2.String, Version: s1.String,
				Description: s4.String, ExternalID: s3.String, InputType: s5.String, OutputType: p.StringValue.String,
			})
		case tag == typePropRowTag:
			types.addProperty(id, s2.String, i2.Int64)
		case tag == parentRowTag:
			types.addParent(id, i1.Int64)
		case tag-int64(kind) == prefetchNode:
			out.Nodes[kind] = append(out.Nodes[kind], driver.NodeRow{
				ID: id, TypeID: i1.Int64, TypeName: s4.String, Name: s2.String,
				URI: s1.String, ExternalID: s3.String, State: int32(i2.Int64),
				CreateTimeSinceEpoch: i3.Int64, LastUpdateTimeSinceEpoch: i4.Int64,
			})
		case tag-int64(kind) == prefetchNodeProp:
			p.NodeID, p.Name, p.IsCustomProperty = id, s5.String, custom.Bool
			props[kind] = append(props[kind], p)
		case tag-int64(kind) == prefetchNodeID:
			out.NodeIDs[kind] = append(out.NodeIDs[kind], id)
		case tag-int64(kind) == prefetchLink:
			out.Links[kind] = append(out.Links[kind], driver.LinkRow{ContextID: id, NodeID: i1.Int64})
		default:
			return errcode.New(errcode.Internal, "sqlstore: prefetch: unknown row tag %d", tag)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(types.rows) > 0 { // else out.Types is FindTypes' answer, or none
		out.Types = types.types()
	}
	for kind, ns := range out.Nodes {
		slices.SortFunc(ns, func(a, b driver.NodeRow) int { return cmp.Compare(a.ID, b.ID) })
		nt, err := tableOf(kind)
		if err != nil {
			return err
		}
		if err := t.attachProperties(nt, ns, props[kind]); err != nil {
			return err
		}
	}
	for _, ids := range out.NodeIDs {
		slices.Sort(ids)
	}
	return nil
}
