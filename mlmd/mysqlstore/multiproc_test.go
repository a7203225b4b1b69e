package mysqlstore

// Tests with several processes on one database. The test binary runs
// itself again as a child process: TestMain sees childRoleEnv and runs the
// child's part instead of the tests.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// Environment of a child process.
const (
	childRoleEnv  = "GOMLMD_MYSQLSTORE_CHILD" // "writer" or "open"
	childDSNEnv   = "GOMLMD_MYSQLSTORE_DSN"
	childIDEnv    = "GOMLMD_MYSQLSTORE_ID"    // the process's number
	childStartEnv = "GOMLMD_MYSQLSTORE_START" // Unix nanoseconds to wait for
	childOutEnv   = "GOMLMD_MYSQLSTORE_OUT"   // file for the child's report
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childRoleEnv); role != "" {
		os.Exit(runChild(role))
	}
	os.Exit(testdb.Run(m))
}

// runChild runs the part of a child process and returns its exit code.
func runChild(role string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	id, _ := strconv.Atoi(os.Getenv(childIDEnv))
	if start, err := strconv.ParseInt(os.Getenv(childStartEnv), 10, 64); err == nil {
		time.Sleep(time.Until(time.Unix(0, start)))
	}
	var report any
	var err error
	switch role {
	case "writer":
		report, err = writerProcess(ctx, os.Getenv(childDSNEnv), id)
	case "open":
		report, err = openProcess(ctx, os.Getenv(childDSNEnv))
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s %d: %v\n", role, id, err)
		return 1
	}
	b, err := json.Marshal(report)
	if err == nil {
		err = os.WriteFile(os.Getenv(childOutEnv), b, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s %d: write report: %v\n", role, id, err)
		return 1
	}
	return 0
}

// runChildren starts n children of a role on dsn, all released at the same
// moment, waits for them, and decodes their reports into out[i].
func runChildren[R any](t *testing.T, role, dsn string, n int) []R {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Far enough ahead for every child to have started.
	start := time.Now().Add(1500 * time.Millisecond).UnixNano()
	cmds := make([]*exec.Cmd, n)
	outs := make([][]byte, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(),
			childRoleEnv+"="+role, childDSNEnv+"="+dsn, childIDEnv+"="+strconv.Itoa(i),
			childStartEnv+"="+strconv.FormatInt(start, 10),
			childOutEnv+"="+fmt.Sprintf("%s/%d.json", dir, i))
		cmds[i] = cmd
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	reports := make([]R, n)
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("child %s %d: %v\n%s", role, i, errs[i], outs[i])
		}
		b, err := os.ReadFile(fmt.Sprintf("%s/%d.json", dir, i))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &reports[i]); err != nil {
			t.Fatal(err)
		}
	}
	return reports
}

// Concurrent first start.

type openReport struct {
	ModelTypeID int64
}

// openProcess opens the store (creating the database and schema if it is
// the first) and reports the id of a system type.
func openProcess(ctx context.Context, dsn string) (openReport, error) {
	s, err := mlmd.Open(ctx, "mysql", dsn, nil)
	if err != nil {
		return openReport{}, err
	}
	defer s.Close()
	id, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Model", BaseType: mlmd.ArtifactBaseModel}, nil)
	if err != nil {
		return openReport{}, err
	}
	return openReport{ModelTypeID: id}, nil
}

// TestConcurrentFirstStart has several processes open the same database,
// which does not exist yet, at the same moment: all must succeed and leave
// one schema.
func TestConcurrentFirstStart(t *testing.T) {
	dsn := testdb.NewMySQLDatabase(t)
	const procs = 4
	reports := runChildren[openReport](t, "open", dsn, procs)
	for _, r := range reports[1:] {
		if r.ModelTypeID != reports[0].ModelTypeID {
			t.Errorf("the processes got different ids for the same type: %+v", reports)
		}
	}
	db := rawDB(t, dsn)
	count := func(q string, args ...any) string {
		return testdb.QueryStrings(t, db, "SELECT CAST(COUNT(*) AS CHAR) FROM "+q, args...)[0]
	}
	checks := []struct{ what, query, want string }{
		{"MLMDEnv rows", "MLMDEnv WHERE schema_version = 10", "1"},
		{"all MLMDEnv rows", "MLMDEnv", "1"},
		{"applied goose migrations", "gomlmd_goose_version WHERE version_id > 0", "2"},
		{"distinct applied goose migrations", "(SELECT DISTINCT version_id FROM gomlmd_goose_version WHERE version_id > 0) AS v", "2"},
		{"gomlmd's indexes", "information_schema.statistics WHERE table_schema = DATABASE() AND index_name LIKE 'gomlmd\\_%'", "2"},
		{"system types", "Type WHERE name LIKE 'mlmd.%'", "9"},
		{"distinct system types", "(SELECT DISTINCT type_kind, name FROM Type WHERE name LIKE 'mlmd.%') AS d", "9"},
		{"types named Model", "Type WHERE name = 'Model'", "1"},
		{"tables", "information_schema.tables WHERE table_schema = DATABASE()", "16"},
	}
	for _, c := range checks {
		if got := count(c.query); got != c.want {
			t.Errorf("%s: %s, want %s", c.what, got, c.want)
		}
	}
}

// Many writers.

// writerReport is what one writer process acknowledged: the results of the
// calls that succeeded, and the outcome of each context race it entered.
type writerReport struct {
	Writers []writerLog
}

type writerLog struct {
	Writer    int
	Artifacts map[string]int64 // name -> id, of PutArtifacts and PutExecution
	Runs      []runLog         // PutExecution results
	Shared    map[string]int64 // name of a reused context -> its id
	RaceWins  map[string]int64 // context name -> id, where PutContexts won
	RaceLost  []string         // context names where PutContexts got AlreadyExists
	Types     map[string]int64 // type name -> id
	Aborted   int              // calls that returned Aborted and were repeated
}

type runLog struct {
	Execution int64
	Name      string
	Input     int64 // artifact id
	Output    int64 // artifact id
	Context   int64
}

const (
	writerProcs      = 2
	writersPerProc   = 4
	writerIterations = 15
	sharedContexts   = 3
)

// writerProcess runs writersPerProc writers on one store.
func writerProcess(ctx context.Context, dsn string, proc int) (writerReport, error) {
	s, err := mlmd.Open(ctx, "mysql", dsn, nil)
	if err != nil {
		return writerReport{}, err
	}
	defer s.Close()
	logs := make([]writerLog, writersPerProc)
	errs := make([]error, writersPerProc)
	var wg sync.WaitGroup
	for g := range writersPerProc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs[g], errs[g] = writer(ctx, s, proc*writersPerProc+g)
		}()
	}
	wg.Wait()
	return writerReport{Writers: logs}, errors.Join(errs...)
}

// retryAborted calls f until it returns something else than Aborted, as
// MLMD's clients do, at most 5 times, and counts the repeats.
func retryAborted(n *int, f func() error) error {
	for i := 0; ; i++ {
		err := f()
		if errcode.Of(err) != errcode.Aborted || i == 4 {
			return err
		}
		*n++
	}
}

// writer is one writer: it puts the shared types (all writers at once),
// then, each iteration, new artifacts, an execution with an input and an
// output artifact in a context that all writers share (reused), and a
// context whose name all writers race for.
func writer(ctx context.Context, s *mlmd.Store, w int) (writerLog, error) {
	l := writerLog{Writer: w, Artifacts: map[string]int64{}, Shared: map[string]int64{}, RaceWins: map[string]int64{}, Types: map[string]int64{}}
	props := map[string]mlmd.PropertyType{"n": mlmd.PropertyInt, "who": mlmd.PropertyString}
	var artType, exeType, ctxType int64
	err := retryAborted(&l.Aborted, func() (err error) {
		artType, err = s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "Data", Properties: props, BaseType: mlmd.ArtifactBaseDataset}, nil)
		return err
	})
	if err == nil {
		err = retryAborted(&l.Aborted, func() (err error) {
			exeType, err = s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "Step", Properties: props}, nil)
			return err
		})
	}
	if err == nil {
		err = retryAborted(&l.Aborted, func() (err error) {
			ctxType, err = s.PutContextType(ctx, mlmd.ContextType{Name: "Run", Properties: props}, nil)
			return err
		})
	}
	if err != nil {
		return l, fmt.Errorf("writer %d: put types: %w", w, err)
	}
	l.Types["Data"], l.Types["Step"], l.Types["Run"] = artType, exeType, ctxType
	for i := range writerIterations {
		// New artifacts.
		names := []string{fmt.Sprintf("w%d-i%d-a", w, i), fmt.Sprintf("w%d-i%d-b", w, i)}
		arts := make([]mlmd.Artifact, len(names))
		for k, n := range names {
			arts[k] = mlmd.Artifact{TypeID: artType, Name: n, URI: "/d/" + n,
				Properties: mlmd.Properties{"n": mlmd.IntValue(int64(i)), "who": mlmd.StringValue(n)}}
		}
		var ids []int64
		if err := retryAborted(&l.Aborted, func() (err error) { ids, err = s.PutArtifacts(ctx, arts, nil); return err }); err != nil {
			return l, fmt.Errorf("writer %d: PutArtifacts: %w", w, err)
		}
		for k, n := range names {
			l.Artifacts[n] = ids[k]
		}

		// An execution reading one of them and writing a new artifact, in a
		// context shared by all writers.
		run := fmt.Sprintf("w%d-i%d-run", w, i)
		out := fmt.Sprintf("w%d-i%d-out", w, i)
		shared := fmt.Sprintf("shared-%d", i%sharedContexts)
		var res mlmd.PutExecutionResult
		err := retryAborted(&l.Aborted, func() (err error) {
			res, err = s.PutExecution(ctx,
				mlmd.Execution{TypeID: exeType, Name: run, LastKnownState: mlmd.ExecutionStateComplete,
					Properties: mlmd.Properties{"n": mlmd.IntValue(int64(i))}},
				[]mlmd.ArtifactAndEvent{
					{Artifact: &mlmd.Artifact{ID: ids[0], TypeID: artType, Name: names[0], URI: "/d/" + names[0],
						Properties: mlmd.Properties{"n": mlmd.IntValue(int64(i)), "who": mlmd.StringValue(names[0])}},
						Event: &mlmd.Event{Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("in")}}},
					{Artifact: &mlmd.Artifact{TypeID: artType, Name: out, URI: "/d/" + out,
						Properties: mlmd.Properties{"who": mlmd.StringValue(out)}},
						Event: &mlmd.Event{Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("out"), mlmd.IndexStep(0)}}},
				},
				[]mlmd.Context{{TypeID: ctxType, Name: shared}},
				&mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
			return err
		})
		if err != nil {
			return l, fmt.Errorf("writer %d: PutExecution %s: %w", w, run, err)
		}
		if len(res.ArtifactIDs) != 2 || res.ArtifactIDs[0] != ids[0] || len(res.ContextIDs) != 1 {
			return l, fmt.Errorf("writer %d: PutExecution %s returned %+v", w, run, res)
		}
		l.Artifacts[out] = res.ArtifactIDs[1]
		l.Runs = append(l.Runs, runLog{Execution: res.ExecutionID, Name: run, Input: ids[0], Output: res.ArtifactIDs[1], Context: res.ContextIDs[0]})
		if prev, ok := l.Shared[shared]; ok && prev != res.ContextIDs[0] {
			return l, fmt.Errorf("writer %d: context %s got ids %d and %d", w, shared, prev, res.ContextIDs[0])
		}
		l.Shared[shared] = res.ContextIDs[0]

		// A context every writer tries to create: one wins.
		race := fmt.Sprintf("race-%d", i)
		var cids []int64
		err = retryAborted(&l.Aborted, func() (err error) {
			cids, err = s.PutContexts(ctx, []mlmd.Context{{TypeID: ctxType, Name: race,
				Properties: mlmd.Properties{"who": mlmd.StringValue(fmt.Sprint(w))}}}, nil)
			return err
		})
		switch errcode.Of(err) {
		case errcode.OK:
			l.RaceWins[race] = cids[0]
		case errcode.AlreadyExists:
			l.RaceLost = append(l.RaceLost, race)
		default:
			return l, fmt.Errorf("writer %d: PutContexts %s: %w", w, race, err)
		}
	}
	return l, nil
}

// TestManyWriters runs 8 writers in two processes on one database, and
// checks that every write they were told succeeded is there, once, and
// nothing else is.
func TestManyWriters(t *testing.T) {
	dsn := testdb.NewMySQLDatabase(t)
	s, err := mlmd.Open(ctx, "mysql", dsn, nil) // the schema exists before the writers start
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reports := runChildren[writerReport](t, "writer", dsn, writerProcs)

	var logs []writerLog
	for _, r := range reports {
		logs = append(logs, r.Writers...)
	}
	if len(logs) != writerProcs*writersPerProc {
		t.Fatalf("%d writer logs, want %d", len(logs), writerProcs*writersPerProc)
	}
	artifacts := map[string]int64{}
	shared := map[string]int64{}
	raceWinner := map[string]int64{}
	raceOutcomes := map[string]int{}
	types := map[string]int64{}
	var runs []runLog
	aborted := 0
	for _, l := range logs {
		aborted += l.Aborted
		for name, id := range l.Artifacts {
			if _, dup := artifacts[name]; dup {
				t.Fatalf("artifact %s acknowledged twice", name)
			}
			artifacts[name] = id
		}
		for name, id := range l.Shared {
			if prev, ok := shared[name]; ok && prev != id {
				t.Errorf("shared context %s: writers got ids %d and %d", name, prev, id)
			}
			shared[name] = id
		}
		for name, id := range l.RaceWins {
			if prev, ok := raceWinner[name]; ok {
				t.Errorf("context %s: two winners, ids %d and %d", name, prev, id)
			}
			raceWinner[name] = id
			raceOutcomes[name]++
		}
		for _, name := range l.RaceLost {
			raceOutcomes[name]++
		}
		for name, id := range l.Types {
			if prev, ok := types[name]; ok && prev != id {
				t.Errorf("type %s: writers got ids %d and %d", name, prev, id)
			}
			types[name] = id
		}
		runs = append(runs, l.Runs...)
	}
	t.Logf("%d artifacts, %d executions, %d race contexts; %d calls repeated after Aborted", len(artifacts), len(runs), len(raceWinner), aborted)
	writers := writerProcs * writersPerProc
	if want := writers * writerIterations * 3; len(artifacts) != want {
		t.Errorf("%d artifacts acknowledged, want %d", len(artifacts), want)
	}
	if len(raceWinner) != writerIterations {
		t.Errorf("%d race contexts have a winner, want %d", len(raceWinner), writerIterations)
	}
	for name, n := range raceOutcomes {
		if n != writers {
			t.Errorf("context %s: %d outcomes, want one per writer (%d)", name, n, writers)
		}
	}

	// Through the API: every acknowledged artifact, execution, event,
	// context and link is there as written.
	byID := map[int64]string{}
	var ids []int64
	for name, id := range artifacts {
		byID[id] = name
		ids = append(ids, id)
	}
	got, err := s.GetArtifactsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Errorf("GetArtifactsByID: %d of %d artifacts", len(got), len(ids))
	}
	for _, a := range got {
		name := byID[a.ID]
		if a.Name != name || a.URI != "/d/"+name || a.TypeID != types["Data"] || !a.Properties["who"].Equal(mlmd.StringValue(name)) {
			t.Errorf("artifact %d = %+v, want name %s", a.ID, a, name)
		}
	}
	exeIDs := make([]int64, len(runs))
	for i, r := range runs {
		exeIDs[i] = r.Execution
	}
	exes, err := s.GetExecutionsByID(ctx, exeIDs)
	if err != nil {
		t.Fatal(err)
	}
	exeNames := map[int64]string{}
	for _, e := range exes {
		exeNames[e.ID] = e.Name
	}
	events, err := s.GetEventsByExecutionIDs(ctx, exeIDs)
	if err != nil {
		t.Fatal(err)
	}
	eventsOf := map[int64][]mlmd.Event{}
	for _, e := range events {
		eventsOf[e.ExecutionID] = append(eventsOf[e.ExecutionID], e)
	}
	for _, r := range runs {
		if exeNames[r.Execution] != r.Name {
			t.Errorf("execution %d is named %q, want %q", r.Execution, exeNames[r.Execution], r.Name)
		}
		evs := eventsOf[r.Execution]
		if len(evs) != 2 || evs[0].ArtifactID != r.Input || evs[0].Type != mlmd.EventInput ||
			evs[1].ArtifactID != r.Output || evs[1].Type != mlmd.EventOutput || len(evs[1].Path) != 2 {
			t.Errorf("events of execution %s = %+v", r.Name, evs)
		}
		if want := shared[fmt.Sprintf("shared-%d", nameIteration(r.Name)%sharedContexts)]; r.Context != want {
			t.Errorf("execution %s is in context %d, want %d", r.Name, r.Context, want)
		}
	}
	for name, id := range shared {
		c, err := s.GetContextByTypeAndName(ctx, "Run", "", name)
		if err != nil || c.ID != id {
			t.Errorf("context %s = %+v, %v; want id %d", name, c, err, id)
		}
		arts, _, err := s.GetArtifactsByContext(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, r := range runs {
			if r.Context == id {
				want += 2
			}
		}
		if len(arts) != want {
			t.Errorf("context %s holds %d artifacts, want %d", name, len(arts), want)
		}
	}
	for name, id := range raceWinner {
		c, err := s.GetContextByTypeAndName(ctx, "Run", "", name)
		if err != nil || c.ID != id {
			t.Errorf("context %s = %+v, %v; want the winner's id %d", name, c, err, id)
		}
	}

	// With SQL: nothing more than what was acknowledged, nothing twice.
	db := rawDB(t, dsn)
	count := func(q string) int {
		v := testdb.QueryStrings(t, db, "SELECT CAST(COUNT(*) AS CHAR) FROM "+q)[0]
		n, _ := strconv.Atoi(v)
		return n
	}
	nRuns := len(runs)
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"artifacts", "Artifact", len(artifacts)},
		{"artifact names", "(SELECT DISTINCT type_id, name FROM Artifact) AS d", len(artifacts)},
		{"artifact properties", "ArtifactProperty", 2*2*writers*writerIterations + nRuns},
		{"executions", "Execution", nRuns},
		{"execution properties", "ExecutionProperty", nRuns},
		{"events", "Event", 2 * nRuns},
		{"event path steps", "EventPath", 3 * nRuns},
		{"contexts", "Context", sharedContexts + writerIterations},
		{"context properties", "ContextProperty", writerIterations},
		{"associations", "Association", nRuns},
		{"attributions", "Attribution", 2 * nRuns},
		{"user types", "Type WHERE name NOT LIKE 'mlmd.%'", 3},
		{"system types", "Type WHERE name LIKE 'mlmd.%'", 9},
		{"type properties", "TypeProperty", 6},
		{"parent types", "ParentType", 1},
		{"MLMDEnv rows", "MLMDEnv", 1},
	} {
		if got := count(c.query); got != c.want {
			t.Errorf("%s: %d rows, want %d", c.what, got, c.want)
		}
	}
}

// nameIteration returns i of a name "w<w>-i<i>-...".
func nameIteration(name string) int {
	var w, i int
	fmt.Sscanf(name, "w%d-i%d-", &w, &i)
	return i
}
