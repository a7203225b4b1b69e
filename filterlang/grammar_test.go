package filterlang

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/grammar.ebnf from the grammar")

// TestGrammarEBNF compares the grammar, as participle renders it in EBNF,
// with the committed snapshot, so that every change to the grammar shows up
// in review. Run with -update to accept a change.
func TestGrammarEBNF(t *testing.T) {
	path := filepath.Join("testdata", "grammar.ebnf")
	got := EBNF() + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the snapshot (run go test -run TestGrammarEBNF -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("the grammar changed; if that is intended, run go test -run TestGrammarEBNF -update\ngot:\n%s\nwant:\n%s", got, want)
	}
}
