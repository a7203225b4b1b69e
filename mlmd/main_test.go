package mlmd_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
)

// TestMain drops the MariaDB databases that the tests' pool created.
func TestMain(m *testing.M) { testdb.Main(m) }
