package serverconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/credentials"
)

// TransportCredentials returns the TLS credentials of ssl_config, or nil
// when the config has none (plaintext). As in MLMD's server, server_key,
// server_cert and custom_ca hold PEM text, not file names; client_verify
// requires clients to present a certificate signed by custom_ca (or, when
// custom_ca is empty, by a CA of the system pool): mutual TLS.
func (c *Config) TransportCredentials() (credentials.TransportCredentials, error) {
	sc := c.Server.GetSslConfig()
	if sc == nil {
		return nil, nil
	}
	cfg, err := serverTLSConfig(sc.GetServerKey(), sc.GetServerCert(), sc.GetCustomCa(), sc.GetClientVerify())
	if err != nil {
		return nil, fmt.Errorf("ssl_config: %w", err)
	}
	return credentials.NewTLS(cfg), nil
}

func serverTLSConfig(keyPEM, certPEM, caPEM string, clientVerify bool) (*tls.Config, error) {
	if keyPEM == "" || certPEM == "" {
		return nil, errors.New("server_key and server_cert are both required")
	}
	for name, v := range map[string]string{"server_key": keyPEM, "server_cert": certPEM, "custom_ca": caPEM} {
		if v != "" && !strings.Contains(v, "-----BEGIN ") {
			return nil, fmt.Errorf("%s must hold PEM text (-----BEGIN ...), not a file name", name)
		}
	}
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		return nil, fmt.Errorf("server_cert/server_key: %v", err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	}
	if caPEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(caPEM)) {
			return nil, errors.New("custom_ca holds no usable PEM certificate")
		}
		cfg.ClientCAs = pool
	}
	if clientVerify {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
