package schema

import (
	"strings"
	"testing"
)

func TestStatements(t *testing.T) {
	tests := []struct {
		name   string
		script string
		counts map[string]int // statements by first word(s)
	}{
		{"sqlite", SQLite, map[string]int{"CREATE TABLE": 15, "CREATE INDEX": 24, "INSERT": 1}},
		{"mysql", MySQL, map[string]int{"CREATE TABLE": 15, "ALTER TABLE": 20, "INSERT": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]int{}
			for _, s := range Statements(tc.script) {
				if !strings.HasSuffix(s, ";") {
					t.Errorf("statement without a semicolon: %q", s)
				}
				words := strings.Fields(s)
				key := words[0]
				if key != "INSERT" {
					key += " " + words[1]
				}
				got[key]++
			}
			for k, want := range tc.counts {
				if got[k] != want {
					t.Errorf("%d %s statements, want %d", got[k], k, want)
				}
			}
			if len(got) != len(tc.counts) {
				t.Errorf("statement kinds %v, want %v", got, tc.counts)
			}
		})
	}
	if got := Statements("-- only a comment\n\nSELECT 1;\nSELECT\n  2;\n"); len(got) != 2 || got[1] != "SELECT\n  2;" {
		t.Errorf("Statements = %q", got)
	}
}
