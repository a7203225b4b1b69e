package serverconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/server"
)

func TestPasswordSources(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("from-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "c.pbtxt")
	if err := os.WriteFile(cfgFile, []byte(`connection_config { mysql { host: "db" port: 3306 database: "m" user: "u" password: "from-config" } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgNoPw := filepath.Join(dir, "nopw.pbtxt")
	if err := os.WriteFile(cfgNoPw, []byte(`connection_config { mysql { host: "db" port: 3306 database: "m" user: "u" } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	mysqlFlags := []string{"--mysql_config_host=db", "--mysql_config_port=3306", "--mysql_config_database=m"}
	tests := []struct {
		name    string
		args    []string
		env     string // MLMD_MYSQL_PASSWORD, "" = unset
		want    string
		wantErr string
	}{
		{"flag", append(mysqlFlags, "--mysql_config_password=from-flag"), "from-env", "from-flag", ""},
		{"file", append(mysqlFlags, "--mysql_config_password_file="+pwFile), "from-env", "from-file", ""},
		{"env", mysqlFlags, "from-env", "from-env", ""},
		{"none", mysqlFlags, "", "", ""},
		{"config file wins over env", []string{"--metadata_store_server_config_file=" + cfgFile}, "from-env", "from-config", ""},
		{"env fills a config file", []string{"--metadata_store_server_config_file=" + cfgNoPw}, "from-env", "from-env", ""},
		{"file fills a config file", []string{"--metadata_store_server_config_file=" + cfgNoPw, "--mysql_config_password_file=" + pwFile}, "", "from-file", ""},
		{"flag and file", append(mysqlFlags, "--mysql_config_password=x", "--mysql_config_password_file="+pwFile), "", "", "cannot be set together"},
		{"file and a config file password", []string{"--metadata_store_server_config_file=" + cfgFile, "--mysql_config_password_file=" + pwFile}, "", "", "has a password already"},
		{"missing file", append(mysqlFlags, "--mysql_config_password_file="+filepath.Join(dir, "nope")), "", "", "--mysql_config_password_file: open"},
		{"file without MySQL", []string{"--mysql_config_password_file=" + pwFile}, "", "", "not MySQL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(PasswordEnv, tt.env)
			} else {
				t.Setenv(PasswordEnv, "")
				os.Unsetenv(PasswordEnv)
			}
			cfg, err := Load(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := cfg.Backend()
			if err != nil {
				t.Fatal(err)
			}
			if b.MySQL.Password != tt.want {
				t.Errorf("password %q, want %q", b.MySQL.Password, tt.want)
			}
			if strings.Contains(b.Description, "from-") {
				t.Errorf("the description shows the password: %s", b.Description)
			}
		})
	}
}

func TestOperationFlags(t *testing.T) {
	cfg, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := server.Limits{MaxRequestIDs: server.DefaultMaxRequestIDs, MaxRequestNodes: server.DefaultMaxRequestNodes, MaxResponseRows: server.DefaultMaxResponseRows}
	if cfg.Limits != want || cfg.MetricsAddress != "" || cfg.HealthInterval != 5*time.Second || cfg.HealthTimeout != 2*time.Second {
		t.Errorf("defaults: limits %+v metrics %q health %v/%v", cfg.Limits, cfg.MetricsAddress, cfg.HealthInterval, cfg.HealthTimeout)
	}
	cfg, err = Load([]string{"--max_request_ids=-1", "--max_request_nodes=5", "--max_response_rows=7", "--metrics_port=9090",
		"--health_check_interval=1s", "--health_check_timeout=500ms"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (server.Limits{MaxRequestIDs: -1, MaxRequestNodes: 5, MaxResponseRows: 7}); cfg.Limits != want || cfg.MetricsAddress != "0.0.0.0:9090" ||
		cfg.HealthInterval != time.Second || cfg.HealthTimeout != 500*time.Millisecond {
		t.Errorf("set: limits %+v metrics %q health %v/%v", cfg.Limits, cfg.MetricsAddress, cfg.HealthInterval, cfg.HealthTimeout)
	}
	if cfg.Limits.StoreRows() != 7 {
		t.Errorf("StoreRows %d, want 7", cfg.Limits.StoreRows())
	}
	for _, args := range [][]string{
		{"--max_request_ids=0"}, {"--max_request_nodes=-2"}, {"--max_response_rows=0"}, {"--metrics_port=70000"},
		{"--health_check_interval=0s"}, {"--health_check_timeout=-1s"},
	} {
		if _, err := Load(args); err == nil || !strings.Contains(err.Error(), strings.SplitN(strings.TrimPrefix(args[0], "--"), "=", 2)[0]) {
			t.Errorf("%v: err = %v, want one naming the flag", args, err)
		}
	}
	if _, err := Load([]string{"--version"}); !errors.Is(err, ErrVersion) {
		t.Errorf("--version: %v", err)
	}
}
