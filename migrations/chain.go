package migrations

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Step is one step of an MLMD schema chain: the statements that take the
// schema from version Version-1 to Version (Up) and back (Down), read from
// the file mlmd/vNN.sql of an engine's directory.
type Step struct {
	// Version is the MLMD schema version that Up reaches.
	Version int
	// Up upgrades the schema from Version-1 to Version.
	Up []string
	// Down downgrades the schema from Version to Version-1.
	Down []string
}

// MLMDChain returns the MLMD schema chain in fsys (an engine's mlmd
// directory, e.g. SQLiteMLMD): one Step per file vNN.sql, ordered by
// version. The files must form an unbroken run that ends at SchemaVersion
// (v01..v10 where MLMD knew version 0 on that engine, v02..v10 where it
// started at 1); the chain then covers the versions from the first file's
// minus one up to SchemaVersion. A missing directory, or one without
// files, is an empty chain and no error: that engine has no upgrades.
func MLMDChain(fsys fs.FS) ([]Step, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("migrations: list the MLMD chain: %w", err)
	}
	var steps []Step
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		var v int
		if _, err := fmt.Sscanf(e.Name(), "v%02d.sql", &v); err != nil || fmt.Sprintf("v%02d.sql", v) != e.Name() {
			return nil, fmt.Errorf("migrations: MLMD chain file %s: want a name vNN.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrations: read %s: %w", e.Name(), err)
		}
		up, down, err := ParseSQL(b)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", e.Name(), err)
		}
		steps = append(steps, Step{Version: v, Up: up, Down: down})
	}
	if len(steps) == 0 {
		return nil, nil
	}
	// fs.ReadDir sorts by name, and the names are zero-padded.
	for i, s := range steps {
		if want := steps[0].Version + i; s.Version != want || s.Version < 1 {
			return nil, fmt.Errorf("migrations: the MLMD chain lacks v%02d.sql", want)
		}
	}
	if last := steps[len(steps)-1].Version; last != SchemaVersion {
		return nil, fmt.Errorf("migrations: the MLMD chain ends at v%02d.sql, want v%02d.sql", last, SchemaVersion)
	}
	return steps, nil
}

// ParseSQL splits a migration in goose's SQL format into the statements of
// its Up and Down sections. The format is goose's: a section starts at a
// line "-- +goose Up" or "-- +goose Down"; a statement ends at a line
// whose text ends with a semicolon, or is enclosed in "-- +goose
// StatementBegin" and "-- +goose StatementEnd" lines when it holds
// semicolons of its own; lines that are comments outside a statement are
// skipped.
//
// gomlmd parses the files itself because goose's parser is internal to
// goose and goose's Provider runs each migration in a transaction of its
// own, while an MLMD chain runs many steps in one transaction and records
// each step in MLMDEnv, not in goose's table. The annotations that ask
// goose for something this runner cannot honour ("-- +goose NO
// TRANSACTION", "-- +goose ENVSUB ON") are refused.
func ParseSQL(src []byte) (up, down []string, err error) {
	var (
		section *[]string
		buf     strings.Builder
		inBlock bool
		sc      = bufio.NewScanner(bytes.NewReader(src))
		line    int
	)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	flush := func() {
		if s := strings.TrimSpace(buf.String()); s != "" {
			*section = append(*section, s)
		}
		buf.Reset()
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if ann, ok := strings.CutPrefix(trimmed, "-- +goose "); ok {
			switch strings.ToLower(strings.TrimSpace(ann)) {
			case "up", "down":
				if inBlock || strings.TrimSpace(buf.String()) != "" {
					return nil, nil, fmt.Errorf("line %d: %s inside an unfinished statement", line, trimmed)
				}
				if strings.EqualFold(strings.TrimSpace(ann), "up") {
					if up != nil {
						return nil, nil, fmt.Errorf("line %d: a second Up section", line)
					}
					up = []string{}
					section = &up
				} else {
					if down != nil {
						return nil, nil, fmt.Errorf("line %d: a second Down section", line)
					}
					down = []string{}
					section = &down
				}
			case "statementbegin":
				if section == nil || inBlock || strings.TrimSpace(buf.String()) != "" {
					return nil, nil, fmt.Errorf("line %d: StatementBegin out of place", line)
				}
				inBlock = true
			case "statementend":
				if !inBlock {
					return nil, nil, fmt.Errorf("line %d: StatementEnd without StatementBegin", line)
				}
				inBlock = false
				flush()
			default:
				return nil, nil, fmt.Errorf("line %d: unsupported annotation %q", line, trimmed)
			}
			continue
		}
		if section == nil {
			if trimmed == "" || strings.HasPrefix(trimmed, "--") {
				continue
			}
			return nil, nil, fmt.Errorf("line %d: a statement before the first -- +goose Up or Down", line)
		}
		if !inBlock && buf.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		buf.WriteString(text)
		buf.WriteByte('\n')
		if !inBlock && endsStatement(trimmed) {
			flush()
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if inBlock {
		return nil, nil, errors.New("StatementBegin without StatementEnd")
	}
	if strings.TrimSpace(buf.String()) != "" {
		return nil, nil, errors.New("the last statement does not end with a semicolon")
	}
	if up == nil {
		return nil, nil, errors.New("no -- +goose Up section")
	}
	return up, down, nil
}

// endsStatement reports whether a line, trimmed, ends a statement: its
// text, without a trailing "--" comment, ends with a semicolon.
func endsStatement(line string) bool {
	if i := strings.Index(line, "--"); i >= 0 && !strings.Contains(line[:i], "'") {
		line = strings.TrimSpace(line[:i])
	}
	return strings.HasSuffix(line, ";")
}
