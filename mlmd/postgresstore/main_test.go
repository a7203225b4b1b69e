package postgresstore

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/testdb"
)

// TestMain drops the PostgreSQL databases that the tests' pool created.
func TestMain(m *testing.M) { testdb.Main(m) }
