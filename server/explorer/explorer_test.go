package explorer_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gomlmd/gomlmd/server/explorer"
)

// TestHandler checks the embedded files are served, with a policy that
// forbids loading anything from other origins, and that writes are refused.
func TestHandler(t *testing.T) {
	h := explorer.Handler()
	tests := []struct {
		method, path string
		code         int
		contains     string
	}{
		{"GET", "/", 200, `<script src="app.js">`},
		{"GET", "/app.js", 200, "cytoscape"},
		{"GET", "/style.css", 200, "#graph"},
		{"GET", "/THIRD_PARTY_LICENSES.txt", 200, "cytoscape-dagre"},
		{"HEAD", "/", 200, ""},
		{"GET", "/missing.js", 404, ""},
		{"POST", "/", 405, "read-only"},
		{"DELETE", "/app.js", 405, "read-only"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.code {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, rec.Code, tt.code)
		}
		if !strings.Contains(rec.Body.String(), tt.contains) {
			t.Errorf("%s %s: body lacks %q", tt.method, tt.path, tt.contains)
		}
		if tt.code == 200 && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s %s: Content-Security-Policy %q", tt.method, tt.path, rec.Header().Get("Content-Security-Policy"))
		}
	}
	// No page refers to another origin (no CDN).
	for _, path := range []string{"/", "/app.js", "/style.css"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		for _, bad := range []string{"https://cdn", "http://cdn", "unpkg.com", "jsdelivr", "googleapis.com"} {
			if strings.Contains(rec.Body.String(), bad) {
				t.Errorf("%s refers to %s", path, bad)
			}
		}
	}
}
