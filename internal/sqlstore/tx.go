package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	gen "github.com/gomlmd/gomlmd/gen/queries"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// tx is the driver.Tx of Conn: the generated queries and the statements
// sqlstore builds, run on one *sql.Tx (wrapped as the dialect says, see
// DBWrapper).
type tx struct {
	tx DBTX
	d  Dialect
	q  queries

	// The id strategy of this transaction's session, once SessionIDs has
	// been asked (see insertIDs).
	sessionIDs  IDStrategy
	sessionStep int64
	sessionRead bool

	// one is set in a read of one statement (see runOneStatement).
	one *oneStatementDBTX
}

// needsTransaction is for a read that knows, before it sends anything,
// that it will take more than one statement: in a read of one statement
// it refuses itself, so that the read runs again in a transaction, and
// reports true; in a transaction it reports false.
func (t *tx) needsTransaction() bool {
	if t.one == nil {
		return false
	}
	t.one.refused = true
	return true
}

var _ driver.Tx = (*tx)(nil)

// nodeTable describes the tables of one kind of node.
type nodeTable struct {
	noun      string // "artifact", for messages
	table     string // Artifact
	propTable string // ArtifactProperty
	propKey   string // artifact_id: the node column of propTable and linkTable
	stateCol  string // state or last_known_state; "" for contexts
	hasURI    bool
	linkTable string // Attribution or Association; "" for contexts
}

var nodeTables = map[driver.Kind]*nodeTable{
	driver.KindArtifact: {
		noun: "artifact", table: "Artifact", propTable: "ArtifactProperty", propKey: "artifact_id",
		stateCol: "state", hasURI: true, linkTable: "Attribution",
	},
	driver.KindExecution: {
		noun: "execution", table: "Execution", propTable: "ExecutionProperty", propKey: "execution_id",
		stateCol: "last_known_state", linkTable: "Association",
	},
	driver.KindContext: {
		noun: "context", table: "Context", propTable: "ContextProperty", propKey: "context_id",
	},
}

func tableOf(kind driver.Kind) (*nodeTable, error) {
	nt, ok := nodeTables[kind]
	if !ok {
		return nil, errcode.New(errcode.InvalidArgument, "sqlstore: unknown node kind %d", kind)
	}
	return nt, nil
}

// nullString maps "" to NULL, as MLMD stores unset strings.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullable returns nil for "" and s otherwise, as a statement argument.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullableInt returns nil for 0 and v otherwise, as a statement argument.
func nullableInt(v int32) any {
	if v == 0 {
		return nil
	}
	return int64(v)
}

// Types.

func (t *tx) InsertType(ctx context.Context, tr driver.TypeRow) (int64, error) {
	if _, err := tableOf(tr.Kind); err != nil {
		return 0, err
	}
	if err := t.checkNewType(ctx, tr); err != nil {
		return 0, err
	}
	ids, err := t.insertRowsIDs(ctx, fmt.Sprintf("insert type %q", tr.Name), "Type",
		[]string{"name", "version", "type_kind", "description", "input_type", "output_type", "external_id"},
		[][]any{{tr.Name, nullable(tr.Version), int64(tr.Kind), nullable(tr.Description),
			nullable(tr.InputType), nullable(tr.OutputType), nullable(tr.ExternalID)}})
	if err != nil {
		return 0, err
	}
	id := ids[0]
	if err := t.AddTypeProperties(ctx, id, tr.Properties); err != nil {
		return 0, err
	}
	links := make([]driver.ParentTypeRow, len(tr.ParentIDs))
	for i, p := range tr.ParentIDs {
		links[i] = driver.ParentTypeRow{TypeID: id, ParentTypeID: p}
	}
	if err := t.SetParentTypes(ctx, links); err != nil {
		return 0, err
	}
	return id, nil
}

// checkNewType returns AlreadyExists if a type of tr's kind, name and
// version exists.
//
// MLMD's schema has no unique key on (type_kind, name, version), so
// nothing in the database stops two transactions from inserting the same
// type. Where transactions run concurrently (LockingRead is not empty),
// checkNewType first locks the one MLMDEnv row: the transactions that
// insert types take turns, in every process, and each sees the types of
// the ones before it. It then reads the newest committed types with a
// locking read. A match that the transaction's snapshot does not show was
// committed by another transaction after the caller looked (the caller
// would have used it had it seen it): that is a transient conflict, and
// InTx runs the call again, which then finds the type.
func (t *tx) checkNewType(ctx context.Context, tr driver.TypeRow) error {
	if g, ok := t.d.(TypeInsertGuard); ok {
		if err := g.GuardTypeInsert(ctx, t.tx); err != nil {
			return dbError(t.d, err, "guard the insert of type %q", tr.Name)
		}
	}
	lock := t.d.LockingRead()
	if lock != "" {
		lockEnv := "SELECT schema_version FROM MLMDEnv" + lock
		if _, ok := t.d.(SnapshotLocks); ok {
			// A locking read keeps the snapshot; an update of the row
			// fails (serialization failure: run again) if another
			// transaction updated it after the snapshot.
			lockEnv = "UPDATE MLMDEnv SET schema_version = schema_version RETURNING schema_version"
		}
		var v int64
		if err := t.tx.QueryRowContext(ctx, lockEnv).Scan(&v); err != nil {
			return dbError(t.d, err, "lock MLMDEnv to insert type %q", tr.Name)
		}
	}
	const find = "SELECT id, version FROM Type WHERE type_kind = ? AND name = ?"
	match := func(query string) (int64, error) {
		rows, err := t.tx.QueryContext(ctx, query, int64(tr.Kind), tr.Name)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		var found int64
		for rows.Next() {
			var id int64
			var version sql.NullString
			if err := rows.Scan(&id, &version); err != nil {
				return 0, err
			}
			if version.String == tr.Version && found == 0 {
				found = id
			}
		}
		return found, rows.Err()
	}
	id, err := match(find + lock)
	if err != nil {
		return dbError(t.d, err, "find type %q", tr.Name)
	}
	if id == 0 {
		return nil
	}
	if lock != "" {
		seen, err := match(find)
		if err != nil {
			return dbError(t.d, err, "find type %q", tr.Name)
		}
		if seen == 0 {
			return errcode.Wrap(errcode.Aborted, &transientError{fmt.Errorf("type %q was created concurrently", tr.Name)},
				"sqlstore: insert %s type %q version %q: another transaction committed it meanwhile (id %d)", kindNoun(tr.Kind), tr.Name, tr.Version, id)
		}
	}
	return errcode.New(errcode.AlreadyExists, "sqlstore: %s type %q version %q exists already (id %d)", kindNoun(tr.Kind), tr.Name, tr.Version, id)
}

func kindNoun(k driver.Kind) string {
	if nt, ok := nodeTables[k]; ok {
		return nt.noun
	}
	return "unknown"
}

func (t *tx) UpdateType(ctx context.Context, tr driver.TypeRow) error {
	n, err := t.q.UpdateType(ctx, gen.UpdateTypeParams{
		ID:          tr.ID,
		Description: nullString(tr.Description),
		InputType:   nullString(tr.InputType),
		OutputType:  nullString(tr.OutputType),
		ExternalID:  nullString(tr.ExternalID),
	})
	if err != nil {
		return dbError(t.d, err, "update type %d", tr.ID)
	}
	if n == 0 {
		return errcode.New(errcode.NotFound, "sqlstore: type %d not found", tr.ID)
	}
	return nil
}

func (t *tx) AddTypeProperties(ctx context.Context, typeID int64, props map[string]int32) error {
	if len(props) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(props))
	for _, name := range slices.Sorted(maps.Keys(props)) {
		rows = append(rows, []any{typeID, name, int64(props[name])})
	}
	return t.insertRows(ctx, fmt.Sprintf("insert properties of type %d", typeID), "TypeProperty",
		[]string{"type_id", "name", "data_type"}, rows, "")
}

func (t *tx) SetParentTypes(ctx context.Context, links []driver.ParentTypeRow) error {
	if len(links) == 0 {
		return nil
	}
	rows := make([][]any, len(links))
	for i, l := range links {
		rows[i] = []any{l.TypeID, l.ParentTypeID}
	}
	return t.insertRows(ctx, "insert parent types", "ParentType",
		[]string{"type_id", "parent_type_id"}, rows, t.d.IgnoreDuplicates("type_id"))
}

func (t *tx) FindTypes(ctx context.Context, q driver.TypeQuery) ([]driver.TypeRow, error) {
	kind := int64(q.Kind)
	if q.AnyKind && len(q.IDs) > 0 {
		kind = -1
	} else if _, err := tableOf(q.Kind); err != nil {
		return nil, err
	}
	var out []driver.TypeRow
	var err error
	switch {
	case len(q.IDs) > 0:
		out, err = inChunks(uniqueIDs(q.IDs), func(ids []int64) ([]driver.TypeRow, error) {
			return t.loadTypes(ctx, kind, "id IN ("+placeholders(len(ids))+")", anys(ids))
		})
	case len(q.ExternalIDs) > 0:
		out, err = inChunks(uniqueStrings(q.ExternalIDs), func(ext []string) ([]driver.TypeRow, error) {
			return t.loadTypes(ctx, kind, "external_id IN ("+placeholders(len(ext))+")", anys(ext))
		})
	case len(q.Names) > 0:
		names := make([]string, len(q.Names))
		want := make(map[driver.NameVersion]bool, len(q.Names))
		for i, nv := range q.Names {
			names[i] = nv.Name
			want[nv] = true
		}
		out, err = inChunks(uniqueStrings(names), func(names []string) ([]driver.TypeRow, error) {
			return t.loadTypes(ctx, kind, "name IN ("+placeholders(len(names))+")", anys(names))
		})
		out = slices.DeleteFunc(out, func(r driver.TypeRow) bool {
			return !want[driver.NameVersion{Name: r.Name, Version: r.Version}]
		})
	case len(q.NamesAnyVersion) > 0:
		out, err = inChunks(uniqueStrings(q.NamesAnyVersion), func(names []string) ([]driver.TypeRow, error) {
			return t.loadTypes(ctx, kind, "name IN ("+placeholders(len(names))+")", anys(names))
		})
	default:
		out, err = t.loadTypes(ctx, kind, "", nil)
	}
	if err != nil {
		return nil, dbError(t.d, err, "find types")
	}
	slices.SortFunc(out, func(a, b driver.TypeRow) int { return cmp.Compare(a.ID, b.ID) })
	out = slices.CompactFunc(out, func(a, b driver.TypeRow) bool { return a.ID == b.ID })
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// anys returns xs as statement arguments.
func anys[X any](xs []X) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
