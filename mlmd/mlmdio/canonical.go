package mlmdio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Canonical renders a stream so that the streams of two stores that hold
// the same data compare equal line by line: every id is replaced by its
// rank among the stream's records of its kind ("artifact#0"), and what a
// store sets itself is dropped (node create and update times, the
// header's created_at). Use it to check a copy: Canonical of the source's
// export equals Canonical of the copy's. It holds the rendered stream and
// one entry per id in memory.
func Canonical(r io.Reader) ([]string, error) {
	rank := map[string]map[float64]int{}
	idOf := func(line int, kind string, v any) (string, error) {
		f, ok := v.(float64)
		if !ok {
			return "", streamError(line, "%s id %v is not a number", kind, v)
		}
		n, ok := rank[kind][f]
		if !ok {
			return "", streamError(line, "%s %v is not in the stream before this line", kind, v)
		}
		return fmt.Sprintf("%s#%d", kind, n), nil
	}
	refs := []struct{ field, kind string }{
		{"artifact_id", KindArtifact}, {"execution_id", KindExecution}, {"context_id", KindContext},
		{"child_id", KindContext}, {"parent_id", KindContext},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []string
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, streamError(line, "%v", err)
		}
		kind, _ := m["kind"].(string)
		delete(m, "created_at")
		delete(m, "create_time_since_epoch")
		delete(m, "last_update_time_since_epoch")
		if id, ok := m["id"].(float64); ok {
			if rank[kind] == nil {
				rank[kind] = map[float64]int{}
			}
			rank[kind][id] = len(rank[kind])
			m["id"] = fmt.Sprintf("%s#%d", kind, rank[kind][id])
		}
		var err error
		if v, ok := m["type_id"]; ok {
			// A system type is not in the stream: its name stands for it.
			if name, _ := m["type"].(string); strings.HasPrefix(name, "mlmd.") {
				m["type_id"] = name
			} else if m["type_id"], err = idOf(line, kind+"_type", v); err != nil {
				return nil, err
			}
		}
		for _, ref := range refs {
			if v, ok := m[ref.field]; ok {
				if m[ref.field], err = idOf(line, ref.kind, v); err != nil {
					return nil, err
				}
			}
		}
		b, err = json.Marshal(m) // sorted keys
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, sc.Err()
}
