package placeholder

import "testing"

func TestDollar(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT id FROM Type WHERE name = ? AND version = ?", "SELECT id FROM Type WHERE name = $1 AND version = $2"},
		{"INSERT INTO T (a, b) VALUES (?, ?), (?, ?)", "INSERT INTO T (a, b) VALUES ($1, $2), ($3, $4)"},
		{"SELECT '?' , ? , 'it''s ?' , ?", "SELECT '?' , $1 , 'it''s ?' , $2"},
		{`SELECT "a?b" FROM t WHERE x = ?`, `SELECT "a?b" FROM t WHERE x = $1`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{"SELECT /* ? */ ?", "SELECT /* ? */ $1"},
		{"SELECT $$ ? $$, ?, $tag$ ?' $tag$, ?", "SELECT $$ ? $$, $1, $tag$ ?' $tag$, $2"},
		{"SELECT $1, $2", "SELECT $1, $2"},
		{"SELECT j ?| array['a'], ?", "SELECT j ?| array['a'], $1"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
	}
	for _, tc := range tests {
		if got := Dollar(tc.in); got != tc.want {
			t.Errorf("Dollar(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// From the cache, the same.
		if got := Dollar(tc.in); got != tc.want {
			t.Errorf("cached Dollar(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkDollar(b *testing.B) {
	q := "SELECT n.id, n.type_id, n.uri FROM Artifact AS n JOIN Type AS t ON t.id = n.type_id WHERE n.id IN (?, ?, ?, ?, ?, ?, ?, ?) ORDER BY n.id"
	for b.Loop() {
		Dollar(q)
	}
}
