// Command typed is the quickstart (examples/quickstart) with the typed
// wrappers that mlmd-gen writes from types.yaml into mlmd_types.go:
//
//	go generate ./examples/typed   # after editing types.yaml
//	go run ./examples/typed        # a new SQLite file in a temp dir
//	go run ./examples/typed -db my.db
package main

//go:generate go run github.com/gomlmd/gomlmd/cmd/mlmd-gen -o mlmd_types.go types.yaml

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore" // registers the "sqlite" backend
)

func main() {
	db := flag.String("db", "", "SQLite file to use (default: a new file in a temp dir)")
	flag.Parse()
	if *db == "" {
		dir, err := os.MkdirTemp("", "mlmd-typed-")
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

	// 1. Types: registered (or found, on a second run) in one call.
	t, err := Register(ctx, store)
	if err != nil {
		return err
	}

	// 2. A dataset, and a training run that reads it.
	data := &DataSet{URI: "path/to/data", State: mlmd.ArtifactStateLive, Day: 1, Split: "train"}
	if err := t.DataSet.Put(ctx, data); err != nil {
		return err
	}
	train := &Trainer{LastKnownState: mlmd.ExecutionStateRunning, State: "RUNNING"}
	if err := t.Trainer.Put(ctx, train); err != nil {
		return err
	}
	if err := t.Trainer.Input(ctx, train, data.ID); err != nil {
		return err
	}

	// 3. The run completes and writes a model.
	model := &SavedModel{URI: "path/to/model/file", State: mlmd.ArtifactStateLive, Version: 1, ModelName: "MNIST-v1"}
	if err := t.SavedModel.Put(ctx, model); err != nil {
		return err
	}
	train.LastKnownState, train.State = mlmd.ExecutionStateComplete, "COMPLETED"
	if err := t.Trainer.Put(ctx, train); err != nil {
		return err
	}
	if err := t.Trainer.Output(ctx, train, model.ID); err != nil {
		return err
	}

	// 4. All of it belongs to an experiment.
	exp, err := t.Experiment.GetByName(ctx, "exp1")
	if mlmd.CodeOf(err) == mlmd.NotFound {
		exp = &Experiment{Name: "exp1", Note: "My first experiment."}
		err = t.Experiment.Put(ctx, exp)
	}
	if err != nil {
		return err
	}
	if err := t.Experiment.Attribute(ctx, exp, data.ID, model.ID); err != nil {
		return err
	}
	if err := t.Experiment.Associate(ctx, exp, train.ID); err != nil {
		return err
	}
	return questions(ctx, w, t, data, model, exp)
}

// questions asks what metadata is kept for, with typed answers.
func questions(ctx context.Context, w io.Writer, t *Types, data *DataSet, model *SavedModel, exp *Experiment) error {
	fmt.Fprintf(w, "\nWhich dataset trained model %d?\n", model.ID)
	producers, err := t.Trainer.ProducersOf(ctx, model.ID)
	if err != nil {
		return err
	}
	for _, p := range producers {
		sets, err := t.DataSet.InputsOf(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, d := range sets {
			fmt.Fprintf(w, "  dataset %d %s day=%d split=%s\n", d.ID, d.URI, d.Day, d.Split)
		}
	}

	fmt.Fprintf(w, "\nWhich models came from dataset %d?\n", data.ID)
	consumers, err := t.Trainer.ConsumersOf(ctx, data.ID)
	if err != nil {
		return err
	}
	for _, c := range consumers {
		models, err := t.SavedModel.OutputsOf(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, m := range models {
			fmt.Fprintf(w, "  model %d %s name=%s version=%d\n", m.ID, m.URI, m.ModelName, m.Version)
		}
	}

	fmt.Fprintf(w, "\nEverything in experiment %s:\n", exp.Name)
	sets, err := t.DataSet.ByContext(ctx, exp.ID)
	if err != nil {
		return err
	}
	models, err := t.SavedModel.ByContext(ctx, exp.ID)
	if err != nil {
		return err
	}
	runs, err := t.Trainer.ByContext(ctx, exp.ID)
	if err != nil {
		return err
	}
	for _, d := range sets {
		fmt.Fprintf(w, "  dataset %d %s\n", d.ID, d.URI)
	}
	for _, m := range models {
		fmt.Fprintf(w, "  model %d %s\n", m.ID, m.URI)
	}
	for _, r := range runs {
		fmt.Fprintf(w, "  trainer %d %s\n", r.ID, r.LastKnownState)
	}
	return nil
}
