package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gomlmd/gomlmd/server"
	"github.com/gomlmd/gomlmd/server/serverconfig"
)

// TestKubernetesExample checks deploy/kubernetes: its arguments are a valid
// command line (with Kubeflow's variables filled in), the probes ask the
// gRPC health service, and the pod runs as a non-root user.
func TestKubernetesExample(t *testing.T) {
	b, err := os.ReadFile("../../deploy/kubernetes/metadata-grpc-deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type probe struct {
		GRPC *struct {
			Port    int    `yaml:"port"`
			Service string `yaml:"service"`
		} `yaml:"grpc"`
	}
	var d struct {
		Kind     string
		Metadata struct{ Name string }
		Spec     struct {
			Template struct {
				Spec struct {
					SecurityContext struct {
						RunAsNonRoot bool `yaml:"runAsNonRoot"`
						RunAsUser    int  `yaml:"runAsUser"`
					} `yaml:"securityContext"`
					Containers []struct {
						Command []string
						Args    []string
						Env     []struct{ Name string }
						Ready   probe `yaml:"readinessProbe"`
						Live    probe `yaml:"livenessProbe"`
					}
				}
			}
		}
	}
	if err := yaml.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Kind != "Deployment" || d.Metadata.Name != "metadata-grpc-deployment" || len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("not Kubeflow's metadata-grpc-deployment: %+v", d)
	}
	ps := d.Spec.Template.Spec
	c := ps.Containers[0]
	if !ps.SecurityContext.RunAsNonRoot || ps.SecurityContext.RunAsUser != 65532 {
		t.Errorf("securityContext %+v, want runAsNonRoot and user 65532", ps.SecurityContext)
	}
	if len(c.Command) != 1 || c.Command[0] != "/bin/metadata_store_server" {
		t.Errorf("command %v", c.Command)
	}
	if c.Ready.GRPC == nil || c.Ready.GRPC.Port != 8080 || c.Ready.GRPC.Service != server.ServiceName {
		t.Errorf("readiness probe %+v, want gRPC health of %s on 8080", c.Ready.GRPC, server.ServiceName)
	}
	if c.Live.GRPC == nil || c.Live.GRPC.Port != 8080 || c.Live.GRPC.Service != "" {
		t.Errorf("liveness probe %+v, want gRPC health of the server on 8080", c.Live.GRPC)
	}
	env := map[string]bool{}
	for _, e := range c.Env {
		env[e.Name] = true
	}
	if !env[serverconfig.PasswordEnv] {
		t.Errorf("the password is not passed in %s", serverconfig.PasswordEnv)
	}
	vars := regexp.MustCompile(`\$\(([A-Z_]+)\)`)
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = vars.ReplaceAllStringFunc(a, func(v string) string {
			name := vars.FindStringSubmatch(v)[1]
			if !env[name] {
				t.Errorf("argument %q uses $(%s), which the container's env does not set", a, name)
			}
			if name == "MYSQL_PORT" {
				return "3306"
			}
			return "x"
		})
	}
	cfg, err := serverconfig.Load(args)
	if err != nil {
		t.Fatalf("the example's arguments do not load: %v", err)
	}
	if cfg.ListenAddress != "0.0.0.0:8080" || cfg.MetricsAddress != "0.0.0.0:9090" || cfg.Server.GetConnectionConfig().GetMysql() == nil {
		t.Errorf("config %+v", cfg)
	}
	for _, want := range []string{"--grpc_port=8080", "--mysql_config_database=$(MYSQL_DATABASE)", "--mysql_config_host=$(MYSQL_HOST)",
		"--mysql_config_port=$(MYSQL_PORT)", "--mysql_config_user=$(DBCONFIG_USER)", "--enable_database_upgrade=true"} {
		if !strings.Contains(strings.Join(c.Args, " "), want) {
			t.Errorf("args lack Kubeflow's %s", want)
		}
	}
}
