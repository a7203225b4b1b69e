package schema

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/migrations"
)

func TestStatements(t *testing.T) {
	tests := []struct {
		name   string
		script string
		counts map[string]int // statements by first word(s)
	}{
		{"sqlite", SQLite, map[string]int{"CREATE TABLE": 15, "CREATE INDEX": 24, "INSERT": 1}},
		{"mysql", MySQL, map[string]int{"CREATE TABLE": 15, "ALTER TABLE": 20, "INSERT": 1}},
		{"postgres", PostgreSQL, map[string]int{"CREATE TABLE": 15, "CREATE INDEX": 24, "INSERT": 1}},
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

// TestGomlmdIndexes checks the list of indexes gomlmd adds against MLMD's
// DDL and against the migration that creates them: the list, the Up
// section and the Down section name the same indexes, on columns that
// MLMD's tables have, under names that MLMD's DDL does not use.
func TestGomlmdIndexes(t *testing.T) {
	if len(GomlmdIndexes) == 0 {
		t.Fatal("no gomlmd indexes")
	}
	var names []string
	for _, ix := range GomlmdIndexes {
		if !strings.HasPrefix(ix.Name, "gomlmd_") || len(ix.Columns) == 0 {
			t.Errorf("index %+v: want a gomlmd_ name and columns", ix)
		}
		if slices.Contains(names, ix.Name) {
			t.Errorf("index %s listed twice", ix.Name)
		}
		names = append(names, ix.Name)
	}
	slices.Sort(names)

	for _, ref := range []struct{ engine, ddl, quote string }{{"sqlite", SQLite, "`"}, {"mysql", MySQL, "`"}, {"postgres", PostgreSQL, ""}} {
		if strings.Contains(strings.ToLower(ref.ddl), "gomlmd") {
			t.Errorf("%s: MLMD's DDL mentions gomlmd", ref.engine)
		}
		for _, ix := range GomlmdIndexes {
			table := createTable(ref.ddl, ref.quote+ix.Table+ref.quote)
			if table == "" {
				t.Errorf("%s: index %s is on %s, which MLMD's DDL does not create", ref.engine, ix.Name, ix.Table)
				continue
			}
			for _, c := range ix.Columns {
				if !strings.Contains(table, "\n  "+ref.quote+c+ref.quote+" ") {
					t.Errorf("%s: index %s: table %s has no column %s", ref.engine, ix.Name, ix.Table, c)
				}
			}
		}
	}

	gomlmdName := regexp.MustCompile(`gomlmd_idx_\w+`)
	for _, m := range []struct {
		engine string
		fsys   fs.FS
	}{{"sqlite", migrations.SQLite}, {"mysql", migrations.MySQL}, {"postgres", migrations.PostgreSQL}} {
		b, err := fs.ReadFile(m.fsys, "00002_link_indexes.sql")
		if err != nil {
			t.Fatal(err)
		}
		up, down, ok := strings.Cut(string(b), "-- +goose Down")
		if !ok {
			t.Fatalf("%s: migration 2 has no Down section", m.engine)
		}
		_, up, _ = strings.Cut(up, "-- +goose Up")
		for section, text := range map[string]string{"Up": up, "Down": down} {
			found := slices.Compact(slices.Sorted(slices.Values(gomlmdName.FindAllString(text, -1))))
			if !slices.Equal(found, names) {
				t.Errorf("%s: migration 2 %s names indexes %v, want %v", m.engine, section, found, names)
			}
		}
	}
}

// createTable returns the CREATE TABLE statement of a table in a script.
func createTable(script, table string) string {
	for _, s := range Statements(script) {
		if strings.HasPrefix(s, "CREATE TABLE "+table+" (") {
			return s
		}
	}
	return ""
}

func TestCreateSQL(t *testing.T) {
	ix := Index{Name: "gomlmd_idx_x", Table: "T", Columns: []string{"a", "b"}}
	if got, want := ix.CreateSQL(), "CREATE INDEX gomlmd_idx_x ON T (a, b);"; got != want {
		t.Errorf("CreateSQL = %q, want %q", got, want)
	}
}
