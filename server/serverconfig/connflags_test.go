package serverconfig

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestConnectionFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, c *Config)
	}{
		{"none: in-memory", nil, "", func(t *testing.T, c *Config) {
			if c.Server.GetConnectionConfig().GetFakeDatabase() == nil {
				t.Errorf("want fake_database, got %v", c.Server)
			}
		}},
		{"mysql flags", []string{"--mysql_config_host=db", "--mysql_config_port=3307", "--mysql_config_database=m", "--enable_database_upgrade",
			"--mysql_max_open_conns=4"}, "", func(t *testing.T, c *Config) {
			m := c.Server.GetConnectionConfig().GetMysql()
			if m.GetHost() != "db" || m.GetPort() != 3307 || m.GetDatabase() != "m" || !c.Server.GetMigrationOptions().GetEnableUpgradeMigration() {
				t.Errorf("mysql config %v", c.Server)
			}
			if c.MySQLPool.MaxOpenConns != 4 {
				t.Errorf("pool %+v", c.MySQLPool)
			}
		}},
		{"checked as by Load", []string{"--mysql_config_host=db"}, "--mysql_config_port", nil},
		{"serving flags are not connection flags", []string{"--grpc_port=1"}, "not defined", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			config := ConnectionFlags(fs)
			err := fs.Parse(c.args)
			var cfg *Config
			if err == nil {
				cfg, err = config()
			}
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, cfg)
		})
	}
}

func TestEnableAdminServiceFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"--enable_admin_service"}, true}, {[]string{"--noenable_admin_service"}, false}} {
		cfg, err := Load(c.args)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.EnableAdminService != c.want {
			t.Errorf("%v: EnableAdminService %v, want %v", c.args, cfg.EnableAdminService, c.want)
		}
	}
}
