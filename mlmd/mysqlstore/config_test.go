package mysqlstore

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/testdb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		msg  string // "" for valid
	}{
		{"host", Config{Host: "db", Database: "m"}, ""},
		{"socket", Config{Socket: "/run/mysqld/mysqld.sock", Database: "m"}, ""},
		{"neither host nor socket", Config{Database: "m"}, "exactly one of host and socket"},
		{"host and socket", Config{Host: "db", Socket: "/s", Database: "m"}, "exactly one of host and socket"},
		{"no database", Config{Host: "db"}, "database must be set"},
		{"bad port", Config{Host: "db", Port: 70000, Database: "m"}, "port 70000"},
		{"negative pool", Config{Host: "db", Database: "m", MaxIdleConns: -1}, "pool settings"},
		{"key without cert", Config{Host: "db", Database: "m", SSL: &SSLOptions{Key: "k.pem"}}, "key and cert"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if errcode.Of(err) != errcode.InvalidArgument || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Validate: %v, want InvalidArgument mentioning %q", err, tc.msg)
			}
		})
	}
}

// TestConfigDSN checks the mapping of Config to go-sql-driver's config and
// back through FormatDSN and the backend's DSN parsing, and that Open's
// direct mapping gives the same settings.
func TestConfigDSN(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		net, addr string
		params    map[string]string
		own       dsnOptions
		// timeouts are the connect, read and write timeouts.
		timeouts [3]time.Duration
	}{
		{"tcp default port", Config{Host: "db.example", Database: "mlmd", User: "u", Password: "p@ss:/word"},
			"tcp", "db.example:3306", map[string]string{}, dsnOptions{maxOpenConns: 16, maxIdleConns: 16, connMaxLifetime: 3 * time.Minute, connMaxIdleTime: time.Minute, stmtsPerConn: DefaultStatementsPerConn},
			[3]time.Duration{DefaultConnectTimeout, DefaultReadTimeout, DefaultWriteTimeout}},
		{"ipv6 and port", Config{Host: "::1", Port: 3307, Database: "mlmd", User: "u"},
			"tcp", "[::1]:3307", map[string]string{}, dsnOptions{maxOpenConns: 16, maxIdleConns: 16, connMaxLifetime: 3 * time.Minute, connMaxIdleTime: time.Minute, stmtsPerConn: DefaultStatementsPerConn},
			[3]time.Duration{DefaultConnectTimeout, DefaultReadTimeout, DefaultWriteTimeout}},
		{"timeouts", Config{Host: "db", Database: "mlmd", User: "u", ConnectTimeout: 2 * time.Second, ReadTimeout: 3 * time.Second, WriteTimeout: 4 * time.Second,
			Params: map[string]string{"readTimeout": "9s"}},
			"tcp", "db:3306", map[string]string{}, dsnOptions{maxOpenConns: 16, maxIdleConns: 16, connMaxLifetime: 3 * time.Minute, connMaxIdleTime: time.Minute, stmtsPerConn: DefaultStatementsPerConn},
			[3]time.Duration{2 * time.Second, 3 * time.Second, 4 * time.Second}},
		{"socket, skip creation, pool", Config{Socket: "/run/mysqld/mysqld.sock", Database: "mlmd", User: "u", SkipDBCreation: true,
			MaxOpenConns: 20, MaxIdleConns: 5, ConnMaxLifetime: time.Hour, ConnMaxIdleTime: 30 * time.Second,
			Params: map[string]string{"timeout": "5s", "innodb_lock_wait_timeout": "7"}},
			"unix", "/run/mysqld/mysqld.sock", map[string]string{"innodb_lock_wait_timeout": "7"},
			dsnOptions{skipCreate: true, maxOpenConns: 20, maxIdleConns: 5, connMaxLifetime: time.Hour, connMaxIdleTime: 30 * time.Second, stmtsPerConn: DefaultStatementsPerConn},
			[3]time.Duration{5 * time.Second, DefaultReadTimeout, DefaultWriteTimeout}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dsn, err := tc.cfg.FormatDSN()
			if err != nil {
				t.Fatal(err)
			}
			mc, own, err := parseDSN(dsn)
			if err != nil {
				t.Fatalf("parseDSN(%q): %v", dsn, err)
			}
			if mc.Net != tc.net || mc.Addr != tc.addr || mc.DBName != tc.cfg.Database || mc.User != tc.cfg.User || mc.Passwd != tc.cfg.Password {
				t.Errorf("DSN %q: net %q addr %q db %q user %q password %q", dsn, mc.Net, mc.Addr, mc.DBName, mc.User, mc.Passwd)
			}
			if fmt.Sprint(mc.Params) != fmt.Sprint(tc.params) {
				t.Errorf("session parameters %v, want %v", mc.Params, tc.params)
			}
			if own != tc.own {
				t.Errorf("own options %+v, want %+v", own, tc.own)
			}
			if !mc.ClientFoundRows || !mc.InterpolateParams || mc.TLS != nil {
				t.Errorf("clientFoundRows %v, interpolateParams %v, TLS %v", mc.ClientFoundRows, mc.InterpolateParams, mc.TLS)
			}
			// Open takes the same settings from the Config directly.
			direct, directOwn, err := tc.cfg.connection()
			if err != nil {
				t.Fatal(err)
			}
			if direct.FormatDSN() != mc.FormatDSN() || directOwn != own {
				t.Errorf("Open's settings differ from the DSN's:\n%s %+v\n%s %+v", direct.FormatDSN(), directOwn, mc.FormatDSN(), own)
			}
			if got := [3]time.Duration{mc.Timeout, mc.ReadTimeout, mc.WriteTimeout}; got != tc.timeouts {
				t.Errorf("connect, read, write timeouts %v, want %v", got, tc.timeouts)
			}
			// MySQLConfig: the same connection, without the backend's own
			// parameters.
			plain, err := tc.cfg.MySQLConfig()
			if err != nil {
				t.Fatal(err)
			}
			if plain.Net != tc.net || plain.Addr != tc.addr || fmt.Sprint(plain.Params) != fmt.Sprint(tc.params) || plain.Timeout != mc.Timeout ||
				plain.ReadTimeout != mc.ReadTimeout || plain.WriteTimeout != mc.WriteTimeout {
				t.Errorf("MySQLConfig: net %q addr %q params %v timeout %v", plain.Net, plain.Addr, plain.Params, plain.Timeout)
			}
		})
	}
	t.Run("no user means the process's user", func(t *testing.T) {
		mc, err := (&Config{Host: "db", Database: "m"}).MySQLConfig()
		if err != nil {
			t.Fatal(err)
		}
		if mc.User == "" || mc.User != currentUser() {
			t.Errorf("user %q, want %q", mc.User, currentUser())
		}
	})
}

func TestParseDSNErrors(t *testing.T) {
	for _, dsn := range []string{
		"root@tcp(db)/m?max_open_conns=-1",
		"root@tcp(db)/m?max_idle_conns=many",
		"root@tcp(db)/m?conn_max_lifetime=3",
		"root@tcp(db)/m?conn_max_idle_time=-1s",
		"root@tcp(db)/m?skip_db_creation=perhaps",
	} {
		if _, _, err := parseDSN(dsn); errcode.Of(err) != errcode.InvalidArgument {
			t.Errorf("parseDSN(%q): %v, want InvalidArgument", dsn, err)
		}
	}
	mc, _, err := parseDSN("root@tcp(db)/m?interpolateParams=false")
	if err != nil || mc.InterpolateParams {
		t.Errorf("interpolateParams=false: %v, %v", mc.InterpolateParams, err)
	}
}

func TestCipherSuites(t *testing.T) {
	tests := []struct {
		list string
		want []uint16
		err  string
	}{
		{"ECDHE-RSA-AES128-GCM-SHA256", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, ""},
		{"ECDHE-RSA-AES256-GCM-SHA384:TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, ""},
		{"aes128-sha, AES128-SHA", []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}, ""},
		{"DHE-RSA-AES256-SHA", nil, "not a TLS 1.2 cipher suite"},
		{"TLS_AES_128_GCM_SHA256", nil, "not a TLS 1.2 cipher suite"}, // TLS 1.3 only
		{"::", nil, "names no cipher suite"},
	}
	for _, tc := range tests {
		got, err := cipherSuites(tc.list)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("cipherSuites(%q) = %v, %v; want error %q", tc.list, got, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("cipherSuites(%q) = %v, %v; want %v", tc.list, got, err, tc.want)
		}
	}
	// Every OpenSSL name in the table maps to a suite Go implements.
	for name := range openSSLSuites {
		if _, err := cipherSuites(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// pki is a test CA and the certificates it signed, as PEM files in dir.
type pki struct {
	dir                   string
	ca, otherCA           string // CA certificate files
	serverCert, serverKey string
	clientCert, clientKey string
}

// newPKI makes a CA, a server certificate for the IP address 127.0.0.1
// only (so that the name "localhost" does not match it), a client
// certificate, and an unrelated CA.
func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	p := &pki{dir: dir}
	writePEM := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	newKey := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	serial := int64(1)
	template := func(cn string) *x509.Certificate {
		serial++
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(24 * time.Hour),
		}
	}
	newCA := func(cn string) (*x509.Certificate, *rsa.PrivateKey, []byte) {
		key := newKey()
		tmpl := template(cn)
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key, der
	}
	caCert, caKey, caDER := newCA("gomlmd test CA")
	p.ca = writePEM("ca.pem", "CERTIFICATE", caDER)
	_, _, otherDER := newCA("unrelated CA")
	p.otherCA = writePEM("other-ca.pem", "CERTIFICATE", otherDER)
	leaf := func(name, cn string, usage x509.ExtKeyUsage, ips []net.IP) (string, string) {
		key := newKey()
		tmpl := template(cn)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{usage}
		tmpl.IPAddresses = ips
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return writePEM(name+".pem", "CERTIFICATE", der),
			writePEM(name+"-key.pem", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	}
	p.serverCert, p.serverKey = leaf("server", "mariadb test server", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)})
	p.clientCert, p.clientKey = leaf("client", "mlmdclient", x509.ExtKeyUsageClientAuth, nil)
	return p
}

// TestTLS connects to a private MariaDB server that serves TLS with a
// certificate of a test CA, with the SSL options of MLMD's config in the
// ways they can be combined, and checks, at the server, that the session
// is encrypted as asked.
func TestTLS(t *testing.T) {
	p := newPKI(t)
	srv := startPrivateServer(t, "--ssl-ca="+p.ca, "--ssl-cert="+p.serverCert, "--ssl-key="+p.serverKey)
	srv.exec(
		"CREATE USER 'pw'@'%' IDENTIFIED BY 'secret'", "GRANT ALL ON *.* TO 'pw'@'%'",
		"CREATE USER 'x509'@'%' IDENTIFIED BY 'secret' REQUIRE X509", "GRANT ALL ON *.* TO 'x509'@'%'",
	)
	capath := filepath.Join(p.dir, "capath")
	if err := os.Mkdir(capath, 0o700); err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(p.ca)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(capath, "ca.pem"), caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(capath, "README"), []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		host   string // "" for the Unix socket
		user   string
		ssl    SSLOptions
		want   errcode.Code
		cipher string // the cipher the session must use, if set
	}{
		{"verified", "127.0.0.1", "pw", SSLOptions{CA: p.ca, VerifyServerCert: true}, errcode.OK, ""},
		{"verified with capath", "127.0.0.1", "pw", SSLOptions{CAPath: capath, VerifyServerCert: true}, errcode.OK, ""},
		{"name mismatch", "localhost", "pw", SSLOptions{CA: p.ca, VerifyServerCert: true}, errcode.FailedPrecondition, ""},
		{"name not checked without verify_server_cert", "localhost", "pw", SSLOptions{CA: p.ca}, errcode.OK, ""},
		{"unknown CA", "127.0.0.1", "pw", SSLOptions{CA: p.otherCA, VerifyServerCert: true}, errcode.FailedPrecondition, ""},
		{"unknown CA without verify_server_cert", "127.0.0.1", "pw", SSLOptions{CA: p.otherCA}, errcode.FailedPrecondition, ""},
		{"system roots", "127.0.0.1", "pw", SSLOptions{VerifyServerCert: true}, errcode.FailedPrecondition, ""},
		{"encrypted, not verified", "127.0.0.1", "pw", SSLOptions{}, errcode.OK, ""},
		{"client certificate required, none given", "127.0.0.1", "x509", SSLOptions{CA: p.ca, VerifyServerCert: true}, errcode.Unauthenticated, ""},
		{"client certificate", "127.0.0.1", "x509", SSLOptions{CA: p.ca, VerifyServerCert: true, Cert: p.clientCert, Key: p.clientKey}, errcode.OK, ""},
		{"cipher", "127.0.0.1", "pw", SSLOptions{CA: p.ca, VerifyServerCert: true, Cipher: "ECDHE-RSA-AES256-GCM-SHA384"}, errcode.OK, "ECDHE-RSA-AES256-GCM-SHA384"},
		{"unix socket", "", "pw", SSLOptions{CA: p.ca}, errcode.OK, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &Config{Host: tc.host, Port: int64(srv.port), Database: fmt.Sprintf("mlmd_tls_%d", i),
				User: tc.user, Password: "secret", SSL: &tc.ssl, Params: map[string]string{"timeout": "5s"}}
			if tc.host == "" {
				cfg.Socket, cfg.Port = srv.socket, 0
			}
			s, err := Open(ctx, *cfg, nil)
			if got := errcode.Of(err); got != tc.want {
				t.Fatalf("Open: %v (code %v), want %v", err, got, tc.want)
			}
			if err != nil {
				return
			}
			defer s.Close()
			if _, err := s.PutArtifactType(ctx, mlmd.ArtifactType{Name: "T"}, nil); err != nil {
				t.Fatal(err)
			}
			version, cipher := tlsStatus(t, cfg)
			if version == "" || cipher == "" {
				t.Fatalf("the session is not encrypted (Ssl_version %q, Ssl_cipher %q)", version, cipher)
			}
			if tc.cipher != "" && (cipher != tc.cipher || version != "TLSv1.2") {
				t.Errorf("session uses %s %s, want %s on TLSv1.2", version, cipher, tc.cipher)
			}
		})
	}

	t.Run("ed25519 authentication", func(t *testing.T) {
		srv.exec("INSTALL SONAME 'auth_ed25519'",
			"CREATE USER 'ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('secret')", "GRANT ALL ON *.* TO 'ed'@'%'")
		cfg := &Config{Host: "127.0.0.1", Port: int64(srv.port), Database: "mlmd_ed25519", User: "ed", Password: "secret"}
		s, err := Open(ctx, *cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		cfg.Password = "wrong"
		if _, err := Open(ctx, *cfg, nil); errcode.Of(err) != errcode.Unauthenticated {
			t.Fatalf("Open with a wrong password: %v, want Unauthenticated", err)
		}
	})
}

// tlsStatus returns the TLS version and cipher of a new session opened
// with cfg.
func tlsStatus(t *testing.T, cfg *Config) (version, cipher string) {
	t.Helper()
	mc, _, err := cfg.connection()
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(mc)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	for name, dst := range map[string]*string{"Ssl_version": &version, "Ssl_cipher": &cipher} {
		var n string
		if err := db.QueryRow("SHOW SESSION STATUS LIKE '"+name+"'").Scan(&n, dst); err != nil {
			t.Fatal(err)
		}
	}
	return version, cipher
}

// TestTLSRequiredByConfig connects with SSL options to the shared server,
// which serves no TLS: that fails, unless AllowPlaintextFallback says to
// connect without TLS as MLMD does.
func TestTLSRequiredByConfig(t *testing.T) {
	server := testdb.MySQLServer(t)
	host, port, err := net.SplitHostPort(server.Addr)
	if err != nil || server.Net != "tcp" {
		t.Skipf("the test server is not reached over TCP (%s %s)", server.Net, server.Addr)
	}
	dbCfg, err := mysql.ParseDSN(testdb.NewMySQLDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(server)
	if err != nil {
		t.Fatal(err)
	}
	probe := sql.OpenDB(connector)
	defer probe.Close()
	var tlsOn string
	if err := probe.QueryRow("SELECT @@have_ssl").Scan(&tlsOn); err != nil {
		t.Fatal(err)
	}
	if tlsOn == "YES" {
		t.Skip("the test server serves TLS")
	}
	cfg := &Config{Host: host, Database: dbCfg.DBName, User: server.User, Password: server.Passwd, SSL: &SSLOptions{}}
	fmt.Sscan(port, &cfg.Port)
	if _, err := Open(ctx, *cfg, nil); errcode.Of(err) != errcode.FailedPrecondition {
		t.Fatalf("Open with SSL options on a server without TLS: %v, want FailedPrecondition", err)
	}
	cfg.SSL.AllowPlaintextFallback = true
	s, err := Open(ctx, *cfg, nil)
	if err != nil {
		t.Fatalf("Open with AllowPlaintextFallback: %v", err)
	}
	s.Close()
}

// TestFormatDSNRefusesTLS checks that TLS settings, which a DSN cannot
// carry, are refused rather than registered globally.
func TestFormatDSNRefusesTLS(t *testing.T) {
	cfg := Config{Host: "db", Database: "m", SSL: &SSLOptions{}}
	if _, err := cfg.FormatDSN(); errcode.Of(err) != errcode.InvalidArgument {
		t.Fatalf("FormatDSN with SSL: %v, want InvalidArgument", err)
	}
}
