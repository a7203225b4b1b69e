package postgresstore

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
)

func TestStartsWith(t *testing.T) {
	tests := []struct {
		query, word string
		want        bool
	}{
		{"INSERT INTO t VALUES (1)", "INSERT", true},
		{"  \n\tupdate t SET a = 1", "UPDATE", true},
		{"-- name: UpdateType :execrows\nUPDATE Type SET a = ?", "UPDATE", true},
		{"/* x */ -- y\n SELECT 1", "SELECT", true},
		{"WITH RECURSIVE w AS (SELECT 1) INSERT INTO t SELECT * FROM w", "INSERT", false},
		{"SELECT 1", "INSERT", false},
		{"-- only a comment", "SELECT", false},
		{"", "SELECT", false},
	}
	for _, tc := range tests {
		if got := startsWith(tc.query, tc.word); got != tc.want {
			t.Errorf("startsWith(%q, %q) = %v", tc.query, tc.word, got)
		}
	}
}

func TestClamped(t *testing.T) {
	args := []any{int64(1 << 40), "x", int64(1 << 40), int64(5), int64(-1 << 40)}
	got := clamped(args, 1<<40)
	want := []any{int64(math.MaxInt32), "x", int64(math.MaxInt32), int64(5), int64(-1 << 40)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clamped = %v, want %v", got, want)
	}
	if args[0] != int64(1<<40) {
		t.Error("clamped changed its argument")
	}
	if got := clamped(args, -1<<40); got[4] != int64(math.MinInt32) {
		t.Errorf("clamped negative: %v", got)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want sqlstore.ErrorClass
	}{
		{&pgconn.PgError{Code: "23505"}, sqlstore.ClassDuplicate},
		{&pgconn.PgError{Code: "40001"}, sqlstore.ClassTransient},
		{&pgconn.PgError{Code: "40P01"}, sqlstore.ClassTransient},
		{&pgconn.PgError{Code: "55P03"}, sqlstore.ClassTransient},
		{&pgconn.PgError{Code: "23502"}, sqlstore.ClassInvalid},
		{&pgconn.PgError{Code: "22001"}, sqlstore.ClassInvalid},
		{&pgconn.PgError{Code: "22003"}, sqlstore.ClassInvalid},
		{&pgconn.PgError{Code: "22021"}, sqlstore.ClassInvalid},
		{&pgconn.PgError{Code: "57P01"}, sqlstore.ClassConnectionLost},
		{&pgconn.PgError{Code: "57P02"}, sqlstore.ClassConnectionLost},
		{&pgconn.PgError{Code: "57P03"}, sqlstore.ClassConnectionLost},
		{&pgconn.PgError{Code: "53300"}, sqlstore.ClassConnectionLost},
		{&pgconn.PgError{Code: "08006"}, sqlstore.ClassConnectionLost},
		{&pgconn.PgError{Code: "28P01"}, sqlstore.ClassUnavailable},
		{&pgconn.PgError{Code: "28000"}, sqlstore.ClassUnavailable},
		{&pgconn.PgError{Code: "3D000"}, sqlstore.ClassUnavailable},
		{&pgconn.PgError{Code: "42601"}, sqlstore.ClassOther},
		{&pgconn.PgError{Code: "57014"}, sqlstore.ClassOther},
		{errors.New("failed to encode args[0]: unable to encode 3000000000 into binary format for int4 (OID 23): 3000000000 is greater than maximum value for int4"), sqlstore.ClassInvalid},
		{errors.New("something else"), sqlstore.ClassOther},
	}
	for _, tc := range tests {
		if got := (dialect{}).Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestExplain: every SQLSTATE that Classify calls invalid gets words for
// the client, which name no column, type or SQL; the others none.
func TestExplain(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "22003", Message: "value out of range: overflow"}, "a numeric value is out of range"},
		{&pgconn.PgError{Code: "22001", Message: `value too long for type character varying(255)`}, "a value is too long for its column"},
		{&pgconn.PgError{Code: "23502", Message: `null value in column "uri"`}, "a required value is missing"},
		{&pgconn.PgError{Code: "23514"}, "a value is not allowed in its column"},
		{&pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type integer: "x"`}, "a value has the wrong form for its type"},
		{&pgconn.PgError{Code: "22021"}, "a NUL character or invalid UTF-8"},
		{&pgconn.PgError{Code: "22P05"}, "a NUL character or invalid UTF-8"},
		{&pgconn.PgError{Code: "54000", Message: "index row requires 9000 bytes, maximum size is 8191"}, "too large for PostgreSQL to index"},
		{&pgconn.PgError{Code: "54000", Message: "something else"}, "beyond one of PostgreSQL's limits"},
		{errors.New("1099511627776 is greater than maximum value for int4"), "a numeric value is out of range for its column"},
		{&pgconn.PgError{Code: "23505"}, ""},
		{&pgconn.PgError{Code: "40001"}, ""},
		{errors.New("conn closed"), ""},
	}
	var d dialect
	for _, tc := range tests {
		got := d.Explain(tc.err)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("Explain(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if tc.want != "" && d.Classify(tc.err) != sqlstore.ClassInvalid {
			t.Errorf("Classify(%v) is not ClassInvalid", tc.err)
		}
		for _, raw := range []string{"int4", "character varying", "uri", "index row requires"} {
			if strings.Contains(got, raw) {
				t.Errorf("Explain(%v) = %q carries the database's text %q", tc.err, got, raw)
			}
		}
	}
}
