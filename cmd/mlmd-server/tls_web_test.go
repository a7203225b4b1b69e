package main

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
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// TestTLSOnTheSharedPort serves with ssl_config and checks that gRPC over
// TLS, and the explorer and Connect over HTTPS (HTTP/1.1 and HTTP/2 by
// ALPN), all work on the one port.
func TestTLSOnTheSharedPort(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mlmd-server"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	cfg := filepath.Join(t.TempDir(), "tls.pbtxt")
	text := `connection_config { fake_database {} } ssl_config { server_key: ` + strconv.Quote(string(keyPEM)) +
		` server_cert: ` + strconv.Quote(string(certPEM)) + ` }`
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)

	addr, stop := startBinary(t, buildServer(t), "--metadata_store_server_config_file="+cfg)
	defer stop()

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pb.NewMetadataStoreServiceClient(conn).PutContextType(ctx, &pb.PutContextTypeRequest{
		ContextType: &pb.ContextType{Name: proto.String("system.Pipeline")}}); err != nil {
		t.Fatalf("gRPC over TLS: %v", err)
	}
	for _, h2 := range []bool{false, true} {
		p := new(http.Protocols)
		if h2 {
			p.SetHTTP2(true)
		} else {
			p.SetHTTP1(true)
		}
		hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Protocols: p, TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := hc.Get("https://" + addr + "/")
		if err != nil {
			t.Fatalf("GET / (h2 %v): %v", h2, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "MLMD explorer") || (resp.ProtoMajor == 2) != h2 {
			t.Errorf("GET / (h2 %v): %s %s", h2, resp.Proto, resp.Status)
		}
		req, _ := http.NewRequest(http.MethodPost, "https://"+addr+"/ml_metadata.MetadataStoreService/GetContextTypes", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Connect-Protocol-Version", "1")
		resp, err = hc.Do(req)
		if err != nil {
			t.Fatalf("Connect over HTTPS (h2 %v): %v", h2, err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "system.Pipeline") {
			t.Errorf("Connect over HTTPS (h2 %v): %s %s", h2, resp.Status, body)
		}
	}
	// Plain HTTP on the TLS port gets no answer.
	if resp, err := (&http.Client{Timeout: 3 * time.Second}).Get("http://" + addr + "/"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP served on the TLS port")
		}
	}
}
