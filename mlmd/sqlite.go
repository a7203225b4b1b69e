package mlmd

import "github.com/gomlmd/gomlmd/mlmd/sqlitestore"

// SQLite is the embedded default backend: Open(ctx, "sqlite", dsn) works
// without importing a backend package. See package sqlitestore for its
// DSNs.
func init() { Register("sqlite", sqlitestore.Driver{}) }
