package explorer_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server/explorer"
	"github.com/gomlmd/gomlmd/server/web"
	"github.com/gomlmd/gomlmd/server/web/webtest"
)

// TestLineageScreenshot drives the explorer in Chromium over a TFX-like
// pipeline: paging and sorting of the artifact list, the types page, the
// model's page with a struct custom property, and its lineage view: six
// hops reach all 14 nodes, two hops the model's neighbourhood (9 nodes, one
// failed run) that the screenshot shows. With MLMD_README_SCREENSHOT=path it also writes the
// PNG the README shows (docs/explorer-lineage.png):
//
//	MLMD_README_SCREENSHOT=$PWD/docs/explorer-lineage.png go test -run LineageScreenshot ./server/explorer
func TestLineageScreenshot(t *testing.T) {
	chrome := chromium(t)
	store, err := mlmd.Open(context.Background(), "sqlite", "file:"+t.TempDir()+"/tfx.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	addr := webtest.Start(t, store, &web.Options{Explorer: explorer.Handler()})
	model := fillTFXLike(t, addr)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.WindowSize(1600, 860),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	ctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	defer tcancel()
	// Paging (3 rows a page) and sorting of the 7 artifacts.
	rowIDs := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#nodes tr[data-id]')].map(r => r.dataset.id).join(',')`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	waitRows := func(step, want string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		actions = append(actions, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`[...document.querySelectorAll('#nodes tr[data-id]')].map(r => r.dataset.id).join(',') === '`+want+`'`,
				chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			return err
		}))
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: rows %q, want %q: %v", step, rowIDs(), want, err)
		}
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	waitRows("page 1", "7,6,5", chromedp.Navigate("http://"+addr+"/#/artifacts?size=3"))
	waitRows("page 2", "4,3,2", chromedp.Click(css(`#next`)))
	waitRows("page 3", "1", chromedp.Click(css(`#next`)))
	if dis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('next').disabled`)); err != nil || !dis {
		t.Errorf("Next is enabled on the last page (%v)", err)
	}
	waitRows("back to page 2", "4,3,2", chromedp.Click(css(`#prev`)))
	waitRows("sorted by id, ascending", "1,2,3", chromedp.Click(css(`th[data-sort="ID"]`)))
	waitRows("sorted by id, descending", "7,6,5", chromedp.Click(css(`th[data-sort="ID"]`)))

	// The types page.
	types := pageText(t, ctx, "http://"+addr+"/#/types", "table")
	for _, want := range []string{"ModelEvaluation", "PushedModel", "Evaluator", "Pusher"} {
		if !strings.Contains(types, want) {
			t.Errorf("types page lacks %q", want)
		}
	}

	// The model's page: a struct custom property is readable.
	page := pageText(t, ctx, "http://"+addr+"/#/artifact/"+itoa(model), "#events")
	for _, want := range []string{`"accuracy": 0.93`, `"weekend"`, "tensorflow", "evaluator-fairness"} {
		if !strings.Contains(page, want) {
			t.Errorf("model page lacks %q:\n%s", want, page)
		}
	}

	// show opens the model's lineage with hops and waits for want nodes.
	show := func(hops string, want int) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate("http://"+addr+"/#/lineage/artifact/"+itoa(model)+"?hops="+hops+"&dir=BIDIRECTIONAL"),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](`document.getElementById('hops')?.textContent === '`+hops+`' && window.mlmdGraph?.nodes().length === `+itoa(int64(want)),
					chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
				return err
			}),
			chromedp.Sleep(300*time.Millisecond))
		if err != nil {
			n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.mlmdGraph ? window.mlmdGraph.nodes().length : -1`))
			t.Fatalf("%s hops from the model: %v; %d nodes shown, want %d", hops, err, n, want)
		}
	}
	show("6", 14) // everything
	show("2", 9)  // the model's neighbourhood, with the failed run
	// Select the failed run, so the side panel shows a node.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.mlmdGraph.nodes('[bad = 1]').emit('tap'); true`)); err != nil {
		t.Fatal(err)
	}
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.mlmdGraph.nodes('[bad = 1]').length`))
	if err != nil || bad != 1 {
		t.Errorf("failed nodes drawn: %d (%v), want 1", bad, err)
	}
	if path := os.Getenv("MLMD_README_SCREENSHOT"); path != "" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// fillTFXLike writes a TFX-like pipeline through the server and returns the
// model's id: ExampleGen reads a dataset; StatisticsGen, Transform,
// Trainer, two Evaluator runs (the second failed) and Pusher follow.
func fillTFXLike(t *testing.T, addr string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pb.NewMetadataStoreServiceClient(conn)
	atype := func(name string) int64 {
		r, err := c.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{Name: proto.String(name)}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetTypeId()
	}
	etype := func(name string) int64 {
		r, err := c.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String(name)}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetTypeId()
	}
	art := func(typ, name, uri string, custom ...map[string]*pb.Value) int64 {
		a := &pb.Artifact{TypeId: proto.Int64(atype(typ)), Name: proto.String(name), Uri: proto.String(uri), State: pb.Artifact_LIVE.Enum()}
		if len(custom) > 0 {
			a.CustomProperties = custom[0]
		}
		r, err := c.PutArtifacts(ctx, &pb.PutArtifactsRequest{Artifacts: []*pb.Artifact{a}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetArtifactIds()[0]
	}
	run := func(typ, name string, state pb.Execution_State, in, out []int64) {
		r, err := c.PutExecutions(ctx, &pb.PutExecutionsRequest{Executions: []*pb.Execution{{
			TypeId: proto.Int64(etype(typ)), Name: proto.String(name), LastKnownState: state.Enum()}}})
		if err != nil {
			t.Fatal(err)
		}
		x := r.GetExecutionIds()[0]
		var evs []*pb.Event
		for _, a := range in {
			evs = append(evs, &pb.Event{ArtifactId: proto.Int64(a), ExecutionId: proto.Int64(x), Type: pb.Event_INPUT.Enum()})
		}
		for _, a := range out {
			evs = append(evs, &pb.Event{ArtifactId: proto.Int64(a), ExecutionId: proto.Int64(x), Type: pb.Event_OUTPUT.Enum()})
		}
		if _, err := c.PutEvents(ctx, &pb.PutEventsRequest{Events: evs}); err != nil {
			t.Fatal(err)
		}
	}
	data := art("Dataset", "taxi-2026-11", "gs://data/taxi/2026-11")
	examples := art("Examples", "examples", "gs://pipe/ExampleGen/1")
	run("ExampleGen", "example-gen", pb.Execution_COMPLETE, []int64{data}, []int64{examples})
	stats := art("ExampleStatistics", "statistics", "gs://pipe/StatisticsGen/2")
	run("StatisticsGen", "statistics-gen", pb.Execution_COMPLETE, []int64{examples}, []int64{stats})
	transformed := art("TransformedExamples", "transformed", "gs://pipe/Transform/3")
	run("Transform", "transform", pb.Execution_COMPLETE, []int64{examples}, []int64{transformed})
	metrics, err := structpb.NewStruct(map[string]any{"accuracy": 0.93, "slices": []any{"weekday", "weekend"}})
	if err != nil {
		t.Fatal(err)
	}
	model := art("Model", "taxi-model", "gs://pipe/Trainer/4", map[string]*pb.Value{
		"metrics":   {Value: &pb.Value_StructValue{StructValue: metrics}},
		"framework": {Value: &pb.Value_StringValue{StringValue: "tensorflow"}},
	})
	run("Trainer", "trainer", pb.Execution_COMPLETE, []int64{transformed}, []int64{model})
	eval := art("ModelEvaluation", "evaluation", "gs://pipe/Evaluator/5")
	run("Evaluator", "evaluator", pb.Execution_COMPLETE, []int64{model, examples}, []int64{eval})
	run("Evaluator", "evaluator-fairness", pb.Execution_FAILED, []int64{model, examples}, nil)
	pushed := art("PushedModel", "taxi-model-v7", "gs://serving/taxi/7")
	run("Pusher", "pusher", pb.Execution_COMPLETE, []int64{model, eval}, []int64{pushed})
	return model
}

// pageText opens url, waits for the element sel and returns main's text.
func pageText(t *testing.T, ctx context.Context, url, sel string) string {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s: %v; the page shows:\n%s", url, err, text)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return text
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
