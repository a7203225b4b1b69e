package testdb

import (
	"context"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd"
)

// The writes below go over the rows of MLMDRows, as a client would after
// a store adopted MLMD's database.

// ExtendExamplesType gives MLMD's type Examples (id 2) an int property
// "extra", which must keep the type's id.
func ExtendExamplesType(t testing.TB, s *mlmd.Store) {
	t.Helper()
	ctx := context.Background()
	examples, err := s.GetArtifactType(ctx, "Examples", "v1")
	if err != nil {
		t.Fatal(err)
	}
	examples.Properties["extra"] = mlmd.PropertyInt
	if id, err := s.PutArtifactType(ctx, examples, &mlmd.TypeOptions{CanAddFields: true}); err != nil || id != 2 {
		t.Fatalf("PutArtifactType: %d, %v; want MLMD's type 2", id, err)
	}
}

// UpdatedArtifact1 returns MLMD's artifact 1 with the URI /data/a2, the
// property span 43 and the custom property added=true, for the caller to
// put.
func UpdatedArtifact1(t testing.TB, s *mlmd.Store) mlmd.Artifact {
	t.Helper()
	arts, err := s.GetArtifactsByID(context.Background(), []int64{1})
	if err != nil || len(arts) != 1 {
		t.Fatalf("MLMD's artifact 1: %v, %v", arts, err)
	}
	a1 := arts[0]
	a1.URI = "/data/a2"
	a1.Properties["span"] = mlmd.IntValue(43)
	a1.CustomProperties["added"] = mlmd.BoolValue(true)
	return a1
}

// PutModelOutput puts MLMD's execution 1 again, now failed, with a new
// output artifact "model" (URI /models/1), which must get id 4, in MLMD's
// context 1.
func PutModelOutput(t testing.TB, s *mlmd.Store) {
	t.Helper()
	res, err := s.PutExecution(context.Background(),
		mlmd.Execution{ID: 1, TypeID: 3, Name: "run-1", ExternalID: "exe-ext-1", LastKnownState: mlmd.ExecutionStateFailed,
			Properties: mlmd.Properties{"steps": mlmd.IntValue(100)}, CustomProperties: mlmd.Properties{"cached": mlmd.BoolValue(false)}},
		[]mlmd.ArtifactAndEvent{{
			Artifact: &mlmd.Artifact{TypeID: 2, Name: "model", URI: "/models/1"},
			Event:    &mlmd.Event{Type: mlmd.EventOutput, Path: []mlmd.Step{mlmd.KeyStep("model"), mlmd.IndexStep(0)}},
		}},
		[]mlmd.Context{{ID: 1, TypeID: 4, Name: "pipeline-1", ExternalID: "ctx-ext-1", Properties: mlmd.Properties{"owner": mlmd.StringValue("me")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExecutionID != 1 || len(res.ArtifactIDs) != 1 || res.ArtifactIDs[0] != 4 || res.ContextIDs[0] != 1 {
		t.Fatalf("PutExecution: %+v", res)
	}
}
