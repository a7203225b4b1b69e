package sqlitestore_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// storeChildEnv names the database a re-executed test binary writes to.
const storeChildEnv = "GOMLMD_SQLITE_STORE_CHILD"

const (
	storeParentWriters = 6
	storeChildWriters  = 2
	storeRounds        = 15
)

// TestStoreConcurrentWriters is the store-level version of
// TestConcurrentWriters: 6 goroutines here and 2 in a second process use
// the public API on one SQLite file at once - registering the same types,
// publishing executions with an input and an output artifact into a shared
// context (reused by name) and a context of their own. Every acknowledged
// call must be visible exactly once, and no call may fail.
func TestStoreConcurrentWriters(t *testing.T) {
	if dsn := os.Getenv(storeChildEnv); dsn != "" {
		name := os.Getenv(storeChildEnv + "_NAME")
		acked, errs := publishConcurrently(dsn, name, storeChildWriters)
		for _, err := range errs {
			fmt.Fprintln(os.Stderr, "child:", err)
		}
		for _, a := range acked {
			fmt.Println("ack", a)
		}
		if len(errs) > 0 {
			os.Exit(1)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts a second process")
	}
	dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	child := exec.Command(os.Args[0], "-test.run=^TestStoreConcurrentWriters$", "-test.count=1")
	child.Env = append(os.Environ(), storeChildEnv+"="+dsn, storeChildEnv+"_NAME=child")
	var out, stderr bytes.Buffer
	child.Stdout, child.Stderr = &out, &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	acked, errs := publishConcurrently(dsn, "parent", storeParentWriters)
	waitErr := child.Wait()
	for _, err := range errs {
		t.Errorf("parent: %v", err)
	}
	if waitErr != nil {
		t.Fatalf("second process: %v\n%s", waitErr, stderr.String())
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if run, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, run)
		}
	}
	if want := (storeParentWriters + storeChildWriters) * storeRounds; len(acked) != want {
		t.Fatalf("%d executions acknowledged, want %d", len(acked), want)
	}

	ctx := context.Background()
	s, err := mlmd.Open(ctx, "sqlite", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"Data", "Model"} {
		if _, err := s.GetArtifactType(ctx, name, ""); err != nil {
			t.Errorf("type %s: %v", name, err)
		}
	}
	types, err := s.GetContextTypes(ctx)
	if err != nil || len(types) != 1 {
		t.Fatalf("context types %+v, %v; want exactly one", types, err)
	}
	shared, err := s.GetContextByTypeAndName(ctx, "Pipeline", "", "shared")
	if err != nil {
		t.Fatalf("shared context: %v", err)
	}
	execs, _, err := s.GetExecutionsByContext(ctx, shared.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for _, e := range execs {
		stored = append(stored, e.Name)
	}
	slices.Sort(stored)
	slices.Sort(acked)
	if !slices.Equal(stored, acked) {
		t.Fatalf("executions in the shared context differ from the acknowledged ones:\nstored %d %v\nacked  %d %v", len(stored), stored, len(acked), acked)
	}
	ids := make([]int64, len(execs))
	for i, e := range execs {
		ids[i] = e.ID
	}
	events, err := s.GetEventsByExecutionIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2*len(execs) {
		t.Errorf("%d events for %d executions, want 2 each", len(events), len(execs))
	}
	arts, _, err := s.GetArtifactsByContext(ctx, shared.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2*len(execs) {
		t.Errorf("%d artifacts in the shared context, want %d", len(arts), 2*len(execs))
	}
	all, _, err := s.GetContexts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + storeParentWriters + storeChildWriters; len(all) != want {
		t.Errorf("%d contexts, want %d (the shared one and one per writer)", len(all), want)
	}
}

// publishConcurrently runs n writers on one store of dsn; each registers
// the types and publishes storeRounds executions. It returns the names of
// the acknowledged executions and every error.
func publishConcurrently(dsn, who string, n int) ([]string, []error) {
	ctx := context.Background()
	s, err := mlmd.Open(ctx, "sqlite", dsn, nil)
	if err != nil {
		return nil, []error{err}
	}
	defer s.Close()
	var (
		mu     sync.Mutex
		acked  []string
		errs   []error
		wg     sync.WaitGroup
		record = func(run string, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", run, err))
				return
			}
			acked = append(acked, run)
		}
	)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writer := fmt.Sprintf("%s-%d", who, w)
			for r := 0; r < storeRounds; r++ {
				run := fmt.Sprintf("%s-run-%02d", writer, r)
				record(run, publish(ctx, s, writer, run))
			}
		}()
	}
	wg.Wait()
	return acked, errs
}

// publish registers the types (as pipelines do before every run) and
// records one execution with its input and output in one PutExecution.
func publish(ctx context.Context, s *mlmd.Store, writer, run string) error {
	dataType, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data", Properties: map[string]mlmd.PropertyType{"rows": mlmd.PropertyInt}}, nil)
	if err != nil {
		return err
	}
	modelType, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Model"}, nil)
	if err != nil {
		return err
	}
	stepType, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step"}, nil)
	if err != nil {
		return err
	}
	pipeType, err := s.PutContextType(ctx, mlmd.ContextType{Name: "Pipeline"}, nil)
	if err != nil {
		return err
	}
	_, err = s.PutExecution(ctx,
		mlmd.Execution{TypeID: stepType, Name: run, LastKnownState: mlmd.ExecutionStateComplete},
		[]mlmd.ArtifactAndEvent{
			{Artifact: &mlmd.Artifact{TypeID: dataType, URI: "/in/" + run, Properties: mlmd.Properties{"rows": mlmd.IntValue(7)}},
				Event: &mlmd.Event{Type: mlmd.EventInput}},
			{Artifact: &mlmd.Artifact{TypeID: modelType, URI: "/out/" + run},
				Event: &mlmd.Event{Type: mlmd.EventOutput}},
		},
		[]mlmd.Context{{TypeID: pipeType, Name: "shared"}, {TypeID: pipeType, Name: writer}},
		&mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
	return err
}
