package explorer_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/server/explorer"
	"github.com/gomlmd/gomlmd/server/web"
	"github.com/gomlmd/gomlmd/server/web/webtest"
)

// chromium returns the path of a headless-capable Chromium, or skips the
// test (fails it under CI) when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is required under CI (apt-get install -y chromium chromium-driver)")
	}
	t.Skip("no Chromium on PATH (apt-get install chromium)")
	return ""
}

// quickstartStore fills a SQLite file with the quickstart example's flow
// (dataset -> Trainer -> SavedModel, experiment context) and opens it.
func quickstartStore(t *testing.T) *mlmd.Store {
	t.Helper()
	db := filepath.Join(t.TempDir(), "quickstart.db")
	out, err := exec.Command("go", "run", "../../examples/quickstart", "-db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("quickstart: %v\n%s", err, out)
	}
	store, err := mlmd.Open(context.Background(), "sqlite", "file:"+db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// TestExplorerInChromium drives the explorer in headless Chromium over a
// store filled by the quickstart flow: the artifact list, a filter query, a
// wrong filter query (its error is shown with its position), the model's
// page, and its lineage graph (dataset and trainer in it; hop limits and
// expanding one hop). Screenshots go to a directory the test prints
// ($MLMD_SCREENSHOT_DIR if set).
func TestExplorerInChromium(t *testing.T) {
	chrome := chromium(t)
	store := quickstartStore(t)
	addr := webtest.Start(t, store, &web.Options{Explorer: explorer.Handler()})
	base := "http://" + addr + "/"

	shots := os.Getenv("MLMD_SCREENSHOT_DIR")
	if shots == "" {
		var err error
		if shots, err = os.MkdirTemp("", "mlmd-explorer-screenshots-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancel()
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chrome, err)
	}

	// step runs actions with a time limit.
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// value runs one action that reads a value.
	text := func(sel string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	eval := func(expr string) {
		t.Helper()
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[any](expr)); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}
	poll := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			return err
		})
	}
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg) // quality 100: PNG
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		})
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// 1. The artifact list.
	step("list artifacts",
		chromedp.Navigate(base+"#/artifacts"),
		chromedp.WaitVisible(css(`#nodes tr[data-id]`)),
		shot("1-artifacts"))
	got := text(`#nodes`)
	for _, want := range []string{"DataSet", "SavedModel", "path/to/model/file", "LIVE"} {
		if !strings.Contains(got, want) {
			t.Errorf("artifact list lacks %q:\n%s", want, got)
		}
	}

	// 2. A filter query.
	step("filter",
		chromedp.SetValue(css(`#filter`), "type = 'SavedModel' AND uri LIKE 'path/%'"),
		chromedp.Click(css(`#apply`)),
		poll(`document.querySelectorAll('#nodes tr[data-id]').length === 1`),
		shot("2-filtered"))
	if got := text(`#nodes`); !strings.Contains(got, "SavedModel") || strings.Contains(got, "DataSet") {
		t.Errorf("filtered list:\n%s", got)
	}

	// 3. A wrong filter query: the error, with a caret under its position.
	step("wrong filter",
		chromedp.SetValue(css(`#filter`), "uri = 'x' AND"),
		chromedp.Click(css(`#apply`)),
		chromedp.WaitVisible(css(`#filter-error`)),
		shot("3-filter-error"))
	if got := text(`#filter-error`); !strings.Contains(got, "Invalid filter query") || !strings.Contains(got, "column") || !strings.Contains(got, "^") {
		t.Errorf("filter error shown as:\n%s", got)
	}

	// 4. The model's page.
	step("open model",
		chromedp.Navigate(base+"#/artifacts?filter="+"type%20%3D%20'SavedModel'"),
		poll(`document.querySelectorAll('#nodes tr[data-id]').length === 1`),
		chromedp.Click(css(`#nodes tr[data-id] a`)),
		chromedp.WaitVisible(css(`#events`)),
		shot("4-model"))
	got = text(`main`)
	for _, want := range []string{"SavedModel", "MNIST-v1", "Trainer", "DECLARED_OUTPUT", "exp1"} {
		if !strings.Contains(got, want) {
			t.Errorf("model page lacks %q:\n%s", want, got)
		}
	}

	// 5. Its lineage graph: the dataset and the trainer are in it.
	labels := func() []string {
		t.Helper()
		ls, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`window.mlmdGraph.nodes().map(n => n.data('label'))`))
		if err != nil {
			t.Fatalf("graph labels: %v", err)
		}
		return ls
	}
	has := func(ls []string, s string) bool {
		for _, l := range ls {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	step("open lineage",
		chromedp.Click(css(`#open-lineage`)),
		chromedp.WaitVisible(css(`#graph[data-ready]`)),
		chromedp.Sleep(300*time.Millisecond),
		shot("5-lineage"))
	if ls := labels(); !has(ls, "DataSet") || !has(ls, "Trainer") || !has(ls, "SavedModel") || len(ls) != 3 {
		t.Errorf("lineage graph nodes: %q, want the dataset, the trainer and the model", ls)
	}

	// 6. One hop reaches the trainer only; expanding the trainer by one
	// hop brings the dataset in.
	step("one hop",
		chromedp.Click(css(`#hops-minus`)),
		poll(`window.mlmdGraph.nodes().length === 2`))
	if ls := labels(); has(ls, "DataSet") || !has(ls, "Trainer") {
		t.Errorf("one hop from the model: %q, want the trainer and not the dataset", ls)
	}
	eval(`window.mlmdGraph.nodes('[kind = "execution"]').emit('dbltap'); true`)
	step("expand", poll(`window.mlmdGraph.nodes().length === 3`))
	eval(`window.mlmdGraph.nodes('[kind = "execution"]').emit('tap'); true`)
	step("select", chromedp.WaitVisible(css(`#side-open`)), chromedp.Sleep(300*time.Millisecond), shot("6-expanded"))
	if ls := labels(); !has(ls, "DataSet") {
		t.Errorf("after expanding the trainer: %q, want the dataset", ls)
	}

	// 7. Click through from the graph to the trainer's page.
	step("click through",
		chromedp.Click(css(`#side-open`)),
		chromedp.WaitVisible(css(`#events`)),
		shot("7-trainer"))
	if got := text(`main`); !strings.Contains(got, "Execution") || !strings.Contains(got, "COMPLETE") {
		t.Errorf("trainer page:\n%s", got)
	}

	// 8. The experiment context, and what it holds.
	step("contexts",
		chromedp.Navigate(base+"#/contexts"),
		chromedp.WaitVisible(css(`#nodes tr[data-id] a`)),
		chromedp.Click(css(`#nodes tr[data-id] a`)),
		chromedp.WaitVisible(css(`#fields`)),
		shot("8-context"))
	got = text(`main`)
	for _, want := range []string{"exp1", "Experiment", "path/to/data", "path/to/model/file", "Trainer"} {
		if !strings.Contains(got, want) {
			t.Errorf("context page lacks %q:\n%s", want, got)
		}
	}
}
