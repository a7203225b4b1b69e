package mlmdgc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mlmdgc"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// The subprocess of TestKilledMidRun: MLMDGC_CHILD_DSN names the store to
// collect; it prints a line per batch.
func TestMain(m *testing.M) {
	if dsn := os.Getenv("MLMDGC_CHILD_DSN"); dsn != "" {
		os.Exit(child(dsn))
	}
	code := m.Run()
	if err := testdb.DropMySQLDatabases(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

func child(dsn string) int {
	ctx := context.Background()
	s, err := mlmd.Open(ctx, "sqlite", dsn, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	now, err := strconv.ParseInt(os.Getenv("MLMDGC_CHILD_NOW"), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	p, err := mlmdgc.NewPlan(ctx, s, policy(time.UnixMilli(now)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_, err = p.Apply(ctx, s, &mlmdgc.ApplyOptions{BatchSize: 1, Pause: 300 * time.Millisecond,
		Progress: func(done, total int) { fmt.Printf("batch %d/%d\n", done, total) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

var day = 24 * time.Hour

func policy(now time.Time) mlmdgc.Policy {
	return mlmdgc.Policy{OlderThan: 7 * day, ContextType: "Run", KeepContexts: []string{"keepme"}, Now: func() time.Time { return now }}
}

// clock is a store clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world is the store of the tests, by name of node.
type world struct {
	s   *mlmd.Store
	ids map[string]int64
	now time.Time
}

// newWorld builds, 30 days ago unless said otherwise:
//
//	run-old-1 (Run): x1 d0 -> m1;  x2 m1 -> m2 (LIVE);  x3 d0 -> j3
//	run-old-2 (Run): x4 d0 -> a4;  x5 a4 -> a5 (DELETED)
//	keepme (Run):    x6 d0 -> a6
//	run-old-3 (Run): x7 d0 -> a7, which y1 (today, run-new) reads -> b1
//	pipe (Pipeline): x8 d0 -> a8
//
// The policy (older than 7 days, in Run contexts, keeping "keepme")
// deletes x3, j3, x4, a4, x5, a5.
func newWorld(t *testing.T, open func(*mlmd.Options) *mlmd.Store) *world {
	t.Helper()
	c := &clock{t: time.UnixMilli(1_800_000_000_000)}
	s := open(&mlmd.Options{Now: c.now})
	w := &world{s: s, ids: map[string]int64{}}
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data"}, nil)
	must(err)
	et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil)
	must(err)
	run, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Run"}, nil)
	must(err)
	pipe, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Pipeline"}, nil)
	must(err)
	d0, err := s.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: at, URI: "/d0"}}, nil)
	must(err)
	w.ids["d0"] = d0[0]
	step := func(x string, ctxType int64, ctxName, in, out string, state mlmd.ArtifactState) {
		t.Helper()
		res, err := s.PutExecution(ctx, mlmd.Execution{TypeID: et, Name: x},
			[]mlmd.ArtifactAndEvent{
				{Event: &mlmd.Event{ArtifactID: w.ids[in], Type: mlmd.EventInput}},
				{Artifact: &mlmd.Artifact{TypeID: at, URI: "/" + out, State: state}, Event: &mlmd.Event{Type: mlmd.EventOutput}},
			},
			[]mlmd.Context{{TypeID: ctxType, Name: ctxName}}, &mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
		must(err)
		w.ids[x], w.ids[out] = res.ExecutionID, res.ArtifactIDs[1]
	}
	step("x1", run, "run-old-1", "d0", "m1", 0)
	step("x2", run, "run-old-1", "m1", "m2", mlmd.ArtifactStateLive)
	step("x3", run, "run-old-1", "d0", "j3", mlmd.ArtifactStateAbandoned)
	step("x4", run, "run-old-2", "d0", "a4", 0)
	step("x5", run, "run-old-2", "a4", "a5", mlmd.ArtifactStateDeleted)
	step("x6", run, "keepme", "d0", "a6", 0)
	step("x7", run, "run-old-3", "d0", "a7", 0)
	step("x8", pipe, "pipe", "d0", "a8", 0)
	c.add(30 * day)
	step("y1", run, "run-new", "a7", "b1", 0)
	w.now = c.now()
	return w
}

func (w *world) names(ns []mlmdgc.Node) []string {
	var out []string
	for _, n := range ns {
		for name, id := range w.ids {
			kind := mlmd.KindArtifact
			if strings.HasPrefix(name, "x") || strings.HasPrefix(name, "y") {
				kind = mlmd.KindExecution
			}
			if id == n.ID && kind == n.Kind {
				out = append(out, name)
			}
		}
	}
	return out
}

// exportLines is the store's export without header and end, ids and
// times included.
func exportLines(t *testing.T, s *mlmd.Store) []string {
	t.Helper()
	var b bytes.Buffer
	if _, err := mlmdio.Export(context.Background(), s, &b, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	return lines[1 : len(lines)-1]
}

// without drops the records of a stream that are, or refer to, the given
// nodes: what deleting them must leave.
func without(t *testing.T, lines []string, gone map[mlmd.Kind][]int64) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		var r struct {
			Kind        string `json:"kind"`
			ID          int64  `json:"id"`
			ArtifactID  int64  `json:"artifact_id"`
			ExecutionID int64  `json:"execution_id"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		drop := (r.Kind == mlmdio.KindArtifact && slices.Contains(gone[mlmd.KindArtifact], r.ID)) ||
			(r.Kind == mlmdio.KindExecution && slices.Contains(gone[mlmd.KindExecution], r.ID)) ||
			(r.ArtifactID != 0 && slices.Contains(gone[mlmd.KindArtifact], r.ArtifactID)) ||
			(r.ExecutionID != 0 && slices.Contains(gone[mlmd.KindExecution], r.ExecutionID))
		if !drop {
			out = append(out, l)
		}
	}
	return out
}

func diffLines(want, got []string) string {
	var d []string
	for _, l := range want {
		if !slices.Contains(got, l) {
			d = append(d, "- "+l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			d = append(d, "+ "+l)
		}
	}
	return strings.Join(d, "\n")
}

// provenances maps each artifact to the ids of its provenance.
func provenances(t *testing.T, s *mlmd.Store) map[int64]string {
	t.Helper()
	as, _, err := s.GetArtifacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, a := range as {
		g, err := s.Provenance(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range g.Artifacts {
			ids = append(ids, fmt.Sprint("a", x.ID))
		}
		for _, x := range g.Executions {
			ids = append(ids, fmt.Sprint("x", x.ID))
		}
		slices.Sort(ids)
		out[a.ID] = strings.Join(ids, " ")
	}
	return out
}

func sqliteOpener(t *testing.T) (func(*mlmd.Options) *mlmd.Store, string) {
	dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	return func(o *mlmd.Options) *mlmd.Store {
		s, err := mlmd.Open(context.Background(), "sqlite", dsn, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, dsn
}

func TestCollect(t *testing.T) {
	backends := map[string]func(t *testing.T) func(*mlmd.Options) *mlmd.Store{
		"sqlite": func(t *testing.T) func(*mlmd.Options) *mlmd.Store { o, _ := sqliteOpener(t); return o },
		"mysql": func(t *testing.T) func(*mlmd.Options) *mlmd.Store {
			dsn := testdb.NewMySQLDatabase(t)
			return func(o *mlmd.Options) *mlmd.Store {
				s, err := mlmd.Open(context.Background(), "mysql", dsn, o)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, open(t))
			before := exportLines(t, w.s)
			provBefore := provenances(t, w.s)
			plan, err := mlmdgc.NewPlan(ctx, w.s, policy(w.now))
			if err != nil {
				t.Fatal(err)
			}
			// Downstream first: each chain from its end.
			if got, want := w.names(plan.Nodes), []string{"j3", "a5", "x3", "x5", "a4", "x4"}; !slices.Equal(got, want) {
				t.Fatalf("plan %v, want %v", got, want)
			}
			if plan.Candidates != 14 || plan.Kept != 8 {
				t.Errorf("candidates %d kept %d, want 14 and 8", plan.Candidates, plan.Kept)
			}
			// A plan is a dry run: nothing changed.
			if got := exportLines(t, w.s); !slices.Equal(got, before) {
				t.Fatalf("planning changed the store:\n%s", diffLines(before, got))
			}
			var progress []int
			n, err := plan.Apply(ctx, w.s, &mlmdgc.ApplyOptions{BatchSize: 4, Progress: func(done, _ int) { progress = append(progress, done) }})
			if err != nil || n != 6 || !slices.Equal(progress, []int{4, 6}) {
				t.Fatalf("apply: %d deleted, progress %v, %v", n, progress, err)
			}
			gone := map[mlmd.Kind][]int64{}
			for _, x := range plan.Nodes {
				gone[x.Kind] = append(gone[x.Kind], x.ID)
			}
			if got, want := exportLines(t, w.s), without(t, before, gone); !slices.Equal(got, want) {
				t.Fatalf("the store after collection is not the store without the plan's nodes:\n%s", diffLines(want, got))
			}
			// Every kept artifact has the provenance it had.
			for id, prov := range provenances(t, w.s) {
				if provBefore[id] != prov {
					t.Errorf("provenance of artifact %d: %q, was %q", id, prov, provBefore[id])
				}
			}
			// A second collection finds nothing more.
			again, err := mlmdgc.NewPlan(ctx, w.s, policy(w.now))
			if err != nil || len(again.Nodes) != 0 {
				t.Errorf("second plan: %v, %v", w.names(again.Nodes), err)
			}
		})
	}
}

func TestPolicyVariants(t *testing.T) {
	open, _ := sqliteOpener(t)
	w := newWorld(t, open)
	cases := []struct {
		name   string
		policy mlmdgc.Policy
		want   []string
	}{
		{"any context type, keeping nothing named", mlmdgc.Policy{OlderThan: 7 * day},
			[]string{"j3", "a5", "a6", "a8", "x3", "x5", "x6", "x8", "a4", "x4"}},
		{"too recent", mlmdgc.Policy{OlderThan: 31 * day}, nil},
		{"capped candidates", mlmdgc.Policy{OlderThan: 7 * day, ContextType: "Run", MaxCandidates: 3}, []string{"j3", "x3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.policy.Now = func() time.Time { return w.now }
			p, err := mlmdgc.NewPlan(context.Background(), w.s, c.policy)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.names(p.Nodes); !slices.Equal(got, c.want) {
				t.Errorf("plan %v, want %v", got, c.want)
			}
		})
	}
	for _, c := range []struct {
		name   string
		policy mlmdgc.Policy
		code   mlmd.Code
	}{
		{"no age", mlmdgc.Policy{}, mlmd.InvalidArgument},
		{"quoted type", mlmdgc.Policy{OlderThan: day, ContextType: "it's"}, mlmd.InvalidArgument},
		{"unknown kept context", mlmdgc.Policy{OlderThan: day, KeepContexts: []string{"nope"}}, mlmd.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := mlmdgc.NewPlan(context.Background(), w.s, c.policy); mlmd.CodeOf(err) != c.code {
				t.Errorf("got %v, want code %v", err, c.code)
			}
		})
	}
	p, _ := mlmdgc.NewPlan(context.Background(), w.s, policy(w.now))
	if _, err := p.Apply(context.Background(), w.s, &mlmdgc.ApplyOptions{BatchSize: mlmd.MaxDeleteBatch + 1}); mlmd.CodeOf(err) != mlmd.InvalidArgument {
		t.Errorf("apply with a huge batch: %v", err)
	}
}

// TestKilledMidRun kills a collecting subprocess after its first batches
// and checks that the store is consistent: whole batches from the start of
// the plan are gone, nothing else changed, every remaining artifact has
// its whole provenance; a second run finishes the job.
func TestKilledMidRun(t *testing.T) {
	open, dsn := sqliteOpener(t)
	w := newWorld(t, open)
	before := exportLines(t, w.s)
	provBefore := provenances(t, w.s)
	plan, err := mlmdgc.NewPlan(context.Background(), w.s, policy(w.now))
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MLMDGC_CHILD_DSN="+dsn, fmt.Sprint("MLMDGC_CHILD_NOW=", w.now.UnixMilli()))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for i := 0; i < 2; i++ {
		if !sc.Scan() {
			cmd.Process.Kill()
			t.Fatalf("the subprocess ended early (%v): %s", cmd.Wait(), stderr.String())
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	after := exportLines(t, w.s)
	// Some prefix of the plan is gone, one batch (node) per line at least
	// 2 of them, at most 3 (the kill may land in the third transaction).
	var matched int
	for k := 2; k <= 3 && matched == 0; k++ {
		gone := map[mlmd.Kind][]int64{}
		for _, x := range plan.Nodes[:k] {
			gone[x.Kind] = append(gone[x.Kind], x.ID)
		}
		if slices.Equal(after, without(t, before, gone)) {
			matched = k
		}
	}
	if matched == 0 {
		t.Fatalf("after the kill the store is not the store without a prefix of the plan:\n%s", diffLines(before, after))
	}
	for id, prov := range provenances(t, w.s) {
		if provBefore[id] != prov {
			t.Errorf("provenance of artifact %d after the kill: %q, was %q", id, prov, provBefore[id])
		}
	}
	// A new run finishes.
	rest, err := mlmdgc.NewPlan(context.Background(), w.s, policy(w.now))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest.Nodes, plan.Nodes[matched:]) {
		t.Fatalf("the second plan %v is not the rest of the first %v", w.names(rest.Nodes), w.names(plan.Nodes[matched:]))
	}
	if _, err := rest.Apply(context.Background(), w.s, nil); err != nil {
		t.Fatal(err)
	}
	gone := map[mlmd.Kind][]int64{}
	for _, x := range plan.Nodes {
		gone[x.Kind] = append(gone[x.Kind], x.ID)
	}
	if got := exportLines(t, w.s); !slices.Equal(got, without(t, before, gone)) {
		t.Fatalf("after the second run:\n%s", diffLines(without(t, before, gone), got))
	}
}
