package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// env is one database reached two ways: through the store, and through a
// plain *sql.DB for the raw-SQL baseline.
type env struct {
	driver string
	dsn    string // the server of a MySQL env, as given
	store  *mlmd.Store
	raw    *sql.DB
	// typeID is an artifact type with properties p_int, p_str, p_dbl.
	typeID int64
	// seq makes node names unique across iterations.
	seq     atomic.Int64
	cleanup func()

	// Fixtures for the read benchmarks, made on first use.
	readIDs   []int64
	contextID int64
}

func newEnv(ctx context.Context, driverName, dsn string) (*env, error) {
	e := &env{driver: driverName, dsn: dsn}
	switch driverName {
	case "sqlite":
		dir, err := os.MkdirTemp("", "mlmd-bench-")
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "bench.db")
		e.store, err = mlmd.Open(ctx, "sqlite", "file:"+path, nil)
		if err != nil {
			return nil, err
		}
		e.raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		e.cleanup = func() { os.RemoveAll(dir) }
	default:
		opened, err := openOther(ctx, driverName, dsn)
		if err != nil {
			return nil, err
		}
		e.store, e.raw, e.cleanup = opened.store, opened.raw, opened.cleanup
	}
	var err error
	e.typeID, err = e.store.PutArtifactType(ctx, mlmd.ArtifactType{
		Name: "BenchArtifact",
		Properties: map[string]mlmd.PropertyType{
			"p_int": mlmd.PropertyInt, "p_str": mlmd.PropertyString, "p_dbl": mlmd.PropertyDouble,
		},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("register bench type: %w", err)
	}
	return e, nil
}

// opened is what a non-SQLite backend hands to newEnv.
type opened struct {
	store   *mlmd.Store
	raw     *sql.DB
	cleanup func()
}

// openOther opens backends other than SQLite; backends add themselves in
// their own file (see mysql.go).
var openOther = func(ctx context.Context, driverName, dsn string) (opened, error) {
	return opened{}, fmt.Errorf("unknown driver %q", driverName)
}

// Close releases the databases.
func (e *env) Close() {
	e.store.Close()
	e.raw.Close()
	if e.cleanup != nil {
		e.cleanup()
	}
}

type pair struct {
	name  string
	store func(b *testing.B, e *env)
	raw   func(b *testing.B, e *env)
}

// morePairs lets other files of the package add their pairs (lineage.go).
var morePairs []func() []pair

func pairs() []pair {
	var ps []pair
	for _, n := range []int{1, 100, 1000} {
		n := n
		ps = append(ps, pair{
			name:  fmt.Sprintf("PutArtifacts/n=%d", n),
			store: func(b *testing.B, e *env) { benchPutStore(b, e, n) },
			raw:   func(b *testing.B, e *env) { benchPutRaw(b, e, n) },
		})
	}
	for _, n := range []int{1, 100} {
		n := n
		ps = append(ps, pair{
			name:  fmt.Sprintf("GetArtifactsByID/n=%d", n),
			store: func(b *testing.B, e *env) { benchGetByIDStore(b, e, n) },
			raw:   func(b *testing.B, e *env) { benchGetByIDRaw(b, e, n) },
		})
	}
	ps = append(ps, pair{
		name:  "GetArtifactsByContext/n=100",
		store: benchByContextStore,
		raw:   benchByContextRaw,
	})
	for _, more := range morePairs {
		ps = append(ps, more()...)
	}
	return ps
}

// artifacts returns n new artifacts of the bench type with 3 properties.
func (e *env) artifacts(n int) []mlmd.Artifact {
	as := make([]mlmd.Artifact, n)
	for i := range as {
		k := e.seq.Add(1)
		as[i] = mlmd.Artifact{
			TypeID: e.typeID,
			Name:   fmt.Sprintf("a%d", k),
			URI:    fmt.Sprintf("/data/%d", k),
			Properties: mlmd.Properties{
				"p_int": mlmd.IntValue(k),
				"p_str": mlmd.StringValue(fmt.Sprintf("s%d", k)),
				"p_dbl": mlmd.DoubleValue(float64(k) / 3),
			},
		}
	}
	return as
}

func benchPutStore(b *testing.B, e *env, n int) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		as := e.artifacts(n)
		b.StartTimer()
		if _, err := e.store.PutArtifacts(ctx, as, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPutRaw writes the same rows as benchPutStore with hand-written
// multi-row INSERTs in one transaction: the artifacts, then their
// properties.
func benchPutRaw(b *testing.B, e *env, n int) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		as := e.artifacts(n)
		b.StartTimer()
		if err := rawPut(ctx, e, as); err != nil {
			b.Fatal(err)
		}
	}
}

// chunk is the most rows per multi-row INSERT in the baseline.
const chunk = 200

func rawPut(ctx context.Context, e *env, as []mlmd.Artifact) error {
	tx, err := e.raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := int64(1)
	ids := make([]int64, 0, len(as))
	for lo := 0; lo < len(as); lo += chunk {
		hi := min(lo+chunk, len(as))
		var sb strings.Builder
		sb.WriteString("INSERT INTO `Artifact` (`type_id`, `uri`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES ")
		args := make([]any, 0, 5*(hi-lo))
		for i, a := range as[lo:hi] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, a.TypeID, a.URI, a.Name, now, now)
		}
		got, err := insertIDs(ctx, tx, e.driver, sb.String(), args, hi-lo)
		if err != nil {
			return err
		}
		ids = append(ids, got...)
	}
	type prop struct {
		id   int64
		name string
		col  string
		v    any
	}
	props := make([]prop, 0, 3*len(as))
	for i, a := range as {
		props = append(props,
			prop{ids[i], "p_int", "int_value", a.Properties["p_int"].AsInt()},
			prop{ids[i], "p_str", "string_value", a.Properties["p_str"].AsString()},
			prop{ids[i], "p_dbl", "double_value", a.Properties["p_dbl"].AsDouble()})
	}
	for lo := 0; lo < len(props); lo += chunk {
		hi := min(lo+chunk, len(props))
		var sb strings.Builder
		sb.WriteString("INSERT INTO `ArtifactProperty` (`artifact_id`, `name`, `is_custom_property`, `int_value`, `string_value`, `double_value`) VALUES ")
		args := make([]any, 0, 6*(hi-lo))
		for i, p := range props[lo:hi] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?)")
			var iv, sv, dv any
			switch p.col {
			case "int_value":
				iv = p.v
			case "string_value":
				sv = p.v
			default:
				dv = p.v
			}
			args = append(args, p.id, p.name, false, iv, sv, dv)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// insertIDs runs a multi-row INSERT of n rows and returns their ids.
func insertIDs(ctx context.Context, tx *sql.Tx, driver, query string, args []any, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if driver == "sqlite" || driver == "postgres" {
		rows, err := tx.QueryContext(ctx, query+" RETURNING `id`", args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	first, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		ids = append(ids, first+int64(i))
	}
	return ids, nil
}

// readFixture makes 1000 artifacts, 100 of them attributed to one context.
func (e *env) readFixture(b *testing.B) {
	if e.readIDs != nil {
		return
	}
	ctx := context.Background()
	ids, err := e.store.PutArtifacts(ctx, e.artifacts(1000), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctID, err := e.store.PutContextType(ctx, mlmd.ContextType{Name: "BenchContext"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cids, err := e.store.PutContexts(ctx, []mlmd.Context{{TypeID: ctID, Name: "bench"}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var attrs []mlmd.Attribution
	for i := 0; i < 1000; i += 10 {
		attrs = append(attrs, mlmd.Attribution{ArtifactID: ids[i], ContextID: cids[0]})
	}
	if err := e.store.PutAttributionsAndAssociations(ctx, attrs, nil); err != nil {
		b.Fatal(err)
	}
	if e.driver == "postgres" {
		// Statistics, as autovacuum would gather them after these inserts
		// (a server with autovacuum off plans the reads as if the tables
		// were empty, for the store and the baseline alike).
		if _, err := e.raw.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	e.readIDs, e.contextID = ids, cids[0]
}

func benchGetByIDStore(b *testing.B, e *env, n int) {
	e.readFixture(b)
	ctx := context.Background()
	ids := e.readIDs[:n]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := e.store.GetArtifactsByID(ctx, ids)
		if err != nil || len(got) != n {
			b.Fatalf("got %d artifacts, err %v", len(got), err)
		}
	}
}

// rawArtifact is what the baseline reads: the same columns the store reads.
type rawArtifact struct {
	id, typeID             int64
	typeName               sql.NullString
	uri, name, externalID  sql.NullString
	state                  sql.NullInt64
	createTime, updateTime int64
	props                  map[string]any
}

// rawColumns are the artifact columns both baselines read. The type is
// LEFT JOINed so that the planner drives the query from the artifacts (or
// the attributions), as a person writing it would intend.
const rawColumns = "SELECT a.`id`, a.`type_id`, t.`name`, a.`uri`, a.`name`, a.`external_id`, a.`state`, " +
	"a.`create_time_since_epoch`, a.`last_update_time_since_epoch` "

const rawTypeJoin = "LEFT JOIN `Type` AS t ON t.`id` = a.`type_id` "

// rawRead runs the artifact query (rawColumns followed by query) and then
// one query for all their properties, in one read transaction.
func rawRead(ctx context.Context, e *env, query string, args []any) ([]*rawArtifact, error) {
	tx, err := e.raw.BeginTx(ctx, &sql.TxOptions{ReadOnly: e.driver != "sqlite"})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, rawColumns+query, args...)
	if err != nil {
		return nil, err
	}
	var out []*rawArtifact
	byID := map[int64]*rawArtifact{}
	for rows.Next() {
		a := &rawArtifact{props: map[string]any{}}
		if err := rows.Scan(&a.id, &a.typeID, &a.typeName, &a.uri, &a.name, &a.externalID, &a.state, &a.createTime, &a.updateTime); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
		byID[a.id] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, tx.Commit()
	}
	q := "SELECT `artifact_id`, `name`, `is_custom_property`, `int_value`, `double_value`, `string_value`, `proto_value`, `bool_value` FROM `ArtifactProperty` WHERE `artifact_id` IN (?" + strings.Repeat(", ?", len(out)-1) + ")"
	pargs := make([]any, len(out))
	for i, a := range out {
		pargs[i] = a.id
	}
	prows, err := tx.QueryContext(ctx, q, pargs...)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var (
			id     int64
			name   string
			custom bool
			iv     sql.NullInt64
			dv     sql.NullFloat64
			sv     sql.NullString
			pv     []byte
			bv     sql.NullBool
		)
		if err := prows.Scan(&id, &name, &custom, &iv, &dv, &sv, &pv, &bv); err != nil {
			return nil, err
		}
		switch {
		case iv.Valid:
			byID[id].props[name] = iv.Int64
		case dv.Valid:
			byID[id].props[name] = dv.Float64
		case sv.Valid:
			byID[id].props[name] = sv.String
		case pv != nil:
			byID[id].props[name] = pv
		default:
			byID[id].props[name] = bv.Bool
		}
	}
	if err := prows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

func benchGetByIDRaw(b *testing.B, e *env, n int) {
	e.readFixture(b)
	ctx := context.Background()
	args := make([]any, n)
	for i := range args {
		args[i] = e.readIDs[i]
	}
	where := "FROM `Artifact` AS a " + rawTypeJoin + "WHERE a.`id` IN (?" + strings.Repeat(", ?", n-1) + ")"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := rawRead(ctx, e, where, args)
		if err != nil || len(got) != n {
			b.Fatalf("got %d artifacts, err %v", len(got), err)
		}
	}
}

func benchByContextStore(b *testing.B, e *env) {
	e.readFixture(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, _, err := e.store.GetArtifactsByContext(ctx, e.contextID, nil)
		if err != nil || len(got) != 100 {
			b.Fatalf("got %d artifacts, err %v", len(got), err)
		}
	}
}

func benchByContextRaw(b *testing.B, e *env) {
	e.readFixture(b)
	ctx := context.Background()
	where := "FROM `Attribution` AS at JOIN `Artifact` AS a ON a.`id` = at.`artifact_id` " + rawTypeJoin +
		"WHERE at.`context_id` = ? ORDER BY a.`id`"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := rawRead(ctx, e, where, []any{e.contextID})
		if err != nil || len(got) != 100 {
			b.Fatalf("got %d artifacts, err %v", len(got), err)
		}
	}
}
