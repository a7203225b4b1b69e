package main

// Lineage pairs: GetLineageSubgraph on a synthetic store of 100,040 nodes
// against a hand-written recursive CTE that finds the same node ids, on
// the same database in the same process.
//
// The store holds 4,000 runs of a 10-step TFX-like pipeline (ExampleGen
// ... Trainer ... BulkInferrer): each step is an execution that reads the
// previous step's output and writes one artifact, odd steps also write a
// metrics artifact, ExampleGen and Transform read one of 40 shared
// datasets, and each Trainer also reads the previous run's model (warm
// start), so a model's provenance reaches back run after run. Each run is
// a context holding its nodes. The fixture is written with batch calls;
// on SQLite it is kept in a file in the temp dir and reused by later runs.
//
// The pairs (each checks first that both sides find the same node ids):
//
//   - upstream-20hops: the upstream lineage of a model 20 hops deep;
//   - tfx-2hops: TFX's input-resolution query, both directions, 2 hops,
//     from a LIVE model, ending at the executions that read it;
//   - fanout-2hops: both directions, 2 hops, from a shared dataset that
//     200 executions read.
//
// Suffixes: /ids asks for node ids only (NodeIDsOnly, as MLMD's RPC
// answers), the same thing the CTE finds; /full reads the whole answer
// (nodes with properties, events with paths, contexts, links, types),
// against the CTE plus set-based reads of the same nodes, properties,
// events, paths, links, contexts and types (fullBaseline);
// /mask is TFX's read mask (artifacts, artifact_types, events); /portable
// walks hop by hop through a store that cannot see the driver's lineage
// interface, as a backend without it would.
//
// On MySQL/MariaDB the statements are counted on the wire (a dialer that
// reads the client's command packets): stmts/op is SQL statements per call
// without BEGIN/COMMIT, rtt/op all round trips (BEGIN and COMMIT
// included). SQLite runs the same statements: the SQL code is shared.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

func init() { morePairs = append(morePairs, lineagePairs) }

const (
	lineageRuns   = 4000
	lineageShared = 40
	// lineageFixtureVersion names the cached SQLite file; change it when
	// the fixture changes.
	lineageFixtureVersion = "v1"
	// The nodes the queries start from: run 3000's model, and a shared
	// dataset.
	lineageRun    = 3000
	lineageShare  = 7
	trainerStep   = 5
	transformStep = 4
)

// lineageStepNames are the executions and main outputs of the steps.
var lineageStepNames = [...]struct{ exec, art string }{
	{"ExampleGen", "Examples"}, {"StatisticsGen", "ExampleStatistics"}, {"SchemaGen", "Schema"},
	{"ExampleValidator", "ExampleAnomalies"}, {"Transform", "TransformGraph"}, {"Trainer", "Model"},
	{"Evaluator", "ModelEvaluation"}, {"InfraValidator", "InfraBlessing"}, {"Pusher", "PushedModel"},
	{"BulkInferrer", "InferenceResult"},
}

// lineageEnv is the fixture and the ways to query it.
type lineageEnv struct {
	driver string
	// store uses the driver's lineage interface; portable cannot see it.
	store, portable *mlmd.Store
	raw             *sql.DB
	wire            *wireCounter // nil on SQLite
	model, shared   int64        // start nodes
	closers         []func()
}

var (
	lineageMu   sync.Mutex
	lineageEnvs = map[string]*lineageEnv{}
)

// lineageFor returns the lineage fixture for e's backend, made on first
// use and released with e.
func lineageFor(b *testing.B, e *env) *lineageEnv {
	b.Helper()
	lineageMu.Lock()
	defer lineageMu.Unlock()
	if le, ok := lineageEnvs[e.driver]; ok {
		return le
	}
	le, err := openLineage(context.Background(), e.driver, e.dsn)
	if err != nil {
		b.Fatalf("lineage fixture: %v", err)
	}
	lineageEnvs[e.driver] = le
	prev := e.cleanup
	e.cleanup = func() {
		lineageMu.Lock()
		delete(lineageEnvs, e.driver)
		lineageMu.Unlock()
		le.close()
		if prev != nil {
			prev()
		}
	}
	return le
}

func (le *lineageEnv) close() {
	for i := len(le.closers) - 1; i >= 0; i-- {
		le.closers[i]()
	}
}

// plainConn hides the optional driver.LineageTx of a backend.
type plainConn struct{ driver.Conn }

type plainTx struct{ driver.Tx }

func (c plainConn) InTx(ctx context.Context, opts driver.TxOptions, fn func(driver.Tx) error) error {
	return c.Conn.InTx(ctx, opts, func(tx driver.Tx) error { return fn(plainTx{tx}) })
}

func openLineage(ctx context.Context, driverName, dsn string) (*lineageEnv, error) {
	le := &lineageEnv{driver: driverName}
	var conn driver.Conn
	var err error
	fresh := true
	mysqlDB := "" // the database to drop at the end
	switch driverName {
	case "sqlite":
		path := filepath.Join(os.TempDir(), "gomlmd-bench-lineage-"+lineageFixtureVersion+".db")
		if _, err := os.Stat(path); err == nil {
			fresh = false
		}
		building := path
		if fresh {
			building = path + ".building"
			os.Remove(building)
		}
		if conn, err = (sqlitestore.Driver{}).Open(ctx, "file:"+building, &driver.OpenOptions{}); err != nil {
			return nil, err
		}
		if fresh {
			le.store = mlmd.NewStore(conn, nil)
			if err := buildLineage(ctx, le.store); err != nil {
				conn.Close()
				return nil, err
			}
			conn.Close()
			if err := os.Rename(building, path); err != nil {
				return nil, err
			}
			os.Remove(building + "-wal")
			os.Remove(building + "-shm")
			if conn, err = (sqlitestore.Driver{}).Open(ctx, "file:"+path, &driver.OpenOptions{}); err != nil {
				return nil, err
			}
		}
		if le.raw, err = sqlitestore.OpenDB("file:" + path); err != nil {
			conn.Close()
			return nil, err
		}
	case "mysql":
		le.wire = &wireCounter{}
		cfg, err := mysqlServer(dsn)
		if err != nil {
			return nil, err
		}
		registerCountingNet(le.wire)
		cfg.Net, cfg.DBName = countingNet, "mlmd_bench_lineage_"+randomSuffix()
		mysqlDB = cfg.DBName
		if conn, err = (mysqlstore.Driver{}).Open(ctx, cfg.FormatDSN(), &driver.OpenOptions{}); err != nil {
			return nil, err
		}
		rawCfg := cfg.Clone()
		rawCfg.InterpolateParams = true // as the store's connections
		connector, err := mysql.NewConnector(rawCfg)
		if err != nil {
			conn.Close()
			return nil, err
		}
		le.raw = sql.OpenDB(connector)
	case "postgres":
		if conn, le.raw, mysqlDB, err = openPostgresLineage(ctx, dsn); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("no lineage fixture for driver %q", driverName)
	}
	le.closers = append(le.closers, func() { conn.Close() }, func() { le.raw.Close() })
	if mysqlDB != "" && driverName == "postgres" {
		le.closers = append(le.closers, dropPostgresLineage(dsn, mysqlDB))
	} else if mysqlDB != "" {
		le.closers = append(le.closers, func() {
			// Closers run last to first: this one before the pools close.
			if _, err := le.raw.Exec("DROP DATABASE IF EXISTS `" + mysqlDB + "`"); err != nil {
				fmt.Fprintf(os.Stderr, "drop the lineage database: %v\n", err)
			}
		})
	}
	le.store = mlmd.NewStore(conn, nil)
	le.portable = mlmd.NewStore(plainConn{conn}, nil)
	if driverName == "mysql" || driverName == "postgres" {
		if err := buildLineage(ctx, le.store); err != nil {
			le.close()
			return nil, err
		}
	}
	modelType := lineageStepNames[trainerStep].art
	m, err := le.store.GetArtifactByTypeAndName(ctx, modelType, "", fmt.Sprintf("run%d-%s", lineageRun, modelType))
	if err != nil {
		le.close()
		return nil, fmt.Errorf("find the model in the fixture (on SQLite, remove the cached file in %s to rebuild it): %w", os.TempDir(), err)
	}
	s, err := le.store.GetArtifactByTypeAndName(ctx, "SharedDataset", "", fmt.Sprintf("shared%d", lineageShare))
	if err != nil {
		le.close()
		return nil, err
	}
	le.model, le.shared = m.ID, s.ID
	return le, nil
}

// mysqlServer parses the server DSN of -dsn (go run) or MLMD_BENCH_DSN (go
// test); "" is defaultMySQLDSN. The DSN must name no database: the
// benchmarks create and drop their own.
func mysqlServer(dsn string) (*mysql.Config, error) {
	if dsn == "" {
		dsn = defaultMySQLDSN
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql dsn: %w", err)
	}
	if cfg.DBName != "" {
		return nil, fmt.Errorf("mysql dsn %q names database %q: give the server only (user@tcp(host:port)/); the benchmark creates and drops its own database", dsn, cfg.DBName)
	}
	return cfg, nil
}

func randomSuffix() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// buildLineage writes the fixture, 100 runs per batch of calls.
func buildLineage(ctx context.Context, s *mlmd.Store) error {
	types := mlmd.Types{ContextTypes: []mlmd.ContextType{{Name: "PipelineRun", Properties: map[string]mlmd.PropertyType{"run": mlmd.PropertyInt}}}}
	artProps := map[string]mlmd.PropertyType{"run": mlmd.PropertyInt, "span": mlmd.PropertyInt}
	exeProps := map[string]mlmd.PropertyType{"run": mlmd.PropertyInt, "step": mlmd.PropertyInt}
	types.ArtifactTypes = append(types.ArtifactTypes, mlmd.ArtifactType{Name: "SharedDataset", Properties: artProps},
		mlmd.ArtifactType{Name: "Metrics", Properties: artProps})
	for _, st := range lineageStepNames {
		types.ArtifactTypes = append(types.ArtifactTypes, mlmd.ArtifactType{Name: st.art, Properties: artProps})
		types.ExecutionTypes = append(types.ExecutionTypes, mlmd.ExecutionType{Name: st.exec, Properties: exeProps})
	}
	tids, err := s.PutTypes(ctx, types, nil)
	if err != nil {
		return err
	}
	sharedType, metricsType, contextType := tids.ArtifactTypeIDs[0], tids.ArtifactTypeIDs[1], tids.ContextTypeIDs[0]
	var shared []mlmd.Artifact
	for i := range lineageShared {
		shared = append(shared, mlmd.Artifact{TypeID: sharedType, Name: fmt.Sprintf("shared%d", i), URI: fmt.Sprintf("/shared/%d", i),
			State: mlmd.ArtifactStateLive, Properties: mlmd.Properties{"run": mlmd.IntValue(-1), "span": mlmd.IntValue(int64(i))}})
	}
	sharedIDs, err := s.PutArtifacts(ctx, shared, nil)
	if err != nil {
		return err
	}
	models := make([]int64, lineageRuns) // model id by run
	const batch = 100
	for first := 0; first < lineageRuns; first += batch {
		var arts []mlmd.Artifact
		var exes []mlmd.Execution
		var ctxs []mlmd.Context
		for r := first; r < first+batch; r++ {
			ctxs = append(ctxs, mlmd.Context{TypeID: contextType, Name: fmt.Sprintf("run%d", r), Properties: mlmd.Properties{"run": mlmd.IntValue(int64(r))}})
			for st, names := range lineageStepNames {
				exes = append(exes, mlmd.Execution{TypeID: tids.ExecutionTypeIDs[st], Name: fmt.Sprintf("run%d-%s", r, names.exec),
					LastKnownState: mlmd.ExecutionStateComplete,
					Properties:     mlmd.Properties{"run": mlmd.IntValue(int64(r)), "step": mlmd.IntValue(int64(st))}})
				arts = append(arts, mlmd.Artifact{TypeID: tids.ArtifactTypeIDs[2+st], Name: fmt.Sprintf("run%d-%s", r, names.art),
					URI: fmt.Sprintf("/runs/%d/%s", r, names.art), State: mlmd.ArtifactStateLive,
					Properties: mlmd.Properties{"run": mlmd.IntValue(int64(r)), "span": mlmd.IntValue(int64(st))}})
				if st%2 == 1 {
					arts = append(arts, mlmd.Artifact{TypeID: metricsType, Name: fmt.Sprintf("run%d-%s-metrics", r, names.exec),
						URI: fmt.Sprintf("/runs/%d/%s-metrics", r, names.exec), State: mlmd.ArtifactStateLive,
						Properties: mlmd.Properties{"run": mlmd.IntValue(int64(r)), "span": mlmd.IntValue(int64(st))}})
				}
			}
		}
		artIDs, err := s.PutArtifacts(ctx, arts, nil)
		if err != nil {
			return err
		}
		exeIDs, err := s.PutExecutions(ctx, exes, nil)
		if err != nil {
			return err
		}
		ctxIDs, err := s.PutContexts(ctx, ctxs, nil)
		if err != nil {
			return err
		}
		var events []mlmd.Event
		var attrs []mlmd.Attribution
		var assocs []mlmd.Association
		const artsPerRun = len(lineageStepNames) + len(lineageStepNames)/2
		for i := range batch {
			r := first + i
			runArts := artIDs[i*artsPerRun : (i+1)*artsPerRun]
			runExes := exeIDs[i*len(lineageStepNames) : (i+1)*len(lineageStepNames)]
			a := 0 // index into runArts
			var prev int64
			for st, e := range runExes {
				in := func(id int64, k string) {
					events = append(events, mlmd.Event{ArtifactID: id, ExecutionID: e, Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep(k), mlmd.IndexStep(0)}})
				}
				out := func(id int64, k string) {
					events = append(events, mlmd.Event{ArtifactID: id, ExecutionID: e, Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep(k), mlmd.IndexStep(0)}})
					attrs = append(attrs, mlmd.Attribution{ArtifactID: id, ContextID: ctxIDs[i]})
				}
				switch st {
				case 0:
					in(sharedIDs[r%lineageShared], "input_data")
				case transformStep:
					in(prev, "examples")
					in(sharedIDs[(7*r+3)%lineageShared], "vocabulary")
				case trainerStep:
					in(prev, "transform_graph")
					if r > 0 {
						in(models[r-1], "base_model")
					}
				default:
					in(prev, "input")
				}
				main := runArts[a]
				out(main, "output")
				a++
				if st%2 == 1 {
					out(runArts[a], "metrics")
					a++
				}
				if st == trainerStep {
					models[r] = main
				}
				prev = main
				assocs = append(assocs, mlmd.Association{ExecutionID: e, ContextID: ctxIDs[i]})
			}
		}
		if err := s.PutEvents(ctx, events); err != nil {
			return err
		}
		if err := s.PutAttributionsAndAssociations(ctx, attrs, assocs); err != nil {
			return err
		}
	}
	return nil
}

// ---- the pairs -------------------------------------------------------------------

// lineageQuery is a benchmarked question: the store's query and the CTE
// that finds the same node ids.
type lineageQuery struct {
	store func(le *lineageEnv) mlmd.LineageSubgraphQuery
	cte   func(le *lineageEnv) (string, []any)
	// pgCTE is cte for PostgreSQL, whose recursive CTEs name themselves
	// once (see postgres.go).
	pgCTE func(le *lineageEnv) (string, []any)
}

func lineagePairs() []pair {
	var ps []pair
	add := func(name string, q lineageQuery, variant string) {
		raw := func(b *testing.B, e *env) { benchLineageCTE(b, lineageFor(b, e), q) }
		if variant == "full" {
			// A full answer against the fair baseline: the same CTE plus
			// set-based reads of everything the answer holds.
			raw = func(b *testing.B, e *env) { benchLineageFull(b, lineageFor(b, e), q) }
		}
		ps = append(ps, pair{
			name:  "Lineage/" + name + "/" + variant,
			store: func(b *testing.B, e *env) { benchLineageStore(b, lineageFor(b, e), q, variant) },
			raw:   raw,
		})
	}
	for _, v := range []string{"ids", "full", "portable"} {
		add("upstream-20hops", upstreamQuery, v)
	}
	for _, v := range []string{"ids", "mask", "portable"} {
		add("tfx-2hops", tfxQuery, v)
	}
	for _, v := range []string{"ids", "full"} {
		add("fanout-2hops", fanoutQuery, v)
	}
	return ps
}

// Event types of the CTEs: inputs and outputs.
const (
	cteInputs  = "(2, 3, 5)"
	cteOutputs = "(1, 4, 6, 7)"
)

var upstreamQuery = lineageQuery{
	store: func(le *lineageEnv) mlmd.LineageSubgraphQuery {
		return mlmd.LineageSubgraphQuery{
			StartingArtifacts: &mlmd.StartingNodes{FilterQuery: fmt.Sprintf("id = %d", le.model)},
			MaxNumHops:        new(int64(20)), Direction: mlmd.Upstream,
		}
	},
	cte: func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE up(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ?
  UNION SELECT 0, ev.execution_id, up.d + 1 FROM up JOIN Event AS ev ON ev.artifact_id = up.id
    WHERE up.k = 1 AND up.d < 20 AND ev.type IN ` + cteOutputs + `
  UNION SELECT 1, ev.artifact_id, up.d + 1 FROM up JOIN Event AS ev ON ev.execution_id = up.id
    WHERE up.k = 0 AND up.d < 20 AND ev.type IN ` + cteInputs + `)
SELECT DISTINCT k, id FROM up`, []any{le.model}
	},
}

// tfxQuery is the shape of TFX's input resolution: from an artifact that
// must be LIVE, both ways, 2 hops, not going past (nor returning) the
// executions that read it.
var tfxQuery = lineageQuery{
	store: func(le *lineageEnv) mlmd.LineageSubgraphQuery {
		return mlmd.LineageSubgraphQuery{
			StartingArtifacts: &mlmd.StartingNodes{FilterQuery: fmt.Sprintf("id = %d AND state IN (LIVE)", le.model)},
			EndingExecutions:  &mlmd.EndingNodes{FilterQuery: fmt.Sprintf("events_0.artifact_id = %d AND events_0.type = INPUT", le.model)},
			MaxNumHops:        new(int64(2)), Direction: mlmd.Bidirectional,
			ReadMask: []string{"artifacts", "artifact_types", "events"},
		}
	},
	cte: func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE w(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ? AND state = 2
  UNION SELECT 0, ev.execution_id, w.d + 1 FROM w JOIN Event AS ev ON ev.artifact_id = w.id
    WHERE w.k = 1 AND w.d < 2 AND NOT EXISTS (
      SELECT 1 FROM Event AS r WHERE r.execution_id = ev.execution_id AND r.artifact_id = ? AND r.type = 3)
  UNION SELECT 1, ev.artifact_id, w.d + 1 FROM w JOIN Event AS ev ON ev.execution_id = w.id
    WHERE w.k = 0 AND w.d < 2)
SELECT DISTINCT k, id FROM w`, []any{le.model, le.model}
	},
}

var fanoutQuery = lineageQuery{
	store: func(le *lineageEnv) mlmd.LineageSubgraphQuery {
		return mlmd.LineageSubgraphQuery{
			StartingArtifacts: &mlmd.StartingNodes{FilterQuery: fmt.Sprintf("id = %d", le.shared)},
			MaxNumHops:        new(int64(2)), Direction: mlmd.Bidirectional,
		}
	},
	cte: func(le *lineageEnv) (string, []any) {
		return `WITH RECURSIVE w(k, id, d) AS (
  SELECT 1, id, 0 FROM Artifact WHERE id = ?
  UNION SELECT 0, ev.execution_id, w.d + 1 FROM w JOIN Event AS ev ON ev.artifact_id = w.id WHERE w.k = 1 AND w.d < 2
  UNION SELECT 1, ev.artifact_id, w.d + 1 FROM w JOIN Event AS ev ON ev.execution_id = w.id WHERE w.k = 0 AND w.d < 2)
SELECT DISTINCT k, id FROM w`, []any{le.shared}
	},
}

// nodeKey is a node of either kind, as the CTEs return them.
type nodeKey struct {
	kind int64 // 1 artifact, 0 execution
	id   int64
}

// storeQuery returns the query of a variant, and the store to ask.
func (le *lineageEnv) storeQuery(q lineageQuery, variant string) (*mlmd.Store, mlmd.LineageSubgraphQuery) {
	sq := q.store(le)
	st := le.store
	switch variant {
	case "ids", "portable":
		sq.NodeIDsOnly = true
		sq.ReadMask = []string{"artifacts", "executions"}
		if variant == "portable" {
			st = le.portable
		}
	case "full":
		sq.ReadMask = nil
	}
	return st, sq
}

// nodesOf returns the node ids of a store answer, or of a CTE answer with
// the executions the store's read mask leaves out.
func nodesOf(g mlmd.LineageGraph) []nodeKey {
	var out []nodeKey
	for _, a := range g.Artifacts {
		out = append(out, nodeKey{1, a.ID})
	}
	for _, e := range g.Executions {
		out = append(out, nodeKey{0, e.ID})
	}
	slices.SortFunc(out, cmpNodeKey)
	return out
}

func cmpNodeKey(a, b nodeKey) int {
	if a.kind != b.kind {
		return int(a.kind - b.kind)
	}
	return int(a.id - b.id)
}

// runCTE runs a CTE in a read-only transaction, as the store runs its
// calls, and returns the node ids.
func runCTE(ctx context.Context, le *lineageEnv, query string, args []any) ([]nodeKey, error) {
	tx, err := le.raw.BeginTx(ctx, &sql.TxOptions{ReadOnly: le.driver != "sqlite"})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []nodeKey
	for rows.Next() {
		var k nodeKey
		if err := rows.Scan(&k.kind, &k.id); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

// cteOf returns the CTE of q for le's engine.
func (le *lineageEnv) cteOf(q lineageQuery) (string, []any) {
	if le.driver == "postgres" {
		return q.pgCTE(le)
	}
	return q.cte(le)
}

// checkSameNodes runs both sides once and fails unless they find the same
// nodes (the store's artifacts and, where its mask has them, executions).
func checkSameNodes(b *testing.B, le *lineageEnv, q lineageQuery) {
	b.Helper()
	ctx := context.Background()
	st, sq := le.storeQuery(q, "ids")
	g, err := st.GetLineageSubgraph(ctx, sq)
	if err != nil {
		b.Fatal(err)
	}
	query, args := le.cteOf(q)
	want, err := runCTE(ctx, le, query, args)
	if err != nil {
		b.Fatal(err)
	}
	slices.SortFunc(want, cmpNodeKey)
	if got := nodesOf(g); !slices.Equal(got, want) {
		b.Fatalf("the store and the CTE disagree:\nstore %v\n  CTE %v", got, want)
	}
	if len(want) < 5 {
		b.Fatalf("the query finds only %d nodes: the fixture is not what the benchmark expects", len(want))
	}
}

func benchLineageStore(b *testing.B, le *lineageEnv, q lineageQuery, variant string) {
	checkSameNodes(b, le, q)
	ctx := context.Background()
	st, sq := le.storeQuery(q, variant)
	var nodes int
	b.ResetTimer()
	before := le.wire.snapshot()
	for i := 0; i < b.N; i++ {
		g, err := st.GetLineageSubgraph(ctx, sq)
		if err != nil {
			b.Fatal(err)
		}
		nodes = len(g.Artifacts) + len(g.Executions)
	}
	b.StopTimer()
	le.wire.report(b, before)
	b.ReportMetric(float64(nodes), "nodes")
}

func benchLineageCTE(b *testing.B, le *lineageEnv, q lineageQuery) {
	ctx := context.Background()
	query, args := le.cteOf(q)
	var nodes int
	b.ResetTimer()
	before := le.wire.snapshot()
	for i := 0; i < b.N; i++ {
		got, err := runCTE(ctx, le, query, args)
		if err != nil {
			b.Fatal(err)
		}
		nodes = len(got)
	}
	b.StopTimer()
	le.wire.report(b, before)
	b.ReportMetric(float64(nodes), "nodes")
}

// ---- counting statements on the MySQL wire ----------------------------------------

// countingNet is the network name of the counting dialer.
const countingNet = "gomlmd-bench-count"

var registerOnce sync.Once

func registerCountingNet(w *wireCounter) {
	registerOnce.Do(func() {
		mysql.RegisterDialContext(countingNet, func(ctx context.Context, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: c, w: w}, nil
		})
	})
}

// wireCounter counts the commands clients send.
type wireCounter struct {
	statements atomic.Int64 // COM_QUERY (but BEGIN/COMMIT/...) and COM_STMT_EXECUTE
	roundTrips atomic.Int64 // every command that the server answers
}

type wireCounts struct{ statements, roundTrips int64 }

func (w *wireCounter) snapshot() wireCounts {
	if w == nil {
		return wireCounts{}
	}
	return wireCounts{w.statements.Load(), w.roundTrips.Load()}
}

// report adds stmts/op and rtt/op to b's result (MySQL only).
func (w *wireCounter) report(b *testing.B, before wireCounts) {
	if w == nil || b.N == 0 {
		return
	}
	now := w.snapshot()
	b.ReportMetric(float64(now.statements-before.statements)/float64(b.N), "stmts/op")
	b.ReportMetric(float64(now.roundTrips-before.roundTrips)/float64(b.N), "rtt/op")
}

// The client commands that matter here.
const (
	comQuit        = 0x01
	comQuery       = 0x03
	comStmtExecute = 0x17
	comStmtClose   = 0x19
	comStmtLong    = 0x18
)

// countingConn reads the client's packets (3-byte length, sequence
// number, payload) as they are written; a packet with sequence number 0
// starts a command, whose first byte says which.
type countingConn struct {
	net.Conn
	w      *wireCounter
	hdr    []byte
	left   int
	cmd    bool
	prefix []byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.scan(p)
	return c.Conn.Write(p)
}

func (c *countingConn) scan(p []byte) {
	for len(p) > 0 {
		if c.left == 0 {
			n := min(4-len(c.hdr), len(p))
			c.hdr = append(c.hdr, p[:n]...)
			p = p[n:]
			if len(c.hdr) < 4 {
				return
			}
			c.left = int(c.hdr[0]) | int(c.hdr[1])<<8 | int(c.hdr[2])<<16
			c.cmd = c.hdr[3] == 0
			c.hdr = c.hdr[:0]
			c.prefix = c.prefix[:0]
			if c.left == 0 {
				c.finish()
			}
			continue
		}
		n := min(c.left, len(p))
		if c.cmd && len(c.prefix) < 32 {
			c.prefix = append(c.prefix, p[:min(n, 32-len(c.prefix))]...)
		}
		c.left -= n
		p = p[n:]
		if c.left == 0 {
			c.finish()
		}
	}
}

func (c *countingConn) finish() {
	if !c.cmd || len(c.prefix) == 0 {
		return
	}
	switch c.prefix[0] {
	case comQuit, comStmtClose, comStmtLong:
		return
	case comQuery:
		text := strings.ToUpper(strings.TrimSpace(string(c.prefix[1:])))
		control := false
		for _, w := range []string{"START TRANSACTION", "BEGIN", "COMMIT", "ROLLBACK", "SET "} {
			if strings.HasPrefix(text, w) {
				control = true
			}
		}
		if !control {
			c.w.statements.Add(1)
		}
	case comStmtExecute:
		c.w.statements.Add(1)
	}
	c.w.roundTrips.Add(1)
}

// ---- the fair baseline of full answers --------------------------------------------

// fullBaseline answers what GetLineageSubgraph's full answer holds by hand,
// in one read-only transaction: the CTE for the node ids, then set-based
// statements for the nodes with their type names, their properties, the
// events between them with their paths, the links to contexts, the
// contexts with their properties, and the types of all of them with their
// properties and parents. Every value is read into memory. It returns the
// number of nodes and the statements it sent.
func fullBaseline(ctx context.Context, le *lineageEnv, query string, args []any) (nodes, statements int, err error) {
	tx, err := le.raw.BeginTx(ctx, &sql.TxOptions{ReadOnly: le.driver != "sqlite"})
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	// read runs a statement and returns its rows, all values read; the
	// first column of each row, as an int64, is returned on its own.
	read := func(q string, args ...any) ([]int64, error) {
		statements++
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var firsts []int64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			var id int64
			switch v := vals[0].(type) {
			case int64:
				id = v
			case []byte:
				fmt.Sscan(string(v), &id)
			}
			firsts = append(firsts, id)
		}
		return firsts, rows.Err()
	}
	idList := func(ids []int64) (string, []any) {
		if len(ids) == 0 {
			return "NULL", nil
		}
		return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), int64Args(ids)
	}

	// 1. The node ids.
	statements++
	keys, err := func() ([]nodeKey, error) {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []nodeKey
		for rows.Next() {
			var k nodeKey
			if err := rows.Scan(&k.kind, &k.id); err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, rows.Err()
	}()
	if err != nil {
		return 0, 0, err
	}
	var arts, exes []int64
	for _, k := range keys {
		if k.kind == 1 {
			arts = append(arts, k.id)
		} else {
			exes = append(exes, k.id)
		}
	}
	aIn, aArgs := idList(arts)
	eIn, eArgs := idList(exes)
	// 2. The nodes (their type ids first) and their properties.
	aTypes, err := read("SELECT a.type_id, a.id, a.uri, a.state, a.name, a.external_id, a.create_time_since_epoch, a.last_update_time_since_epoch, t.name FROM Artifact a JOIN Type t ON t.id = a.type_id WHERE a.id IN ("+aIn+")", aArgs...)
	if err != nil {
		return 0, 0, err
	}
	if _, err := read("SELECT artifact_id, name, is_custom_property, int_value, double_value, string_value, byte_value, proto_value, bool_value FROM ArtifactProperty WHERE artifact_id IN ("+aIn+")", aArgs...); err != nil {
		return 0, 0, err
	}
	eTypes, err := read("SELECT e.type_id, e.id, e.last_known_state, e.name, e.external_id, e.create_time_since_epoch, e.last_update_time_since_epoch, t.name FROM Execution e JOIN Type t ON t.id = e.type_id WHERE e.id IN ("+eIn+")", eArgs...)
	if err != nil {
		return 0, 0, err
	}
	if _, err := read("SELECT execution_id, name, is_custom_property, int_value, double_value, string_value, byte_value, proto_value, bool_value FROM ExecutionProperty WHERE execution_id IN ("+eIn+")", eArgs...); err != nil {
		return 0, 0, err
	}
	// 3. The events between the nodes, and their paths.
	events, err := read("SELECT id, artifact_id, execution_id, type, milliseconds_since_epoch FROM Event WHERE artifact_id IN ("+aIn+") AND execution_id IN ("+eIn+")", append(slices.Clone(aArgs), eArgs...)...)
	if err != nil {
		return 0, 0, err
	}
	evIn, evArgs := idList(events)
	if _, err := read("SELECT event_id, is_index_step, step_index, step_key FROM EventPath WHERE event_id IN ("+evIn+")", evArgs...); err != nil {
		return 0, 0, err
	}
	// 4. The links and the contexts.
	ctxA, err := read("SELECT context_id, artifact_id FROM Attribution WHERE artifact_id IN ("+aIn+")", aArgs...)
	if err != nil {
		return 0, 0, err
	}
	ctxE, err := read("SELECT context_id, execution_id FROM Association WHERE execution_id IN ("+eIn+")", eArgs...)
	if err != nil {
		return 0, 0, err
	}
	contexts := slices.Compact(slices.Sorted(slices.Values(append(ctxA, ctxE...))))
	cIn, cArgs := idList(contexts)
	cTypes, err := read("SELECT c.type_id, c.id, c.name, c.external_id, c.create_time_since_epoch, c.last_update_time_since_epoch, t.name FROM Context c JOIN Type t ON t.id = c.type_id WHERE c.id IN ("+cIn+")", cArgs...)
	if err != nil {
		return 0, 0, err
	}
	if _, err := read("SELECT context_id, name, is_custom_property, int_value, double_value, string_value, byte_value, proto_value, bool_value FROM ContextProperty WHERE context_id IN ("+cIn+")", cArgs...); err != nil {
		return 0, 0, err
	}
	// 5. The types, their properties and parents.
	types := slices.Compact(slices.Sorted(slices.Values(append(append(aTypes, eTypes...), cTypes...))))
	tIn, tArgs := idList(types)
	if _, err := read("SELECT id, name, version, type_kind, description, input_type, output_type, external_id FROM Type WHERE id IN ("+tIn+")", tArgs...); err != nil {
		return 0, 0, err
	}
	if _, err := read("SELECT type_id, name, data_type FROM TypeProperty WHERE type_id IN ("+tIn+")", tArgs...); err != nil {
		return 0, 0, err
	}
	if _, err := read("SELECT type_id, parent_type_id FROM ParentType WHERE type_id IN ("+tIn+")", tArgs...); err != nil {
		return 0, 0, err
	}
	return len(keys), statements, tx.Commit()
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// benchLineageFull is the raw side of the /full pairs: fullBaseline.
func benchLineageFull(b *testing.B, le *lineageEnv, q lineageQuery) {
	ctx := context.Background()
	query, args := le.cteOf(q)
	var nodes, statements int
	b.ResetTimer()
	before := le.wire.snapshot()
	for i := 0; i < b.N; i++ {
		var err error
		nodes, statements, err = fullBaseline(ctx, le, query, args)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	le.wire.report(b, before)
	b.ReportMetric(float64(nodes), "nodes")
	b.ReportMetric(float64(statements), "sql/op")
}
