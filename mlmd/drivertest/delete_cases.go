package drivertest

// Deletion (gomlmd's own; MLMD deletes nothing): Delete, DeleteByFilter,
// DeleteType. Each case compares a full dump of the store before and
// after with the dump predicted by the rules: the deleted nodes and the
// rows that refer to them go, nothing else changes.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

var deleteCases = []testCase{
	{name: "Delete/Artifact", run: testDeleteArtifact},
	{name: "Delete/Execution", run: testDeleteExecution},
	{name: "Delete/Context", run: testDeleteContext},
	{name: "Delete/Mixed", run: testDeleteMixed},
	{name: "Delete/BadInputChangesNothing", run: testDeleteBadInput},
	{name: "Delete/ByFilter", run: testDeleteByFilter},
	{name: "Delete/Types", run: testDeleteTypes},
	{name: "Delete/NamesFreed", run: testDeleteNamesFreed},
}

// pipeline is the store the deletion cases start from:
//
//	a1 -> e1 -> a2 -> e2 -> a3 -> e3 -> a4
//
// with contexts c1 (parent of c2 and c3), c2 (parent of c3); c1 holds a1,
// c2 holds a1, a2 and e1, c3 holds a3, a4, e2 and e3. Every node has
// properties.
type pipeline struct {
	a    [5]int64 // a[1]..a[4]
	e    [4]int64 // e[1]..e[3]
	c    [4]int64 // c[1]..c[3]
	data int64    // the artifact type
}

func newPipeline(t *testing.T, s *mlmd.Store) pipeline {
	t.Helper()
	var p pipeline
	p.data = mustType(t, s, artifactTypes, gtype{Name: "Data", Props: props("n", mlmd.PropertyInt)})
	st := mustType(t, s, executionTypes, gtype{Name: "Step", Props: props("n", mlmd.PropertyInt)})
	rt := mustType(t, s, contextTypes, gtype{Name: "Run", Props: props("n", mlmd.PropertyInt)})
	for i := 1; i <= 4; i++ {
		p.a[i] = mustPut(t, s, artifacts, gnode{TypeID: p.data, URI: fmt.Sprintf("/a%d", i), ExternalID: fmt.Sprintf("a%d", i),
			Props: mlmd.Properties{"n": mlmd.IntValue(int64(i))}, Custom: mlmd.Properties{"c": str("x")}})[0]
	}
	for i := 1; i <= 3; i++ {
		p.e[i] = mustPut(t, s, executions, gnode{TypeID: st, Name: fmt.Sprintf("e%d", i), Props: mlmd.Properties{"n": mlmd.IntValue(int64(i))}})[0]
		p.c[i] = mustPut(t, s, contexts, gnode{TypeID: rt, Name: fmt.Sprintf("c%d", i), Props: mlmd.Properties{"n": mlmd.IntValue(int64(i))}})[0]
	}
	var evs []mlmd.Event
	for i := 1; i <= 3; i++ {
		evs = append(evs,
			mlmd.Event{ArtifactID: p.a[i], ExecutionID: p.e[i], Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("in"), mlmd.IndexStep(int64(i))}},
			mlmd.Event{ArtifactID: p.a[i+1], ExecutionID: p.e[i], Type: mlmd.EventOutput})
	}
	ok(t, s.PutEvents(t.Context(), evs), "put events")
	ok(t, s.PutAttributionsAndAssociations(t.Context(),
		[]mlmd.Attribution{{ArtifactID: p.a[1], ContextID: p.c[1]}, {ArtifactID: p.a[1], ContextID: p.c[2]}, {ArtifactID: p.a[2], ContextID: p.c[2]},
			{ArtifactID: p.a[3], ContextID: p.c[3]}, {ArtifactID: p.a[4], ContextID: p.c[3]}},
		[]mlmd.Association{{ExecutionID: p.e[1], ContextID: p.c[2]}, {ExecutionID: p.e[2], ContextID: p.c[3]}, {ExecutionID: p.e[3], ContextID: p.c[3]}}),
		"put links")
	ok(t, s.PutParentContexts(t.Context(), []mlmd.ParentContext{{ChildID: p.c[2], ParentID: p.c[1]}, {ChildID: p.c[3], ParentID: p.c[1]},
		{ChildID: p.c[3], ParentID: p.c[2]}}), "put parent contexts")
	return p
}

var (
	dumpNodeLine    = regexp.MustCompile(`^(artifact|execution|context) id=(\d+) `)
	dumpEventLine   = regexp.MustCompile(`^event a=(\d+) e=(\d+) `)
	dumpEventCount  = regexp.MustCompile(`^events by execution: (\d+)$`)
	dumpMembersLine = regexp.MustCompile(`^context (\d+) (artifacts|executions|parents) \[(.*)\]$`)
)

// withoutIDs removes the ids in del from a dump's id list "[1 2 3]".
func withoutIDs(t *testing.T, list string, del []int64) string {
	t.Helper()
	var kept []int64
	for f := range strings.FieldsSeq(list) {
		id, err := strconv.ParseInt(f, 10, 64)
		ok(t, err, "parse dump")
		if !slices.Contains(del, id) {
			kept = append(kept, id)
		}
	}
	return fmt.Sprint(kept)
}

// afterDelete predicts the dump of a store after deleting del from the
// store whose dump was before, by the rules of mlmd.Store.Delete.
func afterDelete(t *testing.T, before []string, del mlmd.NodeIDs) []string {
	t.Helper()
	gone := map[string][]int64{"artifact": del.Artifacts, "execution": del.Executions, "context": del.Contexts}
	id := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		ok(t, err, "parse dump")
		return n
	}
	var out []string
	droppedEvents := 0
	for _, l := range before {
		switch {
		case dumpNodeLine.MatchString(l):
			m := dumpNodeLine.FindStringSubmatch(l)
			if slices.Contains(gone[m[1]], id(m[2])) {
				continue
			}
		case dumpEventLine.MatchString(l):
			m := dumpEventLine.FindStringSubmatch(l)
			if slices.Contains(del.Artifacts, id(m[1])) || slices.Contains(del.Executions, id(m[2])) {
				droppedEvents++
				continue
			}
		case dumpEventCount.MatchString(l):
			n := id(dumpEventCount.FindStringSubmatch(l)[1])
			l = fmt.Sprintf("events by execution: %d", n-int64(droppedEvents))
		case dumpMembersLine.MatchString(l):
			m := dumpMembersLine.FindStringSubmatch(l)
			if slices.Contains(del.Contexts, id(m[1])) {
				continue
			}
			kind := map[string]string{"artifacts": "artifact", "executions": "execution", "parents": "context"}[m[2]]
			list := withoutIDs(t, m[3], gone[kind])
			if m[2] == "parents" && list == "[]" {
				continue // a context without parents has no line
			}
			l = fmt.Sprintf("context %s %s %s", m[1], m[2], list)
		}
		out = append(out, l)
	}
	// The dump counts events by execution only when there are executions.
	if !slices.ContainsFunc(out, func(l string) bool { return strings.HasPrefix(l, "execution id=") }) {
		out = slices.DeleteFunc(out, dumpEventCount.MatchString)
	}
	return out
}

// deleteAndCheck deletes del and checks the store's dump against the
// prediction.
func deleteAndCheck(t *testing.T, s *mlmd.Store, del mlmd.NodeIDs) {
	t.Helper()
	before := dumpStore(t, s)
	want := afterDelete(t, before, del)
	ok(t, s.Delete(t.Context(), del), "delete")
	wantUnchanged(t, s, want, fmt.Sprintf("Delete(%+v) against the rules", del))
}

// wantLineage checks which nodes the provenance (upstream) of an artifact
// reaches.
func wantLineage(t *testing.T, s *mlmd.Store, artifact int64, wantArtifacts, wantExecutions []int64) {
	t.Helper()
	g, err := s.Provenance(t.Context(), artifact)
	ok(t, err, "provenance")
	var as, es []int64
	for _, a := range g.Artifacts {
		as = append(as, a.ID)
	}
	for _, e := range g.Executions {
		es = append(es, e.ID)
	}
	slices.Sort(as)
	slices.Sort(es)
	if !slices.Equal(as, wantArtifacts) || !slices.Equal(es, wantExecutions) {
		t.Errorf("provenance of artifact %d: artifacts %v executions %v, want %v and %v", artifact, as, es, wantArtifacts, wantExecutions)
	}
}

func testDeleteArtifact(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	// The artifact's events go: e1 loses its output, e2 its input.
	deleteAndCheck(t, s, mlmd.NodeIDs{Artifacts: []int64{p.a[2]}})
	wantLineage(t, s, p.a[4], []int64{p.a[3], p.a[4]}, []int64{p.e[2], p.e[3]})
	evs, err := s.GetEventsByExecutionIDs(t.Context(), []int64{p.e[1]})
	ok(t, err, "events of e1")
	if len(evs) != 1 || evs[0].ArtifactID != p.a[1] || len(evs[0].Path) != 2 {
		t.Errorf("events of e1 after deleting its output: %+v", evs)
	}
}

func testDeleteExecution(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	deleteAndCheck(t, s, mlmd.NodeIDs{Executions: []int64{p.e[2]}})
	// a3 has no producer now; the lineage above a2 is whole.
	wantLineage(t, s, p.a[4], []int64{p.a[3], p.a[4]}, []int64{p.e[3]})
	wantLineage(t, s, p.a[2], []int64{p.a[1], p.a[2]}, []int64{p.e[1]})
}

func testDeleteContext(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	// c2's members stay; c3 keeps c1 as its parent.
	deleteAndCheck(t, s, mlmd.NodeIDs{Contexts: []int64{p.c[2]}})
	wantLineage(t, s, p.a[4], []int64{p.a[1], p.a[2], p.a[3], p.a[4]}, []int64{p.e[1], p.e[2], p.e[3]})
	cs, err := s.GetContextsByArtifact(t.Context(), p.a[1])
	ok(t, err, "contexts of a1")
	if len(cs) != 1 || cs[0].ID != p.c[1] {
		t.Errorf("contexts of a1: %+v, want c1 only", cs)
	}
}

func testDeleteMixed(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	deleteAndCheck(t, s, mlmd.NodeIDs{Artifacts: []int64{p.a[4], p.a[4]}, Executions: []int64{p.e[3]}, Contexts: []int64{p.c[3], p.c[1]}})
	wantLineage(t, s, p.a[3], []int64{p.a[1], p.a[2], p.a[3]}, []int64{p.e[1], p.e[2]})
	// Everything, then the store is empty of nodes.
	deleteAndCheck(t, s, mlmd.NodeIDs{Artifacts: []int64{p.a[1], p.a[2], p.a[3]}, Executions: []int64{p.e[1], p.e[2]}, Contexts: []int64{p.c[2]}})
	for _, k := range nodeKinds {
		ns, _, err := k.list(t, s, nil)
		ok(t, err, "list")
		if len(ns) != 0 {
			t.Errorf("%ss left: %v", k.name, nodeIDs(ns))
		}
	}
}

func testDeleteBadInput(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	failsUnchanged(t, s, mlmd.NotFound, "delete a missing artifact with an existing one", func() error {
		return s.Delete(t.Context(), mlmd.NodeIDs{Artifacts: []int64{p.a[1], 9999}})
	})
	failsUnchanged(t, s, mlmd.NotFound, "delete an execution id as a context", func() error {
		return s.Delete(t.Context(), mlmd.NodeIDs{Executions: []int64{p.e[1]}, Contexts: []int64{p.c[3] + 100}})
	})
	failsUnchanged(t, s, mlmd.InvalidArgument, "delete too many", func() error {
		return s.DeleteArtifacts(t.Context(), make([]int64, mlmd.MaxDeleteBatch+1))
	})
	failsUnchanged(t, s, mlmd.InvalidArgument, "delete by an empty filter", func() error {
		_, err := s.DeleteByFilter(t.Context(), mlmd.KindArtifact, " ", 10)
		return err
	})
	failsUnchanged(t, s, mlmd.InvalidArgument, "delete by a bad filter", func() error {
		_, err := s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "uri = ", 10)
		return err
	})
	for _, limit := range []int{0, -1, mlmd.MaxDeleteBatch + 1} {
		failsUnchanged(t, s, mlmd.InvalidArgument, fmt.Sprintf("delete by filter, limit %d", limit), func() error {
			_, err := s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "uri = '/a1'", limit)
			return err
		})
	}
	// Nothing to delete is no error.
	ok(t, s.Delete(t.Context(), mlmd.NodeIDs{}), "delete nothing")
}

func testDeleteByFilter(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	before := dumpStore(t, s)
	got, err := s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "properties.n.int_value >= 2", 2)
	ok(t, err, "delete by filter")
	if !slices.Equal(got, []int64{p.a[2], p.a[3]}) {
		t.Errorf("first batch deleted %v, want the two lowest ids %v", got, []int64{p.a[2], p.a[3]})
	}
	got, err = s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "properties.n.int_value >= 2", 2)
	ok(t, err, "delete by filter")
	if !slices.Equal(got, []int64{p.a[4]}) {
		t.Errorf("second batch deleted %v, want %v", got, []int64{p.a[4]})
	}
	got, err = s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "properties.n.int_value >= 2", 2)
	ok(t, err, "delete by filter")
	if len(got) != 0 {
		t.Errorf("third batch deleted %v, want none", got)
	}
	wantUnchanged(t, s, afterDelete(t, before, mlmd.NodeIDs{Artifacts: []int64{p.a[2], p.a[3], p.a[4]}}), "DeleteByFilter against the rules")
	// Contexts by a filter on their links' nodes.
	before = dumpStore(t, s)
	got, err = s.DeleteByFilter(t.Context(), mlmd.KindContext, "executions_e.name = 'e1'", 10)
	ok(t, err, "delete contexts by filter")
	if !slices.Equal(got, []int64{p.c[2]}) {
		t.Errorf("deleted contexts %v, want %v", got, []int64{p.c[2]})
	}
	wantUnchanged(t, s, afterDelete(t, before, mlmd.NodeIDs{Contexts: got}), "DeleteByFilter of contexts against the rules")
}

func testDeleteTypes(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	failsUnchanged(t, s, mlmd.FailedPrecondition, "delete a type in use", func() error {
		return s.DeleteType(t.Context(), mlmd.KindArtifact, p.data)
	})
	failsUnchanged(t, s, mlmd.NotFound, "delete a type of another kind", func() error {
		return s.DeleteType(t.Context(), mlmd.KindExecution, p.data)
	})
	failsUnchanged(t, s, mlmd.NotFound, "delete a missing type", func() error {
		return s.DeleteType(t.Context(), mlmd.KindContext, 9999)
	})
	sys, err := s.GetArtifactType(t.Context(), "mlmd.Dataset", "")
	ok(t, err, "get the system type mlmd.Dataset")
	failsUnchanged(t, s, mlmd.FailedPrecondition, "delete a system type", func() error {
		return s.DeleteType(t.Context(), mlmd.KindArtifact, sys.ID)
	})

	// An unused type with a base type and properties goes, and its name is
	// free again (with other properties: nothing of the old one is left).
	unused := mustType(t, s, artifactTypes, gtype{Name: "Unused", Props: props("old", mlmd.PropertyString), Base: int32(mlmd.ArtifactBaseModel)})
	before := dumpStore(t, s)
	ok(t, s.DeleteType(t.Context(), mlmd.KindArtifact, unused), "delete an unused type")
	var want []string
	for _, l := range before {
		if !strings.Contains(l, `name="Unused"`) {
			want = append(want, l)
		}
	}
	wantUnchanged(t, s, want, "DeleteType")
	again := mustType(t, s, artifactTypes, gtype{Name: "Unused", Props: props("new", mlmd.PropertyInt)})
	got, err := s.GetArtifactTypesByID(t.Context(), []int64{again})
	ok(t, err, "get the new type")
	if len(got) != 1 || len(got[0].Properties) != 1 || got[0].Properties["new"] != mlmd.PropertyInt || got[0].BaseType != mlmd.ArtifactBaseUnset {
		t.Errorf("the type put again after deletion: %+v", got)
	}

	// Once its nodes are gone, a type can go.
	for {
		ids, err := s.DeleteByFilter(t.Context(), mlmd.KindArtifact, "type = 'Data'", 3)
		ok(t, err, "delete the artifacts")
		if len(ids) == 0 {
			break
		}
	}
	ok(t, s.DeleteType(t.Context(), mlmd.KindArtifact, p.data), "delete a type no longer used")
	if _, err := s.GetArtifactType(t.Context(), "Data", ""); mlmd.CodeOf(err) != mlmd.NotFound {
		t.Errorf("get the deleted type: %v, want NotFound", err)
	}
}

func testDeleteNamesFreed(t *testing.T, s *mlmd.Store) {
	p := newPipeline(t, s)
	ok(t, s.DeleteArtifacts(t.Context(), []int64{p.a[1]}), "delete a1")
	ok(t, s.DeleteContexts(t.Context(), []int64{p.c[1]}), "delete c1")
	// The external id and the context name are free again.
	a := mustPut(t, s, artifacts, gnode{TypeID: p.data, ExternalID: "a1"})[0]
	got := mustGet(t, s, artifacts, a)
	if len(got.Props) != 0 || len(got.Custom) != 0 {
		t.Errorf("a new artifact got properties of a deleted one: %+v", got)
	}
	ctxs, err := s.GetContextsByID(t.Context(), []int64{p.c[2]})
	ok(t, err, "get c2")
	_, err = s.PutContexts(t.Context(), []mlmd.Context{{TypeID: ctxs[0].TypeID, Name: "c1"}}, nil)
	ok(t, err, "put a context named as a deleted one")
}
