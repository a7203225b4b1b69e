package mlmdio

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gomlmd/gomlmd/mlmd"
)

// The limits of MLMD's MySQL and PostgreSQL schemas that SQLite does not
// have, so that a SQLite store may hold what another backend refuses.
const (
	// maxNameLen is the length, in characters, of the VARCHAR(255)
	// columns: node, type and property names, versions, external ids.
	maxNameLen = 255
	// maxURILen is the length in bytes of MySQL's TEXT, Artifact.uri.
	maxURILen = 1<<16 - 1
	// maxStringLen is the length in bytes of MySQL's MEDIUMTEXT, a string
	// property's column.
	maxStringLen = 1<<24 - 1
)

// beyondLimits returns, for a record holding a value beyond the limits of
// MLMD's MySQL or PostgreSQL schema, which value and why (`custom
// property "n": int value 5000000000 is outside the 32-bit range of
// int_value`); "" if it holds none. Import uses it to name the cause when
// the store refuses a batch as InvalidArgument.
func beyondLimits(rec record) string {
	for _, f := range []struct{ field, v string }{
		{"name", rec.Name}, {"external_id", rec.ExternalID}, {"version", rec.Version},
	} {
		if why := nameBeyondLimits(f.v); why != "" {
			return f.field + " " + why
		}
	}
	if len(rec.URI) > maxURILen {
		return fmt.Sprintf("uri is %d bytes long, more than MySQL's TEXT holds (%d)", len(rec.URI), maxURILen)
	}
	for _, f := range []struct{ field, v string }{{"uri", rec.URI}, {"description", rec.Description}} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return f.field + " holds a NUL character, which PostgreSQL's text cannot hold"
		}
	}
	for _, props := range []struct {
		what string
		m    map[string]value
	}{{"property", rec.Properties}, {"custom property", rec.CustomProperties}} {
		for _, name := range slices.Sorted(maps.Keys(props.m)) {
			if why := valueBeyondLimits(name, props.m[name].v); why != "" {
				return fmt.Sprintf("%s %q: %s", props.what, name, why)
			}
		}
	}
	for name := range rec.PropertyTypes {
		if why := nameBeyondLimits(name); why != "" {
			return fmt.Sprintf("property type %q: name %s", name, why)
		}
	}
	for i, s := range rec.Path {
		if s.Index != nil && (*s.Index < math.MinInt32 || *s.Index > math.MaxInt32) {
			return fmt.Sprintf("path step %d: index %d is outside the 32-bit range of EventPath.step_index", i, *s.Index)
		}
		if s.Key != nil && strings.IndexByte(*s.Key, 0) >= 0 {
			return fmt.Sprintf("path step %d: the key holds a NUL character, which PostgreSQL's text cannot hold", i)
		}
	}
	return ""
}

// nameBeyondLimits checks a value of a VARCHAR(255) column.
func nameBeyondLimits(s string) string {
	if n := utf8.RuneCountInString(s); n > maxNameLen {
		return fmt.Sprintf("is %d characters long, more than VARCHAR(%d) holds", n, maxNameLen)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "holds a NUL character, which PostgreSQL's text cannot hold"
	}
	return ""
}

// valueBeyondLimits checks a property and its value.
func valueBeyondLimits(name string, v mlmd.Value) string {
	if why := nameBeyondLimits(name); why != "" {
		return "the name " + why
	}
	switch v.Type() {
	case mlmd.PropertyInt:
		if i := v.AsInt(); i < math.MinInt32 || i > math.MaxInt32 {
			return fmt.Sprintf("int value %d is outside the 32-bit range of int_value", i)
		}
	case mlmd.PropertyString:
		s := v.AsString()
		if len(s) > maxStringLen {
			return fmt.Sprintf("string value is %d bytes long, more than MySQL's MEDIUMTEXT holds (%d)", len(s), maxStringLen)
		}
		if strings.IndexByte(s, 0) >= 0 {
			return "string value holds a NUL character, which PostgreSQL's text cannot hold"
		}
	}
	return ""
}

// recordName names a record for a message: `artifact 17` (its id in the
// stream), `event (artifact 3, execution 5)`.
func recordName(rec record) string {
	switch rec.Kind {
	case KindEvent:
		return fmt.Sprintf("event (artifact %d, execution %d)", rec.ArtifactID, rec.ExecutionID)
	case KindArtifactType, KindExecutionType, KindContextType:
		return fmt.Sprintf("%s %q", rec.Kind, rec.Name)
	}
	return fmt.Sprintf("%s %d", rec.Kind, rec.ID)
}

// notUTF8 returns which string of a record is not valid UTF-8 (SQLite
// stores such strings; MySQL and PostgreSQL refuse them), or "". JSON
// cannot carry such a string: encoding/json would replace its bad bytes
// with U+FFFD and change the value silently, so Export refuses it.
func notUTF8(rec record) string {
	for _, f := range []struct{ field, v string }{
		{"name", rec.Name}, {"external_id", rec.ExternalID}, {"version", rec.Version}, {"description", rec.Description},
		{"input_type", rec.InputType}, {"output_type", rec.OutputType}, {"uri", rec.URI},
	} {
		if !utf8.ValidString(f.v) {
			return f.field
		}
	}
	for _, props := range []struct {
		what string
		m    map[string]value
	}{{"property", rec.Properties}, {"custom property", rec.CustomProperties}} {
		for _, name := range slices.Sorted(maps.Keys(props.m)) {
			if !utf8.ValidString(name) {
				return fmt.Sprintf("the name of %s %q", props.what, name)
			}
			if v := props.m[name].v; v.Type() == mlmd.PropertyString && !utf8.ValidString(v.AsString()) {
				return fmt.Sprintf("%s %q", props.what, name)
			}
		}
	}
	for name := range rec.PropertyTypes {
		if !utf8.ValidString(name) {
			return fmt.Sprintf("the name of property type %q", name)
		}
	}
	for i, s := range rec.Path {
		if s.Key != nil && !utf8.ValidString(*s.Key) {
			return fmt.Sprintf("the key of path step %d", i)
		}
	}
	return ""
}
