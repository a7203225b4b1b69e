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
	store, err := mlmd.Open(ctx, "sqlite", "file:"+path)
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

	// 4. Questions.
	trained, err := inputsOfProducers(ctx, store, modelID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhich dataset trained model", modelID, "?")
	for _, a := range trained {
		fmt.Fprintf(w, "  artifact %d (%s) %s day=%d split=%s\n", a.ID, a.Type, a.URI,
			a.Properties["day"].AsInt(), a.Properties["split"].AsString())
	}

	models, err := outputsOfConsumers(ctx, store, dataID, "SavedModel")
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhich models came from dataset", dataID, "?")
	for _, a := range models {
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

	// 5. The model's whole provenance in one call, drawn as a Mermaid
	// flowchart (paste it into any Mermaid viewer, or a Markdown file).
	prov, err := store.Provenance(ctx, modelID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nProvenance of model %d (Mermaid):\n", modelID)
	fmt.Fprint(w, lineageviz.Mermaid(prov))
	return nil
}

// inputsOfProducers returns the input artifacts of the executions that
// wrote the given artifact.
func inputsOfProducers(ctx context.Context, store *mlmd.Store, artifactID int64) ([]mlmd.Artifact, error) {
	events, err := store.GetEventsByArtifactIDs(ctx, []int64{artifactID})
	if err != nil {
		return nil, err
	}
	var producers []int64
	for _, e := range events {
		if e.Type.IsOutput() {
			producers = append(producers, e.ExecutionID)
		}
	}
	events, err = store.GetEventsByExecutionIDs(ctx, producers)
	if err != nil {
		return nil, err
	}
	var inputs []int64
	for _, e := range events {
		if e.Type.IsInput() {
			inputs = append(inputs, e.ArtifactID)
		}
	}
	return store.GetArtifactsByID(ctx, inputs)
}

// outputsOfConsumers returns the output artifacts, of the given type, of
// the executions that read the given artifact.
func outputsOfConsumers(ctx context.Context, store *mlmd.Store, artifactID int64, typeName string) ([]mlmd.Artifact, error) {
	events, err := store.GetEventsByArtifactIDs(ctx, []int64{artifactID})
	if err != nil {
		return nil, err
	}
	var consumers []int64
	for _, e := range events {
		if e.Type.IsInput() {
			consumers = append(consumers, e.ExecutionID)
		}
	}
	events, err = store.GetEventsByExecutionIDs(ctx, consumers)
	if err != nil {
		return nil, err
	}
	var outputs []int64
	for _, e := range events {
		if e.Type.IsOutput() {
			outputs = append(outputs, e.ArtifactID)
		}
	}
	all, err := store.GetArtifactsByID(ctx, outputs)
	if err != nil {
		return nil, err
	}
	var out []mlmd.Artifact
	for _, a := range all {
		if a.Type == typeName {
			out = append(out, a)
		}
	}
	return out, nil
}
