package galera

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/gomlmd/gomlmd/gen/mlmdpb"
)

// outcome is the result of one call of TestNodeLoss.
type outcome struct {
	node     int
	at       time.Time // when the answer came
	code     codes.Code
	err      error
	execID   int64
	execName string
}

// TestNodeLoss kills node 2 (SIGKILL) while three replicas, one per node,
// take writes, and starts it again: calls through nodes 1 and 3 keep
// succeeding, calls through node 2 fail with a retryable code (Unavailable
// or Aborted) while it is down, the same replica succeeds again once the
// node has rejoined (no restart of the replica), and every acknowledged
// write is on every node.
func TestNodeLoss(t *testing.T) {
	c := theCluster(t)
	if c.dir == "" {
		if testingCI() {
			t.Fatal("MLMD_GALERA_DIR is not set: the test needs it to kill and restart a node")
		}
		t.Skip("MLMD_GALERA_DIR is not set")
	}
	dbName := c.dbName(t)
	reps := startReplicas(t, c, dbName)
	const victim = 1 // node 2
	killed := false
	t.Cleanup(func() {
		if killed {
			c.script(t, "restart", fmt.Sprint(victim+1))
		}
	})

	// Each writer puts executions with fresh names back to back, without
	// retrying itself, until stop is closed.
	ctx := context.Background()
	var typeID int64
	et, err := reps[0].client.PutExecutionType(ctx, &pb.PutExecutionTypeRequest{ExecutionType: &pb.ExecutionType{Name: proto.String("system.ContainerExecution")}})
	if err != nil {
		t.Fatal(err)
	}
	typeID = et.GetTypeId()
	stop := make(chan struct{})
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
	)
	const writersPerReplica = 3
	for _, r := range reps {
		for wi := range writersPerReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("n%d-w%d-%d", r.node+1, wi, n)
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					res, err := r.client.PutExecution(cctx, &pb.PutExecutionRequest{Execution: &pb.Execution{
						Name: proto.String(name), TypeId: proto.Int64(typeID), LastKnownState: pb.Execution_RUNNING.Enum()}})
					cancel()
					o := outcome{node: r.node, at: time.Now(), code: status.Code(err), err: err, execName: name}
					if err == nil {
						o.execID = res.GetExecutionId()
					} else {
						time.Sleep(100 * time.Millisecond)
					}
					mu.Lock()
					outcomes = append(outcomes, o)
					mu.Unlock()
				}
			}()
		}
	}

	time.Sleep(2 * time.Second)
	killAt := time.Now()
	c.script(t, "kill", fmt.Sprint(victim+1))
	killed = true
	time.Sleep(5 * time.Second)
	restartAt := time.Now()
	c.script(t, "restart", fmt.Sprint(victim+1))
	killed = false
	rejoinedAt := time.Now()
	t.Logf("node %d killed at +0s, restarted at +%.1fs, Synced at +%.1fs", victim+1, restartAt.Sub(killAt).Seconds(), rejoinedAt.Sub(killAt).Seconds())

	// Wait until the replica of the victim has succeeded again (bounded).
	recovered := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range outcomes {
			if o.node == victim && o.err == nil && o.at.After(rejoinedAt) {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(30 * time.Second)
	for !recovered() && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	ack := newAcked()
	type tally struct{ before, downOK, downErr, afterOK, afterErr int }
	tallies := make([]tally, len(reps))
	codesSeen := map[codes.Code]int{}
	for _, o := range outcomes {
		tl := &tallies[o.node]
		switch {
		case o.at.Before(killAt):
			if o.err != nil {
				t.Errorf("node %d before the kill: %v", o.node+1, o.err)
			}
			tl.before++
		case o.at.Before(rejoinedAt):
			if o.err == nil {
				tl.downOK++
			} else {
				tl.downErr++
			}
		default:
			if o.err == nil {
				tl.afterOK++
			} else {
				tl.afterErr++
			}
		}
		if o.err != nil {
			codesSeen[o.code]++
			if o.code != codes.Unavailable && o.code != codes.Aborted {
				t.Errorf("node %d at +%.1fs: %v; want a retryable code (Unavailable or Aborted)", o.node+1, o.at.Sub(killAt).Seconds(), o.err)
			}
			if o.node != victim {
				t.Errorf("node %d (not the killed one) at +%.1fs: %v", o.node+1, o.at.Sub(killAt).Seconds(), o.err)
			}
			continue
		}
		if err := ack.add(ack.executions, o.execID, o.execName); err != nil {
			t.Error(err)
		}
	}
	for i, tl := range tallies {
		t.Logf("node %d: %d ok before the kill; while node %d was out: %d ok, %d failed; after it rejoined: %d ok, %d failed",
			i+1, tl.before, victim+1, tl.downOK, tl.downErr, tl.afterOK, tl.afterErr)
		if tl.before == 0 {
			t.Errorf("node %d: no call succeeded before the kill", i+1)
		}
		if i != victim && tl.downOK == 0 {
			t.Errorf("node %d: no call succeeded while node %d was out", i+1, victim+1)
		}
		if tl.afterOK == 0 {
			t.Errorf("node %d: no call succeeded after node %d rejoined", i+1, victim+1)
		}
	}
	if tallies[victim].downErr == 0 {
		t.Errorf("no call through node %d failed while it was down: the kill was not observed", victim+1)
	}
	t.Logf("error codes: %v", codesSeen)
	checkAcked(t, reps, ack)
	noDuplicates(t, c, dbName)
}
