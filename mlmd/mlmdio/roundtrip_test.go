package mlmdio_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
)

// roundTripNodes is the size of TestLargeRoundTrip's store. CI runs the
// default; docs/export.md's table of times comes from
//
//	go test ./mlmd/mlmdio -run TestLargeRoundTrip -roundtrip.nodes=100000 -v -timeout=2h
var roundTripNodes = flag.Int("roundtrip.nodes", 2000, "nodes of the store that TestLargeRoundTrip copies between the backends")

// The shape of fillKubeflow's pipeline runs.
const (
	tasksPerRun     = 8  // container executions under one DAG execution
	outputsPerTask  = 2  // a dataset or model, and metrics
	runsPerPipeline = 20 // runs of one pipeline context
	runsPerWrite    = 20 // runs written by one round of Put calls
	nodesPerRun     = 1 + 1 + tasksPerRun*(1+outputsPerTask)
)

// kfTypes are the ids of the types of Kubeflow Pipelines (v2) that
// fillKubeflow writes.
type kfTypes struct {
	pipeline, run           int64 // contexts
	dag, container          int64 // executions
	dataset, model, metrics int64 // artifacts
}

func putKubeflowTypes(t testing.TB, s *mlmd.Store) kfTypes {
	ctx := context.Background()
	return kfTypes{
		pipeline: must(s.PutContextType(ctx, mlmd.ContextType{Name: "system.Pipeline"}, nil))(t),
		run:      must(s.PutContextType(ctx, mlmd.ContextType{Name: "system.PipelineRun"}, nil))(t),
		dag:      must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "system.DAGExecution"}, nil))(t),
		container: must(s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "system.ContainerExecution",
			Properties: map[string]mlmd.PropertyType{"retries": mlmd.PropertyInt}}, nil))(t),
		dataset: must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "system.Dataset", BaseType: mlmd.ArtifactBaseDataset}, nil))(t),
		model: must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "system.Model", BaseType: mlmd.ArtifactBaseModel,
			Properties: map[string]mlmd.PropertyType{"framework": mlmd.PropertyString}}, nil))(t),
		metrics: must(s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "system.Metrics", BaseType: mlmd.ArtifactBaseMetrics}, nil))(t),
	}
}

// fillKubeflow writes at least n nodes shaped as Kubeflow Pipelines v2
// records its runs: per pipeline a system.Pipeline context; per run a
// system.PipelineRun context (child of its pipeline), a DAG execution and
// tasksPerRun container executions (associated with the run and the
// pipeline), each task writing a dataset or model and its metrics
// (OUTPUT events keyed by the output's name, artifacts attributed to the
// run) and reading the previous task's first output (and every fourth
// task the first task's too). Nodes carry the custom properties the KFP
// driver and launcher set: names, pod, image, parameters as structs, the
// parent DAG's id, cache fingerprints, metric values.
func fillKubeflow(t testing.TB, s *mlmd.Store, n int) {
	t.Helper()
	ctx := context.Background()
	ty := putKubeflowTypes(t, s)
	runs := (n + nodesPerRun - 1) / nodesPerRun
	var pipelineID int64
	for first := 0; first < runs; first += runsPerWrite {
		var runCtxs []mlmd.Context
		for r := first; r < min(first+runsPerWrite, runs); r++ {
			if r%runsPerPipeline == 0 {
				p := r / runsPerPipeline
				pipelineID = must(s.PutContexts(ctx, []mlmd.Context{{TypeID: ty.pipeline, Name: fmt.Sprintf("pipeline-%d", p),
					CustomProperties: mlmd.Properties{"pipeline_root": mlmd.StringValue(fmt.Sprintf("minio://mlpipeline/v2/artifacts/pipeline-%d", p))}}}, nil))(t)[0]
			}
			runCtxs = append(runCtxs, mlmd.Context{TypeID: ty.run, Name: fmt.Sprintf("run-%08x-%d", r*2654435761, r),
				CustomProperties: mlmd.Properties{"namespace": mlmd.StringValue("kubeflow-user"),
					"resource_name": mlmd.StringValue(fmt.Sprintf("pipeline-run-%d", r)),
					"pipeline_root": mlmd.StringValue(fmt.Sprintf("minio://mlpipeline/v2/artifacts/run-%d", r))}})
		}
		writeRuns(t, s, ty, pipelineID, first, runCtxs)
	}
}

// writeRuns writes the runs whose contexts are given (the first one has
// number first), all of pipeline pipelineID, in one round of Put calls.
func writeRuns(t testing.TB, s *mlmd.Store, ty kfTypes, pipelineID int64, first int, runCtxs []mlmd.Context) {
	ctx := context.Background()
	runIDs := must(s.PutContexts(ctx, runCtxs, nil))(t)
	parents := make([]mlmd.ParentContext, len(runIDs))
	dags := make([]mlmd.Execution, len(runIDs))
	for i, id := range runIDs {
		parents[i] = mlmd.ParentContext{ChildID: id, ParentID: pipelineID}
		params := must(structpb.NewStruct(map[string]any{"learning_rate": 0.01 * float64(i+1), "epochs": float64(10 + i%5), "dataset": "gs://bucket/data.csv"}))(t)
		dags[i] = mlmd.Execution{TypeID: ty.dag, LastKnownState: mlmd.ExecutionStateComplete, CustomProperties: mlmd.Properties{
			"display_name": mlmd.StringValue(runCtxs[i].Name), "task_name": mlmd.StringValue(""),
			"inputs": mlmd.StructValue(params), "total_dag_tasks": mlmd.IntValue(tasksPerRun)}}
	}
	mustDo(t, s.PutParentContexts(ctx, parents))
	dagIDs := must(s.PutExecutions(ctx, dags, nil))(t)

	var tasks []mlmd.Execution
	var arts []mlmd.Artifact
	for i := range runIDs {
		run := first + i
		for k := range tasksPerRun {
			state := mlmd.ExecutionStateComplete
			if (run+k)%17 == 0 {
				state = mlmd.ExecutionStateCached
			}
			outputs := must(structpb.NewStruct(map[string]any{"rows": float64(1000 * (k + 1)), "split": []any{"train", "eval"}}))(t)
			tasks = append(tasks, mlmd.Execution{TypeID: ty.container, LastKnownState: state,
				Properties: mlmd.Properties{"retries": mlmd.IntValue(int64(k % 3))},
				CustomProperties: mlmd.Properties{
					"display_name": mlmd.StringValue(fmt.Sprintf("step-%d", k)), "task_name": mlmd.StringValue(fmt.Sprintf("step-%d", k)),
					"pod_name":          mlmd.StringValue(fmt.Sprintf("pipeline-run-%d-system-container-impl-%d", run, 1000000+k*7919)),
					"image":             mlmd.StringValue("python:3.11"),
					"parent_dag_id":     mlmd.IntValue(dagIDs[i]),
					"cache_fingerprint": mlmd.StringValue(fmt.Sprintf("%064x", uint64(run*tasksPerRun+k)*0x9e3779b97f4a7c15)),
					"outputs":           mlmd.StructValue(outputs), "is_cached": mlmd.BoolValue(state == mlmd.ExecutionStateCached)}})
			uri := fmt.Sprintf("minio://mlpipeline/v2/artifacts/run-%d/step-%d", run, k)
			main := mlmd.Artifact{TypeID: ty.dataset, URI: uri + "/output_dataset", State: mlmd.ArtifactStateLive,
				CustomProperties: mlmd.Properties{"display_name": mlmd.StringValue("output_dataset"),
					"store_session_info": mlmd.StringValue(`{"Provider":"minio","Params":{"region":"minio","endpoint":"minio-service.kubeflow:9000"}}`)}}
			if k == tasksPerRun-1 {
				main = mlmd.Artifact{TypeID: ty.model, URI: uri + "/model", State: mlmd.ArtifactStateLive,
					Properties:       mlmd.Properties{"framework": mlmd.StringValue("sklearn")},
					CustomProperties: mlmd.Properties{"display_name": mlmd.StringValue("model")}}
			}
			arts = append(arts, main, mlmd.Artifact{TypeID: ty.metrics, URI: uri + "/metrics", State: mlmd.ArtifactStateLive,
				CustomProperties: mlmd.Properties{"display_name": mlmd.StringValue("metrics"),
					"accuracy": mlmd.DoubleValue(0.5 + float64((run*7+k)%50)/100), "loss": mlmd.DoubleValue(1 / float64(k+2))}})
		}
	}
	taskIDs := must(s.PutExecutions(ctx, tasks, nil))(t)
	artIDs := must(s.PutArtifacts(ctx, arts, nil))(t)

	var events []mlmd.Event
	var attrs []mlmd.Attribution
	var assocs []mlmd.Association
	for i, runID := range runIDs {
		assocs = append(assocs, mlmd.Association{ExecutionID: dagIDs[i], ContextID: runID},
			mlmd.Association{ExecutionID: dagIDs[i], ContextID: pipelineID})
		for k := range tasksPerRun {
			x := taskIDs[i*tasksPerRun+k]
			out := artIDs[(i*tasksPerRun+k)*outputsPerTask:][:outputsPerTask]
			assocs = append(assocs, mlmd.Association{ExecutionID: x, ContextID: runID}, mlmd.Association{ExecutionID: x, ContextID: pipelineID})
			events = append(events,
				mlmd.Event{ArtifactID: out[0], ExecutionID: x, Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("output_dataset")}},
				mlmd.Event{ArtifactID: out[1], ExecutionID: x, Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("metrics")}})
			attrs = append(attrs, mlmd.Attribution{ArtifactID: out[0], ContextID: runID}, mlmd.Attribution{ArtifactID: out[1], ContextID: runID})
			if k > 0 {
				prev := artIDs[(i*tasksPerRun+k-1)*outputsPerTask]
				events = append(events, mlmd.Event{ArtifactID: prev, ExecutionID: x, Type: mlmd.EventInput,
					Path: []mlmd.Step{mlmd.KeyStep("input_dataset")}})
			}
			if k > 1 && k%4 == 0 { // see checkKubeflowCounts
				events = append(events, mlmd.Event{ArtifactID: artIDs[i*tasksPerRun*outputsPerTask], ExecutionID: x, Type: mlmd.EventInput,
					Path: []mlmd.Step{mlmd.KeyStep("raw"), mlmd.IndexStep(0)}})
			}
		}
	}
	mustDo(t, s.PutEvents(ctx, events))
	mustDo(t, s.PutAttributionsAndAssociations(ctx, attrs, assocs))
}

// hopTime is what one hop of TestLargeRoundTrip measured.
type hopTime struct {
	from, to         string
	records          int64
	export, imported time.Duration
}

// openAnalyzedPostgres opens a store in an empty PostgreSQL database and
// returns with it a function that gathers the planner's statistics of
// the database (ANALYZE). Autovacuum does so on its own within a minute
// (autovacuum_naptime) of a bulk load, if it is on; until then the planner
// knows nothing of the tables' sizes, and the link listings that Export
// pages through per context scan whole tables.
func openAnalyzedPostgres(t testing.TB) (*mlmd.Store, func()) {
	t.Helper()
	dsn := testdb.PostgresStoreDatabase(t)
	s := must(mlmd.Open(context.Background(), "postgres", dsn, nil))(t)
	t.Cleanup(func() { s.Close() })
	return s, func() {
		db := testdb.OpenPostgres(t, dsn)
		defer db.Close()
		if _, err := db.Exec("ANALYZE"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLargeRoundTrip fills a SQLite store with a Kubeflow-shaped graph of
// -roundtrip.nodes nodes and copies it through the stream along SQLite →
// MariaDB → PostgreSQL → SQLite → PostgreSQL → MariaDB → SQLite, which
// crosses every ordered pair of distinct backends. Every copy's stream
// must equal the original's up to ids and store-set times. It logs the
// export and import times of each hop (run with -v); a PostgreSQL
// import's time includes an ANALYZE (see openAnalyzedPostgres).
func TestLargeRoundTrip(t *testing.T) {
	backends := map[string]func(testing.TB) (*mlmd.Store, func()){
		"SQLite":     func(t testing.TB) (*mlmd.Store, func()) { return openSQLite(t), func() {} },
		"MariaDB":    func(t testing.TB) (*mlmd.Store, func()) { return openMySQL(t), func() {} },
		"PostgreSQL": openAnalyzedPostgres,
	}
	path := []string{"SQLite", "MariaDB", "PostgreSQL", "SQLite", "PostgreSQL", "MariaDB", "SQLite"}

	start := time.Now()
	src := openSQLite(t)
	fillKubeflow(t, src, *roundTripNodes)
	t.Logf("filled a SQLite store with %d+ nodes in %v", *roundTripNodes, time.Since(start).Round(time.Millisecond))

	dir := t.TempDir()
	var want []string
	check := func(i int, file string, stats mlmdio.Stats) {
		t.Helper()
		got := canonicalFile(t, file)
		if want == nil {
			want = got
			checkKubeflowCounts(t, stats, *roundTripNodes)
			return
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the %s copy (hop %d) differs from the original:\n%s", path[i], i, firstDifference(want, got))
		}
	}
	var hops []hopTime
	cur := src
	for i := range len(path) - 1 {
		file := filepath.Join(dir, fmt.Sprintf("%d-%s.jsonl", i, path[i]))
		stats, exported := exportFile(t, cur, file)
		check(i, file, stats)
		dst, analyze := backends[path[i+1]](t)
		start := time.Now()
		importFile(t, dst, file)
		analyze()
		imported := time.Since(start)
		hops = append(hops, hopTime{from: path[i], to: path[i+1], records: stats.Total(), export: exported, imported: imported})
		cur = dst
	}
	last := len(path) - 1
	file := filepath.Join(dir, fmt.Sprintf("%d-%s.jsonl", last, path[last]))
	stats, _ := exportFile(t, cur, file)
	check(last, file, stats)
	t.Logf("%d nodes, %d records a stream; every copy equals the original\n%s", nodeCount(stats), stats.Total(), hopTable(hops))
}

// nodeCount is the number of nodes a stream holds.
func nodeCount(s mlmdio.Stats) int64 {
	return s[mlmdio.KindArtifact] + s[mlmdio.KindExecution] + s[mlmdio.KindContext]
}

// checkKubeflowCounts checks the original stream's counts against the
// shape of fillKubeflow.
func checkKubeflowCounts(t testing.TB, stats mlmdio.Stats, n int) {
	t.Helper()
	runs := int64((n + nodesPerRun - 1) / nodesPerRun)
	pipelines := (runs + runsPerPipeline - 1) / runsPerPipeline
	tasks := runs * tasksPerRun
	var fanIn int64 // tasks of a run that also read the first task's output
	for k := range tasksPerRun {
		if k > 1 && k%4 == 0 {
			fanIn++
		}
	}
	want := mlmdio.Stats{
		mlmdio.KindContextType: 2, mlmdio.KindExecutionType: 2, mlmdio.KindArtifactType: 3,
		mlmdio.KindContext: runs + pipelines, mlmdio.KindExecution: runs + tasks, mlmdio.KindArtifact: tasks * outputsPerTask,
		mlmdio.KindEvent:       tasks*outputsPerTask + runs*(tasksPerRun-1) + runs*fanIn,
		mlmdio.KindAttribution: tasks * outputsPerTask, mlmdio.KindAssociation: 2 * (runs + tasks), mlmdio.KindParentContext: runs,
	}
	for k, v := range want {
		if stats[k] != v {
			t.Errorf("the original stream has %d %s records, want %d (all: %v)", stats[k], k, v, stats)
		}
	}
	if got := nodeCount(stats); got < int64(n) {
		t.Errorf("the original stream has %d nodes, want at least %d", got, n)
	}
}

// exportFile exports s into a new file and returns the counts and the time
// the export took.
func exportFile(t testing.TB, s *mlmd.Store, path string) (mlmdio.Stats, time.Duration) {
	t.Helper()
	f := must(os.Create(path))(t)
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	start := time.Now()
	stats := must(mlmdio.Export(context.Background(), s, w, nil))(t)
	mustDo(t, w.Flush())
	took := time.Since(start)
	mustDo(t, f.Close())
	return stats, took
}

// importFile imports a file into s.
func importFile(t testing.TB, s *mlmd.Store, path string) {
	t.Helper()
	f := must(os.Open(path))(t)
	defer f.Close()
	must(mlmdio.Import(context.Background(), s, bufio.NewReaderSize(f, 1<<20), nil))(t)
}

func canonicalFile(t testing.TB, path string) []string {
	t.Helper()
	f := must(os.Open(path))(t)
	defer f.Close()
	return must(mlmdio.Canonical(f))(t)
}

// firstDifference describes where two canonical streams first differ.
func firstDifference(want, got []string) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, want[i], got[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(got), len(want))
}

// hopTable renders the hops' times as a Markdown table.
func hopTable(hops []hopTime) string {
	var b strings.Builder
	fmt.Fprintln(&b, "| hop | records | export | export records/s | import | import records/s |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|---:|---:|")
	rate := func(d time.Duration, n int64) string { return fmt.Sprintf("%.0f", float64(n)/d.Seconds()) }
	for _, h := range hops {
		fmt.Fprintf(&b, "| %s → %s | %d | %.1f s | %s | %.1f s | %s |\n", h.from, h.to, h.records,
			h.export.Seconds(), rate(h.export, h.records), h.imported.Seconds(), rate(h.imported, h.records))
	}
	return b.String()
}
