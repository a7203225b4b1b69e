package serverconfig

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/postgresstore"
)

// TestLoadPostgres loads PostgreSQL settings from MLMD's flags and from a
// config file, as MLMD's server takes them (Kubeflow's PostgreSQL overlay
// passes the flags).
func TestLoadPostgres(t *testing.T) {
	file := writeFile(t, "pg.pbtxt", `connection_config { postgresql {
		host: "db" port: "5433" user: "mlmd" password: "pw" passfile: "/run/pgpass" dbname: "metadb" skip_db_creation: true
		ssloption { sslmode: "verify-full" sslcert: "/c.pem" sslkey: "/k.pem" sslpassword: "kp" sslrootcert: "/ca.pem" } }
		retry_options { max_num_retries: 3 } }`)
	tests := []struct {
		name string
		args []string
		want *postgresstore.Config
		desc string
	}{
		{"Kubeflow's flags", []string{"--grpc_port=8080", "--metadata_source_config_type=postgresql", "--postgres_config_host=postgres-service",
			"--postgres_config_port=5432", "--postgres_config_dbname=mlmd", "--postgres_config_user=user", "--postgres_config_password=password",
			"--enable_database_upgrade=true"},
			&postgresstore.Config{Host: "postgres-service", Port: "5432", DBName: "mlmd", User: "user", Password: "password"},
			`PostgreSQL postgres-service:5432/mlmd as "user"`},
		{"every flag", []string{"--metadata_source_config_type=postgresql", "--postgres_config_hostaddr=10.0.0.5", "--postgres_config_port=5432",
			"--postgres_config_user=u", "--postgres_config_passfile=/p", "--postgres_config_dbname=d", "--postgres_config_skip_db_creation",
			"--postgres_config_sslmode=require", "--postgres_config_sslcert=/c", "--postgres_config_sslkey=/k",
			"--postgres_config_sslpassword=s", "--postgres_config_sslrootcert=/r", "--mysql_max_open_conns=9", "--mysql_conn_max_lifetime=1m"},
			&postgresstore.Config{HostAddr: "10.0.0.5", Port: "5432", User: "u", PassFile: "/p", DBName: "d", SkipDBCreation: true,
				SSL:          &postgresstore.SSLOptions{Mode: "require", Cert: "/c", Key: "/k", Password: "s", RootCert: "/r"},
				MaxOpenConns: 9, ConnMaxLifetime: time.Minute},
			`PostgreSQL 10.0.0.5:5432/d as "u" sslmode=require`},
		{"config file", []string{"--metadata_store_server_config_file=" + file},
			&postgresstore.Config{Host: "db", Port: "5433", User: "mlmd", Password: "pw", PassFile: "/run/pgpass", DBName: "metadb", SkipDBCreation: true,
				SSL: &postgresstore.SSLOptions{Mode: "verify-full", Cert: "/c.pem", Key: "/k.pem", Password: "kp", RootCert: "/ca.pem"}},
			`PostgreSQL db:5433/metadb as "mlmd" sslmode=verify-full`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.args)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			b, err := c.Backend()
			if err != nil {
				t.Fatal(err)
			}
			if b.Driver != "postgres" || b.MySQL != nil || !reflect.DeepEqual(b.Postgres, tc.want) {
				t.Errorf("backend %s %+v, want postgres %+v", b.Driver, b.Postgres, tc.want)
			}
			if b.Description != tc.desc || strings.Contains(b.Description, "pw") {
				t.Errorf("description %q, want %q", b.Description, tc.desc)
			}
			if len(c.Warnings) != 0 {
				t.Errorf("warnings %v", c.Warnings)
			}
		})
	}
}
