package serverconfig

import (
	"reflect"
	"strings"
	"testing"
)

func TestWebFlags(t *testing.T) {
	tests := []struct {
		args []string
		want Web
		err  string
	}{
		{nil, Web{GRPCWeb: true, Explorer: true}, ""},
		{[]string{"--web_explorer=false"}, Web{GRPCWeb: true}, ""},
		{[]string{"--noweb_explorer"}, Web{GRPCWeb: true}, ""},
		{[]string{"--grpc_web=false"}, Web{}, ""}, // the explorer needs gRPC-Web
		{[]string{"--http_cors_allowed_origins=https://kfp.example.com/, http://localhost:3000"},
			Web{GRPCWeb: true, Explorer: true, CORSOrigins: []string{"https://kfp.example.com", "http://localhost:3000"}}, ""},
		{[]string{"--http_cors_allowed_origins=*"}, Web{GRPCWeb: true, Explorer: true, CORSOrigins: []string{"*"}}, ""},
		{[]string{"--http_cors_allowed_origins=kfp.example.com"}, Web{}, `--http_cors_allowed_origins: "kfp.example.com" is not an origin`},
		{[]string{"--http_cors_allowed_origins=https://kfp.example.com/pipelines"}, Web{}, "is not an origin"},
	}
	for _, tt := range tests {
		c, err := Load(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(c.Web, tt.want) {
			t.Errorf("%v: %+v, want %+v", tt.args, c.Web, tt.want)
		}
	}
}
