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

// sampleCuts keeps the first, middle and last cut points (the middle one
// alone with -short): each step's cut points are alike within a table,
// and every cut costs a new database.
func sampleCuts(ks []int) []int {
	if len(ks) <= 3 {
		if testing.Short() && len(ks) > 1 {
			return ks[len(ks)/2 : len(ks)/2+1]
		}
		return ks
	}
	if testing.Short() {
		return []int{ks[len(ks)/2]}
	}
	return []int{ks[0], ks[len(ks)/2], ks[len(ks)-1]}
}

// TestMySQLResumeCutShortStep cuts every step of the MySQL chain short
// where DDL has committed part of its work (MySQL commits each DDL
// statement by itself; see sampleCuts for which places), over the fixture
// of the step's starting version, as a crash would leave it: MLMDEnv still
// names the version before the step. Opening the database with upgrades
// enabled must then finish the upgrade and read back every fixture row.
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
		ks := sampleCuts(cutPoints(st.Up))
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

// TestMySQLResumeCutShortDowngrade is TestMySQLResumeCutShortStep for the
// Down sections: each fixture goes up to 10 and down to one version above
// its own, then the Down section back to the fixture's version is cut
// short; a second downgrade must finish it and leave the fixture's rows.
func TestMySQLResumeCutShortDowngrade(t *testing.T) {
	e := mlmdfixture.MySQL
	if len(chainFiles(t, e)) == 0 {
		t.Skip("no upgrade chain for mysql yet (migrations/mysql/mlmd has no files)")
	}
	steps, err := migrations.MLMDChain(migrations.MySQLMLMD)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		to := st.Version - 1
		ks := sampleCuts(cutPoints(st.Down))
		for _, k := range ks {
			t.Run(fmt.Sprintf("v%02d/after%d", st.Version, k), func(t *testing.T) {
				ctx := t.Context()
				dsn, db := buildFixture(t, e, to)
				want := fixtureRows(t, db, e, to)
				s, err := mlmd.Open(ctx, string(e), dsn, &mlmd.Options{EnableUpgradeMigration: true})
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				// (From 10, gomlmd's own indexes stay in place during the
				// cut; the resumed downgrade removes them first.)
				if st.Version < 10 {
					if err := mlmd.Downgrade(ctx, string(e), dsn, int64(st.Version), nil); err != nil {
						t.Fatal(err)
					}
				}
				conn, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range st.Down[:k] {
					if _, err := conn.ExecContext(ctx, q); err != nil {
						conn.Close()
						t.Fatalf("v%02d Down statement before the cut: %v\n%s", st.Version, err, q)
					}
				}
				conn.Close()
				if err := mlmd.Downgrade(ctx, string(e), dsn, int64(to), nil); err != nil {
					t.Fatalf("resume the downgrade after v%02d.sql Down was cut after statement %d (%.80q): %v", st.Version, k, st.Down[k-1], err)
				}
				got := fixtureRows(t, reopen(t, e, dsn), e, to)
				for table, rows := range want {
					if fmt.Sprint(got[table]) != fmt.Sprint(rows) {
						t.Errorf("%s after the resumed downgrade:\n got  %q\n want %q", table, got[table], rows)
					}
				}
			})
		}
	}
}
