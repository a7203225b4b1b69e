package sqlstore_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/mysqlstore"
	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

// TestMain drops the MariaDB databases that the tests' pool created.
func TestMain(m *testing.M) { testdb.Main(m) }

// engines are the three backends of the tests that run on each, every
// open a store of its own.
var engines = []struct {
	name string
	open func(t *testing.T) *sqlstore.Conn
}{
	{"sqlite", func(t *testing.T) *sqlstore.Conn {
		return openConn(t, sqlitestore.Driver{}, "file:"+t.TempDir()+"/mlmd.db")
	}},
	{"mysql", func(t *testing.T) *sqlstore.Conn {
		return openConn(t, mysqlstore.Driver{}, testdb.MySQLStoreDatabase(t))
	}},
	{"postgres", func(t *testing.T) *sqlstore.Conn {
		return openConn(t, postgresstore.Driver{}, testdb.PostgresStoreDatabase(t))
	}},
}
