package serverconfig

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net/url"
	"strings"
)

// Web configures the HTTP side that shares the gRPC port.
type Web struct {
	// GRPCWeb serves gRPC-Web and the Connect protocol on the gRPC port
	// (--grpc_web). When false, the port speaks plain gRPC only.
	GRPCWeb bool
	// Explorer serves the read-only web explorer at / (--web_explorer);
	// it needs GRPCWeb.
	Explorer bool
	// CORSOrigins are the browser origins allowed to call the service
	// cross-origin (--http_cors_allowed_origins); "*" allows any.
	CORSOrigins []string
}

type webFlags struct {
	grpcWeb     bool
	explorer    bool
	corsOrigins string
}

func (w *webFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&w.grpcWeb, "grpc_web", true, "also serve gRPC-Web and the Connect protocol (HTTP/1.1 and HTTP/2) on the gRPC port")
	fs.BoolVar(&w.explorer, "web_explorer", true, "serve the read-only web explorer at / on the gRPC port (needs --grpc_web)")
	fs.StringVar(&w.corsOrigins, "http_cors_allowed_origins", "", "comma separated origins allowed to call gRPC-Web/Connect from other sites, e.g. https://kfp.example.com, or * for any (default: same origin only)")
}

func (w *webFlags) config() (Web, error) {
	c := Web{GRPCWeb: w.grpcWeb, Explorer: w.explorer && w.grpcWeb}
	for _, o := range strings.Split(w.corsOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return Web{}, fmt.Errorf("--http_cors_allowed_origins: %q is not an origin like https://host[:port] or *", o)
			}
			o = strings.TrimSuffix(o, "/")
		}
		c.CORSOrigins = append(c.CORSOrigins, o)
	}
	return c, nil
}

// TLSConfig returns the server TLS configuration of ssl_config, or nil when
// the config has none. The HTTP side terminates TLS itself with it, since
// gRPC and HTTP share the port.
func (c *Config) TLSConfig() (*tls.Config, error) {
	sc := c.Server.GetSslConfig()
	if sc == nil {
		return nil, nil
	}
	cfg, err := serverTLSConfig(sc.GetServerKey(), sc.GetServerCert(), sc.GetCustomCa(), sc.GetClientVerify())
	if err != nil {
		return nil, fmt.Errorf("ssl_config: %w", err)
	}
	return cfg, nil
}
