package mlmdfixture_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb/mlmdfixture"
	"github.com/gomlmd/gomlmd/migrations"
	"github.com/gomlmd/gomlmd/mlmd"
)

// cutPoints are the places where a MySQL step can be cut short with some
// of its work committed: after each statement that changes the database
// (not after the SET, PREPARE and DEALLOCATE around a chosen statement,
// which change only the session).
func cutPoints(stmts []string) []int {
	var ks []int
	for k := 1; k < len(stmts); k++ {
		head := strings.ToUpper(strings.TrimSpace(stmts[k-1]))
		if strings.HasPrefix(head, "SET ") || strings.HasPrefix(head, "PREPARE ") || strings.HasPrefix(head, "DEALLOCATE ") {
			continue
		}
		ks = append(ks, k)
	}
	return ks
}

// TestMySQLResumeCutShortStep cuts every step of the MySQL chain short at
// every place where DDL has committed part of its work (MySQL commits each
// DDL statement by itself), over the fixture of the step's starting
// version, as a crash would leave it: MLMDEnv still names the version
// before the step. Opening the database with upgrades enabled must then
// finish the upgrade and read back every fixture row. With -short, one cut
// per step.
func TestMySQLResumeCutShortStep(t *testing.T) {
	e := mlmdfixture.MySQL
	if len(chainFiles(t, e)) == 0 {
		t.Skip("no upgrade chain for mysql yet (migrations/mysql/mlmd has no files)")
	}
	steps, err := migrations.MLMDChain(migrations.MySQLMLMD)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		from := st.Version - 1
		ks := cutPoints(st.Up)
		if testing.Short() && len(ks) > 1 {
			ks = ks[len(ks)/2 : len(ks)/2+1]
		}
		for _, k := range ks {
			t.Run(fmt.Sprintf("v%02d/after%d", st.Version, k), func(t *testing.T) {
				ctx := t.Context()
				dsn, db := buildFixture(t, e, from)
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range st.Up[:k] {
					if _, err := conn.ExecContext(ctx, q); err != nil {
						conn.Close()
						t.Fatalf("step v%02d statement before the cut: %v\n%s", st.Version, err, q)
					}
				}
				conn.Close()
				s, err := mlmd.Open(ctx, string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
				if err != nil {
					t.Fatalf("resume after v%02d.sql was cut after statement %d (%.80q): %v", st.Version, k, st.Up[k-1], err)
				}
				defer s.Close()
				want, err := mlmdfixture.Expected(e, from)
				if err != nil {
					t.Fatal(err)
				}
				want.Check(t, s)
			})
		}
	}
}
