package web_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	_ "github.com/gomlmd/gomlmd/mlmd/sqlitestore"
	"github.com/gomlmd/gomlmd/server/web"
	"github.com/gomlmd/gomlmd/server/web/webtest"
)

func openStore(t *testing.T) *mlmd.Store {
	t.Helper()
	store, err := mlmd.Open(context.Background(), "sqlite", "file:"+filepath.Join(t.TempDir(), "mlmd.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// selfSigned returns a server TLS config for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mlmd-test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// httpClient returns a client speaking only HTTP/1.1 or only HTTP/2 (h2c
// with prior knowledge in plaintext, h2 by ALPN over TLS).
func httpClient(h2 bool, pool *x509.CertPool) *http.Client {
	p := new(http.Protocols)
	switch {
	case !h2:
		p.SetHTTP1(true)
	case pool == nil:
		p.SetUnencryptedHTTP2(true)
	default:
		p.SetHTTP2(true)
	}
	tr := &http.Transport{Protocols: p}
	if pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// TestProtocolsOnOnePort calls the service over native gRPC, Connect JSON,
// Connect binary and gRPC-Web, each over HTTP/1.1 and HTTP/2, in plaintext
// and with TLS, all on the one port, and checks every answer is the same.
func TestProtocolsOnOnePort(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		name := "plaintext"
		if useTLS {
			name = "tls"
		}
		t.Run(name, func(t *testing.T) {
			store := openStore(t)
			var (
				pool *x509.CertPool
				opts web.Options
			)
			if useTLS {
				opts.TLS, pool = selfSigned(t)
			}
			addr := webtest.Start(t, store, &opts)
			base := "http://" + addr
			gcreds := insecure.NewCredentials()
			if useTLS {
				base = "https://" + addr
				gcreds = credentials.NewTLS(&tls.Config{RootCAs: pool})
			}
			ctx := context.Background()

			conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(gcreds))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			gc := pb.NewMetadataStoreServiceClient(conn)
			put, err := gc.PutArtifactType(ctx, &pb.PutArtifactTypeRequest{ArtifactType: &pb.ArtifactType{
				Name:       proto.String("Model"),
				Properties: map[string]pb.PropertyType{"version": pb.PropertyType_INT},
			}})
			if err != nil {
				t.Fatalf("native gRPC PutArtifactType: %v", err)
			}
			want, err := gc.GetArtifactTypes(ctx, &pb.GetArtifactTypesRequest{})
			if err != nil || len(want.GetArtifactTypes()) != 1 {
				t.Fatalf("native gRPC GetArtifactTypes: %v, %v", want, err)
			}

			const path = "/ml_metadata.MetadataStoreService/GetArtifactTypes"
			for _, h2 := range []bool{false, true} {
				hc := httpClient(h2, pool)
				wantMajor := 1
				if h2 {
					wantMajor = 2
				}
				for _, c := range []struct {
					name string
					opts []connect.ClientOption
				}{
					{"connect+json", []connect.ClientOption{connect.WithProtoJSON()}},
					{"connect+proto", nil},
					{"grpc-web+proto", []connect.ClientOption{connect.WithGRPCWeb()}},
				} {
					cl := connect.NewClient[pb.GetArtifactTypesRequest, pb.GetArtifactTypesResponse](hc, base+path, c.opts...)
					got, err := cl.CallUnary(ctx, connect.NewRequest(&pb.GetArtifactTypesRequest{}))
					if err != nil {
						t.Fatalf("%s over HTTP/%d: %v", c.name, wantMajor, err)
					}
					if !proto.Equal(got.Msg, want) {
						t.Errorf("%s over HTTP/%d: %v, want %v", c.name, wantMajor, got.Msg, want)
					}
				}
				// The raw Connect JSON call a browser makes, checking the
				// protocol version and an error's JSON form.
				resp, err := postJSON(hc, base+"/ml_metadata.MetadataStoreService/GetArtifactTypesByID",
					`{"typeIds": ["`+itoa(put.GetTypeId())+`"]}`)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || resp.ProtoMajor != wantMajor {
					t.Fatalf("Connect JSON: %s over %s: %s", resp.Status, resp.Proto, body)
				}
				var types struct {
					ArtifactTypes []struct{ Name string } `json:"artifactTypes"`
				}
				if err := json.Unmarshal(body, &types); err != nil || len(types.ArtifactTypes) != 1 || types.ArtifactTypes[0].Name != "Model" {
					t.Errorf("Connect JSON GetArtifactTypesByID: %s (%v)", body, err)
				}
				resp, err = postJSON(hc, base+"/ml_metadata.MetadataStoreService/GetArtifacts",
					`{"options": {"filterQuery": "uri = "}}`)
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				var cerr struct{ Code, Message string }
				if err := json.Unmarshal(body, &cerr); err != nil || cerr.Code != "invalid_argument" || cerr.Message == "" {
					t.Errorf("bad filter over Connect: %s %s, want an invalid_argument error", resp.Status, body)
				}
			}
		})
	}
}

// postJSON makes a Connect unary call with a JSON body, as the explorer does.
func postJSON(hc *http.Client, url, body string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Connect-Protocol-Version", "1")
	return hc.Do(req)
}

func itoa(i int64) string { return big.NewInt(i).String() }

// TestCORS checks preflight answers: allowed origins get the headers a
// gRPC-Web client needs, others get none.
func TestCORS(t *testing.T) {
	store := openStore(t)
	addr := webtest.Start(t, store, &web.Options{CORSOrigins: []string{"https://kfp.example.com"}})
	tests := []struct {
		origin string
		allow  string
	}{
		{"https://kfp.example.com", "https://kfp.example.com"},
		{"https://evil.example.com", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodOptions, "http://"+addr+"/ml_metadata.MetadataStoreService/GetArtifacts", nil)
		req.Header.Set("Origin", tt.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allow {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q, want %q", tt.origin, got, tt.allow)
		}
		if tt.allow != "" && resp.Header.Get("Access-Control-Allow-Headers") == "" {
			t.Errorf("origin %s: no Access-Control-Allow-Headers", tt.origin)
		}
	}
}
