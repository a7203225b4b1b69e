package postgresstore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// TestFormatDSN checks that every field of Config reaches pgx's
// configuration or the backend's options through FormatDSN and parseDSN.
func TestFormatDSN(t *testing.T) {
	dir := t.TempDir()
	passfile := filepath.Join(dir, "pgpass")
	if err := os.WriteFile(passfile, []byte("db.example:6543:mlmd:alice:from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cfg   Config
		check func(t *testing.T, c *pgx.ConnConfig, o options)
	}{
		{"fields", Config{Host: "db.example", Port: "6543", User: "alice", Password: "p'w \\ x", DBName: "mlmd",
			SkipDBCreation: true, MaxOpenConns: 7, MaxIdleConns: 3, ConnMaxLifetime: time.Minute, ConnMaxIdleTime: time.Second,
			SSL: &SSLOptions{Mode: "disable"}},
			func(t *testing.T, c *pgx.ConnConfig, o options) {
				if c.Host != "db.example" || c.Port != 6543 || c.User != "alice" || c.Password != "p'w \\ x" || c.Database != "mlmd" || c.TLSConfig != nil {
					t.Errorf("pgx config %+v", c.Config)
				}
				if !o.skipCreate || o.maxOpenConns != 7 || o.maxIdleConns != 3 || o.connMaxLifetime != time.Minute || o.connMaxIdleTime != time.Second {
					t.Errorf("options %+v", o)
				}
				if len(c.RuntimeParams) != 0 {
					t.Errorf("runtime params %v: the backend's own must be taken out", c.RuntimeParams)
				}
			}},
		{"passfile", Config{Host: "db.example", Port: "6543", User: "alice", DBName: "mlmd", PassFile: passfile, SSL: &SSLOptions{Mode: "disable"}},
			func(t *testing.T, c *pgx.ConnConfig, o options) {
				if c.Password != "from-file" {
					t.Errorf("password %q, want the password file's", c.Password)
				}
				if o.skipCreate || o.maxIdleConns != defaultMaxIdleConns || o.connMaxLifetime != defaultConnMaxLifetime {
					t.Errorf("options %+v, want the defaults", o)
				}
			}},
		{"hostaddr alone", Config{HostAddr: "192.0.2.7", Port: "5432", User: "u", DBName: "d", SSL: &SSLOptions{Mode: "disable"}},
			func(t *testing.T, c *pgx.ConnConfig, o options) {
				if c.Host != "192.0.2.7" {
					t.Errorf("host %q", c.Host)
				}
			}},
		{"tls", Config{Host: "db.example", Port: "5432", User: "u", DBName: "d", SSL: &SSLOptions{Mode: "verify-full"}},
			func(t *testing.T, c *pgx.ConnConfig, o options) {
				if c.TLSConfig == nil || c.TLSConfig.ServerName != "db.example" || c.TLSConfig.InsecureSkipVerify {
					t.Errorf("TLS config %+v", c.TLSConfig)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, o, err := parseDSN(tc.cfg.FormatDSN())
			if err != nil {
				t.Fatalf("parseDSN(%q): %v", tc.cfg.FormatDSN(), err)
			}
			tc.check(t, c, o)
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want []string
	}{
		{Config{Host: "h", Port: "5432", User: "u", DBName: "d"}, nil},
		{Config{HostAddr: "127.0.0.1", Port: "5432", User: "u", DBName: "d"}, nil},
		{Config{Host: "h", HostAddr: "127.0.0.1", Port: "5432", User: "u", DBName: "d"}, []string{"exactly one of host or hostaddr"}},
		{Config{}, []string{"exactly one of host or hostaddr", "port must not be empty", "dbname must not be empty", "user parameter must not be empty"}},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%+v: %v", tc.cfg, err)
			}
			continue
		}
		if errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("%+v: %v, want InvalidArgument", tc.cfg, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: %v does not say %q", tc.cfg, err, w)
			}
		}
	}
}

// TestConnectWithConfig opens stores on the test server with Open, from
// Configs: by
// a host name that does not resolve plus hostaddr (libpq's rule: dial the
// address, keep the name), with TLS the server offers, and with TLS whose
// verification fails, which is refused as Unavailable and not retried.
func TestConnectWithConfig(t *testing.T) {
	server, _, err := parseDSN(testdb.PostgresServer(t))
	if err != nil {
		t.Fatal(err)
	}
	if server.Host != "127.0.0.1" {
		t.Skipf("the test server is not on 127.0.0.1 (%s)", server.Host)
	}
	base := func(t *testing.T) Config {
		c, _, err := parseDSN(testdb.NewPostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		return Config{Port: "5432", User: c.User, Password: c.Password, DBName: c.Database}
	}
	badCA := writeTestCA(t)
	tests := []struct {
		name string
		edit func(c *Config)
		want errcode.Code
	}{
		{"hostaddr", func(c *Config) {
			c.Host, c.HostAddr, c.SSL = "mlmd-db.invalid", "127.0.0.1", &SSLOptions{Mode: "disable"}
		}, errcode.OK},
		{"sslmode disable", func(c *Config) { c.HostAddr, c.SSL = "127.0.0.1", &SSLOptions{Mode: "disable"} }, errcode.OK},
		{"sslmode require", func(c *Config) { c.Host, c.SSL = "127.0.0.1", &SSLOptions{Mode: "require"} }, errcode.OK},
		{"sslmode verify-full, unknown CA", func(c *Config) { c.Host, c.SSL = "127.0.0.1", &SSLOptions{Mode: "verify-full", RootCert: badCA} }, errcode.Unavailable},
		{"missing root cert file", func(c *Config) {
			c.Host, c.SSL = "127.0.0.1", &SSLOptions{Mode: "verify-ca", RootCert: filepath.Join(t.TempDir(), "none.pem")}
		}, errcode.InvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base(t)
			tc.edit(&cfg)
			s, err := Open(ctx, cfg, nil) // from the fields, no DSN
			if err == nil {
				s.Close()
			}
			if got := errcode.Of(err); got != tc.want {
				t.Fatalf("open: %v (%v), want %v", got, err, tc.want)
			}
		})
	}
}

// writeTestCA writes a new self-signed CA certificate, which signed
// nothing the test server has, and returns its file name.
func writeTestCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gomlmd test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}
