package sqlitestore_test

// A process killed with SIGKILL while its writers run, under group commit:
// every call it acknowledged is in the file, and no call is there in part.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomlmd/gomlmd/mlmd/driver"
	"github.com/gomlmd/gomlmd/mlmd/sqlitestore"
)

const crashChildEnv = "GOMLMD_CRASH_CHILD_DSN"

// crashType is the artifact type the crash test writes.
const crashType = "Crash"

func TestKillDuringGroupCommit(t *testing.T) {
	if dsn := os.Getenv(crashChildEnv); dsn != "" {
		crashChild(t, dsn)
		return
	}
	if testing.Short() {
		t.Skip("starts a second process")
	}
	dsn := "file:" + filepath.Join(t.TempDir(), "mlmd.db")
	child := exec.Command(os.Args[0], "-test.run=^TestKillDuringGroupCommit$", "-test.count=1")
	child.Env = append(os.Environ(), crashChildEnv+"="+dsn)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Read acknowledgements until enough calls have returned, then kill.
	const enough = 300
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, k)
			if len(acked) == enough {
				if err := child.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
	}
	// Acknowledgements already written count too.
	for sc.Scan() {
		if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, k)
		}
	}
	_ = child.Wait()
	if len(acked) < enough {
		t.Fatalf("the child acknowledged %d calls before it ended, want %d; stderr:\n%s", len(acked), enough, stderr.String())
	}

	c, err := sqlitestore.Driver{}.Open(context.Background(), dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stored := map[string]bool{}
	err = c.InTx(context.Background(), driver.TxOptions{ReadOnly: true}, func(tx driver.Tx) error {
		types, err := tx.FindTypes(context.Background(), driver.TypeQuery{Kind: driver.KindArtifact, NamesAnyVersion: []string{crashType}})
		if err != nil || len(types) != 1 {
			return fmt.Errorf("find the type: %v %+v", err, types)
		}
		ids, err := tx.FindNodeIDs(context.Background(), driver.KindArtifact, driver.NodeQuery{TypeID: types[0].ID})
		if err != nil {
			return err
		}
		nodes, err := tx.GetNodes(context.Background(), driver.KindArtifact, ids)
		for _, n := range nodes {
			stored[n.Name] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range acked {
		if !stored[k] || !stored[k+"/2"] {
			t.Errorf("acknowledged call %s is missing (%v, %v)", k, stored[k], stored[k+"/2"])
		}
	}
	calls := 0
	for name := range stored {
		if base, ok := strings.CutSuffix(name, "/2"); ok {
			if !stored[base] {
				t.Errorf("call %s is stored in part", base)
			}
			continue
		}
		calls++
		if !stored[name+"/2"] {
			t.Errorf("call %s is stored in part", name)
		}
	}
	t.Logf("%d calls acknowledged, %d stored", len(acked), calls)
}

// crashChild writes with 8 goroutines, two nodes per call, printing
// "ack <name>" after each call returns, until it is killed.
func crashChild(t *testing.T, dsn string) {
	ctx := context.Background()
	c, err := sqlitestore.Driver{}.Open(ctx, dsn, &driver.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var typeID int64
	err = c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
		var err error
		typeID, err = tx.InsertType(ctx, driver.TypeRow{Kind: driver.KindArtifact, Name: crashType})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				name := fmt.Sprint(g, "-", i)
				err := c.InTx(ctx, driver.TxOptions{}, func(tx driver.Tx) error {
					if _, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: name}}); err != nil {
						return err
					}
					_, err := tx.InsertNodes(ctx, driver.KindArtifact, []driver.NodeRow{{TypeID: typeID, Name: name + "/2"}})
					return err
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				mu.Lock()
				fmt.Fprintln(w, "ack", name)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
	}
}
