package sqlstore_test

import (
	"testing"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
)

func TestToDollar(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT id FROM Type WHERE id = ?", "SELECT id FROM Type WHERE id = $1"},
		{"INSERT INTO t (a, b) VALUES (?, ?), (?, ?)", "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"},
		{"SELECT '?' FROM t WHERE a = ?", "SELECT '?' FROM t WHERE a = $1"},
		{"SELECT 'it''s ?' FROM t WHERE a = ?", "SELECT 'it''s ?' FROM t WHERE a = $1"},
		{`SELECT "a?""b" FROM t WHERE a = ?`, `SELECT "a?""b" FROM t WHERE a = $1`},
		{"SELECT a -- why?\nFROM t WHERE a = ?", "SELECT a -- why?\nFROM t WHERE a = $1"},
		{"SELECT a /* ? */ FROM t WHERE a IN (?,?)", "SELECT a /* ? */ FROM t WHERE a IN ($1,$2)"},
		{"SELECT a -- trailing ?", "SELECT a -- trailing ?"},
		{"SELECT a /* unterminated ?", "SELECT a /* unterminated ?"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
		{"?", "$1"},
		{"?,?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11"},
	}
	for _, c := range cases {
		if got := sqlstore.ToDollar(c.in); got != c.want {
			t.Errorf("ToDollar(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
