package explorer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server/explorer"
	"github.com/gomlmd/gomlmd/server/web"
	"github.com/gomlmd/gomlmd/server/web/webtest"
)

// benchStore is the store of the explorer benchmarks, built once: runs of
// a five-step pipeline (artifact -> execution -> artifact ...), ten nodes a
// run, one context per run. MLMD_EXPLORER_BENCH_NODES sets the number of
// nodes (default 100000); MLMD_EXPLORER_BENCH_DB names a SQLite file to
// build once and reuse across runs (default: a temp file, removed).
var benchStore struct {
	once  sync.Once
	dir   string
	store *mlmd.Store
	nodes int
	err   error
	mid   int64 // an artifact in the middle of the store
	midX  int64 // an execution in the middle of the store
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore.store != nil {
		benchStore.store.Close()
	}
	if benchStore.dir != "" {
		os.RemoveAll(benchStore.dir)
	}
	os.Exit(code)
}

func openBenchStore(b *testing.B) *mlmd.Store {
	benchStore.once.Do(func() {
		n := 100000
		if s := os.Getenv("MLMD_EXPLORER_BENCH_NODES"); s != "" {
			if n, benchStore.err = strconv.Atoi(s); benchStore.err != nil {
				return
			}
		}
		benchStore.nodes = n
		path := os.Getenv("MLMD_EXPLORER_BENCH_DB")
		_, statErr := os.Stat(path)
		reuse := path != "" && statErr == nil
		if path == "" {
			benchStore.dir, benchStore.err = os.MkdirTemp("", "mlmd-explorer-bench-")
			if benchStore.err != nil {
				return
			}
			path = filepath.Join(benchStore.dir, "bench.db")
		}
		start := time.Now()
		benchStore.store, benchStore.err = mlmd.Open(context.Background(), "sqlite", "file:"+path, nil)
		if benchStore.err == nil && !reuse {
			benchStore.err = fillPipelineRuns(b, benchStore.store, n/10)
		}
		if reuse {
			// The middle run's Model and Train step, as fillPipelineRuns
			// records them: ids follow the insertion order.
			k := int64(n/10/2) * 5
			benchStore.mid, benchStore.midX = k+4, k+3
			b.Logf("reusing %s", path)
			return
		}
		b.Logf("built a %d-node store in %v", n, time.Since(start).Round(time.Millisecond))
	})
	if benchStore.err != nil {
		b.Fatalf("bench store: %v", benchStore.err)
	}
	return benchStore.store
}

// fillPipelineRuns writes runs pipeline runs through a real server, in
// batches of 100 runs.
func fillPipelineRuns(b *testing.B, store *mlmd.Store, runs int) error {
	ctx := context.Background()
	addr := webtest.Start(b, store, nil)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	c := pb.NewMetadataStoreServiceClient(conn)
	steps := []string{"Ingest", "Transform", "Train", "Evaluate", "Push"}
	outs := []string{"Examples", "TransformedExamples", "Model", "ModelEvaluation", "PushedModel"}
	atIDs := map[string]int64{"Dataset": 0}
	for _, n := range append(outs, "Dataset") {
		r, err := c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{
			Name: proto.String(n), Properties: map[string]pb.PropertyType{"split": pb.PropertyType_STRING, "version": pb.PropertyType_INT}}})
		if err != nil {
			return err
		}
		atIDs[n] = r.GetTypeId()
	}
	etIDs := map[string]int64{}
	for _, n := range steps {
		r, err := c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{
			Name: proto.String(n), Properties: map[string]pb.PropertyType{"image": pb.PropertyType_STRING}}})
		if err != nil {
			return err
		}
		etIDs[n] = r.GetTypeId()
	}
	ct, err := c.PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("PipelineRun")}})
	if err != nil {
		return err
	}
	const batch = 100
	for r0 := 0; r0 < runs; r0 += batch {
		nb := min(batch, runs-r0)
		var arts []*pb.Artifact
		var execs []*pb.Execution
		var ctxs []*pb.Context
		for r := r0; r < r0+nb; r++ {
			// Each run: a dataset and four outputs (5 artifacts), 5 executions.
			arts = append(arts, &pb.Artifact{TypeId: proto.Int64(atIDs["Dataset"]), Uri: proto.String(fmt.Sprintf("gs://data/run-%d/raw", r)),
				State: pb.Artifact_LIVE.Enum(), Properties: map[string]*pb.Value{"split": {Value: &pb.Value_StringValue{StringValue: "train"}}}})
			for i := 0; i < 4; i++ {
				arts = append(arts, &pb.Artifact{TypeId: proto.Int64(atIDs[outs[i]]), Uri: proto.String(fmt.Sprintf("gs://data/run-%d/%s", r, outs[i])),
					State:            pb.Artifact_LIVE.Enum(),
					Properties:       map[string]*pb.Value{"version": {Value: &pb.Value_IntValue{IntValue: int64(r)}}},
					CustomProperties: map[string]*pb.Value{"run": {Value: &pb.Value_StringValue{StringValue: strconv.Itoa(r)}}}})
			}
			for i := 0; i < 5; i++ {
				st := pb.Execution_COMPLETE
				if r%50 == 7 && i == 4 {
					st = pb.Execution_FAILED
				}
				execs = append(execs, &pb.Execution{TypeId: proto.Int64(etIDs[steps[i]]), Name: proto.String(fmt.Sprintf("run-%d-%s", r, steps[i])),
					LastKnownState: st.Enum(), Properties: map[string]*pb.Value{"image": {Value: &pb.Value_StringValue{StringValue: "tfx:1.15"}}}})
			}
			ctxs = append(ctxs, &pb.Context{TypeId: proto.Int64(ct.GetTypeId()), Name: proto.String(fmt.Sprintf("run-%d", r))})
		}
		pa, err := c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: arts})
		if err != nil {
			return err
		}
		pe, err := c.PutExecutions(ctx, &pb.PutExecutionsRequest{Executions: execs})
		if err != nil {
			return err
		}
		pc, err := c.PutContexts(ctx, &pb.PutContextsRequest{Contexts: ctxs})
		if err != nil {
			return err
		}
		var events []*pb.Event
		aa := &pb.PutAttributionsAndAssociationsRequest{}
		for r := 0; r < nb; r++ {
			a := pa.GetArtifactIds()[r*5 : r*5+5]
			x := pe.GetExecutionIds()[r*5 : r*5+5]
			for i := 0; i < 5; i++ {
				events = append(events, &pb.Event{ArtifactId: proto.Int64(a[i]), ExecutionId: proto.Int64(x[i]), Type: pb.Event_INPUT.Enum()})
				if i < 4 {
					events = append(events, &pb.Event{ArtifactId: proto.Int64(a[i+1]), ExecutionId: proto.Int64(x[i]), Type: pb.Event_OUTPUT.Enum()})
				}
				aa.Attributions = append(aa.Attributions, &pb.Attribution{ArtifactId: proto.Int64(a[i]), ContextId: proto.Int64(pc.GetContextIds()[r])})
				aa.Associations = append(aa.Associations, &pb.Association{ExecutionId: proto.Int64(x[i]), ContextId: proto.Int64(pc.GetContextIds()[r])})
			}
		}
		if _, err := c.PutEvents(ctx, &pb.PutEventsRequest{Events: events}); err != nil {
			return err
		}
		if _, err := c.PutAttributionsAndAssociations(ctx, aa); err != nil {
			return err
		}
		if r0 <= runs/2 && runs/2 < r0+nb {
			k := (runs/2 - r0) * 5
			benchStore.mid = pa.GetArtifactIds()[k+3]   // a Model
			benchStore.midX = pe.GetExecutionIds()[k+2] // its Train step
		}
	}
	return nil
}

// page is the calls one explorer page makes, as the browser makes them
// (Connect JSON), and the same calls over native gRPC (the baseline).
type page struct {
	name  string
	calls []call
}

type call struct {
	method string
	json   string
	req    proto.Message
	resp   proto.Message
}

func explorerPages(mid, midX int64, midRun int) []page {
	id := strconv.FormatInt(mid, 10)
	xid := strconv.FormatInt(midX, 10)
	// Lists are sorted as the explorer sorts them by default: newest id
	// first.
	list := func(name, method, filter string, req, resp proto.Message) call {
		return call{method, `{"options":{"maxResultSize":20,"orderByField":{"field":"ID","isAsc":false}` + filter + `}}`, req, resp}
	}
	opts := func(filter string) *pb.ListOperationOptions {
		o := &pb.ListOperationOptions{MaxResultSize: proto.Int32(20),
			OrderByField: &pb.ListOperationOptions_OrderByField{Field: pb.ListOperationOptions_OrderByField_ID.Enum(), IsAsc: proto.Bool(false)}}
		if filter != "" {
			o.FilterQuery = proto.String(filter)
		}
		return o
	}
	const filter = "type = 'Model' AND state = LIVE AND properties.version.int_value > 100"
	run := strconv.Itoa(midRun)
	sparse := "properties.version.int_value = " + run
	custom := "custom_properties.run.string_value = '" + run + "'"
	inContext := "contexts_a.name = 'run-" + run + "'"
	return []page{
		{"types", []call{
			{"GetArtifactTypes", `{}`, &pb.GetArtifactTypesRequest{}, &pb.GetArtifactTypesResponse{}},
			{"GetExecutionTypes", `{}`, &pb.GetExecutionTypesRequest{}, &pb.GetExecutionTypesResponse{}},
			{"GetContextTypes", `{}`, &pb.GetContextTypesRequest{}, &pb.GetContextTypesResponse{}},
		}},
		{"artifact-list", []call{list("", "GetArtifacts", "", &pb.GetArtifactsRequest{Options: opts("")}, &pb.GetArtifactsResponse{})}},
		{"artifact-list-by-create-time", []call{{"GetArtifacts", `{"options":{"maxResultSize":20,"orderByField":{"field":"CREATE_TIME","isAsc":false}}}`,
			&pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(20),
				OrderByField: &pb.ListOperationOptions_OrderByField{Field: pb.ListOperationOptions_OrderByField_CREATE_TIME.Enum(), IsAsc: proto.Bool(false)}}},
			&pb.GetArtifactsResponse{}}}},
		{"artifact-list-filtered", []call{list("", "GetArtifacts", `,"filterQuery":"`+filter+`"`,
			&pb.GetArtifactsRequest{Options: opts(filter)}, &pb.GetArtifactsResponse{})}},
		{"artifact-list-by-type", []call{list("", "GetArtifacts", `,"filterQuery":"type = 'Model'"`,
			&pb.GetArtifactsRequest{Options: opts("type = 'Model'")}, &pb.GetArtifactsResponse{})}},
		{"artifact-list-by-property", []call{list("", "GetArtifacts", `,"filterQuery":"properties.version.int_value > 100"`,
			&pb.GetArtifactsRequest{Options: opts("properties.version.int_value > 100")}, &pb.GetArtifactsResponse{})}},
		// Property conditions that few nodes meet: the middle run's four
		// outputs.
		{"artifact-list-by-property-sparse", []call{list("", "GetArtifacts", `,"filterQuery":"`+sparse+`"`,
			&pb.GetArtifactsRequest{Options: opts(sparse)}, &pb.GetArtifactsResponse{})}},
		{"artifact-list-by-custom-property", []call{list("", "GetArtifacts", `,"filterQuery":"`+custom+`"`,
			&pb.GetArtifactsRequest{Options: opts(custom)}, &pb.GetArtifactsResponse{})}},
		// The artifacts of the middle run, by its context's name.
		{"artifact-list-by-context", []call{list("", "GetArtifacts", `,"filterQuery":"`+inContext+`"`,
			&pb.GetArtifactsRequest{Options: opts(inContext)}, &pb.GetArtifactsResponse{})}},
		{"execution-list", []call{list("", "GetExecutions", "", &pb.GetExecutionsRequest{Options: opts("")}, &pb.GetExecutionsResponse{})}},
		{"artifact-detail", []call{
			{"GetArtifactsByID", `{"artifactIds":["` + id + `"]}`, &pb.GetArtifactsByIDRequest{ArtifactIds: []int64{mid}}, &pb.GetArtifactsByIDResponse{}},
			{"GetEventsByArtifactIDs", `{"artifactIds":["` + id + `"]}`, &pb.GetEventsByArtifactIDsRequest{ArtifactIds: []int64{mid}}, &pb.GetEventsByArtifactIDsResponse{}},
			{"GetContextsByArtifact", `{"artifactId":"` + id + `"}`, &pb.GetContextsByArtifactRequest{ArtifactId: proto.Int64(mid)}, &pb.GetContextsByArtifactResponse{}},
			{"GetExecutionsByID", `{"executionIds":["` + xid + `"]}`, &pb.GetExecutionsByIDRequest{ExecutionIds: []int64{midX}}, &pb.GetExecutionsByIDResponse{}},
		}},
		{"lineage-4-hops", []call{
			{"GetLineageSubgraph", `{"lineageSubgraphQueryOptions":{"startingArtifacts":{"filterQuery":"id = ` + id + `"},"maxNumHops":"4","direction":"BIDIRECTIONAL"},"readMask":"artifacts,executions,events"}`,
				&pb.GetLineageSubgraphRequest{LineageSubgraphQueryOptions: &pb.LineageSubgraphQueryOptions{
					StartingNodes: &pb.LineageSubgraphQueryOptions_StartingArtifacts{StartingArtifacts: &pb.LineageSubgraphQueryOptions_StartingNodes{FilterQuery: proto.String("id = " + id)}},
					MaxNumHops:    proto.Int64(4), Direction: pb.LineageSubgraphQueryOptions_BIDIRECTIONAL.Enum()}},
				&pb.GetLineageSubgraphResponse{}},
			// The hydration of the subgraph's nodes (at most 10 here).
			{"GetArtifactsByID", `{"artifactIds":["` + id + `","` + strconv.FormatInt(mid-1, 10) + `","` + strconv.FormatInt(mid+1, 10) + `"]}`,
				&pb.GetArtifactsByIDRequest{ArtifactIds: []int64{mid, mid - 1, mid + 1}}, &pb.GetArtifactsByIDResponse{}},
			{"GetExecutionsByID", `{"executionIds":["` + xid + `","` + strconv.FormatInt(midX+1, 10) + `"]}`,
				&pb.GetExecutionsByIDRequest{ExecutionIds: []int64{midX, midX + 1}}, &pb.GetExecutionsByIDResponse{}},
		}},
	}
}

// BenchmarkExplorerPages measures the server time of each explorer page on
// a 100k-node SQLite store: all the calls the page makes over Connect JSON,
// as the browser makes them (ms/page, the figure to compare with the 100 ms
// target), and the same calls over native gRPC in the same process, the
// baseline (grpc-ms/page; connect/grpc is the ratio).
//
//	go test -run '^$' -bench ExplorerPages ./server/explorer
func BenchmarkExplorerPages(b *testing.B) {
	store := openBenchStore(b)
	addr := webtest.Start(b, store, &web.Options{Explorer: explorer.Handler()})
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	ctx := context.Background()
	pages := explorerPages(benchStore.mid, benchStore.midX, benchStore.nodes/10/2)
	// A deep page (the 100th of 20 artifacts, or halfway down a small
	// store), reached by its token.
	deep := max(min(100, benchStore.nodes/2/20/2), 2)
	req := &pb.GetArtifactsRequest{Options: &pb.ListOperationOptions{MaxResultSize: proto.Int32(20),
		OrderByField: &pb.ListOperationOptions_OrderByField{Field: pb.ListOperationOptions_OrderByField_ID.Enum(), IsAsc: proto.Bool(false)}}}
	for range deep - 1 {
		resp, err := pb.NewMetadataStoreServiceClient(conn).GetArtifacts(ctx, req)
		if err != nil || resp.GetNextPageToken() == "" {
			b.Fatalf("paging to page %d: %v", deep, err)
		}
		req.Options.NextPageToken = proto.String(resp.GetNextPageToken())
	}
	pages = append(pages, page{"artifact-list-deep-page", []call{{"GetArtifacts",
		`{"options":{"maxResultSize":20,"orderByField":{"field":"ID","isAsc":false},"nextPageToken":"` + req.Options.GetNextPageToken() + `"}}`,
		req, &pb.GetArtifactsResponse{}}}})
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var viaConnect, viaGRPC time.Duration
			for b.Loop() {
				t0 := time.Now()
				for _, c := range p.calls {
					req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/ml_metadata.MetadataStoreService/"+c.method, bytes.NewReader([]byte(c.json)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Connect-Protocol-Version", "1")
					resp, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || len(body) < 20 {
						b.Fatalf("%s: %s %s", c.method, resp.Status, body)
					}
				}
				t1 := time.Now()
				for _, c := range p.calls {
					if err := conn.Invoke(ctx, "/ml_metadata.MetadataStoreService/"+c.method, c.req, c.resp); err != nil {
						b.Fatalf("%s: %v", c.method, err)
					}
				}
				viaConnect += t1.Sub(t0)
				viaGRPC += time.Since(t1)
			}
			n := float64(b.N)
			b.ReportMetric(viaConnect.Seconds()*1000/n, "ms/page")
			b.ReportMetric(viaGRPC.Seconds()*1000/n, "grpc-ms/page")
			b.ReportMetric(viaConnect.Seconds()/viaGRPC.Seconds(), "connect/grpc")
		})
	}
}
