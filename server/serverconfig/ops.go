package serverconfig

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
	"github.com/gomlmd/gomlmd/mlmd"
	"github.com/gomlmd/gomlmd/server"
)

// PasswordEnv is the environment variable that may hold the MySQL password,
// so it need not appear on the command line or in a config file.
const PasswordEnv = "MLMD_MYSQL_PASSWORD"

// Operation are the settings for running the server in production: limits
// per call, metrics, health probing. Config embeds them.
type Operation struct {
	// MetricsAddress is where the HTTP server of the Prometheus metrics
	// listens (--metrics_port); empty means no metrics server.
	MetricsAddress string
	// Limits bound the work of one call (--max_request_ids, ...).
	Limits server.Limits
	// HealthInterval and HealthTimeout pace the health probe of the store
	// (--health_check_interval, --health_check_timeout).
	HealthInterval time.Duration
	HealthTimeout  time.Duration
	// OnOpenRetry, if set, is called by OpenStore before each retry.
	OnOpenRetry func()
	// OnTxRetry, if set, becomes the store's mlmd.Options.OnRetry in
	// OpenStore: it is told of every transaction the store runs again.
	OnTxRetry func(mlmd.Retry)
}

// opsFlags are the raw values of the flags of Operation, of the password
// file and of --version.
type opsFlags struct {
	mysqlPasswordFile string
	metricsPort       int
	limits            server.Limits
	healthInterval    time.Duration
	healthTimeout     time.Duration
	version           bool
}

func (o *opsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.mysqlPasswordFile, "mysql_config_password_file", "", "file holding the MySQL password (trailing newline removed), e.g. a mounted Kubernetes secret; the environment variable "+PasswordEnv+" works too")
	fs.IntVar(&o.metricsPort, "metrics_port", 0, "port of an HTTP server for Prometheus metrics at /metrics (0: no metrics server)")
	fs.IntVar(&o.limits.MaxRequestIDs, "max_request_ids", server.DefaultMaxRequestIDs, "most ids, names or URIs in one request; larger requests fail with InvalidArgument (-1: no limit)")
	fs.IntVar(&o.limits.MaxRequestNodes, "max_request_nodes", server.DefaultMaxRequestNodes, "most artifacts, executions, contexts, events or types in one request; larger requests fail with InvalidArgument (-1: no limit)")
	fs.IntVar(&o.limits.MaxResponseRows, "max_response_rows", server.DefaultMaxResponseRows, "most nodes in the answer of a listing without ListOperationOptions (GetArtifacts, GetArtifactsByContext, ...); larger answers fail with ResourceExhausted (-1: no limit)")
	fs.DurationVar(&o.healthInterval, "health_check_interval", 5*time.Second, "how often the gRPC health service probes the database")
	fs.DurationVar(&o.healthTimeout, "health_check_timeout", 2*time.Second, "how long one probe of the database may take before health turns NOT_SERVING")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
}

// config checks the flags and returns the Operation they set.
func (o *opsFlags) config() (Operation, error) {
	op := Operation{Limits: o.limits, HealthInterval: o.healthInterval, HealthTimeout: o.healthTimeout}
	if o.metricsPort < 0 || o.metricsPort > 65535 {
		return op, fmt.Errorf("--metrics_port %d is invalid: must be in 0..65535", o.metricsPort)
	}
	if o.metricsPort > 0 {
		op.MetricsAddress = net.JoinHostPort("0.0.0.0", strconv.Itoa(o.metricsPort))
	}
	for _, l := range []struct {
		name string
		v    int
	}{
		{"max_request_ids", o.limits.MaxRequestIDs},
		{"max_request_nodes", o.limits.MaxRequestNodes},
		{"max_response_rows", o.limits.MaxResponseRows},
	} {
		if l.v == 0 || l.v < -1 {
			return op, fmt.Errorf("--%s %d is invalid: must be positive, or -1 for no limit", l.name, l.v)
		}
	}
	if o.healthInterval <= 0 || o.healthTimeout <= 0 {
		return op, errors.New("--health_check_interval and --health_check_timeout must be positive")
	}
	return op, nil
}

// applyPassword sets the MySQL password of sc from
// --mysql_config_password_file or the environment variable PasswordEnv,
// when the password is not given by --mysql_config_password (flagSet) or
// the config file (configFile names it, for messages).
func (o *opsFlags) applyPassword(sc *pb.MetadataStoreServerConfig, flagSet bool, configFile string) error {
	m := sc.GetConnectionConfig().GetMysql()
	if o.mysqlPasswordFile != "" && flagSet {
		return errors.New("--mysql_config_password and --mysql_config_password_file cannot be set together")
	}
	if m == nil {
		if o.mysqlPasswordFile != "" {
			return errors.New("--mysql_config_password_file is set, but the database is not MySQL")
		}
		return nil
	}
	switch {
	case o.mysqlPasswordFile != "":
		if m.GetPassword() != "" {
			return fmt.Errorf("--mysql_config_password_file is set, but the config file %s has a password already", configFile)
		}
		b, err := os.ReadFile(o.mysqlPasswordFile)
		if err != nil {
			return fmt.Errorf("--mysql_config_password_file: %w", err)
		}
		m.Password = proto.String(strings.TrimRight(string(b), "\r\n"))
	case m.GetPassword() == "":
		if pw, ok := os.LookupEnv(PasswordEnv); ok {
			m.Password = proto.String(pw)
		}
	}
	return nil
}
