package mlmd_test

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/mlmdio"
	_ "github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// fullDump is the store's complete export, ids and times included.
func fullDump(t *testing.T, s *mlmd.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := mlmdio.Export(t.Context(), s, &b, &mlmdio.ExportOptions{Now: func() time.Time { return time.Unix(0, 0) }}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDeleteFailsMidway makes the database refuse the last step of a
// Delete (removing the contexts, after the artifacts, executions, events
// and links are gone) and checks that the store is exactly as before.
func TestDeleteFailsMidway(t *testing.T) {
	backends := []struct {
		name    string
		open    func(t *testing.T) (*mlmd.Store, *sql.DB)
		trigger string
	}{
		{"sqlite", func(t *testing.T) (*mlmd.Store, *sql.DB) {
			dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
			s, err := mlmd.Open(t.Context(), "sqlite", dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sqlitestore.OpenDB(dsn)
			if err != nil {
				t.Fatal(err)
			}
			return s, db
		}, "CREATE TRIGGER refuse BEFORE DELETE ON Context BEGIN SELECT RAISE(ABORT, 'refused by test'); END"},
		{"mysql", func(t *testing.T) (*mlmd.Store, *sql.DB) {
			dsn := testdb.NewMySQLDatabase(t)
			s, err := mlmd.Open(t.Context(), "mysql", dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("mysql", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return s, db
		}, "CREATE TRIGGER refuse BEFORE DELETE ON Context FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'"},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, db := b.open(t)
			defer s.Close()
			defer db.Close()
			ctx := t.Context()
			at, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "A", Properties: map[string]mlmd.PropertyType{"p": mlmd.PropertyInt}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			et, err := s.PutExecutionType(ctx, mlmd.ExecutionType{Name: "E"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ct, err := s.PutContextType(ctx, mlmd.ContextType{Name: "C"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.PutExecution(ctx, mlmd.Execution{TypeID: et},
				[]mlmd.ArtifactAndEvent{
					{Artifact: &mlmd.Artifact{TypeID: at, URI: "/in", Properties: mlmd.Properties{"p": mlmd.IntValue(1)}}, Event: &mlmd.Event{Type: mlmd.EventInput, Path: []mlmd.Step{mlmd.KeyStep("k")}}},
					{Artifact: &mlmd.Artifact{TypeID: at, URI: "/out"}, Event: &mlmd.Event{Type: mlmd.EventOutput}},
				},
				[]mlmd.Context{{TypeID: ct, Name: "run"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := fullDump(t, s)
			if _, err := db.ExecContext(ctx, b.trigger); err != nil {
				t.Fatal(err)
			}
			err = s.Delete(ctx, mlmd.NodeIDs{Artifacts: res.ArtifactIDs, Executions: []int64{res.ExecutionID}, Contexts: res.ContextIDs})
			if err == nil || !strings.Contains(err.Error(), "refused by test") {
				t.Fatalf("Delete: got %v, want the trigger's error", err)
			}
			if after := fullDump(t, s); !bytes.Equal(before, after) {
				t.Fatalf("a failed Delete changed the store:\nbefore %s\nafter  %s", before, after)
			}
			// Without the trigger the same call goes through.
			if _, err := db.ExecContext(ctx, "DROP TRIGGER refuse"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, mlmd.NodeIDs{Artifacts: res.ArtifactIDs, Executions: []int64{res.ExecutionID}, Contexts: res.ContextIDs}); err != nil {
				t.Fatal(err)
			}
			as, _, err := s.GetArtifacts(ctx, nil)
			if err != nil || len(as) != 0 {
				t.Errorf("artifacts after Delete: %v, %v", as, err)
			}
		})
	}
}
