package mlmd

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

func TestPageTokenRoundTrip(t *testing.T) {
	for _, key := range []driver.NodeKey{{ID: 1, OrderValue: 1}, {ID: 42, OrderValue: 1700000000123}, {ID: 1 << 40, OrderValue: -5}} {
		tok := encodePageToken(key, "fp")
		got, err := decodePageToken(tok, "fp")
		if err != nil {
			t.Fatalf("decode %q: %v", tok, err)
		}
		if got != key {
			t.Errorf("got %+v, want %+v", got, key)
		}
	}
}

func TestPageTokenRejects(t *testing.T) {
	good := encodePageToken(driver.NodeKey{ID: 10, OrderValue: 500}, "fp")
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	var tok pageToken
	if err := json.Unmarshal(raw, &tok); err != nil {
		t.Fatal(err)
	}
	reencode := func(p pageToken) string {
		b, _ := json.Marshal(p)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	altered := tok
	altered.I = 11 // moved cursor, checksum left as it was
	otherVersion := tok
	otherVersion.V = 2
	otherVersion.C = otherVersion.checksum()

	tests := []struct {
		name, token, fingerprint string
	}{
		{"not base64", "!!!", "fp"},
		{"not json", base64.RawURLEncoding.EncodeToString([]byte("hello")), "fp"},
		{"altered", reencode(altered), "fp"},
		{"unknown version", reencode(otherVersion), "fp"},
		{"other listing", good, "other"},
		{"truncated", good[:len(good)-4], "fp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodePageToken(tt.token, tt.fingerprint)
			if errcode.Of(err) != errcode.InvalidArgument {
				t.Errorf("decode = %v, want InvalidArgument", err)
			}
		})
	}
}

func TestNewListing(t *testing.T) {
	tests := []struct {
		name      string
		opts      ListOptions
		wantSize  int
		wantOrder driver.OrderField
		wantCode  errcode.Code
	}{
		{"defaults", ListOptions{}, DefaultListResultSize, driver.OrderByID, errcode.OK},
		{"size", ListOptions{MaxResultSize: 7}, 7, driver.OrderByID, errcode.OK},
		{"capped", ListOptions{MaxResultSize: 1000}, MaxListResultSize, driver.OrderByID, errcode.OK},
		{"negative", ListOptions{MaxResultSize: -1}, 0, 0, errcode.InvalidArgument},
		{"create time", ListOptions{OrderBy: OrderByCreateTime}, DefaultListResultSize, driver.OrderByCreateTime, errcode.OK},
		{"update time", ListOptions{OrderBy: OrderByUpdateTime, Desc: true}, DefaultListResultSize, driver.OrderByUpdateTime, errcode.OK},
		{"id", ListOptions{OrderBy: OrderByID}, DefaultListResultSize, driver.OrderByID, errcode.OK},
		{"bad order", ListOptions{OrderBy: 9}, 0, 0, errcode.InvalidArgument},
		{"bad token", ListOptions{NextPageToken: "x"}, 0, 0, errcode.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newListing(KindArtifact, 0, 0, &tt.opts)
			if errcode.Of(err) != tt.wantCode {
				t.Fatalf("err = %v, want code %v", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if l.size != tt.wantSize || l.q.OrderBy != tt.wantOrder || l.q.Limit != tt.wantSize+1 || l.q.Desc != tt.opts.Desc {
				t.Errorf("got size %d order %d limit %d desc %t", l.size, l.q.OrderBy, l.q.Limit, l.q.Desc)
			}
		})
	}
}

// TestListingTokenScope checks which option changes a token survives: the
// page size may change, nothing else.
func TestListingTokenScope(t *testing.T) {
	first, err := newListing(KindArtifact, 3, 0, &ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'x'"})
	if err != nil {
		t.Fatal(err)
	}
	tok := encodePageToken(driver.NodeKey{ID: 5, OrderValue: 77}, first.fingerprint)

	ok, err := newListing(KindArtifact, 3, 0, &ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'x'", MaxResultSize: 3, NextPageToken: tok})
	if err != nil {
		t.Fatalf("same listing, other page size: %v", err)
	}
	if ok.q.After == nil || *ok.q.After != (driver.NodeKey{ID: 5, OrderValue: 77}) {
		t.Errorf("After = %+v, want the token's key", ok.q.After)
	}

	others := []struct {
		name            string
		kind            Kind
		typeID, context int64
		opts            ListOptions
	}{
		{"other order", KindArtifact, 3, 0, ListOptions{OrderBy: OrderByUpdateTime, FilterQuery: "uri = 'x'"}},
		{"other direction", KindArtifact, 3, 0, ListOptions{OrderBy: OrderByCreateTime, Desc: true, FilterQuery: "uri = 'x'"}},
		{"other filter", KindArtifact, 3, 0, ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'y'"}},
		{"other type", KindArtifact, 4, 0, ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'x'"}},
		{"other context", KindArtifact, 3, 1, ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'x'"}},
		{"other kind", KindExecution, 3, 0, ListOptions{OrderBy: OrderByCreateTime, FilterQuery: "uri = 'x'"}},
	}
	for _, o := range others {
		t.Run(o.name, func(t *testing.T) {
			o.opts.NextPageToken = tok
			if _, err := newListing(o.kind, o.typeID, o.context, &o.opts); errcode.Of(err) != errcode.InvalidArgument {
				t.Errorf("err = %v, want InvalidArgument", err)
			}
		})
	}
}
