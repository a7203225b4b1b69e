package sqlstore_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore/sqlstoretest"
)

// TestMain drops the MariaDB databases that the tests' pool created.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := sqlstoretest.DropMySQLDatabases(); err != nil {
		fmt.Fprintln(os.Stderr, "drop test databases:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
