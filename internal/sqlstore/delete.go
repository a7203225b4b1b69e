package sqlstore

// Deletion: the optional driver.DeleteTx.

import (
	"context"
	"fmt"

	"github.com/gomlmd/gomlmd/mlmd/driver"
)

var _ driver.DeleteTx = (*tx)(nil)

// deleteStatements returns the statements that delete nodes of a kind and
// the rows referring to them, each with one "IN (%s)" list of ids; the
// last one deletes the nodes themselves.
func deleteStatements(nt *nodeTable) []string {
	var stmts []string
	switch nt.table {
	case "Artifact", "Execution":
		stmts = append(stmts,
			"DELETE FROM EventPath WHERE event_id IN (SELECT id FROM Event WHERE "+nt.propKey+" IN (%[1]s))",
			"DELETE FROM Event WHERE "+nt.propKey+" IN (%[1]s)",
			"DELETE FROM "+nt.linkTable+" WHERE "+nt.propKey+" IN (%[1]s)")
	case "Context":
		stmts = append(stmts,
			"DELETE FROM Attribution WHERE context_id IN (%[1]s)",
			"DELETE FROM Association WHERE context_id IN (%[1]s)",
			"DELETE FROM ParentContext WHERE context_id IN (%[1]s)",
			"DELETE FROM ParentContext WHERE parent_context_id IN (%[1]s)")
	}
	return append(stmts,
		"DELETE FROM "+nt.propTable+" WHERE "+nt.propKey+" IN (%[1]s)",
		"DELETE FROM "+nt.table+" WHERE id IN (%[1]s)")
}

// DeleteNodes deletes nodes and what refers to them, a fixed number of
// statements per chunk of ids.
func (t *tx) DeleteNodes(ctx context.Context, kind driver.Kind, ids []int64) (int64, error) {
	nt, err := tableOf(kind)
	if err != nil {
		return 0, err
	}
	return t.deleteInChunks(ctx, "delete "+nt.noun+"s", uniqueIDs(ids), deleteStatements(nt), nil)
}

// DeleteTypes deletes types with their properties and parent-type links.
func (t *tx) DeleteTypes(ctx context.Context, kind driver.Kind, ids []int64) (int64, error) {
	stmts := []string{
		"DELETE FROM TypeProperty WHERE type_id IN (SELECT id FROM Type WHERE type_kind = ? AND id IN (%[1]s))",
		"DELETE FROM ParentType WHERE type_id IN (SELECT id FROM Type WHERE type_kind = ? AND id IN (%[1]s))",
		"DELETE FROM ParentType WHERE parent_type_id IN (SELECT id FROM Type WHERE type_kind = ? AND id IN (%[1]s))",
		"DELETE FROM Type WHERE type_kind = ? AND id IN (%[1]s)",
	}
	return t.deleteInChunks(ctx, "delete types", uniqueIDs(ids), stmts, []any{int64(kind)})
}

// deleteInChunks runs the statements for each chunk of ids, with prefix
// arguments before the ids, and returns the rows the last statement
// deleted.
func (t *tx) deleteInChunks(ctx context.Context, what string, ids []int64, stmts []string, prefix []any) (int64, error) {
	var n int64
	for start := 0; start < len(ids); start += idsPerQuery {
		part := ids[start:min(start+idsPerQuery, len(ids))]
		args := append(append([]any{}, prefix...), int64sAsArgs(part)...)
		for i, s := range stmts {
			res, err := t.tx.ExecContext(ctx, fmt.Sprintf(s, placeholders(len(part))), args...)
			if err != nil {
				return 0, dbError(t.d, err, "%s", what)
			}
			if i == len(stmts)-1 {
				m, err := res.RowsAffected()
				if err != nil {
					return 0, dbError(t.d, err, "%s", what)
				}
				n += m
			}
		}
	}
	return n, nil
}
