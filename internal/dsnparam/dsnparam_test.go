package dsnparam

import (
	"strings"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestTake(t *testing.T) {
	tests := []struct {
		name      string
		params    map[string]string
		wantCount int
		wantDur   time.Duration
		wantBool  bool
		wantErr   []string // fragments; none for success
	}{
		{"absent", map[string]string{"other": "x"}, 0, 0, false, nil},
		{"all good", map[string]string{"n": "7", "d": "90s", "b": "true"}, 7, 90 * time.Second, true, nil},
		{"negative count", map[string]string{"n": "-1"}, 0, 0, false, []string{`test: DSN parameter n="-1": must not be negative`}},
		{"negative duration", map[string]string{"d": "-1s"}, 0, 0, false, []string{`d="-1s": must not be negative`}},
		{"all bad", map[string]string{"n": "x", "d": "soon", "b": "maybe"}, 0, 0, false, []string{`n="x"`, `d="soon"`, `b="maybe"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				n int
				d time.Duration
				b bool
			)
			p := New("test", tc.params)
			p.Take("n", Count(&n))
			p.Take("d", Duration(&d))
			p.Take("b", Bool(&b))
			err := p.Err()
			for _, name := range []string{"n", "d", "b"} {
				if _, ok := tc.params[name]; ok {
					t.Errorf("parameter %s was not taken out", name)
				}
			}
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if n != tc.wantCount || d != tc.wantDur || b != tc.wantBool {
					t.Errorf("got %d, %v, %v; want %d, %v, %v", n, d, b, tc.wantCount, tc.wantDur, tc.wantBool)
				}
				return
			}
			if errcode.Of(err) != errcode.InvalidArgument {
				t.Fatalf("error %v, want InvalidArgument", err)
			}
			for _, frag := range tc.wantErr {
				if !strings.Contains(err.Error(), frag) {
					t.Errorf("error %q does not mention %q", err, frag)
				}
			}
		})
	}
}
