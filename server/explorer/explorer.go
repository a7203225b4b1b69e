// Package explorer serves the read-only web explorer of mlmd-server: a
// single page that browses types, artifacts, executions and contexts (with
// MLMD filter queries, server-side paging and sorting), shows each node's
// properties, events and contexts, and draws lineage graphs.
//
// The page talks to mlmd-server's own MetadataStoreService over the Connect
// protocol (see package web), so it has no API of its own and reads nothing
// the service does not expose. Its files are built from web/ (node
// web/build.mjs) and embedded here: nothing is fetched from elsewhere at run
// time, which the Content-Security-Policy header enforces.
package explorer

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

// Handler returns the handler of the explorer's files; mount it at "/".
func Handler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree always has assets/
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the explorer is read-only", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.URL.Path == "/" || strings.HasSuffix(r.URL.Path, ".html") {
			h.Set("Cache-Control", "no-cache")
		} else {
			h.Set("Cache-Control", "public, max-age=300")
		}
		files.ServeHTTP(w, r)
	})
}
