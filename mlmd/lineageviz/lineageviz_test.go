package lineageviz_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/lineageviz"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// pipeline is a small training pipeline with the cases the drawing must
// handle: paths, states, names and uris, a node known by its id only, an
// event of unknown type, and text that needs escaping.
func pipeline() mlmd.LineageGraph {
	return mlmd.LineageGraph{
		ArtifactTypes: []mlmd.ArtifactType{{ID: 10, Name: "Examples"}, {ID: 11, Name: "Model"}},
		Artifacts: []mlmd.Artifact{
			{ID: 1, TypeID: 10, Type: "Examples", URI: "gs://bucket/data", State: mlmd.ArtifactStateLive},
			{ID: 3, TypeID: 11, Name: `model "v1" <best> #1 | a\b`, State: mlmd.ArtifactStateLive},
			{ID: 2, TypeID: 10, Name: "schema\nline 2"},
			{ID: 4},
		},
		Executions: []mlmd.Execution{
			{ID: 7, TypeID: 20, Type: "Trainer", Name: "train", LastKnownState: mlmd.ExecutionStateComplete},
			{ID: 5, TypeID: 21, Type: "SchemaGen"},
		},
		Events: []mlmd.Event{
			{ArtifactID: 3, ExecutionID: 7, Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("model"), mlmd.IndexStep(0)}},
			{ArtifactID: 1, ExecutionID: 7, Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("examples"), mlmd.IndexStep(0), mlmd.KeyStep("split")}},
			{ArtifactID: 2, ExecutionID: 7, Type: mlmd.EventDeclaredInput},
			{ArtifactID: 1, ExecutionID: 5, Type: mlmd.EventInput},
			{ArtifactID: 2, ExecutionID: 5, Type: mlmd.EventPendingOutput, Path: []mlmd.Step{mlmd.IndexStep(1)}},
			{ArtifactID: 9, ExecutionID: 5, Type: mlmd.EventUnknown},
		},
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		g    mlmd.LineageGraph
	}{
		{"pipeline", pipeline()},
		{"empty", mlmd.LineageGraph{}},
	} {
		golden(t, c.name+".dot", lineageviz.DOT(c.g))
		golden(t, c.name+".mmd", lineageviz.Mermaid(c.g))
	}
}

// TestDeterministic checks that the output does not depend on the order of
// the graph's slices.
func TestDeterministic(t *testing.T) {
	g := pipeline()
	dot, mmd := lineageviz.DOT(g), lineageviz.Mermaid(g)
	slices.Reverse(g.Artifacts)
	slices.Reverse(g.Executions)
	slices.Reverse(g.Events)
	if lineageviz.DOT(g) != dot || lineageviz.Mermaid(g) != mmd {
		t.Error("reordering the graph's slices changes the output")
	}
}

// TestEscaping checks that user text cannot break out of a label.
func TestEscaping(t *testing.T) {
	g := mlmd.LineageGraph{Artifacts: []mlmd.Artifact{{ID: 1, Type: "T", Name: "x\"];\nevil -> a1 [label=\"y\\"}}}
	dot := lineageviz.DOT(g)
	lines := strings.Split(strings.TrimSpace(dot), "\n")
	// header (4 lines), one node, closing brace
	if len(lines) != 6 || !strings.HasPrefix(lines[4], "  a1 [shape=box, label=\"T #1\\nx\\\"];\\nevil -> a1 [label=\\\"y\\\\\"];") {
		t.Errorf("DOT escaping:\n%s", dot)
	}
	mmd := lineageviz.Mermaid(mlmd.LineageGraph{Artifacts: []mlmd.Artifact{{ID: 1, Type: "T", Name: "a\"]\n b --> c |x| <i>#quot; &amp"}}})
	want := "flowchart LR\n  a1[\"T #1<br/>a#quot;]<br/> b --#gt; c #124;x#124; #lt;i#gt;#quot#59; #amp;amp\"]\n"
	if mmd != want {
		t.Errorf("Mermaid escaping:\n got %q\nwant %q", mmd, want)
	}
}
