package mysqlstore

import (
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
)

// TestClassifyGalera: the errors a Galera node gives are retried, as
// conflicts (certification failures) or as lost connections (a node
// outside the primary component).
func TestClassifyGalera(t *testing.T) {
	for _, tc := range []struct {
		number uint16
		msg    string
		want   sqlstore.ErrorClass
	}{
		{1213, "Deadlock found when trying to get lock; try restarting transaction", sqlstore.ClassTransient},
		{1180, "Got error 149 \"Lock deadlock; Retry transaction\" during COMMIT", sqlstore.ClassTransient},
		{1205, "Lock wait timeout exceeded; try restarting transaction", sqlstore.ClassTransient},
		{1047, "WSREP has not yet prepared node for application use", sqlstore.ClassConnectionLost},
		{1062, "Duplicate entry 'schema' for key 'PRIMARY'", sqlstore.ClassDuplicate},
	} {
		if got := (&dialect{galera: true}).Classify(&mysql.MySQLError{Number: tc.number, Message: tc.msg}); got != tc.want {
			t.Errorf("Classify(%d %s) = %v, want %v", tc.number, tc.msg, got, tc.want)
		}
	}
}

// TestGaleraOnlyGuard: the type-insert guard writes only on Galera.
func TestGaleraOnlyGuard(t *testing.T) {
	if err := (&dialect{}).GuardTypeInsert(t.Context(), nil); err != nil {
		t.Errorf("GuardTypeInsert off Galera: %v", err)
	}
}

// TestGaleraSession: on a Galera node reads wait for the cluster
// (wsrep_sync_wait=1) unless the DSN says otherwise; elsewhere the
// variable is not sent (MySQL does not know it).
func TestGaleraSession(t *testing.T) {
	for _, tc := range []struct {
		galera bool
		dsn    string
		want   string // "" means not set
	}{
		{true, "root@tcp(h:3306)/db", "1"},
		{true, "root@tcp(h:3306)/db?wsrep_sync_wait=0", "0"},
		{true, "root@tcp(h:3306)/db?wsrep_sync_wait=3", "3"},
		{false, "root@tcp(h:3306)/db", ""},
	} {
		cfg, err := mysql.ParseDSN(tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		info := serverInfo{version: "10.11.19-MariaDB", isolation: "REPEATABLE-READ", sqlMode: "STRICT_TRANS_TABLES", galera: tc.galera}
		got := info.sessionConfig(cfg).Params["wsrep_sync_wait"]
		if got != tc.want {
			t.Errorf("galera=%v %s: wsrep_sync_wait %q, want %q", tc.galera, tc.dsn, got, tc.want)
		}
	}
}
