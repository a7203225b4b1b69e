// Command quickstart walks the flow of MLMD's getting-started guide on a
// SQLite file: it registers types, records a dataset, a training run and the
// model it produced, groups them in an experiment, and then asks the
// questions metadata is kept for, ending with the model's provenance drawn
// as a Mermaid diagram.
//
//	go run ./examples/quickstart            # a new file in a temp dir
//	go run ./examples/quickstart -db my.db  # or a file of your choice
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/lineageviz"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

func main() {
	db := flag.String("db", "", "SQLite file to use (default: a new file in a temp dir)")
	flag.Parse()
	if *db == "" {
		dir, err := os.MkdirTemp("", "mlmd-quickstart-")
		if err != nil {
			log.Fatal(err)
		}
		*db = filepath.Join(dir, "mlmd.db")
	}
	if err := run(context.Background(), os.Stdout, *db); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer, path string) error {
	store, err := mlmd.Open(ctx, "sqlite", "file:"+path, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(w, "store: %s\n", path)

	// 1. Types: what kinds of artifacts, executions and contexts exist.
	dataSetType, err := store.PutArtifactType(ctx, mlmd.ArtifactType{
		Name:       "DataSet",
		Properties: map[string]mlmd.PropertyType{"day": mlmd.PropertyInt, "split": mlmd.PropertyString},
	}, nil)
	if err != nil {
		return fmt.Errorf("register DataSet: %w", err)
	}
	modelType, err := store.PutArtifactType(ctx, mlmd.ArtifactType{
		Name:       "SavedModel",
		Properties: map[string]mlmd.PropertyType{"version": mlmd.PropertyInt, "name": mlmd.PropertyString},
	}, nil)
	if err != nil {
		return fmt.Errorf("register SavedModel: %w", err)
	}
	trainerType, err := store.PutExecutionType(ctx, mlmd.ExecutionType{
		Name:       "Trainer",
		Properties: map[string]mlmd.PropertyType{"state": mlmd.PropertyString},
	}, nil)
	if err != nil {
		return fmt.Errorf("register Trainer: %w", err)
	}
	experimentType, err := store.PutContextType(ctx, mlmd.ContextType{
		Name:       "Experiment",
		Properties: map[string]mlmd.PropertyType{"note": mlmd.PropertyString},
	}, nil)
	if err != nil {
		return fmt.Errorf("register Experiment: %w", err)
	}

	// 2. A dataset, and a training run that reads it.
	ids, err := store.PutArtifacts(ctx, []mlmd.Artifact{{
		TypeID: dataSetType,
		URI:    "path/to/data",
		State:  mlmd.ArtifactStateLive,
		Properties: mlmd.Properties{
			"day":   mlmd.IntValue(1),
			"split": mlmd.StringValue("train"),
		},
	}}, nil)
	if err != nil {
		return fmt.Errorf("put dataset: %w", err)
	}
	dataID := ids[0]

	ids, err = store.PutExecutions(ctx, []mlmd.Execution{{
		TypeID:         trainerType,
		LastKnownState: mlmd.ExecutionStateRunning,
		Properties:     mlmd.Properties{"state": mlmd.StringValue("RUNNING")},
	}}, nil)
	if err != nil {
		return fmt.Errorf("put trainer run: %w", err)
	}
	runID := ids[0]
	if err := store.PutEvents(ctx, []mlmd.Event{{
		ArtifactID: dataID, ExecutionID: runID, Type: mlmd.EventDeclaredInput,
	}}); err != nil {
		return fmt.Errorf("put input event: %w", err)
	}

	// 3. The run finishes and writes a model: the model, its output event
	// and the run's new state go in as one transaction, inside an
	// experiment context.
	res, err := store.PutExecution(ctx,
		mlmd.Execution{
			ID: runID, TypeID: trainerType,
			LastKnownState: mlmd.ExecutionStateComplete,
			Properties:     mlmd.Properties{"state": mlmd.StringValue("COMPLETED")},
		},
		[]mlmd.ArtifactAndEvent{{
			Artifact: &mlmd.Artifact{
				TypeID: modelType,
				URI:    "path/to/model/file",
				State:  mlmd.ArtifactStateLive,
				Properties: mlmd.Properties{
					"version": mlmd.IntValue(1),
					"name":    mlmd.StringValue("MNIST-v1"),
				},
			},
			Event: &mlmd.Event{Type: mlmd.EventDeclaredOutput},
		}},
		[]mlmd.Context{{
			TypeID:     experimentType,
			Name:       "exp1",
			Properties: mlmd.Properties{"note": mlmd.StringValue("My first experiment.")},
		}},
		&mlmd.PutExecutionOptions{ReuseContextIfAlreadyExist: true})
	if err != nil {
		return fmt.Errorf("publish trainer run: %w", err)
	}
	modelID, expID := res.ArtifactIDs[0], res.ContextIDs[0]
	// The dataset belongs to the experiment too.
	if err := store.PutAttributionsAndAssociations(ctx,
		[]mlmd.Attribution{{ArtifactID: dataID, ContextID: expID}}, nil); err != nil {
		return fmt.Errorf("attribute dataset: %w", err)
	}

	// 4. Questions. Provenance walks the lineage upstream from the model
	// (the runs that wrote it, what they read, the runs that wrote that,
	// ...); Descendants walks downstream from the dataset.
	prov, err := store.Provenance(ctx, modelID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhich dataset trained model", modelID, "?")
	for _, a := range artifactsOfType(prov, "DataSet") {
		fmt.Fprintf(w, "  artifact %d (%s) %s day=%d split=%s\n", a.ID, a.Type, a.URI,
			a.Properties["day"].AsInt(), a.Properties["split"].AsString())
	}

	desc, err := store.Descendants(ctx, dataID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhich models came from dataset", dataID, "?")
	for _, a := range artifactsOfType(desc, "SavedModel") {
		fmt.Fprintf(w, "  artifact %d (%s) %s name=%s version=%d\n", a.ID, a.Type, a.URI,
			a.Properties["name"].AsString(), a.Properties["version"].AsInt())
	}

	arts, _, err := store.GetArtifactsByContext(ctx, expID, nil)
	if err != nil {
		return err
	}
	execs, _, err := store.GetExecutionsByContext(ctx, expID, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nEverything in experiment exp1:")
	for _, a := range arts {
		fmt.Fprintf(w, "  artifact %d (%s) %s\n", a.ID, a.Type, a.URI)
	}
	for _, e := range execs {
		fmt.Fprintf(w, "  execution %d (%s) %s\n", e.ID, e.Type, e.LastKnownState)
	}

	// 5. The model's provenance, drawn as a Mermaid flowchart (paste it
	// into any Mermaid viewer, or a Markdown file).
	fmt.Fprintf(w, "\nProvenance of model %d (Mermaid):\n", modelID)
	fmt.Fprint(w, lineageviz.Mermaid(prov))
	return nil
}

// artifactsOfType returns the artifacts of g of the named type.
func artifactsOfType(g mlmd.LineageGraph, typeName string) []mlmd.Artifact {
	var out []mlmd.Artifact
	for _, a := range g.Artifacts {
		if a.Type == typeName {
			out = append(out, a)
		}
	}
	return out
}
