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
	"github.com/gomlmd/gomlmd/mlmd"
)

// outcome is the result of one call of TestNodeLoss.
type outcome struct {
	rep      int // index in reps
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
// write is on every node. A fourth replica on node 2 with node 3 as its
// failover server keeps succeeding while node 2 is out.
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
	// A fourth replica connects to node 2 too, but lists node 3 to fail
	// over to (the failover DSN parameter).
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := mlmd.Open(ctx, "mysql", c.dsnWith(victim, dbName, map[string]string{"failover": c.addrs[2]}), nil)
		if err != nil {
			t.Fatalf("open the failover replica: %v", err)
		}
		reps = append(reps, serve(t, victim, s))
		reps[3].failover = true
	}()
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
	for ri, r := range reps {
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
					name := fmt.Sprintf("r%d-w%d-%d", ri, wi, n)
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					res, err := r.client.PutExecution(cctx, &pb.PutExecutionRequest{Execution: &pb.Execution{
						Name: proto.String(name), TypeId: proto.Int64(typeID), LastKnownState: pb.Execution_RUNNING.Enum()}})
					cancel()
					o := outcome{rep: ri, node: r.node, at: time.Now(), code: status.Code(err), err: err, execName: name}
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
			if o.rep == victim && o.err == nil && o.at.After(rejoinedAt) {
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
		tl := &tallies[o.rep]
		switch {
		case o.at.Before(killAt):
			if o.err != nil {
				t.Errorf("replica %d before the kill: %v", o.rep+1, o.err)
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
				t.Errorf("replica %d at +%.1fs: %v; want a retryable code (Unavailable or Aborted)", o.rep+1, o.at.Sub(killAt).Seconds(), o.err)
			}
			if o.node != victim {
				t.Errorf("replica %d on node %d (not the killed one) at +%.1fs: %v", o.rep+1, o.node+1, o.at.Sub(killAt).Seconds(), o.err)
			}
			continue
		}
		if err := ack.add(ack.executions, o.execID, o.execName); err != nil {
			t.Error(err)
		}
	}
	for i, tl := range tallies {
		r := reps[i]
		what := fmt.Sprintf("replica %d (node %d)", i+1, r.node+1)
		if r.failover {
			what = fmt.Sprintf("replica %d (node %d, failing over to node 3)", i+1, r.node+1)
		}
		t.Logf("%s: %d ok before the kill; while node %d was out: %d ok, %d failed; after it rejoined: %d ok, %d failed",
			what, tl.before, victim+1, tl.downOK, tl.downErr, tl.afterOK, tl.afterErr)
		if tl.before == 0 {
			t.Errorf("%s: no call succeeded before the kill", what)
		}
		if (r.node != victim || r.failover) && tl.downOK == 0 {
			t.Errorf("%s: no call succeeded while node %d was out", what, victim+1)
		}
		if tl.afterOK == 0 {
			t.Errorf("%s: no call succeeded after node %d rejoined", what, victim+1)
		}
	}
	if tallies[victim].downErr == 0 {
		t.Errorf("no call through node %d failed while it was down: the kill was not observed", victim+1)
	}
	t.Logf("error codes: %v", codesSeen)
	checkAcked(t, reps, ack)
	noDuplicates(t, c, dbName)
}
