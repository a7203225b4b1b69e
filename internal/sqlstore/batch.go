package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Limits of the statements sqlstore builds. A write of many rows becomes
// one statement per chunk of rows, a read of many ids one query per chunk
// of ids, so every operation is a bounded number of statements for a
// given input size, and no statement exceeds an engine's limits (SQLite's
// 32766 parameters, MySQL's 65535 parameters and max_allowed_packet).
const (
	// maxRowsPerStatement is the most rows of one multi-row INSERT.
	maxRowsPerStatement = 500
	// maxBytesPerStatement bounds the string and byte arguments of one
	// multi-row INSERT (MariaDB's default max_allowed_packet is 16 MiB).
	maxBytesPerStatement = 4 << 20
	// idsPerQuery is the most ids one IN (...) list of a query holds.
	idsPerQuery = 500
)

// chunkRows splits rows of ncols values each into runs that fit one
// statement: at most maxRowsPerStatement rows, maxParams parameters, and
// maxBytesPerStatement bytes of strings (a single larger row is a chunk of
// its own).
func chunkRows(rows [][]any, ncols, maxParams int) [][][]any {
	perStmt := min(maxRowsPerStatement, max(1, maxParams/ncols))
	var out [][][]any
	start, size := 0, 0
	for i, r := range rows {
		n := argBytes(r)
		if i > start && (i-start == perStmt || size+n > maxBytesPerStatement) {
			out = append(out, rows[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(rows) {
		out = append(out, rows[start:])
	}
	return out
}

func argBytes(row []any) int {
	n := 0
	for _, v := range row {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []byte:
			n += len(v)
		default:
			n += 8
		}
	}
	return n
}

// insertSQL returns INSERT INTO table (cols) VALUES (?, ...), ... for n
// rows, followed by suffix.
func insertSQL(table string, cols []string, n int, suffix string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(suffix)
	return b.String()
}

// rowsOf returns n empty rows for ncols values each, in one allocation:
// appending exactly ncols values to each row fills its part of the shared
// array, so that consecutive rows stay contiguous for flatten. Appending
// more would overwrite the next row.
func rowsOf(n, ncols int) [][]any {
	backing := make([]any, n*ncols)
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = backing[i*ncols : i*ncols]
	}
	return rows
}

// flatten returns the values of rows in one slice. Rows that lie one after
// the other in one array (see rowsOf) are returned without copying.
func flatten(rows [][]any) []any {
	if len(rows) == 0 {
		return nil
	}
	n := 0
	contiguous := true
	for i, r := range rows {
		n += len(r)
		if i > 0 && contiguous {
			prev := rows[i-1]
			contiguous = len(r) > 0 && len(prev) > 0 && cap(prev) > len(prev) &&
				&prev[:len(prev)+1][len(prev)] == &r[0]
		}
	}
	if first := rows[0]; contiguous && len(first) > 0 && cap(first) >= n {
		return first[:n:n]
	}
	args := make([]any, 0, n)
	for _, r := range rows {
		args = append(args, r...)
	}
	return args
}

// insertRows inserts rows (each a value per column of cols) with multi-row
// INSERTs ending in suffix.
func (t *tx) insertRows(ctx context.Context, what, table string, cols []string, rows [][]any, suffix string) error {
	for _, chunk := range chunkRows(rows, len(cols), t.d.MaxParams()) {
		if _, err := t.tx.ExecContext(ctx, insertSQL(table, cols, len(chunk), suffix), flatten(chunk)...); err != nil {
			return t.writeError(ctx, err, table, cols, chunk, what)
		}
	}
	return nil
}

// insertIDs returns the id strategy for a multi-row INSERT in this
// transaction: the dialect's, or, when the dialect answers per session
// (SessionIDs), the session's, asked once per transaction.
func (t *tx) insertIDs(ctx context.Context) (IDStrategy, int64, error) {
	strategy, step := t.d.InsertIDs()
	sd, ok := t.d.(SessionIDs)
	if strategy != IDsConsecutive || !ok {
		return strategy, step, nil
	}
	if !t.sessionRead {
		s, st, err := sd.SessionIDs(ctx, t.tx)
		if err != nil {
			return 0, 0, err
		}
		t.sessionIDs, t.sessionStep, t.sessionRead = s, st, true
	}
	return t.sessionIDs, t.sessionStep, nil
}

// insertRowsIDs inserts rows into a table with an auto-increment id and
// returns the ids in the order of rows, the way the dialect's IDStrategy
// says.
func (t *tx) insertRowsIDs(ctx context.Context, what, table string, cols []string, rows [][]any) ([]int64, error) {
	strategy, _ := t.d.InsertIDs()
	if len(rows) == 1 && strategy == IDsConsecutive {
		// One row's id is LAST_INSERT_ID whatever the session's settings.
		strategy = IDsOneByOne
	}
	var step int64
	if strategy != IDsOneByOne {
		var err error
		if strategy, step, err = t.insertIDs(ctx); err != nil {
			return nil, dbError(t.d, err, "%s: read the session's auto-increment settings", what)
		}
	}
	if strategy == IDsOneByOne {
		return t.insertOneByOne(ctx, what, table, cols, rows)
	}
	ids := make([]int64, 0, len(rows))
	for _, chunk := range chunkRows(rows, len(cols), t.d.MaxParams()) {
		query, args := insertSQL(table, cols, len(chunk), ""), flatten(chunk)
		var got []int64
		var err error
		if strategy == IDsReturning {
			got, err = t.insertReturning(ctx, query+" RETURNING id", args)
		} else {
			got, err = t.insertConsecutive(ctx, query, args, len(chunk), step)
		}
		if err != nil {
			return nil, t.writeError(ctx, err, table, cols, chunk, what)
		}
		if len(got) != len(chunk) {
			return nil, errcode.New(errcode.Internal, "sqlstore: %s: inserted %d rows but got %d ids", what, len(chunk), len(got))
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// insertReturning runs an INSERT ... RETURNING id and returns the ids in
// ascending order, which is the order of the VALUES rows (see
// IDsReturning).
func (t *tx) insertReturning(ctx context.Context, query string, args []any) ([]int64, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// insertConsecutive runs a multi-row INSERT and derives the ids from the
// first one (see IDsConsecutive).
func (t *tx) insertConsecutive(ctx context.Context, query string, args []any, n int, step int64) ([]int64, error) {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if affected != int64(n) {
		return nil, errcode.New(errcode.Internal, "inserted %d of %d rows", affected, n)
	}
	first, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	if step <= 0 {
		step = 1
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = first + int64(i)*step
	}
	return ids, nil
}

func (t *tx) insertOneByOne(ctx context.Context, what, table string, cols []string, rows [][]any) ([]int64, error) {
	query := insertSQL(table, cols, 1, "")
	ids := make([]int64, len(rows))
	for i, r := range rows {
		res, err := t.tx.ExecContext(ctx, query, r...)
		if err != nil {
			return nil, t.writeError(ctx, err, table, cols, rows[i:i+1], what)
		}
		if ids[i], err = res.LastInsertId(); err != nil {
			return nil, dbError(t.d, err, "%s", what)
		}
	}
	return ids, nil
}

// uniqueIDs returns ids sorted, without duplicates, in a new slice.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// uniqueStrings returns ss sorted, without duplicates, in a new slice.
func uniqueStrings(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

// inChunks calls f with successive runs of at most idsPerQuery elements of
// xs, and collects what it returns. A run is padded to bucketSize(len)
// elements by repeating its last one, so that the IN lists built from it
// come in few sizes and their statements are few texts (see
// CachingConnector); a value twice in an IN list matches as once.
func inChunks[X, R any](xs []X, f func(part []X) ([]R, error)) ([]R, error) {
	var out []R
	for start := 0; start < len(xs); start += idsPerQuery {
		part := xs[start:min(start+idsPerQuery, len(xs))]
		if n := bucketSize(len(part)); n > len(part) {
			padded := make([]X, n)
			copy(padded, part)
			for i := len(part); i < n; i++ {
				padded[i] = part[len(part)-1]
			}
			part = padded
		}
		got, err := f(part)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// bucketSize is the size an IN list of n values is padded to: the next
// power of two, at most idsPerQuery.
func bucketSize(n int) int {
	b := 1
	for b < n {
		b <<= 1
	}
	return min(b, max(n, idsPerQuery))
}
