package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstart runs the whole example on a fresh SQLite file and checks
// that it answers each question with the right nodes.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "mlmd.db")
	if err := run(context.Background(), &out, path); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Which dataset trained model 2 ?\n  artifact 1 (DataSet) path/to/data day=1 split=train\n",
		"Which models came from dataset 1 ?\n  artifact 2 (SavedModel) path/to/model/file name=MNIST-v1 version=1\n",
		"  artifact 1 (DataSet) path/to/data\n",
		"  artifact 2 (SavedModel) path/to/model/file\n",
		"  execution 1 (Trainer) COMPLETE\n",
		"Provenance of model 2 (Mermaid):\nflowchart LR\n" +
			"  a1[\"DataSet #1<br/>path/to/data<br/>LIVE\"]\n" +
			"  a2[\"SavedModel #2<br/>path/to/model/file<br/>LIVE\"]\n" +
			"  e1([\"Trainer #1<br/>COMPLETE\"])\n" +
			"  a1 -->|\"DECLARED_INPUT\"| e1\n" +
			"  e1 -->|\"DECLARED_OUTPUT\"| a2\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, got)
		}
	}
}
