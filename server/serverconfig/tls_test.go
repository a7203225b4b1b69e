package serverconfig

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
)

// keyPair is a certificate and its key, in PEM and parsed.
type keyPair struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
}

func newKeyPair(t *testing.T, tmpl *x509.Certificate, parent *keyPair) *keyPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &keyPair{
		cert: cert, key: key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}
}

var serial int64

func template(cn string) *x509.Certificate {
	serial++
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
}

func testCA(t *testing.T) *keyPair {
	tmpl := template("test CA")
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	return newKeyPair(t, tmpl, nil)
}

func leaf(t *testing.T, ca *keyPair, cn string, usage x509.ExtKeyUsage) *keyPair {
	tmpl := template(cn)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{usage}
	tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	tmpl.DNSNames = []string{"localhost"}
	return newKeyPair(t, tmpl, ca)
}

// serveTLS starts a server with the config's credentials and returns its
// address.
func serveTLS(t *testing.T, c *Config) string {
	t.Helper()
	creds, err := c.TransportCredentials()
	if err != nil {
		t.Fatal(err)
	}
	store, err := mlmd.Open(context.Background(), "sqlite", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewGRPCServer(server.New(store), &server.Options{Creds: creds, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis, time.Second) }()
	t.Cleanup(func() {
		cancel()
		<-done
		store.Close()
	})
	return lis.Addr().String()
}

// call makes one MLMD call with the given client credentials.
func call(t *testing.T, addr string, creds credentials.TransportCredentials) error {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = pb.NewMetadataStoreServiceClient(conn).PutContextType(ctx, &pb.PutContextTypeRequest{ContextType: &pb.ContextType{Name: proto.String("T")}})
	return err
}

func TestTLSAndMutualTLS(t *testing.T) {
	ca := testCA(t)
	srvCert := leaf(t, ca, "server", x509.ExtKeyUsageServerAuth)
	cliCert := leaf(t, ca, "client", x509.ExtKeyUsageClientAuth)
	otherCA := testCA(t)
	strangerCert := leaf(t, otherCA, "stranger", x509.ExtKeyUsageClientAuth)

	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	clientTLS := func(kp *keyPair) credentials.TransportCredentials {
		cfg := &tls.Config{RootCAs: roots, ServerName: "localhost"}
		if kp != nil {
			c, err := tls.X509KeyPair(kp.certPEM, kp.keyPEM)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Certificates = []tls.Certificate{c}
		}
		return credentials.NewTLS(cfg)
	}
	load := func(clientVerify bool) *Config {
		sc := &pb.MetadataStoreServerConfig{
			ConnectionConfig: &pb.ConnectionConfig{Config: &pb.ConnectionConfig_FakeDatabase{FakeDatabase: &pb.FakeDatabaseConfig{}}},
			SslConfig: &pb.MetadataStoreServerConfig_SSLConfig{
				ServerKey: proto.String(string(srvCert.keyPEM)), ServerCert: proto.String(string(srvCert.certPEM)),
				CustomCa: proto.String(string(ca.certPEM)), ClientVerify: proto.Bool(clientVerify),
			},
		}
		c, err := Load([]string{"--metadata_store_server_config_file=" + writeFile(t, "tls.pbtxt", mustText(t, sc))})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("server TLS", func(t *testing.T) {
		addr := serveTLS(t, load(false))
		if err := call(t, addr, clientTLS(nil)); err != nil {
			t.Errorf("TLS client: %v", err)
		}
		if err := call(t, addr, insecure.NewCredentials()); status.Code(err) != codes.Unavailable {
			t.Errorf("plaintext client against TLS: %v, want Unavailable", err)
		}
	})
	t.Run("mutual TLS", func(t *testing.T) {
		addr := serveTLS(t, load(true))
		if err := call(t, addr, clientTLS(cliCert)); err != nil {
			t.Errorf("client with a certificate of the CA: %v", err)
		}
		if err := call(t, addr, clientTLS(nil)); err == nil {
			t.Error("client without a certificate was accepted")
		}
		if err := call(t, addr, clientTLS(strangerCert)); err == nil {
			t.Error("client with a certificate of another CA was accepted")
		}
	})
	t.Run("bad PEM", func(t *testing.T) {
		sc := &pb.MetadataStoreServerConfig{
			ConnectionConfig: &pb.ConnectionConfig{Config: &pb.ConnectionConfig_FakeDatabase{FakeDatabase: &pb.FakeDatabaseConfig{}}},
			SslConfig: &pb.MetadataStoreServerConfig_SSLConfig{
				ServerKey: proto.String(string(cliCert.keyPEM)), ServerCert: proto.String(string(srvCert.certPEM)),
			},
		}
		_, err := Load([]string{"--metadata_store_server_config_file=" + writeFile(t, "tls.pbtxt", mustText(t, sc))})
		if err == nil || !strings.Contains(err.Error(), "ssl_config: server_cert/server_key: ") {
			t.Errorf("mismatched key: %v", err)
		}
		sc.SslConfig.ServerKey = proto.String(string(srvCert.keyPEM))
		sc.SslConfig.CustomCa = proto.String("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
		_, err = Load([]string{"--metadata_store_server_config_file=" + writeFile(t, "tls.pbtxt", mustText(t, sc))})
		if err == nil || err.Error() != "ssl_config: custom_ca holds no usable PEM certificate" {
			t.Errorf("bad CA: %v", err)
		}
	})
}

// TestMySQLServerCertChecks runs TLS handshakes with the client settings
// that a config file's mysql.ssl_options give, against servers presenting
// certificates for "localhost" and 127.0.0.1: verify_server_cert checks the
// chain and the host name; without it a ca still checks the chain, and no
// ca checks nothing.
func TestMySQLServerCertChecks(t *testing.T) {
	ca := testCA(t)
	caFile := writeFile(t, "ca.pem", string(ca.certPEM))
	ours := leaf(t, ca, "mysql", x509.ExtKeyUsageServerAuth)
	stranger := leaf(t, testCA(t), "mysql", x509.ExtKeyUsageServerAuth)

	// handshake connects a client with the TLS settings of the config file
	// text to a server presenting kp.
	handshake := func(t *testing.T, mysqlText string, kp *keyPair) error {
		t.Helper()
		c, err := Load([]string{"--metadata_store_server_config_file=" + writeFile(t, "c.pbtxt", "connection_config { mysql { "+mysqlText+" } }")})
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.Backend()
		if err != nil {
			t.Fatal(err)
		}
		tc, err := b.MySQL.SSL.TLSConfig(b.MySQL.Host)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := tls.X509KeyPair(kp.certPEM, kp.keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer lis.Close()
		done := make(chan struct{})
		go func() {
			defer close(done)
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			srv := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}})
			_ = srv.Handshake()
			srv.Close()
		}()
		conn, err := net.Dial("tcp", lis.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		cli := tls.Client(conn, tc)
		err = cli.Handshake()
		cli.Close()
		<-done
		return err
	}

	tests := []struct {
		name   string
		mysql  string
		server *keyPair
		ok     bool
	}{
		{"ca, no verify: the CA's certificate for another name", `host: "db.example" database: "d" ssl_options { ca: "` + caFile + `" }`, ours, true},
		{"ca, no verify: another CA's certificate", `host: "db.example" database: "d" ssl_options { ca: "` + caFile + `" }`, stranger, false},
		{"ca, verify: the CA's certificate for another name", `host: "db.example" database: "d" ssl_options { ca: "` + caFile + `" verify_server_cert: true }`, ours, false},
		{"ca, verify: the CA's certificate for the host", `host: "localhost" database: "d" ssl_options { ca: "` + caFile + `" verify_server_cert: true }`, ours, true},
		{"ca, verify: another CA's certificate for the host", `host: "127.0.0.1" database: "d" ssl_options { ca: "` + caFile + `" verify_server_cert: true }`, stranger, false},
		{"no ca, no verify: anything", `host: "db.example" database: "d" ssl_options { cipher: "ECDHE-ECDSA-AES128-GCM-SHA256" }`, stranger, true},
		{"no ca, verify: the system roots", `host: "localhost" database: "d" ssl_options { verify_server_cert: true }`, ours, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := handshake(t, tt.mysql, tt.server)
			if tt.ok && err != nil {
				t.Errorf("handshake failed: %v", err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "certificate")) {
				t.Errorf("handshake: %v, want a certificate error", err)
			}
		})
	}
}
