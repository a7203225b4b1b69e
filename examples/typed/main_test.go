package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/mlmdgen"
)

// TestTyped runs the example twice on one SQLite file: the second run
// registers the same types again and adds to the same experiment.
func TestTyped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mlmd.db")
	for i, wants := range [][]string{{
		"Which dataset trained model 2?\n  dataset 1 path/to/data day=1 split=train\n\n",
		"Which models came from dataset 1?\n  model 2 path/to/model/file name=MNIST-v1 version=1\n\n",
		"Everything in experiment exp1:\n  dataset 1 path/to/data\n  model 2 path/to/model/file\n  trainer 1 COMPLETE\n",
	}, {
		"Which dataset trained model 4?\n  dataset 3 path/to/data day=1 split=train\n\n",
		"Which models came from dataset 3?\n  model 4 path/to/model/file name=MNIST-v1 version=1\n\n",
		"Everything in experiment exp1:\n  dataset 1 path/to/data\n  dataset 3 path/to/data\n" +
			"  model 2 path/to/model/file\n  model 4 path/to/model/file\n  trainer 1 COMPLETE\n  trainer 2 COMPLETE\n",
	}} {
		var out bytes.Buffer
		if err := run(context.Background(), &out, path); err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, out.String())
		}
		for _, want := range wants {
			if !strings.Contains(out.String(), want) {
				t.Errorf("run %d: output lacks %q\n--- output:\n%s", i+1, want, out.String())
			}
		}
	}
}

// TestGenerated fails when mlmd_types.go is not what go generate makes of
// types.yaml.
func TestGenerated(t *testing.T) {
	src, err := os.ReadFile("types.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := mlmdgen.ParseYAML("types.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mlmdgen.Generate(spec, mlmdgen.Options{Package: "main", Args: []string{"-o", "mlmd_types.go", "types.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("mlmd_types.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("mlmd_types.go is out of date: run go generate ./examples/typed")
	}
}
