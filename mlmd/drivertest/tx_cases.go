package drivertest

// The compound writes: PutExecution and PutLineageSubgraph.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd"
)

var txCases = []testCase{
	{name: "PutExecution/Sequence", run: testPutExecutionSequence},
	{name: "PutExecution/WithContexts", run: testPutExecutionWithContexts},
	{name: "PutExecution/ReuseContext", run: testPutExecutionReuseContext},
	{name: "PutExecution/ForceReuseContext", run: testPutExecutionForceReuseContext},
	{name: "PutExecution/ReuseArtifact", run: testPutExecutionReuseArtifact},
	{name: "PutExecution/DuplicatedArtifacts", run: testPutExecutionDuplicatedArtifacts},
	{name: "PutExecution/ReuseWithinCall", run: testPutExecutionReuseWithinCall},
	{name: "PutExecution/BadInput", run: testPutExecutionBadInput},
	{name: "PutExecution/ForceUpdateTime", runWithClock: testPutExecutionForceUpdateTime},
	{name: "PutExecution/ConcurrentReuse", run: testPutExecutionConcurrentReuse},
	{name: "PutLineageSubgraph/ExistingNodes", run: testLineageExistingNodes},
	{name: "PutLineageSubgraph/NewNodes", run: testLineageNewNodes},
	{name: "PutLineageSubgraph/Updates", run: testLineageUpdates},
	{name: "PutLineageSubgraph/ReuseArtifact", run: testLineageReuseArtifact},
	{name: "PutLineageSubgraph/InvalidEventEdges", run: testLineageInvalidEdges},
	{name: "PutLineageSubgraph/BadNodes", run: testLineageBadNodes},
	{name: "PutLineageSubgraph/Cancelled", runWithClock: testLineageCancelled},
}

type txTypes struct{ artifact, execution, context int64 }

func putTxTypes(t *testing.T, s *mlmd.Store) txTypes {
	t.Helper()
	res, err := s.PutTypes(t.Context(), mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "artifact_type", Properties: props("property_1", mlmd.PropertyString)}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "execution_type", Properties: props("running_status", mlmd.PropertyString, "property_1", mlmd.PropertyDouble)}},
		ContextTypes:   []mlmd.ContextType{{Name: "context_type", Properties: props("property_1", mlmd.PropertyInt)}},
	}, nil)
	ok(t, err, "types")
	return txTypes{res.ArtifactTypeIDs[0], res.ExecutionTypeIDs[0], res.ContextTypeIDs[0]}
}

// testPutExecutionSequence: upstream's PutAndGetExecution.
func testPutExecutionSequence(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	exe := mlmd.Execution{TypeID: ty.execution, Properties: pv("running_status", str("INIT")), LastKnownState: mlmd.ExecutionStateNew}
	// 1. The execution alone.
	res, err := s.PutExecution(t.Context(), exe, nil, nil, nil)
	ok(t, err, "1")
	exe.ID = res.ExecutionID
	if len(res.ArtifactIDs) != 0 || len(res.ContextIDs) != 0 {
		t.Errorf("1: result %+v", res)
	}
	// 2. Update it, with an input artifact but no event.
	exe.Properties = pv("running_status", str("RUN"))
	exe.LastKnownState = mlmd.ExecutionStateRunning
	a1 := mlmd.Artifact{TypeID: ty.artifact, URI: "uri://an_input_artifact"}
	res, err = s.PutExecution(t.Context(), exe, []mlmd.ArtifactAndEvent{{Artifact: &a1}}, nil, nil)
	ok(t, err, "2")
	if res.ExecutionID != exe.ID || len(res.ArtifactIDs) != 1 {
		t.Fatalf("2: result %+v", res)
	}
	a1.ID = res.ArtifactIDs[0]
	// 3. An existing artifact by event, and a new output artifact.
	exe.Properties = pv("running_status", str("DONE"))
	exe.LastKnownState = mlmd.ExecutionStateComplete
	a2 := mlmd.Artifact{TypeID: ty.artifact, URI: "uri://an_output_artifact", State: mlmd.ArtifactStateLive}
	res, err = s.PutExecution(t.Context(), exe, []mlmd.ArtifactAndEvent{
		{Event: &mlmd.Event{ArtifactID: a1.ID, ExecutionID: exe.ID, Type: mlmd.EventDeclaredInput}},
		{Artifact: &a2, Event: &mlmd.Event{Type: mlmd.EventDeclaredOutput}},
	}, nil, nil)
	ok(t, err, "3")
	if res.ExecutionID != exe.ID || len(res.ArtifactIDs) != 2 || res.ArtifactIDs[0] != a1.ID {
		t.Fatalf("3: result %+v", res)
	}
	a2.ID = res.ArtifactIDs[1]
	// 4. Empty pairs give -1.
	res, err = s.PutExecution(t.Context(), exe, []mlmd.ArtifactAndEvent{{}, {}}, nil, nil)
	ok(t, err, "4")
	if fmt.Sprint(res.ArtifactIDs) != "[-1 -1]" {
		t.Errorf("4: artifact ids %v, want [-1 -1]", res.ArtifactIDs)
	}

	as, _, err := artifacts.list(t, s, nil)
	ok(t, err, "artifacts")
	a1n, a2n := fromArtifact(a1), fromArtifact(a2)
	a1n.Type, a2n.Type = "artifact_type", "artifact_type"
	wantNodes(t, as, []gnode{a1n, a2n}, ignoreTimes, "artifacts")
	es, _, err := executions.list(t, s, nil)
	ok(t, err, "executions")
	en := fromExecution(exe)
	en.Type = "execution_type"
	wantNodes(t, es, []gnode{en}, ignoreTimes, "executions")
	evs, err := s.GetEventsByExecutionIDs(t.Context(), []int64{exe.ID})
	ok(t, err, "events")
	if len(evs) != 2 || evs[0].ArtifactID != a1.ID || evs[1].ArtifactID != a2.ID || evs[1].ExecutionID != exe.ID {
		t.Errorf("events %+v", evs)
	}
	for _, a := range as {
		if a.Create <= 0 || es[0].Update < a.Create {
			t.Errorf("execution updated at %d, before artifact %d was created at %d", es[0].Update, a.ID, a.Create)
		}
	}
}

// testPutExecutionWithContexts: upstream's PutAndGetExecutionWithContext.
func testPutExecutionWithContexts(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	c1 := mlmd.Context{TypeID: ty.context, Name: "context1"}
	c2 := mlmd.Context{TypeID: ty.context, Name: "context2"}
	res, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution},
		[]mlmd.ArtifactAndEvent{{Artifact: &mlmd.Artifact{TypeID: ty.artifact}}}, []mlmd.Context{c1, c2}, nil)
	ok(t, err, "put")
	if res.ExecutionID <= 0 || len(res.ArtifactIDs) != 1 || len(res.ContextIDs) != 2 {
		t.Fatalf("result %+v", res)
	}
	c1.ID, c2.ID = res.ContextIDs[0], res.ContextIDs[1]
	cs, _, err := contexts.list(t, s, nil)
	ok(t, err, "contexts")
	wantNodes(t, cs, []gnode{fromContext(c1), fromContext(c2)}, ignoreTimes|ignoreType, "contexts")
	for _, c := range res.ContextIDs {
		as, _, err := artifacts.byContext(t, s, c, nil)
		ok(t, err, "artifacts by context")
		if fmt.Sprint(nodeIDs(as)) != fmt.Sprint(res.ArtifactIDs) {
			t.Errorf("context %d: artifacts %v, want %v", c, nodeIDs(as), res.ArtifactIDs)
		}
		es, _, err := executions.byContext(t, s, c, nil)
		ok(t, err, "executions by context")
		if len(es) != 1 || es[0].ID != res.ExecutionID {
			t.Errorf("context %d: executions %v, want [%d]", c, nodeIDs(es), res.ExecutionID)
		}
	}
}

// testPutExecutionReuseContext: upstream's PutAndGetExecutionWithContextReuseOption.
func testPutExecutionReuseContext(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	c := mlmd.Context{TypeID: ty.context, Name: "context", Properties: pv("property_1", i64(1))}
	exe := mlmd.Execution{TypeID: ty.execution}
	_, err := s.PutExecution(t.Context(), exe, nil, []mlmd.Context{c}, nil)
	ok(t, err, "first")
	failsUnchanged(t, s, mlmd.AlreadyExists, "the same context again", func() error {
		_, err := s.PutExecution(t.Context(), exe, nil, []mlmd.Context{c}, nil)
		return err
	})
	// Reused contexts are not updated.
	changed := c
	changed.Properties = pv("property_1", i64(2))
	res, err := s.PutExecution(t.Context(), exe, nil, []mlmd.Context{changed}, &mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
	ok(t, err, "reuse")
	cs, _, err := contexts.list(t, s, nil)
	ok(t, err, "contexts")
	if len(cs) != 1 || cs[0].ID != res.ContextIDs[0] {
		t.Fatalf("contexts %v, want only %d", nodeIDs(cs), res.ContextIDs[0])
	}
	wantNode(t, cs[0], fromContext(c), ignoreTimes|ignoreType|ignoreID, "reused context")
	es, _, err := executions.byContext(t, s, cs[0].ID, nil)
	ok(t, err, "executions")
	if len(es) != 2 {
		t.Errorf("executions of the context: %v, want 2", nodeIDs(es))
	}
}

// testPutExecutionForceReuseContext: upstream's three
// PutExecutionWithForceReuseContext* cases.
func testPutExecutionForceReuseContext(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	one := mlmd.Context{TypeID: ty.context, Name: "one", CustomProperties: pv("property1", str("value1"))}
	two := mlmd.Context{TypeID: ty.context, Name: "two", CustomProperties: pv("property2", str("value2"))}
	ids, err := s.PutContexts(t.Context(), []mlmd.Context{one, two}, nil)
	ok(t, err, "contexts")
	one.ID, two.ID = ids[0], ids[1]
	exe := mlmd.Execution{TypeID: ty.execution}

	// With an id, the context is used as it is stored.
	modOne := one
	modOne.CustomProperties = pv("property1", str("changed1"), "property2", str("added"))
	res, err := s.PutExecution(t.Context(), exe, nil, []mlmd.Context{modOne}, &mlmd.PutExecutionOptions{ForceReuseContext: true})
	ok(t, err, "force reuse")
	if res.ContextIDs[0] != one.ID {
		t.Errorf("context id %d, want %d", res.ContextIDs[0], one.ID)
	}
	// With both options: by id, and by type and name.
	modTwo := two
	modTwo.ID = 0
	modTwo.CustomProperties = pv("property2", str("changed2"))
	res, err = s.PutExecution(t.Context(), exe, nil, []mlmd.Context{modOne, modTwo},
		&mlmd.PutExecutionOptions{ForceReuseContext: true, ReuseContextIfAlreadyExist: true})
	ok(t, err, "both options")
	if fmt.Sprint(res.ContextIDs) != fmt.Sprint([]int64{one.ID, two.ID}) {
		t.Errorf("context ids %v, want %d %d", res.ContextIDs, one.ID, two.ID)
	}
	cs, _, err := contexts.list(t, s, nil)
	ok(t, err, "contexts")
	wantNodes(t, cs, []gnode{fromContext(one), fromContext(two)}, ignoreTimes|ignoreType, "contexts unchanged")
	es, _, err := executions.byContext(t, s, two.ID, nil)
	ok(t, err, "executions of two")
	if len(es) != 1 {
		t.Errorf("executions of the reused context: %v", nodeIDs(es))
	}

	missing := mlmd.Context{ID: two.ID + 12345, TypeID: ty.context, Name: "context"}
	failsUnchanged(t, s, mlmd.NotFound, "force reuse of a missing context", func() error {
		_, err := s.PutExecution(t.Context(), exe, nil, []mlmd.Context{missing}, &mlmd.PutExecutionOptions{ForceReuseContext: true})
		return err
	})
}

// testPutExecutionReuseArtifact: upstream's PutAndGetExecutionWithArtifactReuseOption.
func testPutExecutionReuseArtifact(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	art := mlmd.Artifact{TypeID: ty.artifact, ExternalID: "artifact_reference_str", Name: "artifact_name"}
	exe := mlmd.Execution{TypeID: ty.execution}
	put := func(a mlmd.Artifact, reuse bool) (putResult, error) {
		res, err := s.PutExecution(t.Context(), exe, []mlmd.ArtifactAndEvent{{Artifact: &a}}, nil,
			&mlmd.PutExecutionOptions{ReuseArtifactIfAlreadyExistByExternalID: reuse})
		return putResult{res.ArtifactIDs}, err
	}
	reuseArtifactSequence(t, s, art, put)
}

// putResult holds the artifact ids of a PutExecution or PutLineageSubgraph.
type putResult struct{ ArtifactIDs []int64 }

// reuseArtifactSequence runs upstream's artifact reuse sequence with a put
// function (PutExecution or PutLineageSubgraph).
func reuseArtifactSequence(t *testing.T, s *mlmd.Store, art mlmd.Artifact, put func(a mlmd.Artifact, reuse bool) (putResult, error)) {
	res, err := put(art, false)
	ok(t, err, "1.1")
	id := res.ArtifactIDs[0]
	withURI := art
	withURI.URI = "new_uri"
	failsUnchanged(t, s, mlmd.AlreadyExists, "1.2: same external id without reuse", func() error {
		_, err := put(withURI, false)
		return err
	})
	res, err = put(withURI, true)
	ok(t, err, "2.1")
	if res.ArtifactIDs[0] != id {
		t.Errorf("2.1: artifact id %d, want %d", res.ArtifactIDs[0], id)
	}
	if got := mustGet(t, s, artifacts, id); got.URI != "new_uri" {
		t.Errorf("2.1: uri %q, want new_uri", got.URI)
	}
	noExt := withURI
	noExt.ExternalID = ""
	failsUnchanged(t, s, mlmd.AlreadyExists, "2.2: same name without external id", func() error {
		_, err := put(noExt, true)
		return err
	})
	withID := withURI
	withID.ID, withID.ExternalID = id, "new_external_id"
	_, err = put(withID, true)
	ok(t, err, "3")
	if got := mustGet(t, s, artifacts, id); got.ExternalID != "new_external_id" {
		t.Errorf("3: external id %q, want new_external_id", got.ExternalID)
	}
	another := mlmd.Artifact{TypeID: art.TypeID, ExternalID: "another_artifact_reference_str", Name: "another_artifact_name"}
	res, err = put(another, true)
	ok(t, err, "4")
	if got := mustGet(t, s, artifacts, res.ArtifactIDs[0]); res.ArtifactIDs[0] == id || got.ExternalID != another.ExternalID {
		t.Errorf("4: artifact %+v, want a new one", got)
	}
}

// testPutExecutionDuplicatedArtifacts: upstream's PutAndGetExecutionWithDuplicatedArtifacts.
func testPutExecutionDuplicatedArtifacts(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	ctx := mlmd.Context{TypeID: ty.context, Name: "context_name"}
	ids, err := s.PutContexts(t.Context(), []mlmd.Context{ctx}, nil)
	ok(t, err, "context")
	ctx.ID = ids[0]
	art := mlmd.Artifact{TypeID: ty.artifact, ExternalID: "artifact_reference_str", Name: "artifact_name"}
	aids, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{art}, nil)
	ok(t, err, "artifact")
	res, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution},
		[]mlmd.ArtifactAndEvent{{Artifact: &art}, {Artifact: &art}}, []mlmd.Context{ctx},
		&mlmd.PutExecutionOptions{ReuseArtifactIfAlreadyExistByExternalID: true, ReuseContextIfAlreadyExist: true})
	ok(t, err, "put execution")
	if fmt.Sprint(res.ArtifactIDs) != fmt.Sprint([]int64{aids[0], aids[0]}) {
		t.Errorf("artifact ids %v, want the stored one twice", res.ArtifactIDs)
	}
	as, _, err := artifacts.byContext(t, s, ctx.ID, nil)
	ok(t, err, "artifacts by context")
	want := fromArtifact(art)
	want.ID, want.Type = aids[0], "artifact_type"
	wantNodes(t, as, []gnode{want}, ignoreTimes, "artifacts by context")
}

// testPutExecutionReuseWithinCall: a new artifact or context given twice
// in one call with the reuse options is created once.
func testPutExecutionReuseWithinCall(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	first := mlmd.Artifact{TypeID: ty.artifact, ExternalID: "shared", URI: "first"}
	second := mlmd.Artifact{TypeID: ty.artifact, ExternalID: "shared", URI: "second"}
	c := mlmd.Context{TypeID: ty.context, Name: "twice"}
	res, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution},
		[]mlmd.ArtifactAndEvent{{Artifact: &first, Event: &mlmd.Event{Type: mlmd.EventInput}}, {Artifact: &second, Event: &mlmd.Event{Type: mlmd.EventOutput}}},
		[]mlmd.Context{c, c},
		&mlmd.PutExecutionOptions{ReuseArtifactIfAlreadyExistByExternalID: true, ReuseContextIfAlreadyExist: true})
	ok(t, err, "put")
	if res.ArtifactIDs[0] != res.ArtifactIDs[1] || res.ContextIDs[0] != res.ContextIDs[1] {
		t.Errorf("result %+v, want one artifact and one context", res)
	}
	if got := mustGet(t, s, artifacts, res.ArtifactIDs[0]); got.URI != "second" {
		t.Errorf("uri %q, want the second pair's", got.URI)
	}
	evs, err := s.GetEventsByArtifactIDs(t.Context(), res.ArtifactIDs[:1])
	ok(t, err, "events")
	if len(evs) != 2 {
		t.Errorf("events %+v, want 2", evs)
	}
	// Without the options, the second copy clashes.
	failsUnchanged(t, s, mlmd.AlreadyExists, "same new context twice without reuse", func() error {
		c2 := mlmd.Context{TypeID: ty.context, Name: "fresh"}
		_, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution}, nil, []mlmd.Context{c2, c2}, nil)
		return err
	})
}

func testPutExecutionBadInput(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	stored, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution},
		[]mlmd.ArtifactAndEvent{{Artifact: &mlmd.Artifact{TypeID: ty.artifact}, Event: &mlmd.Event{Type: mlmd.EventInput}}},
		[]mlmd.Context{{TypeID: ty.context, Name: "stored"}}, nil)
	ok(t, err, "stored")
	a := stored.ArtifactIDs[0]
	newArt := func() *mlmd.Artifact { return &mlmd.Artifact{TypeID: ty.artifact, URI: "new"} }
	exe := mlmd.Execution{TypeID: ty.execution}
	tests := []struct {
		name  string
		exe   mlmd.Execution
		pairs []mlmd.ArtifactAndEvent
		ctxs  []mlmd.Context
		opts  *mlmd.PutExecutionOptions
		code  mlmd.Code
	}{
		{"execution without type", mlmd.Execution{}, nil, nil, nil, mlmd.InvalidArgument},
		{"execution of an unknown type", mlmd.Execution{TypeID: ty.execution + 1000}, nil, nil, nil, mlmd.NotFound},
		{"execution with an undeclared property", mlmd.Execution{TypeID: ty.execution, Properties: pv("nope", i64(1))}, nil, nil, nil, mlmd.InvalidArgument},
		{"update of an unknown execution", mlmd.Execution{ID: stored.ExecutionID + 100, TypeID: ty.execution}, nil, nil, nil, mlmd.InvalidArgument},
		{"artifact with a wrong property", exe, []mlmd.ArtifactAndEvent{{Artifact: &mlmd.Artifact{TypeID: ty.artifact, Properties: pv("property_1", i64(1))}}}, nil, nil, mlmd.InvalidArgument},
		{"event naming another execution", exe, []mlmd.ArtifactAndEvent{{Artifact: newArt(), Event: &mlmd.Event{ExecutionID: stored.ExecutionID, Type: mlmd.EventInput}}}, nil, nil, mlmd.InvalidArgument},
		{"event naming another artifact", exe, []mlmd.ArtifactAndEvent{{Artifact: newArt(), Event: &mlmd.Event{ArtifactID: a, Type: mlmd.EventInput}}}, nil, nil, mlmd.InvalidArgument},
		{"event without artifact", exe, []mlmd.ArtifactAndEvent{{Event: &mlmd.Event{Type: mlmd.EventInput}}}, nil, nil, mlmd.InvalidArgument},
		{"event of an unknown artifact", exe, []mlmd.ArtifactAndEvent{{Event: &mlmd.Event{ArtifactID: a + 100, Type: mlmd.EventInput}}}, nil, nil, mlmd.InvalidArgument},
		{"event without type", exe, []mlmd.ArtifactAndEvent{{Artifact: newArt(), Event: &mlmd.Event{}}}, nil, nil, mlmd.InvalidArgument},
		{"same event twice", exe, []mlmd.ArtifactAndEvent{{Event: &mlmd.Event{ArtifactID: a, Type: mlmd.EventInput}}, {Event: &mlmd.Event{ArtifactID: a, Type: mlmd.EventInput}}}, nil, nil, mlmd.AlreadyExists},
		{"context without type", exe, nil, []mlmd.Context{{Name: "c"}}, nil, mlmd.InvalidArgument},
		{"context without name", exe, nil, []mlmd.Context{{TypeID: ty.context}}, nil, mlmd.InvalidArgument},
		{"context of an unknown type", exe, nil, []mlmd.Context{{TypeID: ty.context + 1000, Name: "c"}}, nil, mlmd.NotFound},
		{"stored context without reuse", exe, []mlmd.ArtifactAndEvent{{Artifact: newArt()}}, []mlmd.Context{{TypeID: ty.context, Name: "stored"}}, nil, mlmd.AlreadyExists},
		{"context with a wrong property", exe, nil, []mlmd.Context{{TypeID: ty.context, Name: "c", Properties: pv("property_1", str("x"))}}, nil, mlmd.InvalidArgument},
	}
	for _, tt := range tests {
		failsUnchanged(t, s, tt.code, tt.name, func() error {
			_, err := s.PutExecution(t.Context(), tt.exe, tt.pairs, tt.ctxs, tt.opts)
			return err
		})
	}
}

func testPutExecutionForceUpdateTime(t *testing.T, s *mlmd.Store, clock *Clock) {
	ty := putTxTypes(t, s)
	exe := mlmd.Execution{TypeID: ty.execution, LastKnownState: mlmd.ExecutionStateRunning}
	res, err := s.PutExecution(t.Context(), exe, nil, nil, nil)
	ok(t, err, "create")
	exe.ID = res.ExecutionID
	created := clock.Millis()
	clock.Advance(time.Second)
	_, err = s.PutExecution(t.Context(), exe, nil, nil, nil)
	ok(t, err, "same again")
	if got := mustGet(t, s, executions, exe.ID); got.Update != created {
		t.Errorf("after an unchanged put: update time %d, want %d", got.Update, created)
	}
	_, err = s.PutExecution(t.Context(), exe, nil, nil, &mlmd.PutExecutionOptions{ForceUpdateTime: true})
	ok(t, err, "forced")
	if got := mustGet(t, s, executions, exe.ID); got.Update != clock.Millis() || got.Create != created {
		t.Errorf("after a forced put: times %d/%d, want %d/%d", got.Create, got.Update, created, clock.Millis())
	}
}

// lineageFixture stores upstream's context, execution and artifact.
func lineageFixture(t *testing.T, s *mlmd.Store) (txTypes, mlmd.Context, mlmd.Execution, mlmd.Artifact) {
	ty := putTxTypes(t, s)
	c := mlmd.Context{TypeID: ty.context, Name: "context", Properties: pv("property_1", i64(1))}
	ids, err := s.PutContexts(t.Context(), []mlmd.Context{c}, nil)
	ok(t, err, "context")
	c.ID = ids[0]
	e := mlmd.Execution{TypeID: ty.execution, Properties: pv("property_1", f64(1))}
	res, err := s.PutExecution(t.Context(), e, nil, nil, nil)
	ok(t, err, "execution")
	e.ID = res.ExecutionID
	a := mlmd.Artifact{TypeID: ty.artifact, URI: "testuri", Properties: pv("property_1", str("1"))}
	ids, err = s.PutArtifacts(t.Context(), []mlmd.Artifact{a}, nil)
	ok(t, err, "artifact")
	a.ID = ids[0]
	return ty, c, e, a
}

// testLineageExistingNodes: upstream's PutLineageSubgraphAndVerifyLineageGraph.
func testLineageExistingNodes(t *testing.T, s *mlmd.Store) {
	_, c, e, a := lineageFixture(t, s)
	stored := c
	c.ID = 0 // reused by type and name
	g := mlmd.LineageSubgraph{
		Executions: []mlmd.Execution{e}, Artifacts: []mlmd.Artifact{a}, Contexts: []mlmd.Context{c},
		EventEdges: []mlmd.EventEdge{
			{ExecutionIndex: 0, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventOutput}},
			{ExecutionIndex: 0, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventInput, ExecutionID: e.ID, ArtifactID: a.ID}},
			{ExecutionIndex: -1, ArtifactIndex: -1, Event: mlmd.Event{Type: mlmd.EventDeclaredInput, ExecutionID: e.ID, ArtifactID: a.ID}},
		},
	}
	res, err := s.PutLineageSubgraph(t.Context(), g, &mlmd.PutLineageSubgraphOptions{ReuseContextIfAlreadyExist: true})
	ok(t, err, "put")
	if fmt.Sprint(res.ContextIDs, res.ExecutionIDs, res.ArtifactIDs) != fmt.Sprint([]int64{stored.ID}, []int64{e.ID}, []int64{a.ID}) {
		t.Fatalf("result %+v", res)
	}
	es, _, err := executions.byContext(t, s, stored.ID, nil)
	ok(t, err, "executions by context")
	wantNodes(t, es, []gnode{fromExecution(e)}, ignoreTimes|ignoreType, "executions by context")
	as, _, err := artifacts.byContext(t, s, stored.ID, nil)
	ok(t, err, "artifacts by context")
	wantNodes(t, as, []gnode{fromArtifact(a)}, ignoreTimes|ignoreType, "artifacts by context")
	cs, _, err := contexts.list(t, s, nil)
	ok(t, err, "contexts")
	wantNodes(t, cs, []gnode{fromContext(stored)}, ignoreTimes|ignoreType, "contexts")
	evs, err := s.GetEventsByExecutionIDs(t.Context(), res.ExecutionIDs)
	ok(t, err, "events")
	var types []mlmd.EventType
	for _, ev := range evs {
		if ev.ExecutionID != e.ID || ev.ArtifactID != a.ID {
			t.Errorf("event %+v", ev)
		}
		types = append(types, ev.Type)
	}
	if fmt.Sprint(types) != fmt.Sprint([]mlmd.EventType{mlmd.EventOutput, mlmd.EventInput, mlmd.EventDeclaredInput}) {
		t.Errorf("event types %v", types)
	}
}

// testLineageNewNodes: upstream's PutLineageSubgraphWithNewArtifactsExecutions.
func testLineageNewNodes(t *testing.T, s *mlmd.Store) {
	ty, c, e, _ := lineageFixture(t, s)
	c.ID = 0
	a := mlmd.Artifact{TypeID: ty.artifact, URI: "testuri2", Properties: pv("property_1", str("1"))}
	newExe := mlmd.Execution{TypeID: ty.execution, Properties: pv("property_1", f64(2))}
	res, err := s.PutLineageSubgraph(t.Context(), mlmd.LineageSubgraph{
		Executions: []mlmd.Execution{e, newExe}, Artifacts: []mlmd.Artifact{a}, Contexts: []mlmd.Context{c},
		EventEdges: []mlmd.EventEdge{{ExecutionIndex: 1, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventOutput}}},
	}, &mlmd.PutLineageSubgraphOptions{ReuseContextIfAlreadyExist: true})
	ok(t, err, "put")
	es, _, err := executions.byContext(t, s, res.ContextIDs[0], nil)
	ok(t, err, "executions by context")
	newExe.ID = res.ExecutionIDs[1]
	wantNodes(t, es, []gnode{fromExecution(e), fromExecution(newExe)}, ignoreTimes|ignoreType, "executions by context")
	as, _, err := artifacts.byContext(t, s, res.ContextIDs[0], nil)
	ok(t, err, "artifacts by context")
	a.ID = res.ArtifactIDs[0]
	wantNodes(t, as, []gnode{fromArtifact(a)}, ignoreTimes|ignoreType, "artifacts by context")
	if es[1].Update < as[0].Create {
		t.Errorf("execution updated at %d, before the artifact was created at %d", es[1].Update, as[0].Create)
	}
	evs, err := s.GetEventsByArtifactIDs(t.Context(), res.ArtifactIDs)
	ok(t, err, "events")
	if len(evs) != 1 || evs[0].ExecutionID != newExe.ID || evs[0].Type != mlmd.EventOutput {
		t.Errorf("events %+v", evs)
	}
}

// testLineageUpdates: upstream's PutLineageSubgraphUpdatesArtifactsAndExecutions.
func testLineageUpdates(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	e := mlmd.Execution{TypeID: ty.execution, LastKnownState: mlmd.ExecutionStateRunning,
		Properties: pv("property_1", f64(1)), CustomProperties: pv("property_2", f64(2))}
	res, err := s.PutExecution(t.Context(), e, nil, nil, nil)
	ok(t, err, "execution")
	e.ID = res.ExecutionID
	a := mlmd.Artifact{TypeID: ty.artifact, State: mlmd.ArtifactStatePending, URI: "testuri",
		Properties: pv("property_1", str("1")), CustomProperties: pv("property_2", str("2"))}
	ids, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{a}, nil)
	ok(t, err, "artifact")
	a.ID = ids[0]
	e.LastKnownState = mlmd.ExecutionStateComplete
	e.Properties, e.CustomProperties = pv("property_1", f64(2)), pv("property_2", f64(3))
	a.State = mlmd.ArtifactStateLive
	a.Properties, a.CustomProperties = pv("property_1", str("2")), pv("property_2", str("3"))
	out, err := s.PutLineageSubgraph(t.Context(), mlmd.LineageSubgraph{Executions: []mlmd.Execution{e}, Artifacts: []mlmd.Artifact{a}}, nil)
	ok(t, err, "put")
	wantNode(t, mustGet(t, s, executions, out.ExecutionIDs[0]), fromExecution(e), ignoreTimes|ignoreType, "execution")
	wantNode(t, mustGet(t, s, artifacts, out.ArtifactIDs[0]), fromArtifact(a), ignoreTimes|ignoreType, "artifact")
}

// testLineageReuseArtifact: upstream's PutAndGetLineageSubgraphWithArtifactReuseOption.
func testLineageReuseArtifact(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	art := mlmd.Artifact{TypeID: ty.artifact, ExternalID: "artifact_reference_str", Name: "artifact_name"}
	put := func(a mlmd.Artifact, reuse bool) (putResult, error) {
		res, err := s.PutLineageSubgraph(t.Context(), mlmd.LineageSubgraph{
			Executions: []mlmd.Execution{{TypeID: ty.execution}}, Artifacts: []mlmd.Artifact{a},
		}, &mlmd.PutLineageSubgraphOptions{ReuseArtifactIfAlreadyExistByExternalID: reuse})
		return putResult{res.ArtifactIDs}, err
	}
	reuseArtifactSequence(t, s, art, put)
	// Unlike PutExecution, the lookup happens before the call writes: two
	// new artifacts with one new external id clash.
	failsUnchanged(t, s, mlmd.AlreadyExists, "one new external id twice", func() error {
		_, err := s.PutLineageSubgraph(t.Context(), mlmd.LineageSubgraph{Artifacts: []mlmd.Artifact{
			{TypeID: ty.artifact, ExternalID: "twice"}, {TypeID: ty.artifact, ExternalID: "twice"},
		}}, &mlmd.PutLineageSubgraphOptions{ReuseArtifactIfAlreadyExistByExternalID: true})
		return err
	})
}

// testLineageInvalidEdges: upstream's PutLineageSubgraphFailsWithInvalidEventEdge.
func testLineageInvalidEdges(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	res, err := s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution}, nil, nil, nil)
	ok(t, err, "execution")
	e := mlmd.Execution{ID: res.ExecutionID, TypeID: ty.execution}
	ids, err := s.PutArtifacts(t.Context(), []mlmd.Artifact{{TypeID: ty.artifact, URI: "testuri"}}, nil)
	ok(t, err, "artifact")
	a := mlmd.Artifact{ID: ids[0], TypeID: ty.artifact, URI: "testuri"}
	c := mlmd.Context{TypeID: ty.context, Name: "context"}
	_, err = s.PutContexts(t.Context(), []mlmd.Context{c}, nil)
	ok(t, err, "context")

	base := func() mlmd.LineageSubgraph {
		return mlmd.LineageSubgraph{Artifacts: []mlmd.Artifact{a}, Executions: []mlmd.Execution{e},
			EventEdges: []mlmd.EventEdge{{ExecutionIndex: 0, ArtifactIndex: 0, Event: mlmd.Event{Type: mlmd.EventInput}}}}
	}
	tests := []struct {
		name string
		edit func(g *mlmd.LineageSubgraph)
		code mlmd.Code
	}{
		{"no execution index and no execution id", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].ExecutionIndex = -1 }, mlmd.InvalidArgument},
		{"no artifact index and no artifact id", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].ArtifactIndex = -1 }, mlmd.InvalidArgument},
		{"execution index out of range", func(g *mlmd.LineageSubgraph) { g.Executions = nil }, mlmd.OutOfRange},
		{"artifact index out of range", func(g *mlmd.LineageSubgraph) { g.Artifacts = nil }, mlmd.OutOfRange},
		{"execution index past the end", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].ExecutionIndex = 1 }, mlmd.OutOfRange},
		{"existing context without reuse", func(g *mlmd.LineageSubgraph) { g.Contexts = []mlmd.Context{c} }, mlmd.AlreadyExists},
		{"event naming another execution", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].Event.ExecutionID = e.ID + 1 }, mlmd.InvalidArgument},
		{"event naming another artifact", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].Event.ArtifactID = a.ID + 1 }, mlmd.InvalidArgument},
		{"event execution id for a new execution", func(g *mlmd.LineageSubgraph) {
			g.EventEdges[0].Event.ExecutionID = e.ID
			g.Executions[0].ID = 0
		}, mlmd.InvalidArgument},
		{"event artifact id for a new artifact", func(g *mlmd.LineageSubgraph) {
			g.EventEdges[0].Event.ArtifactID = a.ID
			g.Artifacts[0].ID = 0
		}, mlmd.InvalidArgument},
		{"event without type", func(g *mlmd.LineageSubgraph) { g.EventEdges[0].Event.Type = mlmd.EventUnknown }, mlmd.InvalidArgument},
		{"event by id to an unknown execution", func(g *mlmd.LineageSubgraph) {
			g.EventEdges[0].ExecutionIndex = -1
			g.EventEdges[0].Event.ExecutionID = e.ID + 100
		}, mlmd.InvalidArgument},
		{"same event twice", func(g *mlmd.LineageSubgraph) { g.EventEdges = append(g.EventEdges, g.EventEdges[0]) }, mlmd.AlreadyExists},
	}
	for _, tt := range tests {
		g := base()
		tt.edit(&g)
		failsUnchanged(t, s, tt.code, tt.name, func() error {
			_, err := s.PutLineageSubgraph(t.Context(), g, nil)
			return err
		})
	}
	// The base request itself is fine.
	_, err = s.PutLineageSubgraph(t.Context(), base(), nil)
	ok(t, err, "base request")
}

// testLineageBadNodes: every node of a subgraph needs a type id and
// properties that match its type, checked before anything is written.
func testLineageBadNodes(t *testing.T, s *mlmd.Store) {
	ty, _, e, a := lineageFixture(t, s)
	tests := []struct {
		name string
		g    mlmd.LineageSubgraph
		code mlmd.Code
	}{
		{"update without type id", mlmd.LineageSubgraph{Executions: []mlmd.Execution{{ID: e.ID}}}, mlmd.InvalidArgument},
		{"artifact without type id", mlmd.LineageSubgraph{Artifacts: []mlmd.Artifact{{URI: "x"}}}, mlmd.InvalidArgument},
		{"context of an unknown type", mlmd.LineageSubgraph{Contexts: []mlmd.Context{{TypeID: ty.context + 100, Name: "x"}}}, mlmd.NotFound},
		{"artifact with a wrong property", mlmd.LineageSubgraph{
			Contexts:  []mlmd.Context{{TypeID: ty.context, Name: "new"}},
			Artifacts: []mlmd.Artifact{a, {TypeID: ty.artifact, Properties: pv("property_1", i64(1))}}}, mlmd.InvalidArgument},
		{"context without name", mlmd.LineageSubgraph{Contexts: []mlmd.Context{{TypeID: ty.context}}}, mlmd.InvalidArgument},
		{"update with another type", mlmd.LineageSubgraph{Artifacts: []mlmd.Artifact{{ID: a.ID, TypeID: putOtherArtifactType(t, s)}}}, mlmd.InvalidArgument},
	}
	for _, tt := range tests {
		failsUnchanged(t, s, tt.code, tt.name, func() error {
			_, err := s.PutLineageSubgraph(t.Context(), tt.g, nil)
			return err
		})
	}
	res, err := s.PutLineageSubgraph(t.Context(), mlmd.LineageSubgraph{}, nil)
	ok(t, err, "empty subgraph")
	if len(res.ArtifactIDs)+len(res.ExecutionIDs)+len(res.ContextIDs) != 0 {
		t.Errorf("empty subgraph: %+v", res)
	}
}

func putOtherArtifactType(t *testing.T, s *mlmd.Store) int64 {
	return mustType(t, s, artifactTypes, gtype{Name: "other_artifact_type"})
}

// testPutExecutionConcurrentReuse: writers that create the same new
// context at once with ReuseContextIfAlreadyExist all succeed, retrying
// on Aborted as MLMD asks, and share one context.
func testPutExecutionConcurrentReuse(t *testing.T, s *mlmd.Store) {
	ty := putTxTypes(t, s)
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			for attempt := 0; attempt < 20; attempt++ {
				_, err = s.PutExecution(t.Context(), mlmd.Execution{TypeID: ty.execution},
					[]mlmd.ArtifactAndEvent{{Artifact: &mlmd.Artifact{TypeID: ty.artifact}, Event: &mlmd.Event{Type: mlmd.EventOutput}}},
					[]mlmd.Context{{TypeID: ty.context, Name: "shared"}},
					&mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
				if mlmd.CodeOf(err) != mlmd.Aborted {
					break
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		ok(t, err, "concurrent PutExecution")
	}
	cs, _, err := contexts.list(t, s, nil)
	ok(t, err, "contexts")
	if len(cs) != 1 {
		t.Fatalf("got %d contexts, want 1", len(cs))
	}
	es, _, err := executions.byContext(t, s, cs[0].ID, nil)
	ok(t, err, "executions")
	as, _, err := artifacts.byContext(t, s, cs[0].ID, nil)
	ok(t, err, "artifacts")
	if len(es) != writers || len(as) != writers {
		t.Errorf("got %d executions and %d artifacts in the context, want %d each", len(es), len(as), writers)
	}
}

// testLineageCancelled ends the context of a large PutLineageSubgraph
// (cancelled, or past its deadline) once its transaction has begun: the
// call returns the context's error and writes nothing; the same call then
// succeeds with a live context.
func testLineageCancelled(t *testing.T, s *mlmd.Store, clock *Clock) {
	ty := putTxTypes(t, s)
	const artifacts, executions = 1500, 150
	g := mlmd.LineageSubgraph{Contexts: []mlmd.Context{{TypeID: ty.context, Name: "c1"}, {TypeID: ty.context, Name: "c2"}}}
	for i := range artifacts {
		g.Artifacts = append(g.Artifacts, mlmd.Artifact{TypeID: ty.artifact, URI: fmt.Sprint("/a/", i),
			Properties:       mlmd.Properties{"property_1": mlmd.StringValue(fmt.Sprint("v", i))},
			CustomProperties: mlmd.Properties{"n": mlmd.IntValue(int64(i))}})
		g.EventEdges = append(g.EventEdges, mlmd.EventEdge{ArtifactIndex: i, ExecutionIndex: i % executions,
			Event: mlmd.Event{Type: mlmd.EventOutput}})
	}
	for i := range executions {
		g.Executions = append(g.Executions, mlmd.Execution{TypeID: ty.execution, Name: fmt.Sprint("e", i)})
	}
	for _, c := range []struct {
		name string
		want error
		ctx  func() (ctx context.Context, end, cancel func())
	}{
		{"cancelled", context.Canceled, func() (context.Context, func(), func()) {
			ctx, cancel := context.WithCancel(t.Context())
			return ctx, cancel, cancel
		}},
		{"deadline", context.DeadlineExceeded, func() (context.Context, func(), func()) {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			return ctx, func() { <-ctx.Done() }, cancel
		}},
	} {
		ctx, end, cancel := c.ctx()
		clock.whenRead(end)
		_, err := s.PutLineageSubgraph(ctx, g, nil)
		cancel()
		if !errors.Is(err, c.want) {
			t.Fatalf("%s: error %v, want %v", c.name, err, c.want)
		}
		as, _, err := s.GetArtifacts(t.Context(), nil)
		ok(t, err, "GetArtifacts")
		es, _, err := s.GetExecutions(t.Context(), nil)
		ok(t, err, "GetExecutions")
		cs, _, err := s.GetContexts(t.Context(), nil)
		ok(t, err, "GetContexts")
		if len(as)+len(es)+len(cs) != 0 {
			t.Fatalf("%s: the call left %d artifacts, %d executions, %d contexts", c.name, len(as), len(es), len(cs))
		}
	}
	res, err := s.PutLineageSubgraph(t.Context(), g, nil)
	ok(t, err, "PutLineageSubgraph with a live context")
	if len(res.ArtifactIDs) != artifacts || len(res.ExecutionIDs) != executions || len(res.ContextIDs) != 2 {
		t.Fatalf("result of the live call: %d artifacts, %d executions, %d contexts", len(res.ArtifactIDs), len(res.ExecutionIDs), len(res.ContextIDs))
	}
}
