package sqlstore

import (
	"reflect"
	"testing"

	"github.com/gomlmd/gomlmd/filterlang"
	"github.com/gomlmd/gomlmd/mlmd/driver"
)

// filterDialect is a Dialect that compiles filters for d; its other
// methods are not called.
type filterDialect struct {
	Dialect
	d filterlang.Dialect
}

func (f filterDialect) FilterDialect() filterlang.Dialect { return f.d }

// TestWindowSQL checks the statements of a filtered page with the other
// conditions of a listing that is windowed (type, cursor): the window holds those,
// the filter applies to the window, and the arguments follow the
// placeholders.
func TestWindowSQL(t *testing.T) {
	f, err := filterlang.Prepare("type = 'm' AND properties.p.int_value > 3", driver.KindArtifact)
	if err != nil {
		t.Fatal(err)
	}
	q := driver.ListQuery{Kind: driver.KindArtifact, Filter: f, TypeID: 4, OrderBy: driver.OrderByCreateTime, Desc: true,
		After: &driver.NodeKey{ID: 12, OrderValue: 500}, Limit: 21}
	const conds = "table_0.type_id = ? AND " +
		"table_0.create_time_since_epoch <= ? AND (table_0.create_time_since_epoch < ? OR table_0.id < ?) " +
		"ORDER BY table_0.create_time_since_epoch DESC, table_0.id DESC LIMIT ?"
	const filter = "WHERE (((table_1.name = ?) AND (table_2.int_value > ?))) ORDER BY table_0.create_time_since_epoch DESC, table_0.id DESC LIMIT ?"
	args := []any{int64(4), int64(500), int64(500), int64(12), int64(1050), "p", "m", int64(3), int64(21)}
	tests := []struct {
		d    filterlang.Dialect
		want string
	}{
		{filterlang.SQLite, "SELECT table_0.id, table_0.create_time_since_epoch FROM (SELECT * FROM Artifact AS table_0 WHERE " + conds + ") AS table_0 " +
			"CROSS JOIN Type AS table_1 ON table_1.id = table_0.type_id " +
			"CROSS JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0 " + filter},
		{filterlang.MySQL, "SELECT table_0.id, table_0.create_time_since_epoch FROM (SELECT table_0.id FROM Artifact AS table_0 WHERE " + conds + ") AS window_0 " +
			"STRAIGHT_JOIN Artifact AS table_0 ON table_0.id = window_0.id " +
			"STRAIGHT_JOIN Type AS table_1 ON table_1.id = table_0.type_id " +
			"STRAIGHT_JOIN ArtifactProperty AS table_2 ON table_2.artifact_id = table_0.id AND table_2.name = ? AND table_2.is_custom_property = 0 " + filter},
	}
	for _, tc := range tests {
		d := filterDialect{d: tc.d}
		p, err := planList(d, q)
		if err != nil {
			t.Fatal(err)
		}
		if !p.windowed(d) {
			t.Fatalf("%s: a filtered page with a join is not windowed", tc.d)
		}
		got, gotArgs := p.windowSQL(tc.d, window(q.Limit))
		if got != tc.want {
			t.Errorf("%s: window\n got %s\nwant %s", tc.d, got, tc.want)
		}
		if !reflect.DeepEqual(gotArgs, args) {
			t.Errorf("%s: args\n got %#v\nwant %#v", tc.d, gotArgs, args)
		}
	}
}

func TestWindowed(t *testing.T) {
	prepare := func(query string) *driver.Filter {
		f, err := filterlang.Prepare(query, driver.KindArtifact)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	property, context := prepare("properties.p.int_value > 3"), prepare("contexts_a.name = 'run'")
	tests := []struct {
		name   string
		d      filterlang.Dialect
		filter *driver.Filter
		limit  int
		inCtx  int64 // ListQuery.ContextID
		want   bool
	}{
		{"a page filtered on a property", filterlang.SQLite, property, 21, 0, true},
		{"on MySQL", filterlang.MySQL, property, 21, 0, true},
		{"on PostgreSQL", filterlang.PostgreSQL, property, 21, 0, false},
		{"no filter", filterlang.SQLite, nil, 21, 0, false},
		{"a filter without joins", filterlang.SQLite, context, 21, 0, false},
		{"an unpaged listing", filterlang.SQLite, property, 0, 0, false},
		{"an unpaged listing bounded by a row limit", filterlang.SQLite, property, maxWindowedLimit + 1, 0, false},
		{"the largest windowed page", filterlang.SQLite, property, maxWindowedLimit, 0, true},
		{"one context's members (SQLite)", filterlang.SQLite, property, 21, 7, false},
		{"one context's members (MySQL)", filterlang.MySQL, property, 21, 7, false},
	}
	for _, tc := range tests {
		d := filterDialect{d: tc.d}
		p, err := planList(d, driver.ListQuery{Kind: driver.KindArtifact, Filter: tc.filter, Limit: tc.limit, ContextID: tc.inCtx})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.windowed(d); got != tc.want {
			t.Errorf("%s: windowed = %v, want %v", tc.name, got, tc.want)
		}
	}
}
