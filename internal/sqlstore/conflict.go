package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Conflicts with concurrent writers.
//
// On MySQL a write transaction reads a snapshot (REPEATABLE READ): the rows
// committed when it first read. The store looks rows up before it writes
// (does this type exist? this context name?), so when another process
// commits the same row after that snapshot was taken, the store decides on
// stale facts, and its INSERT then fails on the unique key. That failure
// is not a real duplicate from the caller's point of view: seen with the
// other process's row, the call might have succeeded (an identical type is
// reused, a context is reused by PutExecution). So sqlstore treats a
// unique key violation against a row that its snapshot does not show as a
// transient conflict: Conn.InTx runs the whole call again with a new
// snapshot, and the store then decides on the current rows. A violation
// against a row that the snapshot shows, or between the rows of one
// statement, is a real duplicate: AlreadyExists.

// uniqueKeys lists, per table, the unique keys that an INSERT or UPDATE
// of sqlstore may violate, as column lists. Tables written only with
// IgnoreDuplicates or Upsert clauses are absent.
var uniqueKeys = map[string][][]string{
	"Type":          {{"external_id"}},
	"TypeProperty":  {{"type_id", "name"}},
	"ParentType":    {{"type_id", "parent_type_id"}},
	"Artifact":      {{"type_id", "name"}, {"external_id"}},
	"Execution":     {{"type_id", "name"}, {"external_id"}},
	"Context":       {{"type_id", "name"}, {"external_id"}},
	"Event":         {{"artifact_id", "execution_id", "type"}},
	"ParentContext": {{"context_id", "parent_context_id"}},
	// Property tables: a property row repeated in one InsertNodes call.
	"ArtifactProperty":  {{"artifact_id", "name", "is_custom_property"}},
	"ExecutionProperty": {{"execution_id", "name", "is_custom_property"}},
	"ContextProperty":   {{"context_id", "name", "is_custom_property"}},
}

// keyTuplesPerQuery is the most key tuples one probe query of
// staleConflict holds.
const keyTuplesPerQuery = 200

// writeError returns the error for a failed statement that wrote rows
// (values for cols) into table: dbError's, except that a unique key
// violation against a row committed after the transaction's snapshot is a
// transient conflict (see above).
func (t *tx) writeError(ctx context.Context, err error, table string, cols []string, rows [][]any, what string) error {
	if t.d.LockingRead() == "" || t.d.Classify(err) != ClassDuplicate {
		return dbError(t.d, err, "%s", what)
	}
	stale, perr := t.staleConflict(ctx, table, cols, rows)
	if perr != nil {
		return dbError(t.d, perr, "%s: look for the conflicting row (after %v)", what, err)
	}
	if stale {
		return errcode.Wrap(errcode.Aborted, &transientError{err},
			"sqlstore: %s: conflicts with a row another transaction committed meanwhile", what)
	}
	return dbError(t.d, err, "%s", what)
}

// staleConflict reports whether, for one of table's unique keys, the rows'
// key values match more stored rows in a locking read (the newest
// committed rows) than in a plain read (the transaction's snapshot).
func (t *tx) staleConflict(ctx context.Context, table string, cols []string, rows [][]any) (bool, error) {
	if _, ok := t.d.(SnapshotLocks); ok {
		return t.invisibleConflict(ctx, table, cols, rows)
	}
	for _, key := range uniqueKeys[table] {
		idx, ok := keyColumns(key, cols)
		if !ok {
			continue
		}
		var tuples [][]any
		for _, r := range rows {
			tuple := make([]any, len(idx))
			for i, j := range idx {
				tuple[i] = r[j]
			}
			// NULLs never collide.
			if !slices.Contains(tuple, nil) {
				tuples = append(tuples, tuple)
			}
		}
		for start := 0; start < len(tuples); start += keyTuplesPerQuery {
			part := tuples[start:min(start+keyTuplesPerQuery, len(tuples))]
			query, args := keyProbeSQL(table, key, part)
			var snapshot, newest int64
			if err := t.tx.QueryRowContext(ctx, query, args...).Scan(&snapshot); err != nil {
				return false, err
			}
			// COUNT(*) cannot take FOR UPDATE on every engine; read the
			// matching keys themselves.
			locking := strings.Replace(query, "SELECT COUNT(*)", "SELECT "+strings.Join(key, ", "), 1) + t.d.LockingRead()
			rs, err := t.tx.QueryContext(ctx, locking, args...)
			if err != nil {
				return false, err
			}
			for rs.Next() {
				newest++
			}
			if err := rs.Close(); err != nil {
				return false, err
			}
			if err := rs.Err(); err != nil {
				return false, err
			}
			if newest > snapshot {
				return true, nil
			}
		}
	}
	return false, nil
}

// keyProbeSQL returns SELECT COUNT(*) FROM table WHERE (key) IN ((?, ...), ...)
// for the tuples, with its arguments.
func keyProbeSQL(table string, key []string, tuples [][]any) (string, []any) {
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT COUNT(*) FROM %s WHERE (%s) IN (", table, strings.Join(key, ", "))
	one := "(" + placeholders(len(key)) + ")"
	args := make([]any, 0, len(key)*len(tuples))
	for i, tu := range tuples {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
		args = append(args, tu...)
	}
	b.WriteString(")")
	return b.String(), args
}

// SnapshotLocks is an optional interface of a Dialect whose locking reads
// do not see rows committed after the transaction's snapshot either
// (PostgreSQL under REPEATABLE READ), so that they cannot tell a stale
// conflict. For such a dialect a unique key violation is stale when no
// row of the statement collides, on any of the table's unique keys, with
// a row of the snapshot or with another row of the statement: the row it
// collided with is then one the snapshot does not show. And the
// transactions that insert types take turns by updating the MLMDEnv row
// rather than locking it (see checkNewType), which fails, to be run
// again, when another one did so after the snapshot.
type SnapshotLocks interface {
	SnapshotLocks()
}

// invisibleConflict is staleConflict for SnapshotLocks dialects.
func (t *tx) invisibleConflict(ctx context.Context, table string, cols []string, rows [][]any) (bool, error) {
	probed := false
	for _, key := range uniqueKeys[table] {
		idx, ok := keyColumns(key, cols)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		var tuples [][]any
		for _, r := range rows {
			tuple := make([]any, len(idx))
			for i, j := range idx {
				tuple[i] = r[j]
			}
			if slices.Contains(tuple, nil) {
				continue // NULLs never collide
			}
			k := fmt.Sprintf("%#v", tuple)
			if seen[k] {
				return false, nil
			}
			seen[k] = true
			tuples = append(tuples, tuple)
		}
		for start := 0; start < len(tuples); start += keyTuplesPerQuery {
			query, args := keyProbeSQL(table, key, tuples[start:min(start+keyTuplesPerQuery, len(tuples))])
			var n int64
			if err := t.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
				return false, err
			}
			if n > 0 {
				return false, nil
			}
			probed = true
		}
	}
	return probed, nil
}

// keyColumns returns the positions in cols of the columns of a unique key,
// and false if cols lacks one of them.
func keyColumns(key, cols []string) ([]int, bool) {
	idx := make([]int, len(key))
	for i, k := range key {
		if idx[i] = slices.Index(cols, k); idx[i] < 0 {
			return nil, false
		}
	}
	return idx, true
}
