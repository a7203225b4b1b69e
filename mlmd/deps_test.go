package mlmd_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPortableDependencies checks that the portable package depends on no
// backend: no backend package, no database driver, no migration tool.
// Programs import the backends they open (as database/sql drivers).
func TestPortableDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	forbidden := []string{
		"github.com/gomlmd/gomlmd/mlmd/sqlitestore",
		"github.com/gomlmd/gomlmd/mlmd/mysqlstore",
		"github.com/gomlmd/gomlmd/mlmd/postgresstore",
		"github.com/gomlmd/gomlmd/internal/sqlstore",
		"github.com/gomlmd/gomlmd/migrations",
		"github.com/gomlmd/gomlmd/gen/queries",
		"modernc.org/sqlite",
		"github.com/go-sql-driver/mysql",
		"github.com/jackc/pgx",
		"github.com/pressly/goose",
		"database/sql",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		for _, bad := range forbidden {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("package mlmd depends on %s", dep)
			}
		}
	}
}
