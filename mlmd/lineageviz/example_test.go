package lineageviz_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/lineageviz"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

// Record a training run, then draw the model's provenance.
func Example() {
	ctx := context.Background()
	store, err := mlmd.Open(ctx, "sqlite", ":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	types, err := store.PutTypes(ctx, mlmd.Types{
		ArtifactTypes:  []mlmd.ArtifactType{{Name: "Examples"}, {Name: "Model"}},
		ExecutionTypes: []mlmd.ExecutionType{{Name: "Trainer"}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	data, err := store.PutArtifacts(ctx, []mlmd.Artifact{{TypeID: types.ArtifactTypeIDs[0], URI: "gs://data/train"}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	run, err := store.PutExecution(ctx,
		mlmd.Execution{TypeID: types.ExecutionTypeIDs[0], Name: "train-1", LastKnownState: mlmd.ExecutionStateComplete},
		[]mlmd.ArtifactAndEvent{
			{Event: &mlmd.Event{ArtifactID: data[0], Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("examples")}}},
			{Artifact: &mlmd.Artifact{TypeID: types.ArtifactTypeIDs[1], Name: "model-1", State: mlmd.ArtifactStateLive},
				Event: &mlmd.Event{Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("model")}}},
		}, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	provenance, err := store.Provenance(ctx, run.ArtifactIDs[1])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(lineageviz.Mermaid(provenance))
	// Output:
	// flowchart LR
	//   a1["Examples #1<br/>gs://data/train"]
	//   a2["Model #2<br/>model-1<br/>LIVE"]
	//   e1(["Trainer #1<br/>train-1<br/>COMPLETE"])
	//   a1 -->|"INPUT examples"| e1
	//   e1 -->|"OUTPUT model"| a2
}
